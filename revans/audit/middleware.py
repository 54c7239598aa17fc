"""Who is acting in this request, and from where, for the entries it records: set once here (or
by the API's token), read by `services.record`, so no service needs to be told who asked."""

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Acting:
    user_id: int | None
    ip: str | None
    via: str = ""


acting: ContextVar[Acting | None] = ContextVar("acting", default=None)


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR as the server sees it: behind a proxy, the proxy sets it (docs/operations.md).
    return request.META.get("REMOTE_ADDR") or None


class AuditMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        who = user.pk if user is not None and user.is_authenticated else None
        token = acting.set(Acting(user_id=who, ip=client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            acting.reset(token)


def act_as(user_id: int, ip: str | None, via: str) -> None:
    """For a request whose person is known only later (an API token's)."""
    acting.set(Acting(user_id=user_id, ip=ip, via=via))
