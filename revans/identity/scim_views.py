"""The SCIM 2.0 API (RFC 7644) at /scim/v2/: thin views over `scim` (the protocol), `access` (the
token), `selectors` and `services`. Every refusal is an RFC 7644 error body, never a page."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

import pydantic
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from scim2_models import (
    Context,
    Error,
    InvalidSyntaxException,
    InvalidValueException,
    Meta,
    NotFoundException,
    PayloadTooLargeException,
    SCIMException,
)

from . import access, scim, selectors, services
from .models import ScimToken, ScimUser

CONTENT_TYPE = "application/scim+json"
MAX_START = 10**9
type View = Callable[..., HttpResponse]


class _MethodNotAllowed(SCIMException):
    status = 405
    _default_detail = "This endpoint does not answer that method."


def _json(data: Any, status: int = 200, **headers: str) -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status, content_type=CONTENT_TYPE)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _error(error: Error) -> HttpResponse:
    body = error.model_dump(scim_ctx=Context.DEFAULT)
    body["schemas"] = [scim.ERROR]
    headers = {"WWW_Authenticate": 'Bearer realm="SCIM"'} if error.status == 401 else {}
    return _json(body, status=error.status or 400, **headers)


def scim_api(*methods: str) -> Callable[[View], View]:
    """A SCIM endpoint: a live token first (401 for every method without one), then the method,
    and every SCIM refusal or invalid value as its RFC 7644 error body."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorate(view: View) -> View:
        @csrf_exempt
        @login_not_required
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs: Any) -> HttpResponse:
            try:
                token = access.scim_token(request)
                if request.method not in allowed:
                    raise _MethodNotAllowed
                services.token_used(token=token)
                return view(request, token, **kwargs)
            except SCIMException as refusal:
                return _error(refusal.to_error())
            except pydantic.ValidationError as invalid:
                return _error(Error.from_validation_errors(invalid)[0])

        return wrapper

    return decorate


def _body(request: HttpRequest) -> Any:
    """The request's JSON (application/scim+json or application/json), within bounds."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    try:
        too_big = int(declared) > scim.MAX_BODY
        raw = b"" if too_big else request.body
    except ValueError:
        raise InvalidSyntaxException(detail="Content-Length is not a number.") from None
    except RequestDataTooBig:
        too_big = True
    if too_big or len(raw) > scim.MAX_BODY:
        raise PayloadTooLargeException(detail=f"A request has at most {scim.MAX_BODY} bytes.")
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidSyntaxException(detail="The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise InvalidSyntaxException(detail="The body must be a JSON object.")
    return data


def _location(request: HttpRequest, scim_id: object) -> str:
    return request.build_absolute_uri(reverse("scim:user", args=[str(scim_id)]))


def _resource(
    request: HttpRequest, scim_user: ScimUser, context: Context, status: int = 200
) -> HttpResponse:
    location = _location(request, scim_user.pk)
    user = scim.user_from_store(scim_user, location)
    params = scim.response_parameters(
        request.GET.get("attributes"), request.GET.get("excludedAttributes")
    )
    headers = {"ETag": scim.etag(scim_user.version)}
    if status == 201:
        headers["Location"] = location
    return _json(scim.dump(user, context, params), status=status, **headers)


def _number(value: Any, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise InvalidValueException(detail=f"{name} is a number.")
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: JSON's 1e999 is infinity
        raise InvalidValueException(detail=f"{name} is a number.") from None


def _text(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ",".join(value)
    if not isinstance(value, str):
        raise InvalidValueException(detail=f"{name} is a string.")
    return value


def _list(request: HttpRequest, token: ScimToken, params: dict[str, Any]) -> HttpResponse:
    """A page of the organisation's Users matching the filter (RFC 7644 §3.4.2)."""
    text = _text(params.get("filter"), "filter")
    query = scim.query_of(text) if text else Q()
    # Beyond any organisation's size, and within what a database's OFFSET takes.
    start = min(MAX_START, max(1, _number(params.get("startIndex"), "startIndex", 1)))
    count = min(scim.MAX_RESULTS, max(0, _number(params.get("count"), "count", scim.MAX_RESULTS)))
    fields = scim.response_parameters(
        _text(params.get("attributes"), "attributes"),
        _text(params.get("excludedAttributes"), "excludedAttributes"),
    )
    total, page = selectors.scim_users(token.organisation, query, start, count)
    resources = [
        scim.dump(
            scim.user_from_store(u, _location(request, u.pk)),
            Context.SEARCH_RESPONSE,
            fields,
        )
        for u in page
    ]
    return _json(
        {
            "schemas": [scim.LIST],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


@scim_api("GET", "POST")
def users(request: HttpRequest, token: ScimToken) -> HttpResponse:
    if request.method == "POST":
        resource = scim.read_user(_body(request), Context.RESOURCE_CREATION_REQUEST)
        created = services.scim_user_create(token=token, resource=resource)
        return _resource(request, created, Context.RESOURCE_CREATION_RESPONSE, status=201)
    return _list(request, token, dict(request.GET.items()))


@scim_api("POST")
def search(request: HttpRequest, token: ScimToken) -> HttpResponse:
    """POST .../.search: the query in the body (RFC 7644 §3.4.3); only Users are served."""
    return _list(request, token, _body(request))


@scim_api("GET", "PUT", "PATCH", "DELETE")
def user(request: HttpRequest, token: ScimToken, scim_id: str) -> HttpResponse:
    scim_user = access.scim_user(token, scim_id)
    if_match = request.headers.get("If-Match")
    if request.method == "PUT":
        resource = scim.read_user(_body(request), Context.RESOURCE_REPLACEMENT_REQUEST)
        scim_user = services.scim_user_replace(
            token=token, scim_user=scim_user, resource=resource, if_match=if_match
        )
        return _resource(request, scim_user, Context.RESOURCE_REPLACEMENT_RESPONSE)
    if request.method == "PATCH":
        patch = scim.read_patch(_body(request))
        scim_user = services.scim_user_patch(
            token=token, scim_user=scim_user, patch=patch, if_match=if_match
        )
        return _resource(request, scim_user, Context.RESOURCE_PATCH_RESPONSE)
    if request.method == "DELETE":
        services.scim_user_delete(token=token, scim_user=scim_user, if_match=if_match)
        return HttpResponse(status=204)
    return _resource(request, scim_user, Context.RESOURCE_QUERY_RESPONSE)


def _described(request: HttpRequest, document: Any, kind: str, name: str) -> Any:
    """A discovery document with its meta (RFC 7643 §5-7)."""
    url = request.build_absolute_uri(reverse(f"scim:{kind}", args=[name]))
    meta = Meta(resource_type=document.__class__.__name__, location=url)
    return document.model_copy(update={"meta": meta}).model_dump(
        scim_ctx=Context.RESOURCE_QUERY_RESPONSE
    )


def _listed(resources: list[Any]) -> HttpResponse:
    return _json(
        {
            "schemas": [scim.LIST],
            "totalResults": len(resources),
            "startIndex": 1,
            "itemsPerPage": len(resources),
            "Resources": resources,
        }
    )


@scim_api("GET")
def service_provider_config(request: HttpRequest, token: ScimToken) -> HttpResponse:
    url = request.build_absolute_uri(reverse("scim:service_provider_config"))
    config = scim.CONFIG.model_copy(
        update={"meta": Meta(resource_type="ServiceProviderConfig", location=url)}
    )
    return _json(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_api("GET")
def resource_types(request: HttpRequest, token: ScimToken) -> HttpResponse:
    return _listed(
        [_described(request, t, "resource_type", str(t.id)) for t in scim.PROVIDER.resource_types]
    )


@scim_api("GET")
def resource_type(request: HttpRequest, token: ScimToken, name: str) -> HttpResponse:
    for found in scim.PROVIDER.resource_types:
        if found.id == name:
            return _json(_described(request, found, "resource_type", name))
    raise NotFoundException(detail=f"Resource type {name[:100]} not found: Revans serves Users.")


@scim_api("GET")
def schemas(request: HttpRequest, token: ScimToken) -> HttpResponse:
    return _listed([_described(request, s, "schema", str(s.id)) for s in scim.PROVIDER.schemas])


@scim_api("GET")
def schema(request: HttpRequest, token: ScimToken, schema_id: str) -> HttpResponse:
    for found in scim.PROVIDER.schemas:
        if found.id == schema_id:
            return _json(_described(request, found, "schema", schema_id))
    raise NotFoundException(detail=f"Schema {schema_id[:200]} not found.")


@scim_api("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
def not_found(request: HttpRequest, token: ScimToken, rest: str = "") -> HttpResponse:
    """Anything else under /scim/v2/, Groups and Bulk included: Revans serves Users only."""
    raise NotFoundException(detail=f"/{rest[:100]} is not served: Revans serves Users only.")
