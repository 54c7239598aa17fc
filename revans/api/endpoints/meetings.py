"""A set's meetings: read by whoever may see the set; cancelled by those who manage it."""

from datetime import UTC, date, datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Query, Schema
from ninja.errors import HttpError

from revans.meetings import services as meetings
from revans.meetings.access import get_managed_meeting, get_meeting
from revans.meetings.models import Meeting
from revans.programmes.access import get_set

from .. import cursor
from ..api import api
from .common import PAGE, READ, WRITE, PageQuery, asks_only, check_if_match, org_of, tagged


class MeetingOut(Schema):
    id: int
    set: int
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    place: str
    video_url: str
    status: str


class MeetingPage(Schema):
    items: list[MeetingOut]
    next: int | None


class MeetingQuery(PageQuery):
    starts_from: date | None = None
    starts_before: date | None = None


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


@api.get("/sets/{set_id}/meetings", response={200: MeetingPage, **READ}, tags=["meetings"])
@asks_only(*PAGE, "starts_from", "starts_before")
def set_meetings(
    request: HttpRequest, response: HttpResponse, set_id: int, query: Query[MeetingQuery]
) -> Any:
    """A set's meetings, cancelled ones too (their status says so); `starts_from` and
    `starts_before` are dates in UTC."""
    found_set = get_set(org_of(request), set_id).learning_set
    rows = Meeting.objects.filter(learning_set=found_set)
    if query.starts_from:
        rows = rows.filter(starts_at__gte=datetime.combine(query.starts_from, time(), UTC))
    if query.starts_before:
        rows = rows.filter(starts_at__lt=datetime.combine(query.starts_before, time(), UTC))
    found = cursor.page(rows, query.after, query.limit)
    data = {"items": [_meeting(m) for m in found["items"]], "next": found["next"]}
    return tagged(request, response, data)


@api.get("/meetings/{meeting_id}", response={200: MeetingOut, **READ}, tags=["meetings"])
@asks_only()
def meeting(request: HttpRequest, response: HttpResponse, meeting_id: int) -> Any:
    """A meeting of a set the token's person may see."""
    return tagged(request, response, _meeting(get_meeting(org_of(request), meeting_id).meeting))


@api.post("/meetings/{meeting_id}/cancel", response={200: MeetingOut, **WRITE}, tags=["meetings"])
@asks_only()
def meeting_cancel(request: HttpRequest, response: HttpResponse, meeting_id: int) -> Any:
    """Cancel a meeting (its set's facilitators, admins and sponsors), sending the same
    cancellation as the page. With `If-Match`, only the meeting as you last read it."""
    found = get_managed_meeting(org_of(request), meeting_id).meeting
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=found.pk)
        check_if_match(request, _meeting(locked))
        try:
            cancelled = meetings.meeting_cancel(meeting=locked)
        except ValidationError as refused:
            raise HttpError(409, " ".join(refused.messages)) from None
    return tagged(request, response, _meeting(cancelled))
