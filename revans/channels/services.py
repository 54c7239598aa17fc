"""Writes about chat channels: connect (or connect again), disconnect, send a test message. One
transaction each; messages are rows written in it and handed to the worker after it commits."""

import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts.models import User
from revans.web import LOOPBACK, secure_url

from . import deliveries
from .access import Scope
from .models import Channel, Delivery

# Where each service's incoming webhooks live. Slack: its incoming webhooks (Workflow Builder's
# webhooks take other bodies). Teams: Workflows' "when a Teams webhook request is received"
# (logic.azure.com, and environment.api.powerplatform.com for newer flows; powerautomate.com),
# and Office 365 connectors' incoming webhooks (webhook.office.com), which Microsoft is retiring.
SLACK_HOSTS = ("hooks.slack.com", "hooks.slack-gov.com")
SLACK_PATH = "/services/"
TEAMS_DOMAINS = ("logic.azure.com", "powerplatform.com", "powerautomate.com", "webhook.office.com")


def check_address(kind: str, url: str) -> None:
    """An https address of the chosen service's incoming webhooks (plain http to this machine
    only where the settings allow it, for tests and development); refused in words."""
    secure_url(url)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if settings.ALLOW_LOOPBACK_URLS and (host in LOOPBACK or f"[{host}]" in LOOPBACK):
        return
    if kind == Channel.Kind.SLACK:
        if host not in SLACK_HOSTS or not parts.path.startswith(SLACK_PATH):
            raise ValidationError(
                _(
                    "That is not a Slack incoming webhook: its address starts with "
                    "https://hooks.slack.com/services/."
                )
            )
    elif kind == Channel.Kind.TEAMS:
        if not any(host == domain or host.endswith(f".{domain}") for domain in TEAMS_DOMAINS):
            raise ValidationError(
                _(
                    "That is not a Microsoft Teams webhook: a Workflows webhook's address is at "
                    "logic.azure.com, powerplatform.com or powerautomate.com (an older incoming "
                    "webhook's at webhook.office.com)."
                )
            )
    else:
        raise ValidationError(_("Choose Slack or Microsoft Teams."))


@transaction.atomic
def channel_connect(*, scope: Scope, kind: str, url: str, by: User) -> Channel:
    """Connect the scope's channel, or connect it again (a new address, or after it was
    switched off): what was still waiting for the old connection is dropped, and the meetings
    within reach are announced to the new one."""
    url = url.strip()
    check_address(kind, url)
    channel = (
        Channel.objects.select_for_update()
        .filter(programme=scope.programme, learning_set=scope.learning_set)
        .first()
    )
    if channel is None:
        channel = Channel(programme=scope.programme, learning_set=scope.learning_set)
    elif channel.is_on and (channel.kind, channel.url) == (kind, url):
        raise ValidationError(_("This channel is connected already."))
    else:
        waiting = Delivery.objects.filter(channel=channel, next_attempt_at__isnull=False)
        waiting.update(next_attempt_at=None, skipped="connected again")
    now = timezone.now()
    channel.kind, channel.url, channel.connected_by = kind, url, by
    channel.connected_at, channel.switched_off_at = now, None
    channel.full_clean()
    channel.save()
    deliveries.send_after_commit(deliveries.announce_due(now=now, channels=[channel]))
    return channel


def _connected(scope: Scope) -> Channel:
    channel = scope.channel()
    if channel is None:
        raise ValidationError(_("No chat channel is connected."))
    return channel


@transaction.atomic
def channel_disconnect(*, scope: Scope) -> None:
    """Nothing more is posted; the channel and its log are deleted."""
    _connected(scope).delete()


@transaction.atomic
def channel_test(*, scope: Scope) -> Delivery:
    """A message that says the channel is connected, in the channel's order."""
    channel = _connected(scope)
    if not channel.is_on:
        raise ValidationError(_("This channel is switched off: connect it again first."))
    delivery = deliveries.make(channel, None, Delivery.Kind.TEST, str(uuid.uuid4()), timezone.now())
    delivery.save()
    deliveries.send_after_commit([channel.pk])
    return delivery
