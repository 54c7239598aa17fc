"""Email that must leave exactly once: the abstract outbox that every table of notices extends,
and its one sender. A notice is a row, unique by its key, written in the transaction that makes it
due (a rolled-back request leaves none); `send_outbox` claims each row by a conditional update
before sending, so two workers or sweeps never send one twice, and releases the claim if sending
fails so that a later sweep tries again. Emails that carry a one-time secret (a sign-in or reset
link) are not kept as rows: `services.send_later` hands them to the worker instead."""

import hashlib
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

RECLAIM_AFTER = timedelta(minutes=10)  # a claim this old belongs to a sender that died
logger = logging.getLogger(__name__)


class Outbox(models.Model):
    """One email to one person, sent exactly once (the subclass says about what, and its kinds)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12)
    key = models.CharField(max_length=200, unique=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped = models.CharField(max_length=100, blank=True)

    class Meta:
        abstract = True  # each table indexes (sent_at, claimed_at): what the sender looks up


def message_id(kind: str, *parts: object) -> str:
    """A Message-ID valid by RFC 5322 (a dot-atom on each side of the @), unique by its parts
    (a digest of them, whatever characters they hold) and short enough not to be folded."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"<{kind}.{digest}@{urlsplit(settings.SITE_URL).hostname or 'revans'}>"


def text(template: str, context: dict[str, object]) -> str:
    """An email's plain text (subject or body): rendered without HTML escaping, so that a set
    named "R&D" arrives as "R&D"."""
    return render_to_string(template, context, using="text")


def subject(template: str, context: dict[str, object]) -> str:
    """An email's subject: its template's text on one line, after the site's prefix."""
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(text(template, context).split())


def _unclaimed(now: datetime) -> Q:
    return Q(sent_at=None, skipped="") & (
        Q(claimed_at=None) | Q(claimed_at__lt=now - RECLAIM_AFTER)
    )


def send_outbox[Row: Outbox](
    model: type[Row],
    *,
    now: datetime,
    related: Sequence[str],
    obsolete: Callable[[Row], str],
    message: Callable[[Row], EmailMessage],
) -> int:
    """Send each due row of an outbox exactly once: claimed by a conditional update first,
    skipped with the reason `obsolete` gives, released if sending fails so that a later sweep
    tries again. Returns how many this call sent."""
    sent = 0
    rows = model._default_manager
    for pk in rows.filter(_unclaimed(now)).order_by("pk").values_list("pk", flat=True):
        # Each claim carries the moment it was made, not the batch's start: a long batch's late
        # claims are fresh, so a second sweep cannot take them as a dead sender's and send again.
        claimed = timezone.now()
        if not rows.filter(_unclaimed(claimed), pk=pk).update(claimed_at=claimed):
            continue  # another sender has it
        row = rows.select_related(*related).get(pk=pk)
        reason = obsolete(row)
        if reason:
            rows.filter(pk=pk).update(skipped=reason)
            continue
        try:
            message(row).send()
        except Exception:
            logger.exception(
                "%s %s could not be sent; the next sweep tries again", model.__name__, pk
            )
            rows.filter(pk=pk).update(claimed_at=None)
            continue
        rows.filter(pk=pk).update(sent_at=now)
        sent += 1
    return sent
