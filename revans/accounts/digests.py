"""Digests: one email per person per day or week where they are, carrying every notice they
asked to have that way.

`outbox.send_outbox` holds a notice whose reader wants its topic in a digest (`held_for`,
`held_at`). The sweep then makes a `Digest` row for each person and frequency with notices held
before the start of their current day or week (`make_due`: unique by person, frequency and
period, so two sweeps at once make one), and sends each (`send_due`). Claimed like any outbox
row, a digest takes every held notice of its person and frequency from before its end by a
conditional update (so a notice goes in one digest only), leaves out what is no longer worth
sending (by the notice table's own check) or was switched off since, and is marked sent with its
notices in one transaction, or released with them still its own if sending fails. A notice held
in the very moment its day's digest was taken goes in the next one: never lost, never twice.
"""

from collections.abc import Iterable
from datetime import datetime
from functools import partial
from itertools import groupby
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Min
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from revans.domain import digest as periods

from . import outbox, selectors
from .models import HELD, TUNABLE, Digest, Frequency, Topic, User

NOTHING_LEFT = "nothing left to tell"


def zone_of(user: User) -> ZoneInfo:
    """Where the person's day begins: their zone, else their organisation's."""
    return zones_of([user])[user.pk]


def zones_of(users: Iterable[User]) -> dict[int, ZoneInfo]:
    return {
        pk: ZoneInfo(zone or settings.TIME_ZONE)
        for pk, zone in selectors.reader_zones(users).items()
    }


def make_due(*, now: datetime) -> int:
    """A digest for each person and frequency with notices held before their current day or
    week began; returns how many were made."""
    earliest: dict[tuple[int, str], datetime] = {}
    for sender in outbox.SENDERS:
        held = (
            sender.model._default_manager.filter(HELD)
            .values_list("user_id", "held_for")
            .annotate(first=Min("held_at"))
            .order_by()
        )
        for user_id, every, first in held:
            key = (user_id, every)
            earliest[key] = min(first, earliest.get(key, first))
    zones = zones_of(User.objects.filter(pk__in={user_id for user_id, _every in earliest}))
    due = []
    for (user_id, every), first in earliest.items():
        zone = zones[user_id]
        current = periods.period(every, now, zone)
        if first >= current.start:
            continue  # all held in the day or week that is still going on
        named = periods.previous(every, current, zone)
        due.append(
            Digest(
                user_id=user_id,
                kind=every,
                period=named.first,
                until=current.start,
                key=f"{user_id}:{every}:{named.first:%Y-%m-%d}",
            )
        )
    return outbox.add(Digest, due)


def _take(digest: Digest, now: datetime) -> list[outbox.Entry]:
    """The digest's notices, each still worth sending: those held before its end become its
    own (a conditional update: one digest each), with any it took on an attempt that failed."""
    entries = []
    frequency = outbox.choices()
    for sender in outbox.SENDERS:
        rows = sender.model._default_manager
        rows.filter(
            HELD, user_id=digest.user_id, held_for=digest.kind, held_at__lt=digest.until
        ).update(digest=digest)
        check = sender.checker(now)
        mine = rows.filter(digest=digest, sent_at=None, skipped="")
        for row in mine.select_related(*sender.related).order_by("held_at", "pk"):
            topic = sender.topics[row.kind]
            off = frequency(row.user_id, topic) == Frequency.OFF
            reason = check(row) or (outbox.SWITCHED_OFF if off else "")
            if reason:
                rows.filter(pk=row.pk).update(skipped=reason)
            else:
                entries.append(sender.entry(row))
    return entries


def _sent_with(digest: Digest, now: datetime) -> None:
    for sender in outbox.SENDERS:
        sender.model._default_manager.filter(digest=digest, sent_at=None, skipped="").update(
            sent_at=now
        )


def send_due(*, now: datetime) -> int:
    """Send each digest whose day or week has ended, once; returns how many this call sent."""
    sent = 0
    rows = Digest.objects.filter(until__lte=now)
    for pk in rows.filter(outbox.unclaimed(now)).order_by("pk").values_list("pk", flat=True):
        if outbox.claim(rows, pk) is None:
            continue  # another sweep has it
        digest = rows.select_related("user").get(pk=pk)
        with translation.override(selectors.reader_language(digest.user)):
            entries = _take(digest, now)
            if not entries:
                rows.filter(pk=pk).update(skipped=NOTHING_LEFT)
                continue
            email = outbox.stamp(
                message(digest, entries), user_id=digest.user_id, subscription=digest.kind
            )
        sent += outbox.deliver(email, rows, pk, now, also=partial(_sent_with, digest, now))
    return sent


def grouped(entries: Iterable[outbox.Entry]) -> list[tuple[str, list[outbox.Entry]]]:
    """Entries under their topics, in the order of the preferences page."""
    order: dict[str, int] = {topic: n for n, topic in enumerate(TUNABLE)}
    ordered = sorted(entries, key=lambda entry: order[entry.topic])
    return [
        (str(Topic(topic).label), list(group))
        for topic, group in groupby(ordered, key=lambda entry: entry.topic)
    ]


def message(digest: Digest, entries: list[outbox.Entry]) -> EmailMultiAlternatives:
    context = {
        "user": digest.user,
        "digest": digest,
        "groups": grouped(entries),
        "count": len(entries),
        "preferences_url": settings.SITE_URL + reverse("accounts:notifications"),
    }
    email = EmailMultiAlternatives(
        subject=outbox.subject("accounts/email/digest_subject.txt", context),
        body=outbox.text("accounts/email/digest_message.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.user.email],
        headers={"Message-ID": outbox.message_id("digest", digest.key)},
    )
    email.attach_alternative(
        render_to_string("accounts/email/digest_message.html", context), "text/html"
    )
    return email
