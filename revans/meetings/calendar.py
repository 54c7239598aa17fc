"""iCalendar for meetings (icalendar 7): invitations calendars treat as invitations (RFC 6047),
and a person's feed. Nothing confidential goes in: the set's name, the meeting's number, when
and where, and a link."""

from collections.abc import Iterable, Sequence
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress
from icalendar.enums import STATUS

from revans.accounts.models import User

from .models import Meeting

PRODID = "-//Revans//Action learning sets//EN"


def title(meeting: Meeting, number: int) -> str:
    return _("%(set)s: action learning set, meeting %(number)s") % {
        "set": meeting.learning_set.name,
        "number": number,
    }


def _organizer() -> vCalAddress:
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{address}")
    organizer.params["CN"] = name or "Revans"
    return organizer


def event(meeting: Meeting, number: int, attendees: Sequence[User] = ()) -> Event:
    people = []
    for user in attendees:
        attendee = vCalAddress(f"mailto:{user.email}")
        attendee.params.update(CN=user.name or user.email, ROLE="REQ-PARTICIPANT", RSVP="FALSE")
        people.append(attendee)
    lines = [f"{settings.SITE_URL}{meeting.get_absolute_url()}"]
    if meeting.video_url:
        lines.insert(0, _("Video: %(url)s") % {"url": meeting.video_url})
    return Event.new(
        uid=meeting.uid,
        sequence=meeting.sequence,
        stamp=timezone.now(),
        start=meeting.local_start,
        end=meeting.ends_at.astimezone(meeting.zone),
        summary=title(meeting, number),
        location=meeting.place or meeting.video_url or None,
        description="\n".join(lines),
        organizer=_organizer(),
        attendees=people or None,
        status=STATUS.CANCELLED if meeting.is_cancelled else STATUS.CONFIRMED,
        url=f"{settings.SITE_URL}{meeting.get_absolute_url()}",
    )


def invitation(meeting: Meeting, number: int, attendee: User) -> tuple[str, bytes]:
    """(method, calendar) for one person: REQUEST, or CANCEL once the meeting is cancelled."""
    method = "CANCEL" if meeting.is_cancelled else "REQUEST"
    calendar = Calendar.new(method=method, prodid=PRODID)
    calendar.add_component(event(meeting, number, [attendee]))
    calendar.add_missing_timezones()
    return method, bytes(calendar.to_ical())


def feed(meetings: Iterable[tuple[Meeting, int]], name: str) -> bytes:
    """A subscribable calendar of these meetings (no METHOD: it is published, not sent)."""
    calendar = Calendar.new(prodid=PRODID, name=name)
    for meeting, number in meetings:
        calendar.add_component(event(meeting, number))
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())
