"""Reads for the live meeting: its clock, whether it is closed, and the board every screen draws,
each piece of text passed through the reader's `CycleAccess` first. Its state and who runs it are
read in `access.py`."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from revans.domain.agenda import Slot, airtime, plan, presenting
from revans.domain.clock import Clock, Spent
from revans.domain.confidentiality import Kind
from revans.meetings.models import Attendance, Meeting
from revans.programmes.models import FacilitationPeriod
from revans.writes import kept, kept_key

from ..models import (
    Action,
    Bid,
    Challenge,
    LiveMeeting,
    MeetingRecord,
    ProcessNote,
    Question,
    ReportBack,
    rows_of,
)
from .access import LiveAccess, chair_of, current_mode, self_facilitating


def slots_of(live: LiveMeeting) -> list[Slot]:
    return [Slot(int(person), int(minutes)) for person, minutes in live.slots]


def clock_of(live: LiveMeeting) -> Clock:
    return Clock(
        plan(rows_of(live.rows), slots_of(live)),
        index=live.position,
        deadline=live.deadline,
        left=live.left,
        extended=live.extended,
        spent=tuple(Spent(float(seconds), bool(skipped)) for seconds, skipped in live.spent),
    )


def is_closed(meeting: Meeting) -> bool:
    return MeetingRecord.objects.filter(meeting=meeting, closed_at__isnull=False).exists()


@dataclass
class StepRow:
    number: int
    name: str
    item: str
    presenter: str
    seconds: int
    state: str  # done, skipped, current, ahead
    used: int = 0


@dataclass
class CheckIn:
    participant_id: int
    name: str
    present: bool | None
    open_actions: list[Action] = field(default_factory=list)
    reported: list[ReportBack] = field(default_factory=list)


@dataclass
class Asked:
    presenter: str
    asked_by: str
    text: str
    style: str
    style_label: str


@dataclass
class BidRow:
    participant_id: int
    name: str
    minutes: int
    urgent: bool


@dataclass
class Board:
    live: LiveMeeting
    version: int
    server_now_ms: int
    steps: list[StepRow]
    current: StepRow | None
    presenter_id: int | None
    presenter: str
    remaining: int
    running: bool
    deadline_ms: int | None
    finished: bool
    over: bool
    people: dict[int, str]
    check_in: list[CheckIn]
    bids: list[BidRow]
    slots: list[tuple[int, str, int]]  # participant id, name, minutes
    questions: list[Asked]
    habits: dict[str, int]
    actions: list[Action]
    airtime: list[tuple[str, int]]
    show_airtime: bool
    review: str
    closed: bool
    chair: str
    can_take_chair: bool
    my_bid: BidRow | None


def _steps(clock: Clock, people: dict[int, str]) -> list[StepRow]:
    rows = []
    for index, step in enumerate(clock.phases):
        presenter = getattr(step, "presenter", None)
        if index < clock.index:
            spent = clock.spent[index]
            state, used = ("skipped" if spent.skipped else "done"), round(spent.seconds)
        else:
            state, used = ("current" if index == clock.index else "ahead"), 0
        rows.append(
            StepRow(
                number=index + 1,
                name=_(step.name),  # the standard phases are in the catalogue
                item=getattr(step, "item", ""),
                presenter=people.get(presenter, "") if presenter is not None else "",
                seconds=step.seconds,
                state=state,
                used=used,
            )
        )
    return rows


@dataclass
class Held:
    """What a meeting's board is drawn from at one version of its live state, before any
    reader's filter: the same for everyone watching, so kept, and read once per change however
    many watch. Who reads which piece is asked of the reader's `CycleAccess` on every request."""

    members: list[tuple[int, str]]  # the set's current members (pool entry, name), by name
    present: dict[int, bool]
    open_actions: list[Action]  # due by this meeting: what its check-in reports on
    reports: list[ReportBack]
    questions: list[Question]
    actions: list[Action]  # committed at this meeting
    record: MeetingRecord | None
    bids: list[Bid]
    mode: FacilitationPeriod | None  # the set's mode on the meeting's day: who may chair


def held(meeting: Meeting, version: int) -> Held:
    """The board's rows, kept in two parts under its programme's kept generation. The set's
    (members, attendance, actions, report-backs, mode: rows every write of moves that
    generation) are read again only after such a write; the meeting's own (questions, bids,
    its record) under its live version too, which each change in the meeting raises, so a
    step of the clock or a question reads three tables again, not nine."""
    programme = meeting.learning_set.programme
    of_set = kept(kept_key("board-set", meeting.pk, within=programme), lambda: _of_set(meeting))
    own = kept_key("board-meeting", meeting.pk, version, within=programme)
    return Held(**of_set, **kept(own, lambda: _own(meeting)))


def _of_set(meeting: Meeting) -> dict[str, Any]:
    learning_set = meeting.learning_set
    members = learning_set.memberships.current().order_by("participant__name")
    open_actions = (
        Action.objects.filter(
            challenge__learning_set=learning_set,
            status=Action.Status.OPEN,
            due_on__lte=meeting.local_start.date(),
        )
        .exclude(committed_at=meeting)
        .exclude(carried_from__report_back__meeting=meeting)  # reported here, carried on
        .select_related("challenge__owner")
    )
    return {
        "members": list(members.values_list("participant_id", "participant__name")),
        "present": dict(
            Attendance.objects.filter(meeting=meeting).values_list("participant_id", "present")
        ),
        "open_actions": list(open_actions),
        "reports": list(
            ReportBack.objects.filter(meeting=meeting).select_related("action__challenge__owner")
        ),
        "actions": list(
            Action.objects.filter(committed_at=meeting).select_related("challenge__owner")
        ),
        "mode": current_mode(meeting),
    }


def _own(meeting: Meeting) -> dict[str, Any]:
    return {
        "questions": list(Question.objects.filter(meeting=meeting)),
        "record": MeetingRecord.objects.filter(meeting=meeting).first(),
        "bids": list(Bid.objects.filter(meeting=meeting).order_by("-urgent", "created_at")),
    }


def private_notes(access: LiveAccess) -> list[ProcessNote]:
    """The console's: the facilitators' own notes on the meeting, never on the board."""
    if not access.keeps_private_notes:
        return []
    notes = ProcessNote.objects.filter(meeting=access.meeting).select_related("author")
    return [n for n in notes if access.cycle.reads_process_note(n)]


def presenter_challenges(access: LiveAccess, presenter_id: int | None) -> list[Challenge]:
    """The console's: the open challenges the presenter may commit actions on."""
    if presenter_id is None:
        return []
    challenges = Challenge.objects.filter(
        learning_set=access.cycle.learning_set,
        owner_id=presenter_id,
        status__in=[Challenge.Status.OPEN, Challenge.Status.PROGRESSING],
    )
    return [c for c in challenges if access.cycle.reads_challenge(c)]


def live_board(access: LiveAccess, now: datetime) -> Board:
    meeting, live, cycle = access.meeting, access.live, access.cycle
    rows = held(meeting, live.version)
    clock = clock_of(live)
    people = dict(rows.members)
    steps = _steps(clock, people)
    current = steps[clock.index] if not clock.is_finished else None
    presenter_id = presenting(clock)

    check_in = {pk: CheckIn(pk, name, rows.present.get(pk)) for pk, name in rows.members}
    for action in rows.open_actions:
        row = check_in.get(action.challenge.owner_id)
        if row is not None and cycle.reads_action(action):
            row.open_actions.append(action)
    for report in rows.reports:
        row = check_in.get(report.action.challenge.owner_id)
        if row is not None and cycle.reads_report_back(report):
            row.reported.append(report)

    questions = [
        Asked(
            people.get(q.presenter_id, "?"),
            people.get(q.asked_by_id, "?"),
            q.text,
            q.style,
            q.get_style_display(),
        )
        for q in rows.questions
        if cycle.reads(Kind.MEETING_RECORD, q.written_at)
    ]
    habits = {
        "open": sum(q.style == "open" for q in questions),
        "closed": sum(q.style == "closed" for q in questions),
        "untagged": sum(not q.style for q in questions),
    }
    actions = [a for a in rows.actions if cycle.reads_action(a)]
    record = rows.record
    review = ""
    if record is not None and cycle.reads(Kind.MEETING_RECORD, record.written_at):
        review = record.process_review
    used = airtime(clock, now)
    slots = [(s.presenter, people.get(s.presenter, "?"), s.minutes) for s in slots_of(live)]
    chair = chair_of(live, rows.mode)
    bids = [
        BidRow(b.participant_id, people.get(b.participant_id, "?"), b.minutes, b.urgent)
        for b in rows.bids
    ]
    closed = record is not None and record.closed_at is not None
    remaining = clock.remaining(now)
    return Board(
        live=live,
        version=live.version,
        server_now_ms=int(now.timestamp() * 1000),
        steps=steps,
        current=current,
        presenter_id=presenter_id,
        presenter=people.get(presenter_id, "") if presenter_id is not None else "",
        remaining=int(remaining),
        running=clock.is_running and not closed,
        deadline_ms=int(clock.deadline.timestamp() * 1000) if clock.deadline else None,
        finished=clock.is_finished,
        over=clock.is_over(now),
        people=people,
        check_in=list(check_in.values()),
        bids=bids,
        slots=slots,
        questions=questions,
        habits=habits,
        actions=actions,
        airtime=[(people.get(p, "?"), round(s)) for p, s in used.items()],
        show_airtime=closed or clock.is_finished or getattr(clock.phase, "item", "") == "review",
        review=review,
        closed=closed,
        chair=people.get(chair, "") if chair else "",
        can_take_chair=chair is None and cycle.me is not None and self_facilitating(rows.mode),
        my_bid=next((b for b in bids if cycle.me and b.participant_id == cycle.me.pk), None),
    )
