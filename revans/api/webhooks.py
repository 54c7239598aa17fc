"""Webhooks: what happened, told to the organisation's endpoints, signed, in order, retried.

A delivery is a row first (in the transaction of what it tells), then a POST by the worker,
outside any transaction; one that fails waits longer each time (the sweep hands it to the worker
again) and is given up after the last wait. An endpoint's deliveries leave in the order of their
ids (made as their news committed, so two at the very same moment may swap): one waits while an
older one of the same endpoint has not gone. Payloads carry ids and API links, never words.
"""

import hashlib
import hmac
import json
import socket
import time
import uuid
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts.models import Organisation, User
from revans.audit import services as audit
from revans.audit.models import Event as AuditEvent
from revans.web import public_address, secure_url

from .models import Delivery, Event, Webhook

# The waits after each failed attempt; after the last, the delivery is given up.
BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
]
TIMEOUT = 10  # seconds for a whole delivery
READ_AT_MOST = 64 * 1024  # bytes of an answer: only its status matters
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
    """Take a due delivery (one worker only; an older one of its endpoint goes first) and count
    the attempt before it is made: a worker that dies while sending cannot retry it forever."""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .select_related("webhook")
            .filter(pk=delivery_id, next_attempt_at__lte=now)
            .first()
        )
        if delivery is None:
            return None
        pending = Delivery.objects.filter(webhook=delivery.webhook, next_attempt_at__isnull=False)
        if pending.filter(pk__lt=delivery.pk).exists():
            return None  # in order: this one goes after the older one
        delivery.attempts += 1
        waits = BACKOFF[delivery.attempts - 1] if delivery.attempts <= len(BACKOFF) else None
        delivery.next_attempt_at = now + waits if waits else None
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    body = json.dumps(delivery.payload, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Revans-Webhooks/1",
        "Revans-Event": delivery.event,
        "Revans-Delivery": str(delivery.payload["id"]),
        SIGNATURE: signature(delivery.webhook.secret, int(time.time()), body),
    }
    return delivery, body, headers


def _reachable(url: str) -> bool:
    """The endpoint's name still leads to a public address (it may have changed since it was
    added); this machine only where the settings allow it."""
    host = urlsplit(url).hostname or ""
    if settings.ALLOW_LOOPBACK_URLS and host in ("localhost", "127.0.0.1", "::1"):
        return True
    try:
        found = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(found) and all(public_address(str(a[4][0])) for a in found)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int | None:
    """POST within a deadline, reading at most a little of the answer: a slow or endless
    endpoint costs a worker ten seconds, never more. The status, or None when it failed."""
    if not _reachable(url):
        return None
    deadline = time.monotonic() + TIMEOUT
    try:
        with requests.post(
            url, data=body, headers=headers, timeout=TIMEOUT, allow_redirects=False, stream=True
        ) as answer:
            for _chunk in answer.iter_content(1024):
                if time.monotonic() > deadline or answer.raw.tell() > READ_AT_MOST:
                    break
            return int(answer.status_code)
    except requests.RequestException:
        return None


def deliver_now(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Send one delivery if it is due and next in its endpoint's order. True if it went."""
    claimed = _claim(delivery_id, now or timezone.now())
    if claimed is None:
        return False
    delivery, body, headers = claimed
    status = _post(delivery.webhook.url, body, headers)
    went = status is not None and 200 <= status < 300
    Delivery.objects.filter(pk=delivery.pk).update(
        last_status=status,
        # What the endpoint answered, never why a connection failed (that would map networks).
        last_error="" if status is not None else "no answer",
        delivered_at=timezone.now() if went else None,
        **({"next_attempt_at": None} if went else {}),
    )
    return went


def due(now: datetime) -> list[int]:
    """The oldest waiting delivery of each endpoint, if it is due: one failing endpoint's queue
    never stands in another's way."""
    heads = (
        Delivery.objects.filter(next_attempt_at__isnull=False)
        .values("webhook")
        .annotate(first=Min("pk"))
        .values_list("first", flat=True)
    )
    return list(
        Delivery.objects.filter(pk__in=heads, next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def sweep(now: datetime) -> dict[str, int]:
    """Each endpoint's next due delivery, handed to the worker (the sweep itself never waits
    on anyone's server)."""
    from .tasks import deliver

    heads = due(now)
    for pk in heads:
        deliver.enqueue(delivery_id=pk)
    return {"webhook deliveries handed to the worker": len(heads)}
