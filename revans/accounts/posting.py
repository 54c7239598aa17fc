"""Posts to another service's endpoint (an organisation's webhook, a set's chat channel): the
abstract row every table of deliveries extends, and the steps each sender takes with it.

A delivery is a row first, written in the transaction of its news (so none is sent for a change
that rolled back). The worker claims it, counting the attempt before making it (a worker that
dies while posting cannot retry it forever), and POSTs it outside any transaction, within a
deadline, reading little of the answer (a slow endpoint holds no lock and costs a worker ten
seconds at most). One that fails waits longer each time, and the sweep hands it to the worker
again, until the last wait. An endpoint's deliveries leave in the order of their ids (made as
their news committed, so two at the very same moment may swap): one waits while an older one of
the same endpoint has not gone, and no endpoint waits on another's.
"""

import socket
import time
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import ClassVar
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.db import models, transaction
from django.db.models import Min
from django.utils import timezone

from revans.web import public_address

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
NO_ANSWER = "no answer"


class Delivery(models.Model):
    """One POST to one endpoint, retried with back-off and kept as a log. `ENDPOINT` names the
    foreign key to the endpoint, whose deliveries leave in order."""

    ENDPOINT: ClassVar[str]

    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # None: delivered or given up
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True  # each table indexes next_attempt_at: what the sweep looks up


def claim[D: Delivery](rows: models.QuerySet[D], pk: int, now: datetime) -> D | None:
    """Take a due delivery (one worker only; an older one of its endpoint goes first) and count
    the attempt before it is made; its `next_attempt_at` is None when this is the last."""
    endpoint = rows.model.ENDPOINT
    with transaction.atomic():
        delivery = (
            rows.select_for_update(skip_locked=True).filter(pk=pk, next_attempt_at__lte=now).first()
        )
        if delivery is None:
            return None
        older = rows.model._default_manager.filter(
            **{endpoint: getattr(delivery, f"{endpoint}_id")},
            next_attempt_at__isnull=False,
            pk__lt=delivery.pk,
        )
        if older.exists():
            return None  # in order: this one goes after the older one
        delivery.attempts += 1
        wait = BACKOFF[delivery.attempts - 1] if delivery.attempts <= len(BACKOFF) else None
        delivery.next_attempt_at = now + wait if wait else None
        delivery.save(update_fields=["attempts", "next_attempt_at"])
    return delivery


def reachable(url: str) -> bool:
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


def post(url: str, body: bytes, headers: dict[str, str]) -> int | None:
    """POST within a deadline, reading at most a little of the answer: a slow or endless
    endpoint costs a worker ten seconds, never more. The status, or None when it failed."""
    if not reachable(url):
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


def record(delivery: Delivery, status: int | None) -> bool:
    """What the endpoint answered to a claimed delivery; True if it went (a 2xx)."""
    went = status is not None and 200 <= status < 300
    if went:
        delivery.next_attempt_at = None
    type(delivery)._default_manager.filter(pk=delivery.pk).update(
        last_status=status,
        # What the endpoint answered, never why a connection failed (that would map networks).
        last_error="" if status is not None else NO_ANSWER,
        delivered_at=timezone.now() if went else None,
        **({"next_attempt_at": None} if went else {}),
    )
    return went


def due(
    model: type[Delivery], now: datetime, endpoints: Collection[int] | None = None
) -> list[int]:
    """The oldest waiting delivery of each endpoint (of these, if given), if it is due: one
    failing endpoint's queue never stands in another's way."""
    waiting = model._default_manager.filter(next_attempt_at__isnull=False)
    if endpoints is not None:
        waiting = waiting.filter(**{f"{model.ENDPOINT}__in": endpoints})
    heads = waiting.values(model.ENDPOINT).annotate(first=Min("pk")).values_list("first", flat=True)
    return list(
        model._default_manager.filter(pk__in=heads, next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def following(model: type[Delivery], delivery_id: int, now: datetime) -> int | None:
    """Once a delivery has gone, its endpoint's next waiting one, if it is due (so it follows
    at once, in order)."""
    rows = model._default_manager
    endpoint = rows.filter(pk=delivery_id).values_list(model.ENDPOINT, flat=True).first()
    return (
        rows.filter(**{model.ENDPOINT: endpoint}, next_attempt_at__lte=now)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
