"""Retention: each organisation says how long what members wrote is kept once a programme has
ended; then the sweep empties it (the rows stay, so figures do), once per programme, and says
what it erased in the audit trail."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from revans.audit import services as audit
from revans.audit.models import Event
from revans.programmes.models import Programme

from .erasure import empty_text


def due(now: datetime) -> list[Programme]:
    """Programmes whose organisation's retention is over (by the day where it is)."""
    found = Programme.objects.filter(
        content_erased_at=None, organisation__retention_days__isnull=False
    ).select_related("organisation")
    return [
        p
        for p in found.filter(ends_on__lt=now.date() - timedelta(days=29))  # the least allowed
        if now.astimezone(ZoneInfo(p.organisation.time_zone)).date()
        > p.ends_on + timedelta(days=p.organisation.retention_days or 0)
    ]


def apply(*, now: datetime) -> int:
    """Empty each due programme's sets of what was written, once; returns how many."""
    done = 0
    for programme in due(now):
        with transaction.atomic():
            # Claimed first: two sweeps at once empty a programme once, and say so once.
            if not Programme.objects.filter(pk=programme.pk, content_erased_at=None).update(
                content_erased_at=now
            ):
                continue
            counts = {k: n for k, n in empty_text(programmes=[programme.pk]).items() if n}
            audit.record(
                Event.ERASED,
                organisation=programme.organisation_id,
                target=audit.target(programme),
                detail={
                    "step": "retention",
                    "days": programme.organisation.retention_days,
                    **counts,
                },
            )
            done += 1
    return done
