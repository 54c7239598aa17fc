"""Reads for the cycle's pages; every piece of text passes the reader's `CycleAccess` first."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import get_language

from revans.domain.confidentiality import Kind, Reader, may_read
from revans.meetings.models import Attendance, Meeting
from revans.programmes.models import Participant, SetMembership
from revans.writes import kept, kept_key

from .access import CycleAccess
from .models import (
    Action,
    Challenge,
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


# The cycle page shows the challenges still being worked on, each with its latest actions;
# resolved and dropped challenges, and earlier actions, are a link away (two years of them made
# the page 30 KB and most of its time).
CLOSED = (Challenge.Status.RESOLVED, Challenge.Status.DROPPED)
LATEST_ACTIONS = 4


# What the cycle page and the learning log are drawn from: a save or delete of any moves the kept
# generation (connected in apps.ready).
DRAWN_FROM = (
    Challenge,
    Action,
    ReportBack,
    Reflection,
    Attendance,
    Meeting,
    SetMembership,
    Participant,
)


class Cycle(NamedTuple):
    people: list[MemberCycle]
    total: Figures
    other_list: int  # how many challenges the other list (open, or resolved and dropped) holds


def set_cycle(access: CycleAccess, closed: bool = False) -> Cycle:
    """Each member's open challenges (or, `closed`, their resolved and dropped ones) and their
    actions as this reader may see them; the follow-through figures over every challenge; and
    how many challenges the other list holds for this reader. Kept under the kept generation
    and the reader's whole relation to the set (their periods and their own pool entries),
    which alone decide what they read of it: readers alike share it."""
    return kept(cycle_key(access, closed), lambda: _set_cycle(access, closed))


def cycle_key(access: CycleAccess, closed: bool) -> str:
    """What the cycle page reads for this reader is kept under this key (its HTML too)."""
    return f"cycle:{closed}:{_relation(access)}"


def _relation(access: CycleAccess) -> str:
    """A key for what this reader reads of the set: the kept generation and their whole
    relation to it (their periods and their own pool entries), which alone decide it."""
    relation = (
        access.learning_set.pk,
        tuple(access.reader.as_member),
        tuple(access.reader.as_facilitator),
        tuple(sorted(access.own_entries)),
    )
    return kept_key("relation", relation, within=access.learning_set.programme)


def _set_cycle(access: CycleAccess, closed: bool) -> Cycle:
    learning_set = access.learning_set
    people: dict[int, MemberCycle] = {}
    for m in learning_set.memberships.current().select_related("participant"):
        people[m.participant_id] = MemberCycle(name=m.participant.name)
    # The figures count only what this reader may read: a former member's figures stop where
    # their time in the set did (a later report-back's outcome is a figure about one action).
    # They are worked out from plain values: every action of every challenge, never rendered.
    readable: dict[int, int] = {}  # challenge → owner, for the challenges this reader reads
    visible: Counter[int] = Counter()  # challenge → the actions of it this reader reads
    other_list = 0
    challenges = Challenge.objects.filter(learning_set=learning_set).values_list(
        "pk", "owner_id", "owner__name", "written_at", "status"
    )
    for pk, owner_id, name, written_at, status in challenges:
        person = people.setdefault(owner_id, MemberCycle(name=name))
        if not access.reads(Kind.CHALLENGE, written_at, owner_id):
            continue
        readable[pk] = owner_id
        other_list += (status in CLOSED) != closed
        person.figures.challenges_resolved += status == Challenge.Status.RESOLVED
    every = Action.objects.filter(challenge__learning_set=learning_set).values_list(
        "challenge_id",
        "written_at",
        "carried_from_id",
        "report_back__written_at",
        "report_back__outcome",
    )
    done = (ReportBack.Outcome.DONE, ReportBack.Outcome.PARTLY)
    for challenge_id, written_at, carried_from, reported_at, outcome in every:
        owner = readable.get(challenge_id)
        if owner is None or not access.reads(Kind.ACTION, written_at, owner):
            continue
        visible[challenge_id] += 1
        figures = people[owner].figures
        if reported_at is not None and access.reads(Kind.REPORT_BACK, reported_at, owner):
            figures.reported += 1
            figures.done_or_partly += outcome in done
        figures.carried_forward += carried_from is not None
    latest = Action.objects.select_related("report_back").order_by("-due_on", "-created_at")
    shown = Challenge.objects.filter(learning_set=learning_set).prefetch_related(
        Prefetch("actions", queryset=latest[:LATEST_ACTIONS], to_attr="latest_actions")
    )
    shown = shown.filter(status__in=CLOSED) if closed else shown.exclude(status__in=CLOSED)
    for challenge in shown:
        if challenge.pk not in readable:
            continue
        actions = [access.shown(a) for a in challenge.latest_actions if access.reads_action(a)]
        challenge.visible_actions = actions[::-1]  # type: ignore[attr-defined]
        challenge.earlier_actions = visible[challenge.pk] - len(actions)  # type: ignore[attr-defined]
        people[challenge.owner_id].challenges.append(challenge)
    attended = Attendance.objects.filter(meeting__learning_set=learning_set).values_list(
        "participant_id", "present", "meeting__starts_at"
    )
    for who, present, starts in attended:
        if who in people and access.reads(Kind.MEETING_RECORD, starts):
            people[who].figures.meetings_recorded += 1
            people[who].figures.meetings_attended += int(present)
    total = Figures()
    for person in people.values():
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(person.figures, name))
    return Cycle(list(people.values()), total, other_list)


def log_key(access: CycleAccess) -> str:
    """The learning log's entries are kept as HTML under this key: what this reader reads, in
    the language and zone their dates are written in."""
    return f"log:{_relation(access)}:{get_language()}:{timezone.get_current_timezone_name()}"


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
    """The reader's open actions, of every set they are in: kept under the generation of reads
    not confined to one programme, which a write in any of theirs moves."""
    if access.me is None:
        return []
    mine = (
        Action.objects.filter(challenge__owner=access.me, status=Action.Status.OPEN)
        .select_related("challenge")
        .order_by("due_on")
    )
    return kept(kept_key("open-actions", access.me.pk), lambda: list(mine))


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
    """By set id: the person's own challenges and open actions (their own words only), kept
    for them under the kept generation."""
    key = kept_key("member-home", sorted(set(participant_ids)))
    return kept(key, lambda: _member_home(participant_ids))


def _member_home(participant_ids: list[int]) -> dict[int, MemberHome]:
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
    ).values_list(
        "challenge__learning_set_id", "challenge__owner_id", "challenge__owner__name", "due_on"
    )
    for set_id, owner_id, name, due_on in actions:
        follow = found.setdefault(set_id, {}).setdefault(owner_id, Follow(name=name))
        follow.open += 1
        follow.overdue += int(due_on < today)
    return {set_id: sorted(p.values(), key=lambda f: f.name) for set_id, p in found.items()}


# The live meeting: one read of everything the console and the board show, in a fixed number of
# queries however many meetings the set has had.


@dataclass
class RecordPage:
    """A meeting's record as this reader may read it (`record` None when they may not)."""

    record: MeetingRecord | None
    members: list[tuple[int, str]]  # the set's current members, for the facilitator's form
    agreed: list[Action]
    reports: list[ReportBack]
    airtime: list[tuple[str, float]] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)


def meeting_record(access: CycleAccess, meeting: Meeting) -> RecordPage:
    record = MeetingRecord.objects.filter(meeting=meeting).first()
    readable = record is None or access.reads(Kind.MEETING_RECORD, record.written_at)
    found = RecordPage(
        record=record if readable else None,
        members=[
            (m.participant_id, m.participant.name)
            for m in access.learning_set.memberships.current().select_related("participant")
        ],
        agreed=[
            a
            for a in Action.objects.filter(committed_at=meeting).select_related("challenge__owner")
            if access.reads_action(a)
        ],
        reports=[
            r
            for r in ReportBack.objects.filter(meeting=meeting).select_related(
                "action__challenge__owner"
            )
            if access.reads_report_back(r)
        ],
    )
    if record is not None and readable:
        names = dict(
            Participant.objects.filter(pk__in=[int(pk) for pk in record.airtime]).values_list(
                "pk", "name"
            )
        )
        found.airtime = [
            (names.get(int(pk), "?"), seconds) for pk, seconds in record.airtime.items()
        ]
        found.questions = [
            q
            for q in Question.objects.filter(meeting=meeting).select_related(
                "asked_by", "presenter"
            )
            if access.reads(Kind.MEETING_RECORD, q.written_at)
        ]
    return found
