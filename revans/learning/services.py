"""Writes about the cycle: challenges, actions, report-backs, reflections, process notes.

One transaction each. A new record is made `once` per submission key and an edit is saved at the
version it started from (`revans.writes`: a `Conflict` carries what the other person saved, so
the second writer keeps their text).
"""

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts.models import User
from revans.meetings.models import Meeting
from revans.meetings.selectors import next_meeting
from revans.programmes.models import LearningSet, Participant
from revans.writes import kept, kept_key, once, save_version

from .models import (
    Action,
    Challenge,
    LiveMeeting,
    MeetingRecord,
    ProcessNote,
    Reflection,
    ReportBack,
)


def _member(learning_set: LearningSet, participant: Participant) -> None:
    if not learning_set.memberships.current().filter(participant=participant).exists():
        raise ValidationError(_("Only the set's current members do this."))


def touch(meeting: Meeting) -> None:
    """Something a live board shows changed: raise the meeting's version so boards fetch it."""
    LiveMeeting.objects.filter(meeting=meeting).update(
        version=F("version") + 1, updated_at=timezone.now()
    )


def touch_on_attendance(sender: Any, meeting: Meeting, **kwargs: Any) -> None:
    """Attendance taken anywhere (the meeting page, the console) reaches the live board."""
    touch(meeting)


@transaction.atomic
def challenge_create(
    *, learning_set: LearningSet, owner: Participant, submission: uuid.UUID, fields: dict[str, str]
) -> Challenge:
    _member(learning_set, owner)
    return once(
        Challenge,
        submission,
        lambda: Challenge(learning_set=learning_set, owner=owner, **fields),
    )


@transaction.atomic
def challenge_update(
    *, challenge: Challenge, by: Participant, version: int, fields: dict[str, str]
) -> Challenge:
    if challenge.owner_id != by.pk:
        raise ValidationError(_("Only the person who brought a challenge changes it."))
    changes: dict[str, Any] = dict(fields)
    if fields.get("status") and fields["status"] != challenge.status:
        changes["status_since"] = timezone.localdate()
    return save_version(challenge, version, changes)


def _check_owner_or_facilitator(
    challenge: Challenge, participant: Participant | None, facilitator: bool
) -> None:
    if facilitator:
        return
    if participant is None or challenge.owner_id != participant.pk:
        raise ValidationError(_("Actions are committed on your own challenge."))


@transaction.atomic
def action_create(
    *,
    challenge: Challenge,
    by: Participant | None,
    on_behalf: bool,
    submission: uuid.UUID,
    text: str,
    due_on: date | None,
    meeting: Meeting | None = None,
) -> Action:
    """An action on a challenge, due by the next meeting unless a date is given; committed at
    `meeting` (the live console says which), else at the meeting under way, if any."""
    _check_owner_or_facilitator(challenge, by, on_behalf)
    if challenge.status in (Challenge.Status.RESOLVED, Challenge.Status.DROPPED):
        raise ValidationError(_("This challenge is closed; reopen it to add actions."))
    if due_on is None:
        # After the meeting it is committed at (which may not have begun yet), else after now.
        after = max(timezone.now(), meeting.starts_at) if meeting else timezone.now()
        upcoming = next_meeting(challenge.learning_set, after)
        if upcoming is None:
            raise ValidationError(_("Give a date: the set has no next meeting scheduled."))
        due_on = upcoming.local_start.date()
    if due_on < timezone.localdate():
        raise ValidationError(_("An action cannot be due in the past."))
    now = timezone.now()
    during = (
        meeting
        or challenge.learning_set.meetings.filter(
            status=Meeting.Status.SCHEDULED, starts_at__lte=now, ends_at__gte=now
        ).first()
    )  # committed in a meeting, or between meetings
    action = once(
        Action,
        submission,
        lambda: Action(challenge=challenge, text=text.strip(), due_on=due_on, committed_at=during),
    )
    if during is not None:
        touch(during)
    return action


@transaction.atomic
def action_progress(
    *, action: Action, by: Participant, version: int, progress: str, done: bool
) -> Action:
    """The owner's update between meetings; `done` marks it done with that note."""
    if action.challenge.owner_id != by.pk:
        raise ValidationError(_("Only the action's owner updates it."))
    if not action.is_open:
        raise ValidationError(_("This action is already closed."))
    fields: dict[str, Any] = {"progress": progress.strip()}
    if fields["progress"] != action.progress:
        fields["progress_at"] = timezone.now()  # who may read it is judged from this moment
    if done:
        fields["status"] = Action.Status.DONE
    return save_version(action, version, fields)


@transaction.atomic
def report_back(
    *,
    action: Action,
    by: User,
    outcome: str,
    what_happened: str,
    learned: str,
    carry_forward: bool,
    reason: str = "",
    meeting: Meeting | None = None,
) -> ReportBack:
    """What became of an action at the next meeting: once per action. Unfinished, it is carried
    forward (a new action, due by the next meeting, pointing back) or closed."""
    action = Action.objects.select_for_update().select_related("challenge").get(pk=action.pk)
    if hasattr(action, "report_back"):
        raise ValidationError(_("This action has had its report-back already."))
    if meeting is None:  # told at the meeting that has started most recently
        meeting = (
            action.challenge.learning_set.meetings.filter(starts_at__lte=timezone.now())
            .order_by("-starts_at")
            .first()
        )
    report = ReportBack(
        action=action,
        meeting=meeting,
        outcome=outcome,
        what_happened=what_happened.strip(),
        learned=learned.strip(),
        recorded_by=by,
    )
    report.full_clean()
    report.save()
    finished = outcome == ReportBack.Outcome.DONE
    action.status = Action.Status.DONE if finished else Action.Status.CLOSED
    if not finished:
        action.closed_reason = (
            _("Carried forward") if carry_forward else reason.strip() or _("Closed at report-back")
        )
    action.version += 1
    action.save(update_fields=["status", "closed_reason", "version"])
    if carry_forward and not finished:
        after = max(timezone.now(), meeting.starts_at) if meeting else timezone.now()
        upcoming = next_meeting(action.challenge.learning_set, after)
        Action.objects.create(
            challenge=action.challenge,
            text=action.text,
            due_on=upcoming.local_start.date() if upcoming else action.due_on,
            carried_from=action,
            progress=action.progress,
            progress_at=action.progress_at,
        )
    if meeting is not None:
        touch(meeting)
    return report


PROMPTS = (
    # About the problem (Revans' questions).
    "What am I really trying to do? What is stopping me?",
    "Who knows about this problem, who cares about it, and who can do something about it?",
    # About myself.
    "What did I notice about myself in the last meeting?",
    "What am I avoiding, and why?",
    # About how we learn (Marquardt's questions).
    "Which question helped me most, and what made it a good question?",
    "What have I learned that I can use elsewhere in the organisation?",
)


def prompt_for(author: Participant) -> str:
    """The next of the rotating prompts for this person (their count of entries is kept: the
    learning log is among the busiest pages)."""
    written = Reflection.objects.filter(author=author)
    return PROMPTS[kept(kept_key("entries", author.pk), written.count) % len(PROMPTS)]


@transaction.atomic
def reflection_write(
    *, learning_set: LearningSet, author: Participant, submission: uuid.UUID, prompt: str, text: str
) -> Reflection:
    _member(learning_set, author)
    return once(
        Reflection,
        submission,
        lambda: Reflection(
            learning_set=learning_set, author=author, prompt=prompt[:300], text=text.strip()
        ),
    )


@transaction.atomic
def reflection_share(*, reflection: Reflection, by: Participant, shared: bool) -> Reflection:
    """Share an entry with the set, or take it back; the author's choice alone."""
    if reflection.author_id != by.pk:
        raise ValidationError(_("Only the author shares or takes back their entry."))
    reflection.shared_at = timezone.now() if shared else None
    reflection.save(update_fields=["shared_at"])
    return reflection


@transaction.atomic
def process_note_write(
    *, meeting: Meeting, author: User, submission: uuid.UUID, text: str
) -> ProcessNote:
    current = meeting.learning_set.facilitations.current().filter(user=author)
    if not current.exists():
        raise ValidationError(_("Process notes are written by the set's facilitators."))
    return once(
        ProcessNote,
        submission,
        lambda: ProcessNote(meeting=meeting, author=author, text=text.strip()),
    )


@transaction.atomic
def meeting_record_save(
    *,
    meeting: Meeting,
    by: User,
    version: int,
    presenters: list[Participant],
    process_review: str,
    close: bool,
) -> MeetingRecord:
    """The facilitator fills in or corrects the record; closing it says the meeting is done.
    Two facilitators saving at once: the second gets a Conflict, not an overwrite."""
    if not meeting.learning_set.facilitations.current().filter(user=by).exists():
        raise ValidationError(_("The set's facilitators keep the meeting record."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("A meeting is recorded once it has started."))
    members = set(
        meeting.learning_set.memberships.current().values_list("participant_id", flat=True)
    )
    if any(p.pk not in members for p in presenters):
        raise ValidationError(_("Presenters are members of the set."))
    record, _created = MeetingRecord.objects.get_or_create(meeting=meeting)
    fields: dict[str, Any] = {"process_review": process_review.strip()}
    if close and record.closed_at is None:
        fields["closed_at"] = timezone.now()
    record = save_version(record, version, fields)
    record.presenters.set(presenters)
    touch(meeting)  # a board open on the meeting shows the review, or that it is closed
    return record
