"""The API's resources: thin, like the pages' views: an access helper, one selector, a schema.
Each answers with an ETag, and `If-None-Match` gets a 304."""

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema
from ninja.errors import HttpError

from revans.accounts.access import OrgRequest, require_role
from revans.meetings import services as meetings
from revans.meetings.access import get_managed_meeting, get_meeting
from revans.meetings.models import Meeting
from revans.programmes.access import PROGRAMME_MANAGERS, get_programme, get_set
from revans.programmes.models import Programme

from . import cursor
from .api import api
from .schemas import (
    Me,
    MeetingOut,
    MeetingPage,
    Problem,
    ProgrammeOut,
    ProgrammePage,
    SetOut,
    SetPage,
)

type View = Callable[..., Any]
PAGE = ("after", "limit")

# What any operation may answer besides its own: the refusals, as problem+json.
REFUSALS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 422, 429), Problem)
READ: dict[int, Any] = {304: None, **REFUSALS}  # a GET's answer the client has already


class PageQuery(Schema):
    after: int = Field(0, ge=0, le=2**62, description="Continue after this id (a page's `next`).")
    limit: int = Field(50, ge=1, le=cursor.MAX_LIMIT)


class MeetingQuery(PageQuery):
    starts_from: date | None = None
    starts_before: date | None = None


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


def _tagged(request: HttpRequest, response: HttpResponse, data: Any) -> Any:
    """The ETag of what is answered; a client that has it already gets a 304."""
    tag = etag(data)
    response["ETag"] = tag
    if request.method in ("GET", "HEAD") and request.headers.get("If-None-Match") == tag:
        unchanged = HttpResponse(status=304)
        unchanged["ETag"] = tag
        return unchanged
    return data


def _org(request: HttpRequest) -> OrgRequest:
    return request  # type: ignore[return-value]  # BearerToken made it one


def _programme(programme: Programme) -> dict[str, Any]:
    return {
        "id": programme.pk,
        "name": programme.name,
        "purpose": programme.purpose,
        "starts_on": programme.starts_on,
        "ends_on": programme.ends_on,
        "cadence_weeks": programme.cadence_weeks,
        "meeting_minutes": programme.meeting_minutes,
        "min_set_size": programme.min_set_size,
        "max_set_size": programme.max_set_size,
        "currency": programme.currency,
    }


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "set": meeting.learning_set_id,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "time_zone": meeting.time_zone,
        "place": meeting.place,
        "video_url": meeting.video_url,
        "status": meeting.status,
    }


@api.get("/me", response={200: Me, **READ}, tags=["you"])
@asks_only()
def me(request: HttpRequest, response: HttpResponse) -> Any:
    """Who the token speaks for, where, and what it may do."""
    org = _org(request)
    return _tagged(
        request,
        response,
        {
            "email": org.user.email,
            "name": org.user.name,
            "organisation": org.organisation.slug,
            "roles": [r.value for r in org.membership.roles],
            "scopes": org.api_token.scopes,  # type: ignore[attr-defined]
        },
    )


@api.get("/programmes", response={200: ProgrammePage, **READ}, tags=["programmes"])
@asks_only(*PAGE)
def programmes(request: HttpRequest, response: HttpResponse, query: Query[PageQuery]) -> Any:
    """The organisation's programmes (admins and sponsors)."""
    org = _org(request)
    require_role(org.membership, *PROGRAMME_MANAGERS)
    found = cursor.page(
        Programme.objects.filter(organisation=org.organisation), query.after, query.limit
    )
    data = {"items": [_programme(p) for p in found["items"]], "next": found["next"]}
    return _tagged(request, response, data)


@api.get("/programmes/{programme_id}", response={200: ProgrammeOut, **READ}, tags=["programmes"])
@asks_only()
def programme(request: HttpRequest, response: HttpResponse, programme_id: int) -> Any:
    return _tagged(request, response, _programme(get_programme(_org(request), programme_id)))


@api.get("/programmes/{programme_id}/sets", response={200: SetPage, **READ}, tags=["programmes"])
@asks_only(*PAGE)
def programme_sets(
    request: HttpRequest, response: HttpResponse, programme_id: int, query: Query[PageQuery]
) -> Any:
    """A programme's sets (admins and sponsors)."""
    found_programme = get_programme(_org(request), programme_id)
    found = cursor.page(found_programme.sets.all(), query.after, query.limit)
    items = [{"id": s.pk, "programme": s.programme_id, "name": s.name} for s in found["items"]]
    return _tagged(request, response, {"items": items, "next": found["next"]})


@api.get("/sets/{set_id}", response={200: SetOut, **READ}, tags=["sets"])
@asks_only()
def learning_set(request: HttpRequest, response: HttpResponse, set_id: int) -> Any:
    """A set: for its members, its facilitators, admins and sponsors (anyone else: 404)."""
    found = get_set(_org(request), set_id).learning_set
    data = {"id": found.pk, "programme": found.programme_id, "name": found.name}
    return _tagged(request, response, data)


@api.get("/sets/{set_id}/meetings", response={200: MeetingPage, **READ}, tags=["sets"])
@asks_only(*PAGE, "starts_from", "starts_before")
def set_meetings(
    request: HttpRequest, response: HttpResponse, set_id: int, query: Query[MeetingQuery]
) -> Any:
    """A set's meetings, cancelled ones too (their status says so); `starts_from` and
    `starts_before` are dates in UTC."""
    found_set = get_set(_org(request), set_id).learning_set
    rows = Meeting.objects.filter(learning_set=found_set)
    if query.starts_from:
        rows = rows.filter(starts_at__gte=datetime.combine(query.starts_from, time(), UTC))
    if query.starts_before:
        rows = rows.filter(starts_at__lt=datetime.combine(query.starts_before, time(), UTC))
    found = cursor.page(rows, query.after, query.limit)
    data = {"items": [_meeting(m) for m in found["items"]], "next": found["next"]}
    return _tagged(request, response, data)


@api.get("/meetings/{meeting_id}", response={200: MeetingOut, **READ}, tags=["meetings"])
@asks_only()
def meeting(request: HttpRequest, response: HttpResponse, meeting_id: int) -> Any:
    """A meeting of a set the token's person may see."""
    return _tagged(request, response, _meeting(get_meeting(_org(request), meeting_id).meeting))


@api.post(
    "/meetings/{meeting_id}/cancel",
    response={200: MeetingOut, 409: Problem, 412: Problem, **REFUSALS},
    tags=["meetings"],
)
@asks_only()
def meeting_cancel(request: HttpRequest, response: HttpResponse, meeting_id: int) -> Any:
    """Cancel a meeting (its set's facilitators, admins and sponsors), sending the same
    cancellation as the page. With `If-Match`, only the meeting as you last read it."""
    found = get_managed_meeting(_org(request), meeting_id).meeting
    if_match = request.headers.get("If-Match")
    with transaction.atomic():  # the tag is compared with the meeting as it is under the lock
        locked = Meeting.objects.select_for_update().get(pk=found.pk)
        if if_match is not None and if_match != etag(_meeting(locked)):
            raise HttpError(412, "The meeting has changed since you read it: read it again.")
        try:
            cancelled = meetings.meeting_cancel(meeting=locked)
        except ValidationError as refused:
            raise HttpError(409, " ".join(refused.messages)) from None
    return _tagged(request, response, _meeting(cancelled))
