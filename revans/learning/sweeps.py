"""What the periodic sweep does for the cycle: before each meeting, a note to every member with
open actions, listing them (the member's own words, to the member alone). Exactly once, through
the meetings outbox: a notice per (meeting, person, start time)."""

from datetime import datetime, timedelta

from django.db.models import Q

from revans.domain.confidentiality import Kind, Reader, may_read
from revans.meetings import notices
from revans.meetings.models import Meeting, Notice

from .models import Action

AHEAD = timedelta(days=5)  # open actions are brought to mind this long before the meeting


def sweep(now: datetime) -> dict[str, int]:
    soon = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + AHEAD
    )
    rows = []
    for meeting in soon:
        owners = (
            Action.objects.filter(
                challenge__learning_set_id=meeting.learning_set_id,
                status=Action.Status.OPEN,
                challenge__owner__set_memberships__learning_set_id=meeting.learning_set_id,
                challenge__owner__set_memberships__left_on=None,
                challenge__owner__user__isnull=False,
            )
            .filter(Q(due_on__lte=meeting.starts_at.date()))
            .values_list("challenge__owner__user", flat=True)
            .distinct()
        )
        about = notices.for_start(meeting)
        for user in meeting.learning_set.programme.organisation.memberships.filter(
            user_id__in=list(owners), is_active=True
        ).select_related("user"):
            rows.append(notices.make(meeting, user.user, Notice.Kind.PREPARE, about))
    return {"open-action notes due": notices.add(rows)}


def open_action_lines(notice: Notice) -> list[str]:
    """For a note before a meeting: the reader's own open actions in that set."""
    if notice.kind != Notice.Kind.PREPARE:
        return []
    actions = Action.objects.filter(
        challenge__learning_set_id=notice.meeting.learning_set_id,
        challenge__owner__user=notice.user,
        status=Action.Status.OPEN,
    ).order_by("due_on")
    return [
        f"{a.text} (by {a.due_on:%d %b})"
        for a in actions
        if may_read(Kind.ACTION, Reader(is_author=True), a.written_at)  # to its owner alone
    ]
