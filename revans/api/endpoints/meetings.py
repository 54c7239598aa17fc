"""A set's meetings: read by whoever may see the set; cancelled by those who manage it."""

from datetime import UTC, date, datetime, time
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Schema, Status

from revans.meetings import selectors
from revans.meetings import services as meetings
from revans.meetings.access import MeetingAccess, get_managed_meeting, get_meeting
from revans.meetings.forms import AttendanceForm, MeetingForm
from revans.meetings.models import Meeting
from revans.programmes.access import get_managed_set, get_set

from .. import cursor
from ..api import api
from .common import (
    PAGE,
    READ,
    WRITE,
    Body,
    Id,
    PageQuery,
    asks_only,
    check_if_match,
    org_of,
    refused_as,
    tagged,
    valid,
)


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


class MeetingIn(Body):
    """A meeting as a facilitator gives it: a day and a local time where it happens."""

    day: date
    at: time = Field(description="The local start time, in `time_zone`.")
    minutes: int | None = Field(None, description="Empty: the programme's usual length.")
    time_zone: str | None = Field(None, description="Empty: the organisation's.")
    place: str = ""
    video_url: str = ""


class MeetingChange(Body):
    """What changes; what is not sent stays as it is."""

    day: date | None = None
    at: time | None = None
    minutes: int | None = None
    time_zone: str | None = None
    place: str | None = None
    video_url: str | None = None
    scope: Literal["this", "following"] = Field(
        "this", description="`following`: this meeting and every later one of its series."
    )


class PersonAtMeeting(Schema):
    participant: int
    name: str
    answer: str | None = Field(description="Their answer to the invitation, if any.")
    note: str = Field(description="An apology's note, where the reader may read it.")
    present: bool | None


class Attendance(Schema):
    meeting: int
    people: list[PersonAtMeeting]


class AttendanceIn(Body):
    present: list[Id] = Field(description="The pool ids of the members who were there.")


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


@api.post("/sets/{set_id}/meetings", response={201: MeetingOut, **WRITE}, tags=["meetings"])
@asks_only()
def meeting_add(request: HttpRequest, set_id: int, body: MeetingIn) -> Any:
    """Add a meeting to a set (its facilitators, admins and sponsors); the invitations go out
    as from the page."""
    access = get_managed_set(org_of(request), set_id)
    programme = access.learning_set.programme
    defaults = {"minutes": programme.meeting_minutes, "time_zone": programme.organisation.time_zone}
    sent = body.model_dump(exclude_none=True)
    form = valid(MeetingForm(defaults | sent))
    with refused_as(422):
        added = meetings.meeting_add(
            learning_set=access.learning_set,
            when=form.when(),
            place=form.cleaned_data["place"],
            video_url=form.cleaned_data["video_url"],
            by=org_of(request).user,
        )
    return Status(201, _meeting(added))


@api.get("/meetings/{meeting_id}", response={200: MeetingOut, **READ}, tags=["meetings"])
@asks_only()
def meeting(request: HttpRequest, response: HttpResponse, meeting_id: int) -> Any:
    """A meeting of a set the token's person may see."""
    return tagged(request, response, _meeting(get_meeting(org_of(request), meeting_id).meeting))


@api.patch("/meetings/{meeting_id}", response={200: MeetingOut, **WRITE}, tags=["meetings"])
@asks_only()
def meeting_change(
    request: HttpRequest, response: HttpResponse, meeting_id: int, body: MeetingChange
) -> Any:
    """Move or re-place a meeting (its set's facilitators, admins and sponsors); everyone
    invited is told, as from the page. With `If-Match`, only the meeting as you last read it."""
    found = get_managed_meeting(org_of(request), meeting_id).meeting
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=found.pk)
        check_if_match(request, _meeting(locked))
        local = locked.local_start
        current = {
            "day": local.date(),
            "at": local.time().replace(second=0, microsecond=0),
            "minutes": locked.minutes,
            "time_zone": locked.time_zone,
            "place": locked.place,
            "video_url": locked.video_url,
        }
        form = valid(MeetingForm(current | body.model_dump(exclude_none=True)))
        with refused_as(409):
            meetings.meeting_change(
                meeting=locked,
                when=form.when(),
                place=form.cleaned_data["place"],
                video_url=form.cleaned_data["video_url"],
                following=form.cleaned_data["scope"] == "following",
            )
    locked.refresh_from_db()
    return tagged(request, response, _meeting(locked))


def _attendance(access: MeetingAccess) -> dict[str, Any]:
    return {
        "meeting": access.meeting.pk,
        "people": [
            {
                "participant": p.participant.pk,
                "name": p.participant.name,
                "answer": p.rsvp.answer if p.rsvp else None,
                "note": p.note,
                "present": p.present,
            }
            for p in selectors.meeting_people(access)
        ],
    }


@api.get("/meetings/{meeting_id}/attendance", response={200: Attendance, **READ}, tags=["meetings"])
@asks_only()
def attendance(request: HttpRequest, response: HttpResponse, meeting_id: int) -> Any:
    """The set's current members, their answers and who was there (those who manage the
    meeting, as on its page)."""
    return tagged(request, response, _attendance(get_managed_meeting(org_of(request), meeting_id)))


@api.put(
    "/meetings/{meeting_id}/attendance", response={200: Attendance, **WRITE}, tags=["meetings"]
)
@asks_only()
def attendance_record(
    request: HttpRequest, response: HttpResponse, meeting_id: int, body: AttendanceIn
) -> Any:
    """Who was there: every current member not listed was not."""
    access = get_managed_meeting(org_of(request), meeting_id)
    people = [(p.participant.pk, p.participant.name) for p in selectors.meeting_people(access)]
    form = valid(AttendanceForm({"present": body.present}, people=people))
    with refused_as(409):
        meetings.attendance_record(
            meeting=access.meeting,
            present=set(form.cleaned_data["present"]),
            by=org_of(request).user,
        )
    return tagged(request, response, _attendance(access))


@api.post("/meetings/{meeting_id}/cancel", response={200: MeetingOut, **WRITE}, tags=["meetings"])
@asks_only()
def meeting_cancel(request: HttpRequest, response: HttpResponse, meeting_id: int) -> Any:
    """Cancel a meeting (its set's facilitators, admins and sponsors), sending the same
    cancellation as the page. With `If-Match`, only the meeting as you last read it."""
    found = get_managed_meeting(org_of(request), meeting_id).meeting
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().get(pk=found.pk)
        check_if_match(request, _meeting(locked))
        with refused_as(409):
            cancelled = meetings.meeting_cancel(meeting=locked)
    return tagged(request, response, _meeting(cancelled))
