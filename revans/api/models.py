"""Tokens for the REST API: a person's own, for one of their organisations."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revans.accounts.models import Organisation

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


class ApiToken(models.Model):
    """A person's token: it acts as them, with their roles, in one organisation. Shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
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

    def __str__(self) -> str:
        return self.name

    @property
    def scopes(self) -> list[str]:
        return ["read", "write"] if self.can_write else ["read"]
