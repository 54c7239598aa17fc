"""Who the API is speaking with: the holder of a live token, as its person, with the roles they
hold in its organisation now. Every resource then asks the same access helpers as the pages
(`programmes.access`, `meetings.access`, ...) with the request this makes."""

import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from ninja.security import HttpBearer

from revans.accounts.access import OrgRequest, for_admin, needs_mfa_setup
from revans.accounts.models import Membership

from . import services
from .models import ApiToken, Webhook, token_digest


class TooManyRequests(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after


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
        if found is None or not found.user.is_active:
            return None
        membership = (
            Membership.objects.select_related("organisation", "user")
            .filter(user=found.user, organisation=found.organisation, is_active=True)
            .first()
        )
        if membership is None:  # they left: the token goes no further than they may
            return None
        if needs_mfa_setup(request, membership):
            raise SecondFactorFirst
        _limit(found)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not found.can_write:
            raise ReadOnlyToken
        services.token_used(token=found)
        request.user = found.user
        request.membership = membership  # type: ignore[attr-defined]
        request.organisation = membership.organisation  # type: ignore[attr-defined]
        request.api_token = found  # type: ignore[attr-defined]
        return found


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
