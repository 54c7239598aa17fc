"""What happened, as the webhooks tell it: receivers of the lower apps' saves and signals."""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from revans.meetings.models import Meeting
from revans.meetings.signals import attendance_recorded
from revans.programmes.models import SetMembership

from .models import Event
from .webhooks import emit

MOVED = {"starts_at", "ends_at", "time_zone", "place", "video_url"}


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "meeting": meeting.pk,
        "set": meeting.learning_set_id,
        "url": f"/api/v1/meetings/{meeting.pk}",
    }


def _organisation_of(meeting: Meeting) -> int:
    return int(meeting.learning_set.programme.organisation_id)


@receiver(post_save, sender=Meeting)
def meeting_saved(sender: Any, instance: Meeting, created: bool, **kwargs: Any) -> None:
    fields = kwargs.get("update_fields")
    if created:
        event = Event.MEETING_SCHEDULED
    elif instance.status == Meeting.Status.CANCELLED and (fields is None or "status" in fields):
        event = Event.MEETING_CANCELLED
    elif fields is None or MOVED & set(fields):
        event = Event.MEETING_MOVED
    else:
        return
    emit(organisation_id=_organisation_of(instance), event=event, data=_meeting(instance))


@receiver(attendance_recorded)
def attendance(sender: Any, meeting: Meeting, **kwargs: Any) -> None:
    emit(
        organisation_id=_organisation_of(meeting),
        event=Event.ATTENDANCE_RECORDED,
        data=_meeting(meeting),
    )


@receiver(post_save, sender=SetMembership)
def set_membership_saved(
    sender: Any, instance: SetMembership, created: bool, **kwargs: Any
) -> None:
    if not created and instance.left_on is None:
        return
    learning_set = instance.learning_set
    data = {
        "set": learning_set.pk,
        "participant": instance.participant_id,
        "url": f"/api/v1/sets/{learning_set.pk}",
    }
    event = Event.SET_JOINED if created else Event.SET_LEFT
    emit(organisation_id=int(learning_set.programme.organisation_id), event=event, data=data)
