"""An organisation's identity provider: single sign-on (OIDC or SAML, through allauth's
providers) and SCIM provisioning, with a record of every change either makes."""

import hashlib
import secrets
import uuid

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revans.accounts.models import Organisation
from revans.programmes.models import Participant


class SignOn(models.Model):
    """How an organisation's people sign in through its identity provider.

    allauth reads the provider from `app`, a SocialApp this row writes (services.sign_on_save):
    an OIDC app by its provider_id (`oidc-<slug>`), a SAML app by its client_id (`<slug>`).
    """

    class Protocol(models.TextChoices):
        OIDC = "oidc", _("OpenID Connect")
        SAML = "saml", _("SAML 2.0")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="sign_on"
    )
    protocol = models.CharField(_("protocol"), max_length=4, choices=Protocol.choices)
    display_name = models.CharField(
        _("name on the sign-in button"),
        max_length=100,
        help_text=_("What your people know it as, such as “Acme account” or “Okta”."),
    )
    # OpenID Connect
    discovery_url = models.URLField(
        _("issuer or discovery URL"),
        max_length=500,
        blank=True,
        help_text=_("The issuer, or its /.well-known/openid-configuration address."),
    )
    client_id = models.CharField(_("client ID"), max_length=255, blank=True)
    client_secret = models.CharField(_("client secret"), max_length=500, blank=True)
    # SAML 2.0: the IdP's metadata, by address or pasted
    metadata_url = models.URLField(_("IdP metadata URL"), max_length=500, blank=True)
    metadata_xml = models.TextField(_("IdP metadata XML"), blank=True)
    # Off by default: an answer nobody here asked for lets a stranger sign someone in as
    # themselves (login CSRF); some portals (Okta's, Entra's My Apps) need it on.
    idp_initiated = models.BooleanField(
        _("allow sign-in started at the identity provider (IdP-initiated)"), default=False
    )
    groups_scope = models.BooleanField(
        _("ask for the “groups” scope"),
        default=False,
        help_text=_("Okta sends groups only when asked; Entra ID and Google do not use it."),
    )
    # One line per group: "Group name = role, role"; everyone else joins as a participant.
    group_roles = models.JSONField(_("roles from groups"), default=dict, blank=True)
    enabled = models.BooleanField(_("enabled"), default=False)
    required = models.BooleanField(
        _("required"),
        default=False,
        help_text=_(
            "People at your proven domains must sign in here: passwords, password resets and "
            "passkeys are refused for them."
        ),
    )
    # Where the browser is sent to sign in (the authorization or SSO endpoint's origin): the
    # page that sends it there must allow that origin as a form's target (its CSP).
    sign_in_origin = models.CharField(max_length=300, blank=True, editable=False)
    app = models.OneToOneField(
        SocialApp, on_delete=models.SET_NULL, null=True, blank=True, related_name="sign_on"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(required=False) | models.Q(enabled=True),
                name="sign_on_required_only_when_enabled",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_protocol_display()} for {self.organisation}"


TOKEN_PREFIX = "revans_scim_"  # noqa: S105 (a label, not a secret)


def token_digest(secret: str) -> str:
    """Tokens are stored as their SHA-256: long random secrets need no slow hash."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_token_secret() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ScimTokenQuerySet(models.QuerySet["ScimToken"]):
    def live(self) -> "ScimTokenQuerySet":
        return self.filter(revoked_at=None)


class ScimToken(models.Model):
    """A bearer token for the organisation's SCIM client: shown once, kept only as a digest."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="scim_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Such as “Entra ID”."))
    digest = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(max_length=8, editable=False)  # the secret's last characters
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScimTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ScimUser(models.Model):
    """A User resource as the organisation's SCIM client keeps it.

    `resource` holds what the client sent (core and enterprise attributes) so it reads back as it
    was written; the people it describes live in the pool (`participant`) and, when its email is
    at one of the organisation's proven domains, as an account with a membership (`user`).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="scim_users"
    )
    user_name = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True)
    resource = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=1)
    participant = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("user_name"), name="scim_user_name_once_per_organisation"
            ),
            models.UniqueConstraint(
                fields=["organisation", "external_id"],
                condition=~models.Q(external_id=""),
                name="scim_external_id_once_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.user_name


class IdentityChange(models.Model):
    """One change that arrived by single sign-on or SCIM, for the organisation's admins."""

    class Source(models.TextChoices):
        SSO = "sso", _("single sign-on")
        SCIM = "scim", _("SCIM")

    class Action(models.TextChoices):
        JOINED = "joined", _("joined")
        UPDATED = "updated", _("updated")
        DEACTIVATED = "deactivated", _("deactivated")
        REACTIVATED = "reactivated", _("reactivated")
        DELETED = "deleted", _("deleted")
        REFUSED = "refused", _("refused")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="identity_changes"
    )
    at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=4, choices=Source.choices)
    by = models.CharField(max_length=200)  # the token's name, or the provider's
    subject = models.CharField(max_length=255)  # the email or userName it concerned
    action = models.CharField(max_length=12, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True)  # {field: [before, after]} or a reason

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-at"], name="identity_change_recent")]

    def __str__(self) -> str:
        return f"{self.subject} {self.action} by {self.source}"


class UsedAssertion(models.Model):
    """A SAML response or assertion ID already posted to an organisation's ACS: each is accepted
    once (allauth binds SP-initiated answers to their request, not IdP-initiated ones). Kept a
    day, far past any assertion's life (sweeps.py)."""

    key = models.CharField(max_length=400, unique=True)  # "<slug>:<ID>"
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return self.key
