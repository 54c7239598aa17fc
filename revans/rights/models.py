"""A person's data rights: the download of everything about them (GDPR art. 15 and 20)."""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DataExport(models.Model):
    """A ZIP of everything about one person, built by the worker; its link works for them
    alone, for a few days, then the file is deleted."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    content = models.BinaryField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status__in=["waiting", "building"]),
                name="one_export_in_the_making",
            )
        ]

    def __str__(self) -> str:
        return f"Data export of {self.user} ({self.status})"

    def is_open(self, now: datetime) -> bool:
        """Ready, and its link not yet expired."""
        return self.status == self.Status.READY and bool(self.expires_at and self.expires_at > now)


class Erasure(models.Model):
    """A person's data to be erased once the grace period is over: everywhere (they asked), or
    in one organisation (its admin asked). Until then either may cancel it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(  # empty: everywhere, the account too
        "accounts.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    erased = models.JSONField(default=dict, blank=True)  # what it erased: {kind: how many}

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(cancelled_at=None, done_at=None),
                name="one_erasure_pending_here",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(cancelled_at=None, done_at=None, organisation=None),
                name="one_erasure_pending_everywhere",
            ),
        ]

    def __str__(self) -> str:
        return f"Erasure of {self.user_id} ({'done' if self.done_at else 'pending'})"

    @property
    def is_pending(self) -> bool:
        return self.cancelled_at is None and self.done_at is None
