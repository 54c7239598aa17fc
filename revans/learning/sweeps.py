"""What the periodic sweep does for the cycle: before each meeting, a note to every member with
open actions, listing them (the member's own words, to the member alone). Exactly once, through
the meetings outbox: a notice per (meeting, person, start time). And each action whose day has
come falls due, once (`fall_due`)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from revans.domain.confidentiality import Kind, Reader, may_read
from revans.meetings import notices
from revans.meetings.models import Meeting, Notice

from .models import Action
from .signals import action_fell_due

AHEAD = timedelta(days=5)  # open actions are brought to mind this long before the meeting
# An action falls due on its day, or on a later sweep within this while (sweeps stopped for a
# few days miss nothing); one due longer ago never does, so a first sweep tells no old news.
LATE = timedelta(days=7)
DAY = timedelta(days=1)


def fall_due(now: datetime) -> int:
    """Each action whose day has come where its organisation is, marked by a conditional update
    and told (`signals.action_fell_due`) in the same transaction: once per action, even with two
    sweeps at once. Done or not: told only of the open ones, an organisation's endpoint would
    learn set by set, day by day, who follows through, which its sponsors see only over k people
    and settled months. Returns how many fell due."""
    today = now.astimezone(UTC).date()  # every organisation's today is within a day of it
    found = Action.objects.filter(
        fell_due_at=None,
        due_on__lte=today + DAY,
        due_on__gte=today - LATE - DAY,
    ).values_list(
        "pk",
        "due_on",
        "challenge__learning_set_id",
        "challenge__learning_set__programme__organisation_id",
        "challenge__learning_set__programme__organisation__time_zone",
    )
    fell = 0
    for pk, due_on, set_id, organisation_id, zone in list(found):  # read whole, then written
        there = now.astimezone(ZoneInfo(zone)).date()
        if not there - LATE <= due_on <= there:
            continue
        with transaction.atomic():
            if Action.objects.filter(pk=pk, fell_due_at=None).update(fell_due_at=now):
                action_fell_due.send(
                    sender=Action,
                    action_id=pk,
                    set_id=set_id,
                    organisation_id=organisation_id,
                )
                fell += 1
    return fell


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
    return {"open-action notes due": notices.add(rows), "actions fallen due": fall_due(now)}


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
        _("%(text)s (by %(day)s)") % {"text": a.text, "day": formats.date_format(a.due_on, "j M")}
        for a in actions
        if may_read(Kind.ACTION, Reader(is_author=True), a.written_at)  # to its owner alone
    ]
