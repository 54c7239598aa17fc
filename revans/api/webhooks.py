"""Webhooks: what happened, told to the organisation's endpoints, signed, in order, retried.

A delivery is a row first (in the transaction of what it tells), then a POST by the worker,
outside any transaction, retried with back-off and in order per endpoint: the steps every
delivery takes (`revans.accounts.posting`, which chat channels share). Payloads carry ids and API
links, never words.
"""

import hashlib
import hmac
import json
import time
import uuid
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts import posting
from revans.accounts.models import Organisation, User
from revans.accounts.posting import BACKOFF as BACKOFF  # the waits, as the tests and docs name them
from revans.audit import services as audit
from revans.audit.models import Event as AuditEvent
from revans.web import secure_url

from .models import Delivery, Event, Webhook

SIGNATURE = "Revans-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<HMAC-SHA256 of "<t>.<body>">`, as Stripe signs: the time is signed too,
    so a receiver can refuse an old delivery sent again."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


@transaction.atomic
def webhook_add(*, organisation: Organisation, url: str, events: list[str], by: User) -> Webhook:
    secure_url(url)
    if not events:
        raise ValidationError(_("Choose at least one event."))
    if set(events) - set(Event.values):
        raise ValidationError(_("Choose among the events offered."))
    webhook = Webhook(organisation=organisation, url=url, events=sorted(events), created_by=by)
    webhook.full_clean()
    webhook.save()
    audit.record(
        AuditEvent.WEBHOOK_ADDED,
        organisation=organisation,
        target=audit.target(webhook),
        detail={"events": webhook.events},
    )
    return webhook


@transaction.atomic
def webhook_remove(*, webhook: Webhook) -> None:
    audit.record(
        AuditEvent.WEBHOOK_REMOVED,
        organisation=webhook.organisation_id,
        target=audit.target(webhook),
    )
    webhook.delete()


def emit(*, organisation_id: int, event: str, data: dict[str, Any]) -> int:
    """A delivery to each endpoint of the organisation that asked for `event`, sent once the
    transaction that made the news commits. Returns how many."""
    hooks = [
        w for w in Webhook.objects.filter(organisation_id=organisation_id) if event in w.events
    ]
    now = timezone.now()
    rows = Delivery.objects.bulk_create(
        Delivery(
            webhook=hook,
            event=event,
            payload={
                "id": str(uuid.uuid4()),
                "type": event,
                "created": now.isoformat(),
                "data": data,
            },
            next_attempt_at=now,
        )
        for hook in hooks
    )
    if rows:
        from .tasks import deliver

        transaction.on_commit(lambda: [deliver.enqueue(delivery_id=r.pk) for r in rows])
    return len(rows)


def _claim(delivery_id: int, now: datetime) -> tuple[Delivery, bytes, dict[str, str]] | None:
    """Take a due delivery (`posting.claim`) and sign it as it leaves."""
    delivery = posting.claim(Delivery.objects.select_related("webhook"), delivery_id, now)
    if delivery is None:
        return None
    body = json.dumps(delivery.payload, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Revans-Webhooks/1",
        "Revans-Event": delivery.event,
        "Revans-Delivery": str(delivery.payload["id"]),
        SIGNATURE: signature(delivery.webhook.secret, int(time.time()), body),
    }
    return delivery, body, headers


def deliver_now(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Send one delivery if it is due and next in its endpoint's order. True if it went."""
    claimed = _claim(delivery_id, now or timezone.now())
    if claimed is None:
        return False
    delivery, body, headers = claimed
    return posting.record(delivery, posting.post(delivery.webhook.url, body, headers))


def due(now: datetime) -> list[int]:
    """The oldest waiting delivery of each endpoint, if it is due (`posting.due`)."""
    return posting.due(Delivery, now)


def sweep(now: datetime) -> dict[str, int]:
    """Each endpoint's next due delivery, handed to the worker (the sweep itself never waits
    on anyone's server)."""
    from .tasks import deliver

    heads = due(now)
    for pk in heads:
        deliver.enqueue(delivery_id=pk)
    return {"webhook deliveries handed to the worker": len(heads)}
