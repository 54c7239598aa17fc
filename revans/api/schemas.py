"""What the API answers with: pydantic schemas, one per resource, and a page of them."""

from datetime import date, datetime

from ninja import Schema


class Problem(Schema):
    """An error, as RFC 9457 describes it (application/problem+json)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""


class Me(Schema):
    email: str
    name: str
    organisation: str
    roles: list[str]
    scopes: list[str]


class ProgrammeOut(Schema):
    id: int
    name: str
    purpose: str
    starts_on: date
    ends_on: date
    cadence_weeks: int
    meeting_minutes: int
    min_set_size: int
    max_set_size: int
    currency: str


class SetOut(Schema):
    id: int
    programme: int
    name: str


class MeetingOut(Schema):
    id: int
    set: int
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    place: str
    video_url: str
    status: str


class ProgrammePage(Schema):
    items: list[ProgrammeOut]
    next: int | None


class SetPage(Schema):
    items: list[SetOut]
    next: int | None


class MeetingPage(Schema):
    items: list[MeetingOut]
    next: int | None
