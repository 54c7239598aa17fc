"""Reads for the meeting pages, each a fixed number of queries however many meetings there are."""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from revans.accounts.models import User
from revans.programmes.models import LearningSet, Participant, Programme, SetMembership
from revans.writes import kept, kept_key

from .access import MeetingAccess
from .models import Attendance, Meeting, Rsvp

FEED_PAST = timedelta(days=120)  # how far back a calendar feed reaches
QUORUM_WARNING_WITHIN = timedelta(days=7)  # further ahead, few have answered yet, rightly


def numbers(meetings: Iterable[Meeting]) -> dict[int, int]:
    """Each meeting's place among its set's scheduled meetings ("meeting 3"), in one query."""
    wanted = list(meetings)
    sets = {m.learning_set_id for m in wanted}
    order: dict[int, list[tuple[datetime, int]]] = {}
    for pk, set_id, starts_at in Meeting.objects.filter(
        learning_set_id__in=sets, status=Meeting.Status.SCHEDULED
    ).values_list("pk", "learning_set_id", "starts_at"):
        order.setdefault(set_id, []).append((starts_at, pk))
    found = {}
    for meeting in wanted:
        earlier = [s for s, pk in order.get(meeting.learning_set_id, []) if s < meeting.starts_at]
        found[meeting.pk] = len(earlier) + 1
    return found


@dataclass
class MeetingRow:
    meeting: Meeting
    number: int
    coming: int = 0
    apologies: int = 0
    present: int | None = None  # None: attendance not taken
    warnings: list[str] = field(default_factory=list)
    mine: Rsvp | None = None


def _counted(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    return meetings.select_related("learning_set__programme__organisation").annotate(
        n_yes=Count("rsvps", filter=Q(rsvps__answer=Rsvp.Answer.YES), distinct=True),
        n_no=Count("rsvps", filter=Q(rsvps__answer=Rsvp.Answer.NO), distinct=True),
        n_taken=Count("attendance", distinct=True),
        n_present=Count("attendance", filter=Q(attendance__present=True), distinct=True),
    )


def _rows(meetings: list[Meeting], now: datetime, members: dict[int, int]) -> list[MeetingRow]:
    places = numbers(meetings)
    rows = []
    for meeting in meetings:
        row = MeetingRow(
            meeting=meeting,
            number=places[meeting.pk],
            coming=meeting.n_yes,  # type: ignore[attr-defined]
            apologies=meeting.n_no,  # type: ignore[attr-defined]
            present=meeting.n_present if meeting.n_taken else None,  # type: ignore[attr-defined]
        )
        size = members.get(meeting.learning_set_id, 0)
        quorum = math.ceil(size * meeting.learning_set.programme.quorum_percent / 100)
        soon = now < meeting.starts_at <= now + QUORUM_WARNING_WITHIN
        if not meeting.is_cancelled and soon and size and row.coming < quorum:
            row.warnings.append(
                _("%(yes)s of %(n)s members said they are coming; the quorum is %(q)s.")
                % {"yes": row.coming, "n": size, "q": quorum}
            )
        rows.append(row)
    return rows


def _sizes(set_ids: Iterable[int]) -> dict[int, int]:
    counts = (
        SetMembership.objects.current()
        .filter(learning_set_id__in=set(set_ids))
        .values("learning_set_id")
        .annotate(n=Count("pk"))
    )
    return {c["learning_set_id"]: c["n"] for c in counts}


def set_meetings(learning_set: LearningSet, now: datetime) -> list[MeetingRow]:
    meetings = list(_counted(learning_set.meetings.all()))
    return _rows(meetings, now, _sizes([learning_set.pk]))


def programme_calendar(programme: Programme, now: datetime) -> list[MeetingRow]:
    meetings = list(
        _counted(Meeting.objects.filter(learning_set__programme=programme)).order_by("starts_at")
    )
    return _rows(meetings, now, _sizes(programme.sets.values_list("pk", flat=True)))


def _meetings_of(user: User) -> QuerySet[Meeting]:
    """Every meeting of a set the person is in now, or facilitates now, in any organisation
    where they are an active member."""
    return Meeting.objects.filter(
        Q(
            learning_set__memberships__participant__user=user,
            learning_set__memberships__left_on=None,
        )
        | Q(learning_set__facilitations__user=user, learning_set__facilitations__until=None),
        learning_set__programme__organisation__memberships__user=user,
        learning_set__programme__organisation__memberships__is_active=True,
    ).distinct()


def my_meetings(user: User, now: datetime) -> list[MeetingRow]:
    """The person's upcoming meetings across all their sets and organisations, with their RSVP."""
    meetings = list(
        _counted(_meetings_of(user).filter(ends_at__gt=now)).order_by("starts_at")[:200]
    )
    rows = _rows(meetings, now, _sizes(m.learning_set_id for m in meetings))
    answers = {
        r.meeting_id: r
        for r in Rsvp.objects.filter(
            participant__user=user, meeting_id__in=[m.pk for m in meetings]
        )
    }
    for row in rows:
        row.mine = answers.get(row.meeting.pk)
        row.warnings = []  # quorum is the facilitator's concern, not on a member's list
    return rows


def feed_meetings(user: User, now: datetime) -> list[tuple[Meeting, int]]:
    meetings = list(
        _meetings_of(user)
        .filter(starts_at__gt=now - FEED_PAST)
        .select_related("learning_set__programme__organisation")
        .order_by("starts_at")
    )
    places = numbers(meetings)
    return [(m, places[m.pk]) for m in meetings]


@dataclass
class Person:
    participant: Participant
    rsvp: Rsvp | None
    present: bool | None
    note: str = ""  # the apology's note, where the reader may read it


def meeting_people(access: MeetingAccess) -> list[Person]:
    """The set's current members with their answer and attendance, for whoever manages the
    meeting; an apology's note only where the confidentiality table lets this reader read it."""
    meeting = access.meeting
    access.relation  # noqa: B018  # worked out once, whether or not an apology has a note
    members = meeting.learning_set.memberships.current().select_related("participant")
    answers = {r.participant_id: r for r in meeting.rsvps.all()}
    attendance = {a.participant_id: a.present for a in Attendance.objects.filter(meeting=meeting)}
    people = []
    for m in members:
        rsvp = answers.get(m.participant_id)
        people.append(
            Person(
                participant=m.participant,
                rsvp=rsvp,
                present=attendance.get(m.participant_id),
                note=rsvp.note if rsvp and rsvp.note and access.reads_apology(rsvp) else "",
            )
        )
    return people


def my_answer(meeting: Meeting, participant: Participant | None) -> str:
    """The member's own answer, in words ("" before they give one). Kept, as a meeting's page
    is among the busiest: each answer saved moves its programme's generation (`apps.py`)."""
    if participant is None:
        return ""
    mine = Rsvp.objects.filter(meeting=meeting, participant=participant)
    key = kept_key("rsvp", meeting.pk, participant.pk, within=meeting.learning_set.programme)
    answer = kept(key, lambda: mine.values_list("answer", flat=True).first() or "")
    return str(Rsvp.Answer(answer).label) if answer else ""


def next_meeting(learning_set: LearningSet, now: datetime) -> Meeting | None:
    """The set's next scheduled meeting that has not started yet (what "by the next meeting"
    means for an action committed now, even during a meeting)."""
    return (
        learning_set.meetings.filter(status=Meeting.Status.SCHEDULED, starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )


def next_meetings(set_ids: Iterable[int], now: datetime) -> dict[int, Meeting]:
    """By set id: the set's next scheduled meeting, the one under way included, in one query."""
    found: dict[int, Meeting] = {}
    upcoming = (
        Meeting.objects.filter(
            learning_set_id__in=list(set_ids), status=Meeting.Status.SCHEDULED, ends_at__gt=now
        )
        .select_related("learning_set__programme__organisation")  # its link names the slug
        .order_by("starts_at")
    )
    for meeting in upcoming:
        found.setdefault(meeting.learning_set_id, meeting)
    return found
