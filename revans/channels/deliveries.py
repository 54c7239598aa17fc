"""Which messages are due for which chat channels, and sending them.

A message is a Delivery row (`revans.accounts.posting`: claimed, posted by the worker, retried
with back-off, in order per channel), unique by its key (channel, connection, meeting, kind,
and the version or start time it is about), written in the transaction that makes it due and
rendered when it is sent, so that it says what is true then; one about a version of the meeting
that has since changed is skipped. What is due follows the meeting emails (`meetings.notices`):
a meeting is announced once it is within INVITE_AHEAD (a series does not arrive as twenty
messages); a change or a cancellation follows only where the announcement went; a reminder
within the programme's reminder days, unless the announcement itself came that late. After a
channel's last failed attempt it is switched off, and whoever connected it (else, once they no
longer may, the organisation's admins) is emailed.
"""

import json
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation

from revans.accounts import outbox, posting
from revans.accounts.models import Membership, Topic, User
from revans.meetings.models import Meeting
from revans.meetings.notices import INVITE_AHEAD, for_start

from . import payloads
from .access import may_connect, scope_of
from .models import Channel, ChannelNotice, Delivery

Kind = Delivery.Kind
HEADERS = {"Content-Type": "application/json", "User-Agent": "Revans-Chat/1"}
ANNOUNCED = "0"  # what a meeting's announcement is about: the meeting itself, once


def key(channel: Channel, meeting: Meeting | None, kind: str, about: str) -> str:
    """Unique per connection: a channel connected again is told afresh."""
    connection = f"{channel.connected_at:%Y%m%dT%H%M%S.%f}"
    return f"{channel.pk}:{connection}:{meeting.uid if meeting else 'test'}:{kind}:{about}"


def make(
    channel: Channel, meeting: Meeting | None, kind: str, about: str, now: datetime
) -> Delivery:
    """A message (not yet saved) to this channel, due now."""
    return Delivery(
        channel=channel,
        meeting=meeting,
        kind=kind,
        key=key(channel, meeting, kind, about),
        sequence=meeting.sequence if meeting else 0,
        for_start=meeting.starts_at if meeting else None,
        created_at=now,
        next_attempt_at=now,
    )


def add(rows: Sequence[Delivery]) -> set[int]:
    """Write the messages that do not exist yet; returns the channels that have new ones.
    (ignore_conflicts covers a sweep that writes the same rows at the same moment.)"""
    existing = set(
        Delivery.objects.filter(key__in=[row.key for row in rows]).values_list("key", flat=True)
    )
    new = [row for row in rows if row.key not in existing]
    Delivery.objects.bulk_create(new, ignore_conflicts=True)
    return {row.channel_id for row in new}


def send_after_commit(channel_ids: Collection[int]) -> None:
    """Once the transaction commits, each of these channels' next due message goes to the
    worker (the request never waits on anyone's server)."""
    if channel_ids:
        transaction.on_commit(partial(hand, channel_ids=set(channel_ids)))


def hand(*, now: datetime | None = None, channel_ids: Collection[int] | None = None) -> int:
    """Each channel's next due message (of these channels, if given), handed to the worker."""
    from .tasks import deliver

    heads = posting.due(Delivery, now or timezone.now(), endpoints=channel_ids)
    for pk in heads:
        deliver.enqueue(delivery_id=pk)
    return len(heads)


def _tells(channel: Channel, meeting: Meeting) -> bool:
    return channel.programme_id == meeting.learning_set.programme_id and (
        channel.learning_set_id in (None, meeting.learning_set_id)
    )


def channels_of(meeting: Meeting) -> list[Channel]:
    """The live channels told of this meeting: its programme's and its set's."""
    learning_set = meeting.learning_set
    return list(
        Channel.objects.filter(programme_id=learning_set.programme_id, switched_off_at=None).filter(
            Q(learning_set=None) | Q(learning_set=learning_set)
        )
    )


def _live(channels: Iterable[Channel] | None) -> list[Channel]:
    return list(channels if channels is not None else Channel.objects.filter(switched_off_at=None))


def _upcoming(channels: list[Channel], now: datetime, ahead: timedelta) -> list[Meeting]:
    return list(
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            starts_at__gt=now,
            starts_at__lte=now + ahead,
            learning_set__programme__in={c.programme_id for c in channels},
        ).select_related("learning_set__programme")
    )


def announce_due(*, now: datetime, channels: Iterable[Channel] | None = None) -> set[int]:
    """An announcement of every upcoming meeting within INVITE_AHEAD, to each live channel (of
    these) told of it, once per connection. Returns the channels with new messages."""
    live = _live(channels)
    if not live:
        return set()
    rows = [
        make(channel, meeting, Kind.SCHEDULED, ANNOUNCED, now)
        for meeting in _upcoming(live, now, INVITE_AHEAD)
        for channel in live
        if _tells(channel, meeting)
    ]
    return add(rows)


def remind_due(*, now: datetime) -> set[int]:
    """A reminder of each meeting within its programme's reminder days, where it was announced
    before those days began (an announcement that late is reminder enough)."""
    live = _live(None)
    if not live:
        return set()
    due = []
    for meeting in _upcoming(live, now, timedelta(days=14)):
        opens = meeting.starts_at - timedelta(days=meeting.learning_set.programme.reminder_days)
        if opens <= now:
            due += [(channel, meeting, opens) for channel in live if _tells(channel, meeting)]
    announcements = [key(c, m, Kind.SCHEDULED, ANNOUNCED) for c, m, _opens in due]
    announced = dict(
        Delivery.objects.filter(key__in=announcements).values_list("key", "created_at")
    )
    rows = [
        make(channel, meeting, Kind.REMINDER, for_start(meeting), now)
        for (channel, meeting, opens), announcement in zip(due, announcements, strict=True)
        if announcement in announced and announced[announcement] < opens
    ]
    return add(rows)


def meeting_saved(meeting: Meeting, *, created: bool) -> None:
    """A new meeting within reach is announced; a change or cancellation is told where the
    announcement went (one still waiting will say what is true when it leaves)."""
    channels = channels_of(meeting)
    if not channels:
        return
    now = timezone.now()
    if created:
        if meeting.is_cancelled or not now < meeting.starts_at <= now + INVITE_AHEAD:
            return
        rows = [make(channel, meeting, Kind.SCHEDULED, ANNOUNCED, now) for channel in channels]
    else:
        if meeting.is_cancelled:
            kind = Kind.CANCELLED
        elif meeting.sequence:
            kind = Kind.CHANGED
        else:
            return
        told = set(
            Delivery.objects.filter(
                key__in=[key(c, meeting, Kind.SCHEDULED, ANNOUNCED) for c in channels],
                attempts__gt=0,
            ).values_list("channel_id", flat=True)
        )
        about = str(meeting.sequence)
        rows = [make(c, meeting, kind, about, now) for c in channels if c.pk in told]
    send_after_commit(add(rows))


def obsolete(delivery: Delivery, now: datetime) -> str:
    """Why a message should no longer go, if it should not."""
    meeting = delivery.meeting
    if not delivery.channel.is_on:
        return "switched off"
    if meeting is None:
        return ""
    if delivery.kind != Kind.CANCELLED and meeting.is_cancelled:
        return "cancelled"
    if delivery.kind != Kind.CANCELLED and meeting.starts_at <= now:
        return "too late"
    if delivery.kind == Kind.CHANGED and delivery.sequence < meeting.sequence:
        return "superseded"
    if delivery.kind == Kind.REMINDER and delivery.for_start != meeting.starts_at:
        return "moved"
    return ""


def deliver_now(*, delivery_id: int, now: datetime | None = None) -> bool:
    """Send one message if it is due and next in its channel's order, or skip it if it is out
    of date. True if it went or was skipped (the channel's next may follow)."""
    now = now or timezone.now()
    rows = Delivery.objects.select_related(
        "channel__programme__organisation",
        "channel__learning_set",
        "meeting__learning_set__programme__organisation",
    )
    found = rows.filter(pk=delivery_id, next_attempt_at__lte=now).first()
    if found is None:
        return False
    reason = obsolete(found, now)
    if reason:
        waiting = Delivery.objects.filter(pk=delivery_id, next_attempt_at__isnull=False)
        return bool(waiting.update(next_attempt_at=None, skipped=reason))
    # Claimed without joins (a locking read may not reach across the nullable meeting).
    claimed = posting.claim(Delivery.objects.all(), delivery_id, now)
    if claimed is None:
        return False
    found.attempts, found.next_attempt_at = claimed.attempts, claimed.next_attempt_at
    # A channel is the organisation's: it reads the organisation's language.
    with translation.override(found.channel.programme.organisation.language):
        body = json.dumps(payloads.payload(found)).encode()
    went = posting.record(found, posting.post(found.channel.url, body, HEADERS))
    if not went and found.next_attempt_at is None:
        switch_off(found.channel, now)
    return went


def told_of(channel: Channel) -> list[User]:
    """Who hears that a channel was switched off: whoever connected it, while they still may;
    else the organisation's admins."""
    organisation = channel.programme.organisation_id
    memberships = Membership.objects.filter(organisation_id=organisation).select_related("user")
    connector = (
        memberships.filter(user_id=channel.connected_by_id).first()
        if channel.connected_by_id is not None
        else None
    )
    if connector is not None and may_connect(connector, channel.learning_set):
        return [connector.user]
    admins = memberships.filter(is_active=True, is_admin=True).order_by("pk")
    return [m.user for m in admins]


@transaction.atomic
def switch_off(channel: Channel, now: datetime) -> bool:
    """After the channel's last failed attempt nothing more is posted to it until someone
    connects it again, and they are told. False if it was switched off already, or connected
    again meanwhile (the new connection is not the one that failed)."""
    off = Channel.objects.filter(
        pk=channel.pk, connected_at=channel.connected_at, switched_off_at=None
    ).update(switched_off_at=now)
    if not off:
        return False
    waiting = Delivery.objects.filter(channel=channel, next_attempt_at__isnull=False)
    waiting.update(next_attempt_at=None, skipped="switched off")
    ChannelNotice.objects.bulk_create(
        [
            ChannelNotice(
                channel=channel,
                user=user,
                kind=ChannelNotice.Kind.SWITCHED_OFF,
                key=f"channel:{channel.pk}:off:{now:%Y%m%dT%H%M%S.%f}:{user.pk}",
            )
            for user in told_of(channel)
        ],
        ignore_conflicts=True,
    )
    from .tasks import send_notices

    transaction.on_commit(partial(send_notices.enqueue))
    return True


def given_up(channel: Channel) -> Delivery | None:
    """The message whose last failed attempt switched the channel off."""
    return (
        channel.deliveries.filter(
            next_attempt_at=None, delivered_at=None, skipped="", attempts__gt=0
        )
        .order_by("-pk")
        .first()
    )


def send_notices_due(*, now: datetime) -> int:
    """Send every switch-off email that is due; returns how many this call sent."""
    return outbox.send_outbox(SENDER, now=now)


def _obsolete(notice: ChannelNotice) -> str:
    return "" if notice.channel.switched_off_at else "connected again"


def notice_entry(notice: ChannelNotice) -> outbox.Entry:
    """Never held for a digest (an account email, sent at once); what a digest would say."""
    return outbox.Entry(
        topic=Topic.ACCOUNT,
        title=outbox.one_line("channels/email/switched_off_subject.txt", _context(notice)),
        url=str(_context(notice)["url"]),
    )


def _context(notice: ChannelNotice) -> dict[str, object]:
    channel = notice.channel
    last = given_up(channel)
    return {
        "user": notice.user,
        "channel": channel,
        "name": scope_of(channel).name,
        "attempts": last.attempts if last else len(posting.BACKOFF) + 1,
        "status": last.last_status if last else None,
        "url": settings.SITE_URL + scope_of(channel).page_url,
    }


def notice_message(notice: ChannelNotice) -> EmailMessage:
    context = _context(notice)
    return EmailMessage(
        subject=outbox.subject("channels/email/switched_off_subject.txt", context),
        body=outbox.text("channels/email/switched_off_message.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.user.email],
        headers={"Message-ID": outbox.message_id(notice.kind, notice.key)},
    )


# An operational email to whoever connected the channel: an account email, never tuned away.
SENDER = outbox.Sender(
    model=ChannelNotice,
    related=("user", "channel__programme__organisation", "channel__learning_set"),
    topics=dict.fromkeys(ChannelNotice.Kind, Topic.ACCOUNT),
    checker=lambda now: _obsolete,
    message=notice_message,
    entry=notice_entry,
)
