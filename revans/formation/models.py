"""A run of the set-formation solver: what it was asked, how it went, what it proposed."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revans.programmes.models import Programme

from .inputs import RunInputs


class FormationRun(models.Model):
    """Kept after acceptance, so that how a set was formed can be explained later.

    Every run ends: done, cancelled or failed (with `problems` saying why, in words), also when
    its worker vanished (the periodic sweep finds those) or the search raised something unforeseen.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Proposal ready")
        FAILED = "failed", _("Could not form sets")
        CANCELLED = "cancelled", _("Cancelled")
        ACCEPTED = "accepted", _("Accepted")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="formation_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # What the solver was asked: RunInputs.to_json(), versioned (read it through `request`).
    inputs = models.JSONField()
    seed = models.PositiveIntegerField(default=1)
    seconds = models.PositiveSmallIntegerField(default=10)
    solver_version = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0.0)
    cancel_requested = models.BooleanField(default=False)
    started_at = models.DateTimeField(null=True, blank=True)
    # Written with the progress while the search runs: a worker that stops writing has vanished.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The proposal: groups of participant ids, as solved and then as moved by hand.
    solved_groups = models.JSONField(null=True, blank=True)
    groups = models.JSONField(null=True, blank=True)
    # Per proposed set, aligned with `groups`: {"total": float, "by_attribute": {label: float}}.
    # Kept so the proposal page never rebuilds the pool's diversity; a move rescores two sets.
    scores = models.JSONField(null=True, blank=True)
    objective = models.FloatField(null=True, blank=True)
    random_objective = models.FloatField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)  # why it failed, in words
    finished_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Formation run {self.pk} for {self.programme}"

    def get_absolute_url(self) -> str:
        return reverse(
            "formation:run",
            kwargs={
                "org": self.programme.organisation.slug,
                "programme_id": self.programme_id,
                "run_id": self.pk,
            },
        )

    @property
    def request(self) -> RunInputs:
        return RunInputs.from_json(self.inputs)

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_editable(self) -> bool:
        return bool(self.groups) and self.status in (self.Status.DONE, self.Status.CANCELLED)

    @property
    def has_ended_without_proposal(self) -> bool:
        return not self.is_active and not self.groups
