"""Tokens for the REST API: a person's own, for one of their organisations."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revans.accounts import posting
from revans.accounts.models import HasRoles, Organisation

TOKEN_PREFIX = "revans_api_"  # noqa: S105 (a label, not a secret)


def token_digest(secret: str) -> str:
    """Kept as its SHA-256: a long random secret needs no slow hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def live(self) -> "ApiTokenQuerySet":
        now = timezone.now()
        return self.filter(revoked_at=None).filter(
            models.Q(expires_at=None) | models.Q(expires_at__gt=now)
        )


class ApiToken(HasRoles):
    """A token for one organisation, shown once. A person's acts as them, with the roles they
    hold there now (its role flags are unused). An organisation's is made by an admin and acts
    with the roles it was given (admin, sponsor: no person's own content); its `user` is an
    account of its own that cannot sign in, so it holds no place in any set and what it does is
    told apart from what people do."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    for_organisation = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Such as “Power BI”."))
    can_write = models.BooleanField(
        _("may change things"), default=False, help_text=_("Without it, the token only reads.")
    )
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=8, editable=False)  # the secret's last characters
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # A person's token takes its roles from their membership; an organisation's holds
            # organisation-wide roles only.
            models.CheckConstraint(
                condition=models.Q(is_facilitator=False, is_participant=False)
                & (
                    models.Q(for_organisation=False, is_admin=False, is_sponsor=False)
                    | models.Q(for_organisation=True, is_admin=True)
                    | models.Q(for_organisation=True, is_sponsor=True)
                ),
                name="api_token_roles",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def scopes(self) -> list[str]:
        return ["read", "write"] if self.can_write else ["read"]


class Event(models.TextChoices):
    MEETING_SCHEDULED = "meeting.scheduled", _("a meeting is scheduled")
    MEETING_MOVED = "meeting.moved", _("a meeting is moved or changed")
    MEETING_CANCELLED = "meeting.cancelled", _("a meeting is cancelled")
    ATTENDANCE_RECORDED = "attendance.recorded", _("attendance is recorded")
    ACTION_DUE = "action.due", _("an action falls due")
    REPORT_READY = "report.ready", _("a board report is ready")
    FORMATION_ACCEPTED = "formation.accepted", _("a formation proposal is accepted")
    SET_JOINED = "set.joined", _("a person joins a set")
    SET_LEFT = "set.left", _("a person leaves a set")


def new_signing_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class Webhook(models.Model):
    """An HTTPS endpoint of the organisation's, told of the events its admin picked. Deliveries
    carry ids and links, never what anyone wrote; they are signed with `secret`."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(_("endpoint (https)"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=80, default=new_signing_secret, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.url


class Delivery(posting.Delivery):
    """One event for one endpoint: sent by the worker, retried with back-off, kept as a log
    (`revans.accounts.posting`)."""

    ENDPOINT = "webhook"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40, choices=Event.choices)
    payload = models.JSONField()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} to {self.webhook}"
