from typing import Any

from django.http import HttpRequest

from .access import memberships_of


def organisations(request: HttpRequest) -> dict[str, Any]:
    """The organisations a signed-in person may switch between, and the current one."""
    if not request.user.is_authenticated:
        return {}
    return {
        "my_memberships": memberships_of(request),
        # Set by access.org_view on pages inside /o/<org>/.
        "organisation": getattr(request, "organisation", None),
        "membership": getattr(request, "membership", None),
    }


def session_clock(request: HttpRequest) -> dict[str, Any]:
    """When the session ends (set by SessionTimeoutMiddleware), for the page's warning."""
    clock = getattr(request, "session_clock", None)
    return {"session_clock": clock} if clock else {}
