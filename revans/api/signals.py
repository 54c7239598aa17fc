"""What happened, as the webhooks tell it: receivers of the lower apps' saves and signals."""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from revans.accounts.signals import membership_ended
from revans.evidence.signals import report_ready
from revans.formation.models import FormationRun
from revans.formation.signals import formation_accepted
from revans.learning.signals import action_fell_due
from revans.meetings.models import Meeting
from revans.meetings.signals import attendance_recorded
from revans.programmes.models import LearningSet, SetMembership

from .models import ApiToken, Event
from .webhooks import emit

MOVED = {"starts_at", "ends_at", "time_zone", "place", "video_url"}


def _meeting(meeting: Meeting) -> dict[str, Any]:
    return {
        "meeting": meeting.pk,
        "set": meeting.learning_set_id,
        "url": f"/api/v1/meetings/{meeting.pk}",
    }


def _organisation_of(meeting: Meeting) -> int:
    """One query, whatever the meeting has loaded."""
    return int(
        Meeting.objects.filter(pk=meeting.pk)
        .values_list("learning_set__programme__organisation", flat=True)
        .get()
    )


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
    fields = kwargs.get("update_fields") or ()
    if not created and not (instance.left_on is not None and "left_on" in fields):
        return  # only the join, and the leave as it is recorded (set_member_leave)
    learning_set = instance.learning_set
    data = {
        "set": learning_set.pk,
        "participant": instance.participant_id,
        "url": f"/api/v1/sets/{learning_set.pk}",
    }
    event = Event.SET_JOINED if created else Event.SET_LEFT
    emit(organisation_id=int(learning_set.programme.organisation_id), event=event, data=data)


@receiver(action_fell_due)
def action_due(
    sender: Any, action_id: int, set_id: int, organisation_id: int, **kwargs: Any
) -> None:
    """Its ids and its set's link: the action's words are its set's, never an endpoint's."""
    data = {"action": action_id, "set": set_id, "url": f"/api/v1/sets/{set_id}"}
    emit(organisation_id=organisation_id, event=Event.ACTION_DUE, data=data)


@receiver(report_ready)
def board_report_ready(
    sender: Any, report_id: object, programme_id: int, organisation_id: int, **kwargs: Any
) -> None:
    data = {
        "report": str(report_id),
        "programme": programme_id,
        "url": f"/api/v1/board-reports/{report_id}",
    }
    emit(organisation_id=organisation_id, event=Event.REPORT_READY, data=data)


@receiver(formation_accepted)
def formation_run_accepted(
    sender: Any, run: FormationRun, sets: list[LearningSet], **kwargs: Any
) -> None:
    data = {
        "run": run.pk,
        "programme": run.programme_id,
        "sets": [s.pk for s in sets],
        "url": f"/api/v1/formation-runs/{run.pk}",
    }
    emit(
        organisation_id=int(run.programme.organisation_id),
        event=Event.FORMATION_ACCEPTED,
        data=data,
    )


@receiver(membership_ended)
def revoke_tokens(sender: Any, membership: Any, **kwargs: Any) -> None:
    """Someone who leaves an organisation takes no live token of it with them (coming back
    does not bring them back)."""
    ApiToken.objects.live().filter(
        user_id=membership.user_id, organisation_id=membership.organisation_id
    ).update(revoked_at=timezone.now())
