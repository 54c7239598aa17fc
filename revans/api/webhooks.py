"""Webhooks: what happened, told to the organisation's endpoints, signed, in order, retried.

A delivery is a row first (in the transaction of what it tells), then a POST by the worker; one
that fails waits longer each time (the sweep picks it up again) and is given up after the last
wait. A webhook's deliveries leave in the order they were made: one waits while an older one of
the same endpoint has not gone. Payloads carry ids and API links, never what anyone wrote.
"""

import hashlib
import hmac
import json
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import requests
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts.models import Organisation, User
from revans.web import secure_url

from .models import Delivery, Event, Webhook

# The waits after each failed attempt; after the last, the delivery is given up.
BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
]
TIMEOUT = 10
SIGNATURE = "Revans-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`t=<unix time>,v1=<HMAC-SHA256 of "<t>.<body>">`, as Stripe signs: the time is signed too,
    so a receiver can refuse an old delivery sent again."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


@transaction.atomic
def webhook_add(*, organisation: Organisation, url: str, events: list[str], by: User) -> Webhook:
    secure_url(url)
    unknown = set(events) - set(Event.values)
    if not events or unknown:
        raise ValidationError(_("Choose at least one event."))
    webhook = Webhook(organisation=organisation, url=url, events=sorted(events), created_by=by)
    webhook.full_clean()
    webhook.save()
    return webhook


@transaction.atomic
def webhook_remove(*, webhook: Webhook) -> None:
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


def deliver_now(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Send one delivery if it is due and no older one of its endpoint is waiting. True if it
    went (a 2xx answer)."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .select_related("webhook")
            .filter(pk=delivery_id, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return False
        older = Delivery.objects.filter(
            webhook=delivery.webhook, next_attempt_at__isnull=False, pk__lt=delivery.pk
        )
        if older.exists():
            return False  # in order: the sweep sends it after the older one
        body = json.dumps(delivery.payload, sort_keys=True).encode()
        stamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Revans-Webhooks/1",
            "Revans-Event": delivery.event,
            "Revans-Delivery": str(delivery.payload["id"]),
            SIGNATURE: signature(delivery.webhook.secret, stamp, body),
        }
        delivery.attempts += 1
        try:
            answer = requests.post(
                delivery.webhook.url,
                data=body,
                headers=headers,
                timeout=TIMEOUT,
                allow_redirects=False,
            )
            delivery.last_status, delivery.last_error = answer.status_code, ""
            went = 200 <= answer.status_code < 300
        except requests.RequestException as failed:
            delivery.last_status, delivery.last_error = None, str(failed)[:300]
            went = False
        if went:
            delivery.delivered_at, delivery.next_attempt_at = now, None
        elif delivery.attempts > len(BACKOFF):
            delivery.next_attempt_at = None  # given up: the log shows it
        else:
            delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
        delivery.save()
    return went


def sweep(now: datetime) -> dict[str, int]:
    """Every due delivery, oldest first, each endpoint in order."""
    sent = 0
    due = (
        Delivery.objects.filter(next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in list(due[:500]):
        sent += deliver_now(delivery_id=pk, now=now)
    return {"webhook deliveries sent": sent}
