"""Writes about the live meeting: its agenda, presenters, clock, attendance, bids, questions,
actions, report-backs, process review, and closing it into the meeting record.

The state is one row per meeting (`LiveMeeting`), locked for the length of each change. A change
of the shared state (the clock, the agenda, the presenters, the chair, closing) names the
`state_version` its screen showed and is refused (`revans.writes.Stale`) if someone changed
that state meanwhile, so two facilitators, or one on two devices, cannot undo each other unseen.
An addition (a question, a bid, an action, a report-back, a note) overwrites nothing, so it does
not make a screen stale: it carries its form's submission key instead, so a double-click adds
one. Every change raises `version`, which is what boards poll.
"""

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts.models import User
from revans.domain.agenda import Row, Slot, airtime, plan, problems, slot_problems
from revans.domain.clock import Clock, ClockError
from revans.meetings.models import Meeting
from revans.meetings.services import attendance_mark
from revans.programmes.models import Participant, Programme
from revans.writes import Stale, once, save_version

from .. import services
from ..models import (
    Action,
    AgendaTemplate,
    Bid,
    Challenge,
    LiveMeeting,
    MeetingRecord,
    ProcessNote,
    Question,
    ReportBack,
    agenda_rows,
    rows_of,
)
from .access import chair_of, current_mode, live_state, runs_meeting, self_facilitating
from .selectors import clock_of, is_closed, slots_of

CLOCK_OPERATIONS = ("start", "pause", "extend", "next", "skip")


def live_of(meeting: Meeting, state: LiveMeeting | None = None) -> LiveMeeting:
    """The meeting's live state, saved on first sight with the programme's agenda (`state`: the
    one already read, so a page that has it reads it once)."""
    live = state or live_state(meeting)
    if live.pk is None:
        live, _created = LiveMeeting.objects.get_or_create(
            meeting=meeting, defaults={"rows": live.rows}
        )
    return live


def _members(meeting: Meeting) -> set[int]:
    return set(meeting.learning_set.memberships.current().values_list("participant_id", flat=True))


def _locked(meeting: Meeting, by: User, version: int | None, *, run: bool = True) -> LiveMeeting:
    """The live row, locked until the change commits; refused when closed, stale, or not the
    runner's to change."""
    live_of(meeting)
    live = LiveMeeting.objects.select_for_update().get(meeting=meeting)
    if is_closed(meeting):
        raise ValidationError(
            _("This meeting is closed. Corrections are made on the meeting record.")
        )
    if run and not runs_meeting(meeting, live, by):
        raise ValidationError(_("Only the person running the meeting does this."))
    if version is not None and live.state_version != version:
        raise Stale()
    return live


def _save(live: LiveMeeting, clock: Clock | None = None, **fields: Any) -> None:
    if clock is not None:
        fields.update(
            position=clock.index,
            deadline=clock.deadline,
            left=clock.left,
            extended=clock.extended,
            spent=[[spent.seconds, spent.skipped] for spent in clock.spent],
        )
    LiveMeeting.objects.filter(pk=live.pk).update(
        version=F("version") + 1,
        state_version=F("state_version") + 1,
        updated_at=timezone.now(),
        **fields,
    )


def _checked(clock: Clock, change: Any) -> Clock:
    try:
        new: Clock = change(clock)
    except ClockError as error:
        raise ValidationError(str(error)) from None
    return new


@transaction.atomic
def clock_act(
    *, meeting: Meeting, by: User, version: int, operation: str, minutes: int = 0
) -> None:
    """Start, pause, extend, next or skip: on the version the console showed."""
    live = _locked(meeting, by, version)
    if not meeting.takes_attendance:
        raise ValidationError(_("The clock runs once the meeting is about to start."))
    now = timezone.now()
    clock = clock_of(live)
    changes = {
        "start": lambda c: c.start(now),
        "pause": lambda c: c.pause(now),
        "extend": lambda c: c.extend(minutes * 60),
        "next": lambda c: c.next(now),
        "skip": lambda c: c.skip(now),
    }
    if operation not in changes:
        raise ValidationError(_("The clock does not do that."))
    clock = _checked(clock, changes[operation])
    started = {"started_at": now} if live.started_at is None and operation == "start" else {}
    _save(live, clock, **started)


def _replan(
    meeting: Meeting, live: LiveMeeting, rows: Sequence[Row], slots: Sequence[Slot]
) -> Clock:
    """The clock over the new plan, if the plan can run: the presenters fit the agenda's phases,
    and only what is ahead of the clock changes."""
    found = problems(rows) or slot_problems(slots, _members(meeting), rows)
    if found:
        raise ValidationError(found)
    return _checked(clock_of(live), lambda c: c.with_phases(plan(rows, slots)))


@transaction.atomic
def agenda_save(*, meeting: Meeting, by: User, version: int, rows: Sequence[Row]) -> None:
    live = _locked(meeting, by, version)
    _replan(meeting, live, rows, slots_of(live))
    _save(live, rows=agenda_rows(rows))


def template_of(programme: Programme) -> AgendaTemplate:
    """The programme's agenda template, made with the default agenda when first edited."""
    template, _created = AgendaTemplate.objects.get_or_create(programme=programme)
    return template


@transaction.atomic
def template_save(*, template: AgendaTemplate, version: int, rows: Sequence[Row]) -> None:
    """A programme's agenda; meetings that have a copy already keep theirs."""
    found = problems(rows)
    if found:
        raise ValidationError(found)
    changes = {"rows": agenda_rows(rows), "updated_at": timezone.now()}
    save_version(template, version, changes, clean=False)


@transaction.atomic
def slots_save(*, meeting: Meeting, by: User, version: int, slots: Sequence[Slot]) -> None:
    """The presenters in order and the time allotted to each."""
    live = _locked(meeting, by, version)
    _replan(meeting, live, rows_of(live.rows), slots)
    _save(live, slots=[[slot.presenter, slot.minutes] for slot in slots])


@transaction.atomic
def chair_take(*, meeting: Meeting, by: User, member: Participant, version: int) -> None:
    """A member runs this meeting, in a self-facilitating set (the chair rotates)."""
    live = _locked(meeting, by, version, run=False)
    mode = current_mode(meeting)
    if not self_facilitating(mode):
        raise ValidationError(_("The chair is taken by members of a self-facilitating set."))
    if member.pk not in _members(meeting) or member.user_id != by.pk:
        raise ValidationError(_("A member of the set takes the chair for themself."))
    if chair_of(live, mode) is not None:
        raise ValidationError(_("Someone is chairing this meeting already."))
    _save(live, chair=member)


@transaction.atomic
def chair_release(*, meeting: Meeting, by: User, version: int) -> None:
    live = _locked(meeting, by, version)
    if live.chair_id is None:
        raise ValidationError(_("Nobody has taken the chair of this meeting."))
    _save(live, chair=None)


@transaction.atomic
def arrival(*, meeting: Meeting, by: User, participant_id: int, present: bool) -> None:
    _locked(meeting, by, None)
    attendance_mark(meeting=meeting, participant_id=participant_id, present=present, by=by)
    # (which tells the board: attendance_recorded)


@transaction.atomic
def bid_place(
    *, meeting: Meeting, by: User, participant_id: int, minutes: int, urgent: bool
) -> Bid:
    """A bid for airtime, by the member from their own device or by whoever runs the meeting;
    a second bid by the same person changes the first."""
    live = _locked(meeting, by, None, run=False)
    if participant_id not in _members(meeting):
        raise ValidationError(_("Only the set's members bid for airtime."))
    mine = Participant.objects.filter(pk=participant_id, user=by).exists()
    if not mine and not runs_meeting(meeting, live, by):
        raise ValidationError(_("Members bid for themselves."))
    if not 1 <= minutes <= 180:
        raise ValidationError(_("Ask for 1 to 180 minutes."))
    bid, _created = Bid.objects.update_or_create(
        meeting=meeting,
        participant_id=participant_id,
        defaults={"minutes": minutes, "urgent": urgent},
    )
    services.touch(meeting)
    return bid


@transaction.atomic
def bid_withdraw(*, meeting: Meeting, by: User, participant_id: int) -> None:
    live = _locked(meeting, by, None, run=False)
    mine = Participant.objects.filter(pk=participant_id, user=by).exists()
    if not mine and not runs_meeting(meeting, live, by):
        raise ValidationError(_("Members withdraw their own bids."))
    Bid.objects.filter(meeting=meeting, participant_id=participant_id).delete()
    services.touch(meeting)


@transaction.atomic
def question_add(
    *,
    meeting: Meeting,
    by: User,
    presenter_id: int,
    asked_by_id: int,
    text: str,
    style: str,
    submission: uuid.UUID,
) -> Question:
    _locked(meeting, by, None)
    members = _members(meeting)
    if presenter_id not in members or asked_by_id not in members:
        raise ValidationError(_("Questions are asked by, and of, the set's members."))
    if presenter_id == asked_by_id:
        raise ValidationError(_("A presenter is asked questions by the others."))
    question = once(
        Question,
        submission,
        lambda: Question(
            meeting=meeting,
            presenter_id=presenter_id,
            asked_by_id=asked_by_id,
            text=text.strip(),
            style=style,
        ),
    )
    services.touch(meeting)
    return question


@transaction.atomic
def action_commit(
    *,
    meeting: Meeting,
    by: User,
    challenge: Challenge,
    text: str,
    due_on: date | None,
    submission: uuid.UUID,
) -> Action:
    """An action the presenter commits to, on their challenge, due by the next meeting."""
    live = _locked(meeting, by, None)
    presenters = {slot.presenter for slot in slots_of(live)}
    if challenge.learning_set_id != meeting.learning_set_id:
        raise ValidationError(_("That challenge belongs to another set."))
    if challenge.owner_id not in presenters:
        raise ValidationError(_("Actions are committed by this meeting's presenters."))
    action = services.action_create(
        challenge=challenge,
        by=None,
        on_behalf=True,
        submission=submission,
        text=text,
        due_on=due_on,
        meeting=meeting,
    )  # which raises the meeting's version itself
    return action


@transaction.atomic
def report_back(
    *,
    meeting: Meeting,
    by: User,
    action: Action,
    outcome: str,
    what_happened: str,
    carry_forward: bool,
) -> ReportBack:
    """A report-back at check-in: by whoever runs the meeting, or by the action's owner."""
    live = _locked(meeting, by, None, run=False)
    own = action.challenge.owner.user_id == by.pk
    if not own and not runs_meeting(meeting, live, by):
        raise ValidationError(_("Members report back on their own actions."))
    if action.challenge.learning_set_id != meeting.learning_set_id:
        raise ValidationError(_("That action belongs to another set."))
    return services.report_back(
        action=action,
        by=by,
        outcome=outcome,
        what_happened=what_happened,
        learned="",
        carry_forward=carry_forward,
        meeting=meeting,
    )


@transaction.atomic
def review_note(*, meeting: Meeting, by: User, text: str) -> MeetingRecord:
    """A line of the process review, which the set sees and the record keeps."""
    _locked(meeting, by, None)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the note first."))
    record, _created = MeetingRecord.objects.select_for_update().get_or_create(meeting=meeting)
    if record.process_review.endswith(text):
        return record  # the same note again at the end: a double-click, written once
    joined = f"{record.process_review}\n{text}".strip()
    if len(joined) > 10000:
        raise ValidationError(_("The process review is full (10,000 characters)."))
    MeetingRecord.objects.filter(pk=record.pk).update(
        process_review=joined, version=F("version") + 1
    )
    services.touch(meeting)
    return MeetingRecord.objects.get(pk=record.pk)


@transaction.atomic
def private_note(*, meeting: Meeting, by: User, text: str, submission: uuid.UUID) -> ProcessNote:
    """The facilitator's own note; it raises no version, so no board learns it was written."""
    _locked(meeting, by, None)
    return services.process_note_write(meeting=meeting, author=by, submission=submission, text=text)


@transaction.atomic
def reopen(*, meeting: Meeting, by: User) -> MeetingRecord:
    """Undo a close made by mistake, within MeetingRecord.REOPEN_WITHIN of it: the clock stays
    paused where it stopped, and the record keeps what it had."""
    if not runs_meeting(meeting, live_state(meeting), by):
        raise ValidationError(_("Only the person running the meeting does this."))
    record = MeetingRecord.objects.select_for_update().filter(meeting=meeting).first()
    if record is None or record.closed_at is None:
        raise ValidationError(_("The meeting is not closed."))
    if not record.can_reopen:
        raise ValidationError(
            _("A meeting reopens for two hours after it closed; correct its record instead.")
        )
    record.closed_at = None
    record.version += 1
    record.save(update_fields=["closed_at", "version"])
    services.touch(meeting)
    return record


@transaction.atomic
def close(*, meeting: Meeting, by: User, version: int) -> MeetingRecord:
    """The meeting is over: the record takes who presented, the airtime each had, and the time;
    the clock stops. The process review and the actions are in the record already."""
    live = _locked(meeting, by, version)
    now = timezone.now()
    clock = clock_of(live)
    used = {person: seconds for person, seconds in airtime(clock, now).items() if seconds > 0}
    if clock.is_running:
        clock = clock.pause(now)
    record, _created = MeetingRecord.objects.select_for_update().get_or_create(meeting=meeting)
    record.airtime = {str(person): round(seconds) for person, seconds in used.items()}
    record.closed_at = now
    record.version += 1
    record.save(update_fields=["airtime", "closed_at", "version"])
    record.presenters.set(Participant.objects.filter(pk__in=list(used)))
    _save(live, clock)
    return record
