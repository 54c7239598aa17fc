"""Writes about meetings: schedule, add, change, cancel, RSVP, attendance, feeds. One
transaction each; every email about a meeting is a Notice row written in the same transaction
and sent after it commits (`notices.py`), so a rolled-back request sends nothing."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from revans.accounts.models import User
from revans.domain.cadence import CadenceError, Rule, exact_start, meeting_dates
from revans.domain.evidence import settled
from revans.programmes.models import LearningSet, Participant

from . import notices
from .links import rsvp_payload, token_hash
from .models import Attendance, CalendarFeed, Meeting, MeetingSeries, Rsvp
from .signals import attendance_recorded
from .tasks import send_notices


@dataclass(frozen=True)
class When:
    """A meeting's time as the facilitator gives it: a day, a local time, a length, a zone."""

    day: date
    at: time
    minutes: int
    time_zone: str

    def span(self) -> tuple[datetime, datetime]:
        try:
            start = exact_start(self.day, self.at, self.time_zone)
            return start, start + timedelta(minutes=self.minutes)
        except CadenceError as error:
            raise ValidationError(str(error)) from None
        except OverflowError:
            raise ValidationError(_("That date is out of range.")) from None


def _check_future(start: datetime) -> None:
    if start <= timezone.now():
        raise ValidationError(
            _("A meeting cannot start in the past (%(when)s).")
            % {"when": formats.date_format(start, "j M Y H:i") + " UTC"}
        )


def _check_minutes(minutes: int) -> None:
    if not 15 <= minutes <= 720:
        raise ValidationError(_("A meeting lasts from 15 minutes to 12 hours."))


def _after_commit() -> None:
    transaction.on_commit(partial(send_notices.enqueue))


@transaction.atomic
def series_schedule(
    *,
    learning_set: LearningSet,
    rule: Rule,
    at: time,
    minutes: int,
    time_zone: str,
    place: str,
    video_url: str,
    by: User,
) -> list[Meeting]:
    """Every meeting the rule gives, at the same wall-clock time in the set's zone."""
    _check_minutes(minutes)
    try:
        days = meeting_dates(rule)
    except CadenceError as error:
        raise ValidationError(str(error)) from None
    spans = [When(day, at, minutes, time_zone).span() for day in days]
    _check_future(spans[0][0])
    series = MeetingSeries(
        learning_set=learning_set,
        cadence=rule.cadence,
        weekday=rule.weekday,
        every_weeks=rule.every_weeks,
        nth=rule.nth,
        first_on=rule.first,
        until=rule.until,
        start_time=at,
        minutes=minutes,
        time_zone=time_zone,
        created_by=by,
    )
    series.full_clean()
    series.save()
    meetings = [
        _new_meeting(learning_set, start, end, time_zone, place, video_url, series)
        for start, end in spans
    ]
    notices.invite_due(now=timezone.now(), meetings=meetings)
    _after_commit()
    return meetings


def _new_meeting(
    learning_set: LearningSet,
    start: datetime,
    end: datetime,
    time_zone: str,
    place: str,
    video_url: str,
    series: MeetingSeries | None,
) -> Meeting:
    meeting = Meeting(
        learning_set=learning_set,
        series=series,
        starts_at=start,
        ends_at=end,
        time_zone=time_zone,
        place=place.strip(),
        video_url=video_url.strip(),
    )
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def meeting_add(
    *, learning_set: LearningSet, when: When, place: str, video_url: str, by: User
) -> Meeting:
    _check_minutes(when.minutes)
    start, end = when.span()
    _check_future(start)
    meeting = _new_meeting(learning_set, start, end, when.time_zone, place, video_url, None)
    notices.invite_due(now=timezone.now(), meetings=[meeting])
    _after_commit()
    return meeting


@transaction.atomic
def meeting_change(
    *, meeting: Meeting, when: When, place: str, video_url: str, following: bool
) -> list[Meeting]:
    """Move or re-place this meeting, or (`following`) this one and every later one of its
    series by the same shift of day, at the new wall-clock time. Returns the changed meetings."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled; add a new one instead."))
    if meeting.ends_at <= timezone.now():
        raise ValidationError(_("This meeting is over and can no longer be changed."))
    _check_minutes(when.minutes)
    shift = when.day - meeting.local_start.date()
    targets = [meeting]
    if following and meeting.series_id:
        targets += list(
            Meeting.objects.select_for_update().filter(
                series_id=meeting.series_id,
                status=Meeting.Status.SCHEDULED,
                starts_at__gt=meeting.starts_at,
            )
        )
    changed = []
    for target in targets:
        day = when.day if target.pk == meeting.pk else target.local_start.date() + shift
        start, end = When(day, when.at, when.minutes, when.time_zone).span()
        _check_future(start)
        before = (target.starts_at, target.ends_at, target.place, target.video_url)
        target.starts_at, target.ends_at, target.time_zone = start, end, when.time_zone
        target.place, target.video_url = place.strip(), video_url.strip()
        if (start, end, target.place, target.video_url) == before:
            continue
        target.sequence += 1
        target.full_clean()
        target.save()
        notices.announce(target, kind=notices.Kind.UPDATE)
        changed.append(target)
    if not changed:
        raise ValidationError(_("Nothing changed."))
    _after_commit()
    return changed


@transaction.atomic
def meeting_cancel(*, meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting is already cancelled."))
    if meeting.starts_at <= timezone.now():
        raise ValidationError(_("This meeting has started and can no longer be cancelled."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    notices.announce(meeting, kind=notices.Kind.CANCELLATION)
    _after_commit()
    return meeting


def rsvp_from_token(token: str) -> tuple[Meeting, Participant]:
    """The meeting and person a link names; ValidationError, in words, for any bad link."""
    try:
        data = rsvp_payload(token)
        meeting = Meeting.objects.select_related("learning_set__programme__organisation").get(
            pk=int(str(data["m"]))
        )
        participant = Participant.objects.select_related("user").get(pk=int(str(data["p"])))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Meeting.DoesNotExist):
        raise ValidationError(
            _("This link is not valid. Check that you copied the whole link from the email.")
        ) from None
    except Participant.DoesNotExist:
        raise ValidationError(_("This link is no longer valid.")) from None
    return meeting, participant


def check_rsvp_open(meeting: Meeting, participant: Participant) -> None:
    if meeting.is_cancelled:
        raise ValidationError(_("This meeting was cancelled, so there is nothing to answer."))
    if meeting.starts_at <= timezone.now():
        raise ValidationError(_("This meeting has started; answers are closed."))
    current = meeting.learning_set.memberships.current().filter(participant=participant)
    if not current.exists():
        raise ValidationError(_("You are no longer a member of this set."))


@transaction.atomic
def rsvp_answer(
    *, meeting: Meeting, participant: Participant, answer: str, note: str, token: str = ""
) -> Rsvp:
    """Record (or change) a member's answer; through an emailed link, each link works once."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_rsvp_open(meeting, participant)
    if answer not in Rsvp.Answer.values:
        raise ValidationError(_("Choose whether you are coming."))
    existing = Rsvp.objects.filter(meeting=meeting, participant=participant).first()
    used = token_hash(token) if token else ""
    if used and existing is not None and used in existing.used_links:
        raise ValidationError(_("You have used this link already. Sign in to change your answer."))
    rsvp = existing or Rsvp(meeting=meeting, participant=participant)
    rsvp.answer, rsvp.note = answer, note.strip() if answer == Rsvp.Answer.NO else ""
    rsvp.answered_at = timezone.now()
    if used:
        rsvp.used_links = [*rsvp.used_links, used]
    rsvp.full_clean()
    rsvp.save()
    return rsvp


def _check_attendance(meeting: Meeting) -> None:
    if meeting.is_cancelled:
        raise ValidationError(_("A cancelled meeting has no attendance."))
    if not meeting.takes_attendance:
        raise ValidationError(_("Attendance is taken when the meeting happens."))
    organisation = meeting.learning_set.programme.organisation
    day = meeting.starts_at.astimezone(ZoneInfo(organisation.time_zone)).date()
    if settled(day, organisation.today()):
        raise ValidationError(
            _(
                "Attendance for %(month)s has settled: it is in the sponsor's figures, which "
                "never change once shown."
            )
            % {"month": formats.date_format(day, "F Y")}
        )


@transaction.atomic
def attendance_record(*, meeting: Meeting, present: set[int], by: User) -> list[Attendance]:
    """Who was there, for every current member (ids in `present` were; the rest were not)."""
    _check_attendance(meeting)
    members = [
        m.participant
        for m in meeting.learning_set.memberships.current().select_related("participant")
    ]
    if not present <= {p.pk for p in members}:
        raise ValidationError(_("Only the set's members can be marked present."))
    rows = []
    for person in members:
        row, _created = Attendance.objects.update_or_create(
            meeting=meeting,
            participant=person,
            defaults={"present": person.pk in present, "recorded_by": by},
        )
        rows.append(row)
    attendance_recorded.send(sender=Attendance, meeting=meeting)
    return rows


@transaction.atomic
def feed_renew(*, user: User) -> str:
    """A new secret feed address for the person; the old one stops working. Returns the token,
    which is shown once and never stored (only its hash)."""
    now = timezone.now()
    CalendarFeed.objects.filter(user=user, revoked_at=None).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user=user, token_hash=token_hash(token), created_at=now)
    return token


@transaction.atomic
def feed_revoke(*, user: User) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


def feed_user(token: str) -> User | None:
    feed = (
        CalendarFeed.objects.filter(token_hash=token_hash(token), revoked_at=None)
        .select_related("user")
        .first()
    )
    return feed.user if feed and feed.user.is_active else None


@transaction.atomic
def attendance_mark(
    *, meeting: Meeting, participant_id: int, present: bool, by: User
) -> Attendance:
    """One person arriving (or marked absent again), as the live console takes it."""
    _check_attendance(meeting)
    if (
        not meeting.learning_set.memberships.current()
        .filter(participant_id=participant_id)
        .exists()
    ):
        raise ValidationError(_("Only the set's members can be marked present."))
    row, _created = Attendance.objects.update_or_create(
        meeting=meeting,
        participant_id=participant_id,
        defaults={"present": present, "recorded_by": by, "recorded_at": timezone.now()},
    )
    attendance_recorded.send(sender=Attendance, meeting=meeting)
    return row
