from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class SamlHostMiddleware:
    """allauth's SAML views read the Host header itself, and fail (500) on a request without
    one: give them the host Django settled on (from ALLOWED_HOSTS, else a 400)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "HTTP_HOST" not in request.META and request.path.startswith(
            ("/accounts/saml/", "/sign-in/")
        ):
            request.META["HTTP_HOST"] = request.get_host()
        return self.get_response(request)
