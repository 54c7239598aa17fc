"""Recording an entry: in the transaction of what it records, so an action that rolls back
leaves no entry, and one that happens always does."""

from typing import Any

from django.db import models

from .middleware import acting
from .models import Entry, Event

type Ref = models.Model | int | None


def _pk(value: Ref) -> int | None:
    return value.pk if isinstance(value, models.Model) else value


def record(
    event: Event,
    *,
    organisation: Ref,
    subject: Ref = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
    actor: Ref = None,
) -> Entry:
    """`actor` defaults to whoever is acting in this request (none in the worker or sweep)."""
    now = acting.get()
    return Entry.objects.create(
        event=event,
        organisation_id=_pk(organisation),
        subject_id=_pk(subject),
        actor_id=_pk(actor) if actor is not None else (now.user_id if now else None),
        target=target[:100],
        detail=detail or {},
        ip=now.ip if now else None,
        via=now.via if now else "",
    )


def target(row: models.Model) -> str:
    return f"{row._meta.model_name}:{row.pk}"
