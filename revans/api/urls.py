from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, URLResolver
from django.views.decorators.http import require_safe

from . import endpoints  # noqa: F401 (the resources register themselves on the api)
from .api import api

# The schema and its docs page: read by anyone, and only read (ninja answers any method).
PUBLIC = {"openapi-json", "openapi-view"}


@require_safe
def _root(request: HttpRequest) -> HttpResponse:
    """/api/v1/ itself: to its documentation."""
    return redirect("api:openapi-view")


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
            pattern.callback.login_required = False  # type: ignore[attr-defined]
    return patterns


patterns, app_name, namespace = api.urls
urlpatterns = _token_only(list(patterns))
