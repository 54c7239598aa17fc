"""The action learning cycle's records: a member's challenge, the actions they commit to, each
action's report-back, their learning log, and the facilitators' process notes. Who may read any
of it is decided by revans.domain.confidentiality, through `access.py`; never here.

Every record people edit carries a `version`: a save must name the version it started from, so
two people editing at once cannot overwrite each other unseen. Records created from a form carry
the form's `submission` key, unique, so a double-clicked submit makes one row.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revans.domain.agenda import DEFAULT_AGENDA, Item, Row
from revans.meetings.models import Meeting
from revans.programmes.models import LearningSet, Participant, Programme


class Written(models.Model):
    """The moment it was written: what the confidentiality table compares, to the moment, with
    the reader's periods in the set."""

    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class Versioned(models.Model):
    """Raised by every save; a save names the version it started from (no silent overwrite)."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class Submitted(models.Model):
    """The key of the form that made it, so a double-clicked submit makes one row."""

    submission = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class Challenge(Written, Versioned, Submitted):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PROGRESSING = "progressing", _("Progressing")
        RESOLVED = "resolved", _("Resolved")
        DROPPED = "dropped", _("Dropped")

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="challenges"
    )
    owner = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="challenges")
    statement = models.TextField(_("the problem, in a sentence or two"), max_length=2000)
    why_it_matters = models.TextField(_("why it matters"), max_length=2000, blank=True)
    desired_outcome = models.TextField(_("what good would look like"), max_length=2000, blank=True)
    business_area = models.CharField(_("business area"), max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    status_since = models.DateField(default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Challenge {self.pk} of {self.owner}"


class Action(Written, Versioned, Submitted):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CLOSED = "closed", _("Closed without finishing")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="actions")
    text = models.TextField(_("what I will do"), max_length=1000)
    due_on = models.DateField(_("by"))
    committed_at = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    progress = models.TextField(_("progress so far"), max_length=2000, blank=True)
    # When the progress was last written: a reader who left before then does not read it.
    progress_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_reason = models.CharField(_("why it is closed"), max_length=300, blank=True)
    # An unfinished action carried forward to the next meeting is a new action pointing here.
    carried_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the sweep found its day come (the `action_fell_due` signal): set by a conditional
    # update, so an action falls due once, whatever sweeps run at once.
    fell_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [
            models.Index(
                fields=["due_on"], condition=models.Q(fell_due_at=None), name="action_not_yet_due"
            )
        ]

    def __str__(self) -> str:
        return f"Action {self.pk} on challenge {self.challenge_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ReportBack(Written):
    """What became of an action, told at the next meeting: once per action."""

    class Outcome(models.TextChoices):
        DONE = "done", _("Done")
        PARTLY = "partly", _("Partly")
        NOT = "not", _("Not done")

    action = models.OneToOneField(Action, on_delete=models.CASCADE, related_name="report_back")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="report_backs"
    )
    outcome = models.CharField(max_length=6, choices=Outcome.choices)
    what_happened = models.TextField(_("what happened"), max_length=2000, blank=True)
    learned = models.TextField(_("what I learned"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Report-back on action {self.action_id}"


class Reflection(Written, Submitted):
    """A learning-log entry: the author's alone unless shared with the set (and taken back)."""

    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, related_name="reflections"
    )
    author = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="reflections")
    prompt = models.CharField(max_length=300, blank=True)
    text = models.TextField(_("your reflection"), max_length=10000)
    shared_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Reflection {self.pk}"

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None

    @property
    def moment(self) -> datetime:
        """What the confidentiality table judges: when it was shared, or else written."""
        return self.shared_at or self.written_at


class ProcessNote(Written, Versioned, Submitted):
    """A facilitator's private note about how the set worked at one meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="process_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("process note"), max_length=10000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Process note {self.pk}"


class MeetingRecord(Written, Versioned):
    """What happened at a meeting, filled in by the live console and corrected afterwards:
    who presented, the process review, the airtime each presenter had. The actions agreed and
    the report-backs received are the actions and report-backs that name the meeting."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="record")
    presenters = models.ManyToManyField(Participant, blank=True, related_name="+")
    process_review = models.TextField(_("process review"), max_length=10000, blank=True)
    airtime = models.JSONField(default=dict, blank=True)  # {participant id: seconds}
    closed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Record of {self.meeting}"

    # A meeting closed by mistake can be reopened this long after.
    REOPEN_WITHIN = timedelta(hours=2)

    @property
    def can_reopen(self) -> bool:
        closed = self.closed_at
        return closed is not None and timezone.now() - closed <= self.REOPEN_WITHIN


def default_agenda() -> list[dict[str, object]]:
    return agenda_rows(DEFAULT_AGENDA)


def agenda_rows(rows: Sequence[Row]) -> list[dict[str, object]]:
    return [{"item": row.item.value, "name": row.name, "minutes": row.minutes} for row in rows]


def rows_of(stored: list[dict[str, Any]]) -> list[Row]:
    return [Row(Item(r["item"]), r["name"], int(r["minutes"])) for r in stored]


class AgendaTemplate(Versioned):
    """A programme's agenda for its meetings; each meeting takes a copy it can change."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="agenda_template"
    )
    rows = models.JSONField(default=default_agenda)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Agenda of {self.programme}"


class LiveMeeting(Versioned):
    """The live state of one meeting, in the database so that every app server, worker and
    device reads the same: the agenda, the presenters in order, and the clock (the current step,
    its deadline in UTC while it runs, the time left while paused). `version` is raised by every
    change, including a question, a bid or an action, so a board polling with the version it
    has learns in one query whether anything changed; `state_version` only by a change of the
    clock, agenda, presenters or chair, which must name it (a bid does not make "next" stale)."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="live")
    state_version = models.PositiveIntegerField(default=1)
    rows = models.JSONField(default=default_agenda)
    slots = models.JSONField(default=list)  # [[participant id, minutes], ...] in order
    # The member who runs this meeting in a set without a facilitator.
    chair = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    deadline = models.DateTimeField(null=True, blank=True)
    left = models.FloatField(null=True, blank=True)
    extended = models.PositiveIntegerField(default=0)
    spent = models.JSONField(default=list)  # [[seconds, skipped], ...] per step behind
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Live state of {self.meeting}"


class Bid(models.Model):
    """A member asking for airtime at one meeting: once each, changed or withdrawn freely."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="bids")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveSmallIntegerField(_("minutes wanted"))
    urgent = models.BooleanField(_("it cannot wait"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"], name="one_bid_per_person")
        ]

    def __str__(self) -> str:
        return f"Bid of {self.participant}"


class Question(Written, Submitted):
    """A question put to a presenter in the meeting, by whom, optionally tagged open or closed:
    the set learns its questioning habits from these."""

    class Style(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        UNTAGGED = "", _("Not tagged")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="questions")
    presenter = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    asked_by = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("the question"), max_length=500, blank=True)
    style = models.CharField(max_length=6, choices=Style.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Question {self.pk}"
