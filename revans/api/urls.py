from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver
from django.views.decorators.http import require_safe

from . import endpoints  # noqa: F401 (the resources register themselves on the api)
from .api import PROBLEM_TYPE, api, problem

# The schema and its docs page: read by anyone, and only read (ninja answers any method).
PUBLIC = {"openapi-json", "openapi-view"}


@require_safe
def _root(request: HttpRequest) -> HttpResponse:
    """/api/v1/ itself: to its documentation."""
    return redirect("api:openapi-view")


@api.api_operation(
    ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    "/{path:rest}",
    include_in_schema=False,
)
def _not_found(request: HttpRequest, rest: str) -> HttpResponse:
    """Registered after every resource: an address that is none of theirs is a problem+json
    404 (to a request with a live token; without one, 401 as everywhere)."""
    raise Http404


def _problem_if_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """ninja answers a method an address lacks with a bare 405; a client reads problem+json."""

    @wraps(view)
    def answered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and response.get("Content-Type") != PROBLEM_TYPE:
            return problem(405, "This address does not take that method.", Allow=response["Allow"])
        return response

    return answered


def _token_only(patterns: list[Any]) -> list[Any]:
    """The API is opened by its token, not a session: LoginRequiredMiddleware lets it through
    (BearerToken refuses what has no live token)."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _token_only(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            if pattern.name in PUBLIC:
                pattern.callback = require_safe(pattern.callback)
            if pattern.name == "api-root":
                pattern.callback = _root
            else:
                pattern.callback = _problem_if_not_allowed(pattern.callback)
            pattern.callback.login_required = False  # type: ignore[union-attr]
    return patterns


patterns, app_name, namespace = api.urls
urlpatterns = _token_only(list(patterns))
