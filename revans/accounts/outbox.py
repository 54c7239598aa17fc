"""Email that must leave exactly once, and the headers every email carries.

Each app's notices are rows of a table that extends the abstract `models.Outbox`, unique by key
and written in the transaction that makes them due (a rolled-back request leaves none). Each app
registers how its table is sent (`Sender`, in its `ready()`); `send_outbox` claims each row by a
conditional update before sending, so two workers or sweeps never send one twice, and releases
the claim if sending fails so that a later sweep tries again. A row whose reader wants its topic
in a digest is held for it instead (`accounts.digests`), and one whose topic they switched off
is skipped. Emails that carry a one-time secret (a sign-in or reset link) are not kept as rows:
`services.send_later` hands them to the worker instead.

Every email, of every kind, leaves with `stamp`'s headers: a link to switch its kind off in one
click (RFC 8058), which needs no session.
"""

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from . import selectors
from .models import ALWAYS, DIGESTS, Frequency, Mail, Outbox

RECLAIM_AFTER = timedelta(minutes=10)  # a claim this old belongs to a sender that died
UNSUBSCRIBE_SALT = "revans.unsubscribe"
SWITCHED_OFF = "switched off"
logger = logging.getLogger(__name__)


def message_id(kind: str, *parts: object) -> str:
    """A Message-ID valid by RFC 5322 (a dot-atom on each side of the @), unique by its parts
    (a digest of them, whatever characters they hold) and short enough not to be folded."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"<{kind}.{digest}@{urlsplit(settings.SITE_URL).hostname or 'revans'}>"


def text(template: str, context: dict[str, object]) -> str:
    """An email's plain text (subject or body): rendered without HTML escaping, so that a set
    named "R&D" arrives as "R&D"."""
    return render_to_string(template, context, using="text")


def one_line(template: str, context: dict[str, object]) -> str:
    """A template's text on one line (a subject, or a notice's title in a digest)."""
    return " ".join(text(template, context).split())


def subject(template: str, context: dict[str, object]) -> str:
    """An email's subject: its template's text on one line, after the site's prefix."""
    return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + one_line(template, context)


# One-click unsubscribe ----------------------------------------------------------------------


def unsubscribe_token(user_id: int | None, subscription: str) -> str:
    """Signed, salted, without expiry: the person (None: an address with no account) and what
    the email came by (a topic, or a daily or weekly digest). Each email of that kind to that
    person carries the same link, so it keeps working for an email read months later."""
    return signing.dumps({"u": user_id, "s": subscription}, salt=UNSUBSCRIBE_SALT)


def stamp(email: EmailMessage, *, user_id: int | None, subscription: str) -> EmailMessage:
    """The headers every email carries, added in this one place (by `send_outbox`, the digests
    and `tasks.send_email`): RFC 2369's List-Unsubscribe, and RFC 8058's List-Unsubscribe-Post,
    which lets a mail program switch the subscription off with one POST and no session."""
    path = reverse(
        "accounts:unsubscribe",
        kwargs={"unsubscribe_token": unsubscribe_token(user_id, subscription)},
    )
    email.extra_headers["List-Unsubscribe"] = f"<{settings.SITE_URL}{path}>"
    email.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return email


# Sending each row once -----------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One notice as a digest tells it: its topic, a title, more lines, and its link."""

    topic: str
    title: str
    url: str
    lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sender[Row: Outbox]:
    """How one table of notices is sent. Each app registers its own (`register`, in `ready()`),
    so that the digests, in this bottom app, send every table's notices without importing any."""

    model: type[Row]
    related: tuple[str, ...]
    topics: Mapping[str, str]  # each kind of notice's topic
    # A check for one batch at `now`: why a notice is no longer worth sending, or "".
    checker: Callable[[datetime], Callable[[Row], str]]
    message: Callable[[Row], EmailMessage]
    entry: Callable[[Row], Entry]


SENDERS: list[Sender[Any]] = []


def register(sender: Sender[Any]) -> None:
    if all(known.model is not sender.model for known in SENDERS):
        SENDERS.append(sender)


def add[Row: Mail](model: type[Row], rows: list[Row]) -> int:
    """Write the rows that do not exist yet; returns how many that was. (ignore_conflicts
    covers a sweep that writes the same rows at the same moment.)"""
    existing = set(
        model._default_manager.filter(key__in=[row.key for row in rows]).values_list(
            "key", flat=True
        )
    )
    new = [row for row in rows if row.key not in existing]
    model._default_manager.bulk_create(new, ignore_conflicts=True)
    return len(new)


def unclaimed(now: datetime) -> Q:
    return Q(sent_at=None, skipped="") & (
        Q(claimed_at=None) | Q(claimed_at__lt=now - RECLAIM_AFTER)
    )


def claim[Row: Mail](rows: models.QuerySet[Row], pk: int) -> datetime | None:
    """Claim one row by a conditional update; the moment of the claim, or None if another
    sender has it. Each claim carries its own moment, not its batch's start: a long batch's late
    claims are fresh, so a second sweep cannot take them as a dead sender's and send again."""
    claimed = timezone.now()
    if rows.filter(unclaimed(claimed), pk=pk).update(claimed_at=claimed):
        return claimed
    return None


def deliver[Row: Mail](
    email: EmailMessage,
    rows: models.QuerySet[Row],
    pk: int,
    now: datetime,
    also: Callable[[], object] = lambda: None,
) -> bool:
    """Send a claimed row's email and mark it sent (and, in the same transaction, whatever
    `also` marks); release the claim if sending fails, so that the next sweep tries again."""
    try:
        email.send()
    except Exception:
        logger.exception(
            "%s %s could not be sent; the next sweep tries again", rows.model.__name__, pk
        )
        rows.filter(pk=pk).update(claimed_at=None)
        return False
    with transaction.atomic():
        rows.filter(pk=pk).update(sent_at=now)
        also()
    return True


def choices() -> Callable[[int, str], str]:
    """Each reader's frequency for a topic, read once per reader within one batch."""
    cache: dict[int, dict[str, str]] = {}

    def frequency(user_id: int, topic: str) -> str:
        if topic in ALWAYS:
            return Frequency.IMMEDIATE
        if user_id not in cache:
            cache[user_id] = selectors.frequencies(user_id)
        return cache[user_id][topic]

    return frequency


def send_outbox(sender: Sender[Any], *, now: datetime) -> int:
    """Send each due row of a table of notices exactly once, as its reader wants its topic: at
    once; held for their digest; or skipped (switched off, or with the reason the sender's
    check gives). Returns how many this call sent."""
    sent = 0
    rows = sender.model._default_manager.filter(held_at=None)
    check = sender.checker(now)
    frequency = choices()
    for pk in rows.filter(unclaimed(now)).order_by("pk").values_list("pk", flat=True):
        claimed = claim(rows, pk)
        if claimed is None:
            continue  # another sender has it
        row = rows.select_related(*sender.related).get(pk=pk)
        topic = sender.topics[row.kind]
        how = frequency(row.user_id, topic)
        reason = check(row) or (SWITCHED_OFF if how == Frequency.OFF else "")
        if reason:
            rows.filter(pk=pk).update(skipped=reason)
            continue
        if how in DIGESTS:  # the digest of the day or week it was held in takes it
            rows.filter(pk=pk).update(held_for=how, held_at=claimed, claimed_at=None)
            continue
        with translation.override(selectors.reader_language(row.user)):  # the reader's, not ours
            email = stamp(sender.message(row), user_id=row.user_id, subscription=topic)
        sent += deliver(email, rows, pk, now)
    return sent
