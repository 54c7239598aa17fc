"""Writes about API tokens: made (the secret shown once), revoked, used."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts.models import Membership, User

from .models import ApiToken, new_token_secret, token_digest

MAX_LIVE_TOKENS = 50
# Written at most once a minute: a client polling every second is one token, not a row a second.
USE_PRECISION = timedelta(minutes=1)


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
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError(_("A token cannot expire before it is made."))
    secret = new_token_secret()
    token = ApiToken(
        user=user,
        organisation=membership.organisation,
        name=name,
        can_write=can_write,
        expires_at=expires_at,
        digest=token_digest(secret),
        hint=secret[-4:],
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_used(*, token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
