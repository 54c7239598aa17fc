"""Meeting emails, exactly once: which notices are due, and sending them.

A notice is a row of the outbox (`revans.accounts.outbox`), unique by its key (meeting, kind,
person, and the version or start time it is about), sent exactly once by the outbox's sender: at
once, or in its reader's digest, as they chose for its topic (invitations and cancellations
always at once). A notice about a version of the meeting that has since changed is skipped: a
newer one says what is true now. Each is rendered when it is sent, in the recipient's time zone.
"""

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from revans.accounts import outbox
from revans.accounts.models import Topic, User
from revans.programmes.models import APOLOGIES_RULE, LearningSet, Participant, rules_in
from revans.writes import kept, kept_key

from . import calendar
from .links import rsvp_token
from .models import Meeting, Notice

Kind = Notice.Kind
TOPICS: dict[str, Topic] = {
    Kind.INVITATION: Topic.MEETINGS,
    Kind.CANCELLATION: Topic.MEETINGS,
    Kind.UPDATE: Topic.CHANGES,
    Kind.REMINDER: Topic.REMINDERS,
    Kind.PREPARE: Topic.ACTIONS,
}
# Apps above meetings add lines to a notice (the cycle lists a member's open actions), so that
# meetings need not import them: each is called with the notice and returns lines for its reader.
AGENDA_LINES: list[Callable[[Notice], list[str]]] = []
INVITE_AHEAD = timedelta(days=70)  # invitations go out for meetings this close
logger = logging.getLogger(__name__)


def recipients(learning_set: LearningSet) -> list[User]:
    """Who is told about the set's meetings: its current facilitators and the current members
    whose pool entry is linked to an active account in the organisation."""
    organisation = learning_set.programme.organisation_id
    members = User.objects.filter(
        participants__set_memberships__learning_set=learning_set,
        participants__set_memberships__left_on=None,
        memberships__organisation_id=organisation,
        memberships__is_active=True,
    )
    facilitators = User.objects.filter(
        facilitations__learning_set=learning_set,
        facilitations__until=None,
        memberships__organisation_id=organisation,
        memberships__is_active=True,
    )
    return list((members | facilitators).distinct().order_by("pk"))


type People = Callable[[LearningSet], list[User]]


def people_by_set() -> People:
    """`recipients`, asked once per set within one sweep or send."""
    cache: dict[int, list[User]] = {}

    def people(learning_set: LearningSet) -> list[User]:
        if learning_set.pk not in cache:
            cache[learning_set.pk] = recipients(learning_set)
        return cache[learning_set.pk]

    return people


def number(meeting: Meeting) -> int:
    """The meeting's place among its set's meetings, for its title ("meeting 3"); kept, as a
    meeting's page is among the busiest (a meeting's save moves the kept generation)."""
    earlier = Meeting.objects.filter(
        learning_set_id=meeting.learning_set_id,
        status=Meeting.Status.SCHEDULED,
        starts_at__lt=meeting.starts_at,
    )
    return kept(kept_key("meeting-number", meeting.pk), lambda: earlier.count() + 1)


def make(meeting: Meeting, user: User, kind: str, about: str) -> Notice:
    """A notice (not yet saved) about this meeting, unique by kind, person and `about`."""
    return Notice(
        meeting=meeting,
        user=user,
        kind=kind,
        sequence=meeting.sequence,
        for_start=meeting.starts_at,
        key=f"{meeting.uid}:{kind}:{user.pk}:{about}",
        message_id=outbox.message_id(kind, about, user.pk, meeting.uid),
    )


def add(rows: list[Notice]) -> int:
    """Write the notices that do not exist yet; returns how many that was."""
    return outbox.add(Notice, rows)


def invite_due(*, now: datetime, meetings: Sequence[Meeting] | None = None) -> int:
    """An invitation for every upcoming meeting within INVITE_AHEAD to everyone who should have
    one and has none yet (people who joined the set later included)."""
    due = (
        meetings
        if meetings is not None
        else Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + INVITE_AHEAD
        ).select_related("learning_set__programme")
    )
    due = [m for m in due if now < m.starts_at <= now + INVITE_AHEAD and not m.is_cancelled]
    people = people_by_set()
    rows = []
    for meeting in due:
        rows += [make(meeting, u, Kind.INVITATION, "0") for u in people(meeting.learning_set)]
    return add(rows)


def announce(meeting: Meeting, *, kind: str) -> None:
    """A change or cancellation, to everyone whose invitation has gone out (an invitation still
    waiting will carry the meeting as it is when it is sent)."""
    invited = User.objects.filter(
        pk__in=Notice.objects.filter(
            meeting=meeting, kind=Kind.INVITATION, sent_at__isnull=False
        ).values("user_id")
    )
    add([make(meeting, user, kind, str(meeting.sequence)) for user in invited])


def for_start(meeting: Meeting) -> str:
    """What a notice about the meeting's start time is keyed by: a moved meeting is new news."""
    return f"{meeting.starts_at:%Y%m%dT%H%MZ}"


def remind_due(*, now: datetime) -> int:
    """A reminder for each meeting that starts within its programme's reminder days."""
    soon = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + timedelta(days=14)
    ).select_related("learning_set__programme")
    rows = []
    people = people_by_set()
    for meeting in soon:
        if meeting.starts_at - timedelta(days=meeting.learning_set.programme.reminder_days) > now:
            continue
        about = for_start(meeting)
        rows += [make(meeting, user, Kind.REMINDER, about) for user in people(meeting.learning_set)]
    return add(rows)


def send_due(*, now: datetime) -> int:
    """Send every notice that is due and not yet sent; returns how many this call sent."""
    return outbox.send_outbox(SENDER, now=now)


def checker(now: datetime) -> Callable[[Notice], str]:
    """Why a notice is no longer worth sending at `now`, or "" (the set's people asked once
    per set in a batch)."""
    people = people_by_set()
    return lambda notice: _obsolete(notice, now, people)


def agenda(notice: Notice) -> list[str]:
    return [line for provider in AGENDA_LINES for line in provider(notice)]


def _obsolete(notice: Notice, now: datetime, people: People) -> str:
    meeting = notice.meeting
    if notice.kind == Kind.PREPARE and not agenda(notice):
        return "nothing left to prepare"
    if notice.kind != Kind.CANCELLATION and meeting.is_cancelled:
        return "cancelled"
    if notice.kind != Kind.CANCELLATION and meeting.starts_at <= now:
        return "too late"
    if notice.kind == Kind.UPDATE and notice.sequence < meeting.sequence:
        return "superseded"
    if notice.kind in (Kind.REMINDER, Kind.PREPARE) and notice.for_start != meeting.starts_at:
        return "moved"
    if notice.kind != Kind.CANCELLATION and notice.user not in people(meeting.learning_set):
        return "no longer in the set"
    return ""


def zone_for(user: User | None, meeting: Meeting) -> ZoneInfo:
    """The reader's own zone, else their organisation's."""
    own = user.time_zone if user is not None else ""
    return ZoneInfo(own or meeting.learning_set.programme.organisation.time_zone)


def when(meeting: Meeting, zone: ZoneInfo) -> str:
    """ "Tuesday 8 December 2026, 09:30 to 13:30 (Europe/London)", in the reader's zone and
    language (the month and day names are Django's, translated)."""
    start, end = meeting.starts_at.astimezone(zone), meeting.ends_at.astimezone(zone)
    return _("%(day)s, %(start)s to %(end)s (%(zone)s)") % {
        "day": formats.date_format(start, "l j F Y"),
        "start": formats.time_format(start, "H:i"),
        "end": formats.time_format(end, "H:i"),
        "zone": zone.key,
    }


def _rsvp_url(notice: Notice) -> str:
    meeting = notice.meeting
    person = Participant.objects.filter(
        user=notice.user,
        organisation_id=meeting.learning_set.programme.organisation_id,
        set_memberships__learning_set=meeting.learning_set,
        set_memberships__left_on=None,
    ).first()
    if person is None or notice.kind == Kind.CANCELLATION:
        return ""
    token = rsvp_token(meeting, person, nonce=str(notice.pk))
    return settings.SITE_URL + reverse("meetings:rsvp_link", kwargs={"rsvp_token": token})


def apologies_rule(learning_set: LearningSet) -> str:
    """The set's own rule about apologies (its notice period), if its ground rules have one.
    Their text is kept (a meeting's page is among the busiest: a few words from the cache, not
    the set's whole summary); the rule is found in it in the reader's language."""
    current = learning_set.ground_rules.order_by("-version").values_list("text", flat=True)
    text = kept(kept_key("ground-rules", learning_set.pk), lambda: current.first() or "")
    rules = rules_in(text)
    # Its label as the default rule has it, in English or the reader's language.
    labels = ("apolog", _(APOLOGIES_RULE).split(":")[0].lower())
    return next((rule for rule in rules if rule.lower().startswith(labels)), "")


def entry(notice: Notice) -> outbox.Entry:
    """The notice in its reader's digest: what it says, without the calendar entry (a digest
    carries none; the calendar feed keeps a calendar right without it)."""
    meeting = notice.meeting
    context: dict[str, object] = {
        "kind": notice.kind,
        "title": calendar.title(meeting, number(meeting)),
    }
    lines = [when(meeting, zone_for(notice.user, meeting)), *agenda(notice)]
    if meeting.place:
        lines.insert(1, meeting.place)
    rsvp = _rsvp_url(notice)
    if rsvp:
        lines.append(_("Tell your facilitator whether you are coming: %(url)s") % {"url": rsvp})
    return outbox.Entry(
        topic=TOPICS[Kind(notice.kind)],
        title=outbox.one_line("meetings/email/notice_subject.txt", context),
        url=settings.SITE_URL + meeting.get_absolute_url(),
        lines=tuple(lines),
    )


def message(notice: Notice) -> EmailMultiAlternatives:
    meeting, user = notice.meeting, notice.user
    n = number(meeting)
    context = {
        "kind": notice.kind,
        "user": user,
        "title": calendar.title(meeting, n),
        "when": when(meeting, zone_for(user, meeting)),
        "meeting": meeting,
        "meeting_url": settings.SITE_URL + meeting.get_absolute_url(),
        "rsvp_url": _rsvp_url(notice),
        "apologies": apologies_rule(meeting.learning_set),
        "lines": agenda(notice),
    }
    email = EmailMultiAlternatives(
        subject=outbox.subject("meetings/email/notice_subject.txt", context),
        body=outbox.text("meetings/email/notice_message.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={"Message-ID": notice.message_id},
    )
    email.attach_alternative(
        render_to_string("meetings/email/notice_message.html", context), "text/html"
    )
    if notice.kind not in (Kind.REMINDER, Kind.PREPARE):
        method, ics = calendar.invitation(meeting, n, user)
        email.attach_alternative(ics.decode(), f"text/calendar; method={method}; charset=UTF-8")
    return email


SENDER = outbox.Sender(
    model=Notice,
    related=("user", "meeting__learning_set__programme__organisation"),
    topics=TOPICS,
    checker=checker,
    message=message,
    entry=entry,
)
