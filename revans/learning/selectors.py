"""Reads for the cycle's pages; every piece of text passes the reader's `CycleAccess` first."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch
from django.utils import timezone

from revans.domain.agenda import airtime, presenting
from revans.domain.clock import Clock
from revans.domain.confidentiality import Kind, Reader, may_read
from revans.meetings.models import Attendance

from .access import CycleAccess, LiveAccess
from .live import clock_of, slots_of
from .models import (
    Action,
    Bid,
    Challenge,
    LiveMeeting,
    MeetingRecord,
    ProcessNote,
    Question,
    Reflection,
    ReportBack,
)


@dataclass
class Figures:
    """Follow-through, per member or for the set: numbers, never text."""

    reported: int = 0
    done_or_partly: int = 0
    carried_forward: int = 0
    challenges_resolved: int = 0
    meetings_attended: int = 0
    meetings_recorded: int = 0


@dataclass
class MemberCycle:
    name: str
    challenges: list[Challenge] = field(default_factory=list)
    figures: Figures = field(default_factory=Figures)


def set_cycle(access: CycleAccess) -> tuple[list[MemberCycle], Figures]:
    """Each member's challenges and actions as this reader may see them, with the figures."""
    learning_set = access.learning_set
    challenges = (
        Challenge.objects.filter(learning_set=learning_set)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "actions",
                queryset=Action.objects.select_related("report_back", "challenge__owner"),
            )
        )
    )
    people: dict[int, MemberCycle] = {}
    for m in learning_set.memberships.filter(left_on=None).select_related("participant"):
        people[m.participant_id] = MemberCycle(name=m.participant.name)
    total = Figures()
    # The figures count only what this reader may read: a former member's figures stop where
    # their time in the set did (a later report-back's outcome is a figure about one action).
    for challenge in challenges:
        person = people.setdefault(challenge.owner_id, MemberCycle(name=challenge.owner.name))
        if not access.reads_challenge(challenge):
            continue
        if challenge.status == Challenge.Status.RESOLVED:
            person.figures.challenges_resolved += 1
        visible = [access.shown(a) for a in challenge.actions.all() if access.reads_action(a)]
        for action in visible:
            report = action.shown_report  # type: ignore[attr-defined]
            if report is not None:
                person.figures.reported += 1
                if report.outcome in (ReportBack.Outcome.DONE, ReportBack.Outcome.PARTLY):
                    person.figures.done_or_partly += 1
            if action.carried_from_id:
                person.figures.carried_forward += 1
        challenge.visible_actions = visible  # type: ignore[attr-defined]
        person.challenges.append(challenge)
    attended = Attendance.objects.filter(meeting__learning_set=learning_set).values_list(
        "participant_id", "present", "meeting__starts_at"
    )
    for who, present, starts in attended:
        if who in people and access.reads(Kind.MEETING_RECORD, starts):
            people[who].figures.meetings_recorded += 1
            people[who].figures.meetings_attended += int(present)
    for person in people.values():
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(person.figures, name))
    return list(people.values()), total


def learning_log(access: CycleAccess) -> tuple[list[Reflection], list[Reflection]]:
    """(my entries, entries others shared with the set) as this reader may read them."""
    entries = Reflection.objects.filter(learning_set=access.learning_set).select_related("author")
    mine = [r for r in entries if r.author_id in access.own_entries]
    shared = [
        r for r in entries if r.author_id not in access.own_entries and access.reads_reflection(r)
    ]
    return mine, shared


def process_notes(access: CycleAccess, meeting_id: int) -> list[ProcessNote]:
    notes = ProcessNote.objects.filter(meeting_id=meeting_id).select_related("author")
    return [n for n in notes if access.reads_process_note(n)]


def open_actions_of(access: CycleAccess) -> list[Action]:
    if access.me is None:
        return []
    return list(
        Action.objects.filter(challenge__owner=access.me, status=Action.Status.OPEN)
        .select_related("challenge")
        .order_by("due_on")
    )


@dataclass
class MemberHome:
    """What a member sees between meetings, per set: their challenges and open actions."""

    learning_set_id: int
    challenges: list[Challenge]
    open_actions: list[Action]


def _own(kind: Kind, moment: datetime) -> bool:
    """The reader's own words: the confidentiality table says yes, and is asked all the same."""
    return may_read(kind, Reader(is_author=True), moment)


def member_home(participant_ids: list[int]) -> dict[int, MemberHome]:
    """By set id: the person's own challenges and open actions (their own words only)."""
    found: dict[int, MemberHome] = {}
    challenges = Challenge.objects.filter(owner_id__in=participant_ids).exclude(
        status__in=[Challenge.Status.RESOLVED, Challenge.Status.DROPPED]
    )
    for challenge in challenges:
        if not _own(Kind.CHALLENGE, challenge.written_at):
            continue
        found.setdefault(
            challenge.learning_set_id, MemberHome(challenge.learning_set_id, [], [])
        ).challenges.append(challenge)
    actions = Action.objects.filter(
        challenge__owner_id__in=participant_ids, status=Action.Status.OPEN
    ).select_related("challenge")
    for action in actions:
        if not _own(Kind.ACTION, action.written_at):
            continue
        found.setdefault(
            action.challenge.learning_set_id, MemberHome(action.challenge.learning_set_id, [], [])
        ).open_actions.append(action)
    return found


@dataclass
class Follow:
    name: str
    open: int = 0
    overdue: int = 0


def facilitator_home(set_ids: list[int]) -> dict[int, list[Follow]]:
    """By set id: each member with open or overdue actions (counts only, no text)."""
    today = timezone.localdate()
    found: dict[int, dict[int, Follow]] = {}
    actions = Action.objects.filter(
        challenge__learning_set_id__in=set_ids, status=Action.Status.OPEN
    ).select_related("challenge__owner")
    for action in actions:
        people = found.setdefault(action.challenge.learning_set_id, {})
        owner = action.challenge.owner
        follow = people.setdefault(owner.pk, Follow(name=owner.name))
        follow.open += 1
        follow.overdue += int(action.due_on < today)
    return {set_id: sorted(p.values(), key=lambda f: f.name) for set_id, p in found.items()}


# The live meeting: one read of everything the console and the board show, in a fixed number of
# queries however many meetings the set has had.


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
    notes: list[ProcessNote]
    presenter_challenges: list[Challenge]
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
                name=step.name,
                item=getattr(step, "item", ""),
                presenter=people.get(presenter, "") if presenter is not None else "",
                seconds=step.seconds,
                state=state,
                used=used,
            )
        )
    return rows


def live_board(access: LiveAccess, now: datetime) -> Board:
    meeting, live, cycle = access.meeting, access.live, access.cycle
    clock = clock_of(live)
    members = list(
        cycle.learning_set.memberships.filter(left_on=None)
        .select_related("participant")
        .order_by("participant__name")
    )
    people = {m.participant_id: m.participant.name for m in members}
    present = dict(
        Attendance.objects.filter(meeting=meeting).values_list("participant_id", "present")
    )
    steps = _steps(clock, people)
    current = steps[clock.index] if not clock.is_finished else None
    presenter_id = presenting(clock)

    check_in = {
        m.participant_id: CheckIn(
            m.participant_id, m.participant.name, present.get(m.participant_id)
        )
        for m in members
    }
    open_actions = (  # due by this meeting: what its check-in reports on
        Action.objects.filter(
            challenge__learning_set=cycle.learning_set,
            status=Action.Status.OPEN,
            due_on__lte=meeting.local_start.date(),
        )
        .exclude(committed_at=meeting)
        .exclude(carried_from__report_back__meeting=meeting)  # reported here, carried on
        .select_related("challenge__owner")
    )
    for action in open_actions:
        row = check_in.get(action.challenge.owner_id)
        if row is not None and cycle.reads_action(action):
            row.open_actions.append(action)
    for report in ReportBack.objects.filter(meeting=meeting).select_related(
        "action__challenge__owner"
    ):
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
        for q in Question.objects.filter(meeting=meeting)
        if cycle.reads(Kind.MEETING_RECORD, q.written_at)
    ]
    habits = {
        "open": sum(q.style == "open" for q in questions),
        "closed": sum(q.style == "closed" for q in questions),
        "untagged": sum(not q.style for q in questions),
    }
    actions = [
        a
        for a in Action.objects.filter(committed_at=meeting).select_related("challenge__owner")
        if cycle.reads_action(a)
    ]
    record = MeetingRecord.objects.filter(meeting=meeting).first()
    review = ""
    if record is not None and cycle.reads(Kind.MEETING_RECORD, record.written_at):
        review = record.process_review
    used = airtime(clock, now)
    slots = [(s.presenter, people.get(s.presenter, "?"), s.minutes) for s in slots_of(live)]
    notes: list[ProcessNote] = []
    if access.keeps_private_notes:
        notes = [
            n
            for n in ProcessNote.objects.filter(meeting=meeting).select_related("author")
            if cycle.reads_process_note(n)
        ]
    challenges: list[Challenge] = []
    if presenter_id is not None and access.runs:
        challenges = [
            c
            for c in Challenge.objects.filter(
                learning_set=cycle.learning_set,
                owner_id=presenter_id,
                status__in=[Challenge.Status.OPEN, Challenge.Status.PROGRESSING],
            )
            if cycle.reads_challenge(c)
        ]
    bids = [
        BidRow(b.participant_id, people.get(b.participant_id, "?"), b.minutes, b.urgent)
        for b in Bid.objects.filter(meeting=meeting).order_by("-urgent", "created_at")
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
        chair=people.get(access.chair, "") if access.chair else "",
        can_take_chair=access.chair is None and cycle.me is not None and access.self_facilitating,
        notes=notes,
        presenter_challenges=challenges,
        my_bid=next((b for b in bids if cycle.me and b.participant_id == cycle.me.pk), None),
    )
