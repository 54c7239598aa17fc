"""Who the API is speaking with: the holder of a live token, as its person with the roles
they hold in its organisation now, or as the organisation with the roles its token was given.
Every resource then asks the same access helpers as the pages (`programmes.access`,
`meetings.access`, ...) with the request this makes."""

import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from ninja.security import HttpBearer

from revans.accounts.access import OrgRequest, for_admin, needs_mfa_setup
from revans.accounts.models import Membership
from revans.audit.middleware import act_as, client_ip

from . import services
from .models import ApiToken, Webhook, token_digest


class TooManyRequests(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after


class TooLarge(Exception):
    pass


# Far more than any record the API takes (the longest text is 10,000 characters), far less
# than what Django reads into memory.
MAX_BODY = 256 * 1024


class ReadOnlyToken(Exception):
    pass


class SecondFactorFirst(Exception):
    """The organisation asks this person for two-factor authentication they have not set up."""


class BearerToken(HttpBearer):
    """`Authorization: Bearer <secret>`; the request becomes an OrgRequest (user, membership,
    organisation). No live token: None (401); a read-only token writing, or a person the MFA
    policy stops, 403; over the minute's requests, 429."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or len(token) > 200:
            return None
        found = (
            ApiToken.objects.live()
            .select_related("user", "organisation")
            .filter(digest=token_digest(token))
            .first()
        )
        if found is None:
            return None
        membership = _membership(found)
        if membership is None:  # they left: the token goes no further than they may
            return None
        if not found.for_organisation and needs_mfa_setup(request, membership):
            raise SecondFactorFirst
        _limit(found)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not found.can_write:
            raise ReadOnlyToken
        if _declared_length(request) > MAX_BODY:
            raise TooLarge
        services.token_used(token=found)
        act_as(found.user_id, client_ip(request), via="api")
        request.user = found.user
        request.membership = membership  # type: ignore[attr-defined]
        request.organisation = membership.organisation  # type: ignore[attr-defined]
        request.api_token = found  # type: ignore[attr-defined]
        return found


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:  # Django reads such a body as empty
        return 0


def _membership(token: ApiToken) -> Membership | None:
    """A person's token: their membership now. An organisation's: one made of the roles it was
    given (its account holds no place in any set)."""
    if token.for_organisation:
        return Membership(
            user=token.user, organisation=token.organisation, is_active=True, **token.role_flags()
        )
    if not token.user.is_active:
        return None
    return (
        Membership.objects.select_related("organisation", "user")
        .filter(user=token.user, organisation=token.organisation, is_active=True)
        .first()
    )


def _limit(token: ApiToken) -> None:
    """A fixed window a minute long per token (the shared cache, so it holds across servers)."""
    cache = caches["api"]
    window = int(time.time() // 60)
    key = f"rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=120)
    try:
        used = cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        used = 1
        cache.set(key, used, timeout=120)
    if used > settings.API_RATE_LIMIT_PER_MINUTE:
        raise TooManyRequests(retry_after=60 - int(time.time() % 60))


def get_webhook_for_admin(request: OrgRequest, webhook_id: int) -> Webhook:
    return for_admin(request, Webhook.objects.all(), webhook_id)


def get_organisation_token_for_admin(request: OrgRequest, organisation_token_id: int) -> ApiToken:
    return for_admin(request, ApiToken.objects.filter(for_organisation=True), organisation_token_id)
