from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from .models import Entry


def trail(
    organisation_id: int,
    *,
    event: str = "",
    person_id: int | None = None,
    since: date | None = None,
    until: date | None = None,
    zone: ZoneInfo,
) -> QuerySet[Entry]:
    """An organisation's entries, newest first, filtered as the admin asks (days where the
    organisation is; `until` is the last day included)."""
    rows = Entry.objects.filter(organisation_id=organisation_id).select_related("actor", "subject")
    if event:
        rows = rows.filter(event=event)
    if person_id is not None:
        rows = rows.filter(Q(actor_id=person_id) | Q(subject_id=person_id))
    if since is not None:
        rows = rows.filter(at__gte=datetime.combine(since, time.min, zone))
    if until is not None:
        rows = rows.filter(at__lt=datetime.combine(until + timedelta(days=1), time.min, zone))
    return rows


def about(user_id: int) -> QuerySet[Entry]:
    """What the trail says about one person's own account, in every organisation."""
    return (
        Entry.objects.filter(subject_id=user_id)
        .select_related("actor", "organisation")
        .order_by("-at", "-pk")
    )
