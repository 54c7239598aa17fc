"""Meetings of a set: series, single meetings, RSVPs, attendance, calendar feeds, and the
outbox through which every meeting email leaves exactly once."""

import uuid
import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revans.accounts.models import HELD, Outbox, validate_time_zone
from revans.domain.cadence import Cadence
from revans.programmes.models import LearningSet, Participant


def new_uid() -> str:
    return f"{uuid.uuid4()}@revans"


class MeetingSeries(models.Model):
    """How a set's meetings were scheduled; each meeting is its own row from then on."""

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="series")
    cadence = models.CharField(max_length=10, choices=[(c.value, c.value) for c in Cadence])
    weekday = models.PositiveSmallIntegerField(default=0)
    every_weeks = models.PositiveSmallIntegerField(default=4)
    nth = models.SmallIntegerField(default=1)
    first_on = models.DateField()
    until = models.DateField()
    start_time = models.TimeField()
    minutes = models.PositiveSmallIntegerField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.get_cadence_display()} series of {self.learning_set}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    learning_set = models.ForeignKey(LearningSet, on_delete=models.CASCADE, related_name="meetings")
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    # One UID for the meeting's whole life, so every calendar updates the same event.
    uid = models.CharField(max_length=80, unique=True, default=new_uid, editable=False)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, validators=[validate_time_zone])
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # Raised on every change calendars must see (start, end, place, status): RFC 5545 3.8.7.4.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_it_starts",
            )
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.learning_set} on {self.local_start:%d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse(
            "meetings:meeting",
            kwargs={"org": self.learning_set.programme.organisation.slug, "meeting_id": self.pk},
        )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(self.zone)

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def can_change(self) -> bool:
        """Still ahead and not cancelled: it may be moved or cancelled."""
        return not self.is_cancelled and self.starts_at > timezone.now()

    @property
    def takes_attendance(self) -> bool:
        """Attendance is taken from an hour before the start (people arrive early) onwards."""
        return not self.is_cancelled and self.starts_at <= timezone.now() + ATTENDANCE_FROM


ATTENDANCE_FROM = timedelta(hours=1)


class Rsvp(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("Coming")
        NO = "no", _("Sending apologies")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=3, choices=Answer.choices)
    note = models.CharField(_("note for the facilitator"), max_length=500, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
    # The hashes of every emailed link that gave an answer: a link works once, even after a
    # later link (each email's is its own) was used.
    used_links = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"], name="one_rsvp_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.participant}: {self.get_answer_display()}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"], name="attendance_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant} {'present' if self.present else 'absent'}"


class CalendarFeed(models.Model):
    """A person's secret feed of all their meetings. Only the token's hash is kept."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_live_feed_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"


class Notice(Outbox):
    """One email about one meeting to one person, sent exactly once.

    A row of the outbox (`revans.accounts.outbox`), sent with a Message-ID that stays the same if
    it ever has to be sent again.
    """

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        UPDATE = "update", _("Change")
        CANCELLATION = "cancellation", _("Cancellation")
        REMINDER = "reminder", _("Reminder")
        # Sent by an app above meetings (the cycle: open actions before the next meeting);
        # its lines come from `notices.AGENDA_LINES`.
        PREPARE = "prepare", _("Prepare for the meeting")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The meeting as it was when the notice became due: a notice about a version that has since
    # changed is skipped (a newer notice says what is true now).
    sequence = models.PositiveIntegerField()
    for_start = models.DateTimeField()
    message_id = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        indexes = [
            models.Index(fields=["sent_at", "claimed_at"]),
            models.Index(fields=["user", "held_for"], condition=HELD, name="notice_held"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.meeting} to {self.user}"
