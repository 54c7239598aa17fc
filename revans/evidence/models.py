"""What the programme did for people, as they and the organisation say: the survey plan, the
surveys put to each set (climate, evaluations, self-assessment) with their anonymous answers,
receipts and emails; career outcomes with the organisation's baselines; and the board's report.
What a figure may show is `revans.domain.privacy`; the dashboard is `dashboard.py`."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revans.accounts.models import HELD, Outbox
from revans.programmes.models import Participant, Programme


class SurveyPlan(models.Model):
    """When a programme's sets are asked how things are (the sponsor chooses): the climate at
    the start, every so many weeks and at the end; an evaluation after each meeting; a
    self-assessment before and after, with the programme's own items."""

    programme = models.OneToOneField(
        Programme, on_delete=models.CASCADE, related_name="survey_plan"
    )
    climate_every_weeks = models.PositiveSmallIntegerField(
        _("climate survey every (weeks; 0: at the start and the end only)"),
        default=12,
        validators=[MaxValueValidator(52)],
    )
    answer_days = models.PositiveSmallIntegerField(
        _("days to answer"), default=14, validators=[MinValueValidator(2), MaxValueValidator(60)]
    )
    evaluate_meetings = models.BooleanField(
        _("ask for an evaluation after each meeting"), default=True
    )
    self_assessment = models.TextField(
        _("self-assessment items, one a line (none: no self-assessment)"),
        max_length=3000,
        blank=True,
    )

    def __str__(self) -> str:
        return f"Survey plan of {self.programme}"


class Survey(models.Model):
    """One survey put to one set: a climate round, a meeting's evaluation, or the
    self-assessment before or after. Made by the sweep when it is due (unique by `key`)."""

    class Kind(models.TextChoices):
        CLIMATE = "climate", _("Climate")
        EVALUATION = "evaluation", _("Session evaluation")
        SELF_BEFORE = "self_before", _("Self-assessment, before")
        SELF_AFTER = "self_after", _("Self-assessment, after")

    learning_set = models.ForeignKey(
        "programmes.LearningSet", on_delete=models.CASCADE, related_name="surveys"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    round = models.PositiveSmallIntegerField(default=0)  # climate: 0 at the start, then on
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    items = models.JSONField(default=list)  # the items as asked (a later edit changes no answer)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    key = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="survey_closes_after"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.round} of {self.learning_set}"

    def is_open(self, now: object = None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at  # type: ignore[operator]


class Receipt(models.Model):
    """That a person answered a survey (to stop a second answer), and nothing else: not when,
    and not which answer. Its id is random, so its order says nothing either."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="receipts")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "participant"], name="one_answer_a_person")
        ]

    def __str__(self) -> str:
        return f"Receipt for {self.survey}"


class Answer(models.Model):
    """One anonymous answer: no person, no time, a random id. Each new answer rewrites its
    survey's answers with fresh ids in a random order, in the receipt's own transaction, so
    neither a row, its id, its place on disk nor its transaction tells which answer is whose."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="answers")
    scores = models.JSONField(default=dict)  # item number (from 0, as text) -> answer
    recommend = models.BooleanField(null=True, blank=True)  # the evaluation's yes or no
    text = models.TextField(max_length=2000, blank=True)  # the evaluation's "what would help"

    def __str__(self) -> str:
        return f"Answer to {self.survey}"


class SurveyNotice(Outbox):
    """An invitation or reminder to answer, to one person: a row of the outbox
    (`revans.accounts.outbox`), sent exactly once, as meeting notices are."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        REMINDER = "reminder", _("Reminder")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices)

    class Meta:
        indexes = [
            models.Index(fields=["sent_at", "claimed_at"], name="surveynotice_due"),
            models.Index(fields=["user", "held_for"], condition=HELD, name="surveynotice_held"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user}"


class CareerOutcome(models.Model):
    """A promotion, an award or a departure of a participant, recorded by an admin."""

    class Kind(models.TextChoices):
        PROMOTION = "promotion", _("Promotion")
        AWARD = "award", _("Award")
        LEFT = "left", _("Left the organisation")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="outcomes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what happened"), max_length=10, choices=Kind.choices)
    happened_on = models.DateField(_("when"))
    note = models.CharField(_("note (for admins)"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["happened_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "participant", "kind", "happened_on"], name="outcome_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on}"


class Baseline(models.Model):
    """The organisation's own rate for a comparison group: of `people`, `events` had it happen
    over the period (for example, of 240 managers at the same levels, 18 were promoted)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="baselines")
    kind = models.CharField(_("what happened"), max_length=10, choices=CareerOutcome.Kind.choices)
    people = models.PositiveIntegerField(
        _("people in the comparison group"),
        validators=[MinValueValidator(1), MaxValueValidator(10_000_000)],
    )
    events = models.PositiveIntegerField(
        _("of whom it happened to"), validators=[MaxValueValidator(10_000_000)]
    )
    period = models.CharField(_("over what period"), max_length=100, default="the last year")
    group = models.CharField(_("who they are"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "kind"], name="one_baseline_a_kind"),
            models.CheckConstraint(
                condition=models.Q(events__lte=models.F("people")), name="baseline_events_le_people"
            ),
            models.CheckConstraint(condition=models.Q(people__gte=1), name="baseline_has_people"),
        ]

    def __str__(self) -> str:
        return f"{self.events} of {self.people}"


class BoardReport(models.Model):
    """The board's PDF, built by the worker; its link works for the person who asked, for a
    short while after it is ready. One at a time per person and programme."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        BUILDING = "building", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    step = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Written at each step of a build: a build silent for long has lost its worker (the sweep
    # gives it to another, up to `reports.ATTEMPTS` times in all).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "requested_by"],
                condition=models.Q(status__in=["waiting", "building"]),
                name="one_report_in_the_making",
            )
        ]

    def __str__(self) -> str:
        return f"Board report of {self.programme} ({self.status})"
