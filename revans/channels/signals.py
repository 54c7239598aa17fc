"""Meetings' news, as the chat channels tell it: a receiver of meetings' saves (meetings must
not import the apps above it)."""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from revans.meetings.models import Meeting

from .deliveries import meeting_saved


@receiver(post_save, sender=Meeting)
def meeting_changed(sender: Any, instance: Meeting, created: bool, **kwargs: Any) -> None:
    meeting_saved(instance, created=created)
