"""What every resource shares: the refusals it may answer, pages, ETags, `If-Match`, and the
rule that a request names only the parameters and fields the operation knows."""

import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from revans.accounts.access import OrgRequest

from .. import cursor
from ..schemas import Problem

type View = Callable[..., Any]
PAGE = ("after", "limit")

# What any operation may answer besides its own: the refusals, as problem+json.
REFUSALS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 422, 429), Problem)
READ: dict[int, Any] = {304: None, **REFUSALS}  # a GET's answer the client has already
WRITE: dict[int, Any] = {409: Problem, 412: Problem, 413: Problem, **REFUSALS}


class PageQuery(Schema):
    after: int = Field(0, ge=0, le=2**62, description="Continue after this id (a page's `next`).")
    limit: int = Field(50, ge=1, le=cursor.MAX_LIMIT)


class Body(Schema):
    """A request's body: a field the operation does not know is refused (422), not ignored."""

    model_config = ConfigDict(extra="forbid")


def asks_only(*names: str) -> Callable[[View], View]:
    """Refuse a query parameter the operation does not know (422): a misspelt filter must not
    quietly answer everything."""

    def decorate(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            unknown = sorted(set(request.GET) - set(names))
            if unknown:
                raise HttpError(422, f"Unknown query parameters: {', '.join(unknown)[:200]}.")
            return view(request, *args, **kwargs)

        return checked

    return decorate


def etag(data: Any) -> str:
    body = json.dumps(data, sort_keys=True, default=str).encode()
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def tagged(request: HttpRequest, response: HttpResponse, data: Any) -> Any:
    """The ETag of what is answered; a client that has it already gets a 304."""
    tag = etag(data)
    response["ETag"] = tag
    if request.method in ("GET", "HEAD") and request.headers.get("If-None-Match") == tag:
        unchanged = HttpResponse(status=304)
        unchanged["ETag"] = tag
        return unchanged
    return data


def check_if_match(request: HttpRequest, current: Any) -> None:
    """With `If-Match`, a change applies only to the record as the client last read it (the
    pages' conflict rule); call it under the record's lock."""
    if_match = request.headers.get("If-Match")
    if if_match is not None and if_match != etag(current):
        raise HttpError(412, "It has changed since you read it: read it again.")


def org_of(request: HttpRequest) -> OrgRequest:
    return request  # type: ignore[return-value]  # BearerToken made it one
