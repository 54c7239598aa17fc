"""The audit trail: who did what to whose account or organisation, and when. Append-only: the
app never changes or deletes an entry (the model refuses), and on PostgreSQL a trigger refuses
it whoever asks. An entry names people by their account, never by a copy of their name or
address, and carries no confidential text: ids, role names and field names only."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    SIGNED_IN = "signed_in", _("signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("a sign-in failed")
    MFA_ADDED = "mfa_added", _("two-factor authentication added")
    MFA_REMOVED = "mfa_removed", _("two-factor authentication removed")
    MFA_RESET = "mfa_reset", _("two-factor recovery codes renewed")
    SSO_CHANGED = "sso_changed", _("single sign-on settings changed")
    SCIM_TOKEN_MADE = "scim_token_made", _("a provisioning (SCIM) token made")
    SCIM_TOKEN_REVOKED = "scim_token_revoked", _("a provisioning (SCIM) token revoked")
    ROLES_CHANGED = "roles_changed", _("roles changed")
    INVITED = "invited", _("invited")
    INVITATION_REVOKED = "invitation_revoked", _("an invitation revoked")
    JOINED = "joined", _("joined the organisation")
    DEACTIVATED = "deactivated", _("deactivated")
    REACTIVATED = "reactivated", _("reactivated")
    FACILITATOR_ADDED = "facilitator_added", _("made a set's facilitator")
    FACILITATOR_ENDED = "facilitator_ended", _("no longer a set's facilitator")
    EXPORTED = "exported", _("exported")
    REPORT_DOWNLOADED = "report_downloaded", _("a board report downloaded")
    ERASED = "erased", _("personal data erased")
    API_TOKEN_MADE = "api_token_made", _("an API token made")
    API_TOKEN_REVOKED = "api_token_revoked", _("an API token revoked")
    WEBHOOK_ADDED = "webhook_added", _("a webhook added")
    WEBHOOK_REMOVED = "webhook_removed", _("a webhook removed")
    ACCESS_REFUSED = "access_refused", _("access refused")


class AppendOnly(models.QuerySet["Entry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("The audit trail is append-only.")

    def delete(self) -> NoReturn:
        raise PermissionError("The audit trail is append-only.")


class Entry(models.Model):
    # No database constraint: an entry outlives what it names and never blocks its deletion.
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    event = models.CharField(max_length=40, choices=Event.choices)
    actor = models.ForeignKey(  # who did it; empty: Revans itself (the sweep, the worker)
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    subject = models.ForeignKey(  # whose account it is about, if anyone's
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    target = models.CharField(max_length=100, blank=True)  # "<kind>:<id>", such as "set:12"
    detail = models.JSONField(default=dict, blank=True)  # ids, role and field names: no text
    ip = models.GenericIPAddressField(null=True, blank=True)
    via = models.CharField(max_length=20, blank=True)  # "api" for a token's request

    objects = AppendOnly.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-at"], name="audit_org_at")]
        verbose_name_plural = "entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionError("The audit trail is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("The audit trail is append-only.")
