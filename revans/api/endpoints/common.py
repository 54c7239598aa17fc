"""What every resource shares: the refusals it may answer, pages, ETags, `If-Match`, and the
rule that a request names only the parameters and fields the operation knows."""

import hashlib
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from revans.accounts.access import OrgRequest
from revans.writes import Conflict

from .. import cursor
from ..schemas import Problem

type View = Callable[..., Any]
# An id as a client sends one: bounded, so that no number reaches a database that cannot hold it.
Id = Annotated[int, Field(ge=1, le=2**62)]
PAGE = ("after", "limit")

# What any operation may answer besides its own: the refusals, as problem+json.
REFUSALS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 422, 429), Problem)
READ: dict[int, Any] = {304: None, **REFUSALS}  # a GET's answer the client has already
WRITE: dict[int, Any] = {409: Problem, 412: Problem, 413: Problem, 428: Problem, **REFUSALS}


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


def check_if_match(request: HttpRequest, current: Any, *, required: bool = False) -> None:
    """With `If-Match`, a change applies only to the record as the client last read it (the
    pages' conflict rule); call it under the record's lock. What people write can only be
    changed so (`required`): as on the pages, an edit names the version it started from."""
    if_match = request.headers.get("If-Match")
    if if_match is None and required:
        raise HttpError(428, "Send `If-Match` with the ETag of the record as you last read it.")
    if if_match is not None and if_match != etag(current):
        raise HttpError(412, "It has changed since you read it: read it again.")


def valid[F: BaseForm](form: F) -> F:
    """The page's own form decides what is valid; its errors are the 422's detail."""
    if not form.is_valid():
        errors = "; ".join(
            f"{name}: {' '.join(str(e) for e in found)}" for name, found in form.errors.items()
        )
        raise HttpError(422, errors[:1000])
    return form


@contextmanager
def refused_as(status: int) -> Iterator[None]:
    """A service's refusal, as the pages show it, with the status that says what it is: 409
    where the thing is not in a state to allow it, 422 where what was sent cannot be."""
    try:
        yield
    except Conflict:
        raise HttpError(412, "It has changed since you read it: read it again.") from None
    except ValidationError as refusal:
        raise HttpError(status, " ".join(refusal.messages)[:1000]) from None


def org_of(request: HttpRequest) -> OrgRequest:
    return request  # type: ignore[return-value]  # BearerToken made it one
