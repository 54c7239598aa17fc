"""Chat channels: a programme's or a set's Slack or Microsoft Teams channel, told of its
meetings by the channel's incoming webhook; what was posted there; and the email that tells
whoever connected it when it was switched off."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from revans.accounts import posting
from revans.accounts.models import HELD, Outbox
from revans.meetings.models import Meeting
from revans.programmes.models import LearningSet, Programme


class Channel(models.Model):
    """A channel told of the meetings of a programme (all its sets) or of one set. Its messages
    say when and where a meeting is and link to it, never what anyone wrote. After its last
    delivery fails it is switched off until someone connects it again."""

    class Kind(models.TextChoices):
        SLACK = "slack", _("Slack")
        TEAMS = "teams", _("Microsoft Teams")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    # None: the programme's own channel, told of every set's meetings.
    learning_set = models.ForeignKey(
        LearningSet, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("where"), max_length=5, choices=Kind.choices)
    # The incoming webhook's address: a secret (whoever holds it posts to the channel), shown
    # only as its `hint`.
    url = models.URLField(_("incoming webhook address"), max_length=1000)
    connected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    connected_at = models.DateTimeField(default=timezone.now)
    switched_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learning_set"], name="one_channel_per_set"),
            models.UniqueConstraint(
                fields=["programme"],
                condition=models.Q(learning_set=None),
                name="one_channel_per_programme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} channel of {self.learning_set or self.programme}"

    @property
    def is_on(self) -> bool:
        return self.switched_off_at is None

    @property
    def hint(self) -> str:
        """Enough of the address to tell which one it is, not enough to post with it."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname}/…{self.url[-4:]}"


class Delivery(posting.Delivery):
    """One message about one meeting (or a test) to one channel, made when its news is due
    and rendered when it is sent, so it says what is true then (`channels.deliveries`)."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", _("Meeting scheduled")
        CHANGED = "changed", _("Meeting changed")
        CANCELLED = "cancelled", _("Meeting cancelled")
        REMINDER = "reminder", _("Reminder")
        TEST = "test", _("Test message")

    ENDPOINT = "channel"

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Unique by channel, connection, meeting, kind and the version or start time it is about.
    key = models.CharField(max_length=200, unique=True)
    # The meeting as it was when the message became due: one about a version that has since
    # changed is skipped (a newer one says what is true now).
    sequence = models.PositiveIntegerField(default=0)
    for_start = models.DateTimeField(null=True, blank=True)
    skipped = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["next_attempt_at"], name="channel_delivery_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.channel}"


class ChannelNotice(Outbox):
    """The email that tells someone a channel they connected was switched off: a row of the
    outbox (`revans.accounts.outbox`), sent exactly once."""

    class Kind(models.TextChoices):
        SWITCHED_OFF = "switched_off", _("Switched off")

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        indexes = [
            models.Index(fields=["sent_at", "claimed_at"]),
            models.Index(fields=["user", "held_for"], condition=HELD, name="channelnotice_held"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.channel} to {self.user}"
