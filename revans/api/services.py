"""Writes about API tokens: made (the secret shown once), revoked, used."""

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts.models import Membership, Organisation, Role, User
from revans.audit import services as audit
from revans.audit.models import Event as AuditEvent

from .models import ApiToken, new_token_secret, token_digest

MAX_LIVE_TOKENS = 50
# Written at most once a minute: a client polling every second is one token, not a row a second.
USE_PRECISION = timedelta(minutes=1)


ORGANISATION_ROLES = (Role.ADMIN, Role.SPONSOR)
# An organisation token's own account: never a deliverable address (RFC 2606), never signed in.
TOKEN_ACCOUNT_DOMAIN = "api-token.invalid"  # noqa: S105 (a domain, not a secret)


@transaction.atomic
def token_create(
    *, user: User, membership: Membership, name: str, can_write: bool, expires_at: datetime | None
) -> tuple[ApiToken, str]:
    """A token acting as `user` in the membership's organisation; only its digest is kept."""
    if membership.user_id != user.pk or not membership.is_active:
        raise ValidationError(_("You can make tokens only for organisations you are a member of."))
    if ApiToken.objects.live().filter(user=user).count() >= MAX_LIVE_TOKENS:
        raise ValidationError(
            _("You have %(n)s tokens in use: revoke one you no longer need first.")
            % {"n": MAX_LIVE_TOKENS}
        )
    token = ApiToken(user=user, organisation=membership.organisation, created_by=user, name=name)
    return token, _issue(token, can_write=can_write, expires_at=expires_at)


@transaction.atomic
def organisation_token_create(
    *,
    organisation: Organisation,
    by: User,
    name: str,
    roles: Iterable[Role],
    can_write: bool,
    expires_at: datetime | None,
) -> tuple[ApiToken, str]:
    """A token of the organisation's (an admin makes it), acting with organisation-wide roles
    through an account of its own that cannot sign in."""
    chosen = set(roles)
    if not chosen or chosen - set(ORGANISATION_ROLES):
        raise ValidationError(_("Choose admin, sponsor or both."))
    live = ApiToken.objects.live().filter(organisation=organisation, for_organisation=True)
    if live.count() >= MAX_LIVE_TOKENS:
        raise ValidationError(
            _("The organisation has %(n)s tokens in use: revoke one it no longer needs first.")
            % {"n": MAX_LIVE_TOKENS}
        )
    account = User(
        email=f"{uuid.uuid4().hex}@{TOKEN_ACCOUNT_DOMAIN}",
        name=_("%(name)s (organisation token)") % {"name": name},
        is_active=False,
    )
    account.set_unusable_password()
    account.full_clean()
    account.save()
    token = ApiToken(
        user=account, organisation=organisation, for_organisation=True, created_by=by, name=name
    )
    token.set_roles(chosen)
    return token, _issue(token, can_write=can_write, expires_at=expires_at)


def _issue(token: ApiToken, *, can_write: bool, expires_at: datetime | None) -> str:
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("A token cannot expire before it is made."))
    secret = new_token_secret()
    token.can_write = can_write
    token.expires_at = expires_at
    token.digest = token_digest(secret)
    token.hint = secret[-4:]
    token.full_clean()
    token.save()
    audit.record(
        AuditEvent.API_TOKEN_MADE,
        organisation=token.organisation_id,
        subject=None if token.for_organisation else token.user_id,
        target=audit.target(token),
        detail={"roles": [r.value for r in token.roles], "can_write": token.can_write},
    )
    return secret


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            AuditEvent.API_TOKEN_REVOKED,
            organisation=token.organisation_id,
            subject=None if token.for_organisation else token.user_id,
            target=audit.target(token),
        )
    return token


def token_used(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
