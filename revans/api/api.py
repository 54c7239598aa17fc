"""The REST API at /api/v1/ (django-ninja): its token, its errors as problem+json (RFC 9457),
and its version in the path: a change that breaks a client is /api/v2/."""

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from revans.audit import services as audit
from revans.audit.models import Event as AuditEvent

from .access import BearerToken, ReadOnlyToken, SecondFactorFirst, TooLarge, TooManyRequests


class Api(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Errors are described as what they are: application/problem+json (RFC 9457)."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if str(status).startswith(("4", "5")) and "application/json" in content:
                        content[PROBLEM_TYPE] = content.pop("application/json")
        return schema


PROBLEM_TYPE = "application/problem+json"

api = Api(
    title="Revans API",
    version="1",
    description=(
        "Programmes, sets, meetings and the forming of sets of one organisation, as the token's "
        "person may see them. "
        "Send `Authorization: Bearer <token>` (made on your profile page). Errors are "
        "application/problem+json; lists are pages that continue from a `next` cursor."
    ),
    auth=BearerToken(),
    urls_namespace="api",
    docs_url="/docs",
)

TITLES = {
    400: "Bad request",
    401: "Not signed in",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Not possible now",
    412: "Changed since you read it",
    413: "Too large",
    428: "Say which version you change",
    422: "Invalid input",
    429: "Too many requests",
}


def problem(status: int, detail: str = "", **headers: str) -> HttpResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status}
    response = api.create_response(
        HttpRequest(), body | ({"detail": detail} if detail else {}), status=status
    )
    response["Content-Type"] = PROBLEM_TYPE
    for name, value in headers.items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(
        401,
        "Send a live token as `Authorization: Bearer <token>`; it may be missing, expired or "
        "revoked, or its person no longer a member.",
        **{"WWW-Authenticate": 'Bearer realm="Revans"'},
    )


@api.exception_handler(ReadOnlyToken)
def _read_only(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(403, "This token may only read; make one that may change things.")


@api.exception_handler(SecondFactorFirst)
def _second_factor(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(403, "Your organisation asks you to set up two-factor authentication first.")


@api.exception_handler(TooManyRequests)
def _too_many(request: HttpRequest, exc: TooManyRequests) -> HttpResponse:
    return problem(
        429,
        "Slow down: this token's requests a minute are spent.",
        **{"Retry-After": str(exc.retry_after)},
    )


@api.exception_handler(TooLarge)
@api.exception_handler(RequestDataTooBig)
def _too_large(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(413, "The body is larger than the API takes.")


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(404, "There is nothing here that this token may see.")


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    organisation = getattr(request, "organisation", None)
    if organisation is not None:
        audit.record(
            AuditEvent.ACCESS_REFUSED,
            organisation=organisation,
            detail={"path": request.path[:200], "method": request.method},
        )
    return problem(403, str(exc) or "Your role in this organisation does not allow this.")


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems: list[Any] = exc.errors
    where = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', []))}: {e.get('msg', '')}" for e in problems
    )
    return problem(422, where[:1000])


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(exc.status_code, str(exc))
