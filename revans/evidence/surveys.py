"""Surveys: which are due (made by the sweep), answering one anonymously, and the invitations
and reminders to answer, each sent exactly once.

Anonymous means that nothing ties an answer to a person: the receipt (this person answered, so
they cannot answer twice) and the answer are separate rows with random ids and no times, and
every new answer rewrites all its survey's answers with fresh ids in a random order inside the
same transaction, so the newest row is not the newest answer and all of them carry one
transaction id (on PostgreSQL the receipt, written in a savepoint, carries another). Someone
who copies the whole database just before and just after one person answers can still tell
that one answer by difference; no row can.
"""

import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from revans.accounts import outbox
from revans.accounts.models import Topic, User
from revans.domain import climate
from revans.meetings.models import Attendance, Meeting
from revans.programmes.models import LearningSet, Participant, Programme
from revans.writes import kept_moved

from .models import Answer, Receipt, Survey, SurveyNotice, SurveyPlan

Kind = Survey.Kind
REMIND_BEFORE = timedelta(days=2)  # a reminder this long before a survey closes
_shuffle = random.SystemRandom().shuffle


def plan_of(programme: Programme) -> SurveyPlan:
    """The programme's plan, or the default one (not saved) if the sponsor has set none."""
    return SurveyPlan.objects.filter(programme=programme).first() or SurveyPlan(programme=programme)


def plan_save(*, programme: Programme, **fields: object) -> SurveyPlan:
    plan = plan_of(programme)
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # saved by another request a moment ago: this one applies over it
        SurveyPlan.objects.filter(programme=programme).update(**fields)
        plan = SurveyPlan.objects.get(programme=programme)
    return plan


def self_items(plan: SurveyPlan) -> list[str]:
    return [line.strip() for line in plan.self_assessment.splitlines() if line.strip()][:20]


def scale_of(survey: Survey) -> int:
    return climate.SCALE if survey.kind == Kind.CLIMATE else climate.EVALUATION_SCALE


def items_of(kind: str, plan: SurveyPlan) -> list[str]:
    if kind == Kind.CLIMATE:
        return [text for text, _reverse in climate.PSYCHOLOGICAL_SAFETY]
    if kind == Kind.EVALUATION:
        return [climate.USEFULNESS]
    return self_items(plan)


# What is due -----------------------------------------------------------------------------


def _morning(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(8), tzinfo=zone)


def climate_rounds(programme: Programme, plan: SurveyPlan) -> list[date]:
    """The days a climate survey opens: the start, every so many weeks, and the end (in time to
    answer before the programme ends)."""
    last = programme.ends_on - timedelta(days=plan.answer_days)
    days = [programme.starts_on]
    if plan.climate_every_weeks:
        step = timedelta(weeks=plan.climate_every_weeks)
        while days[-1] + step < last:
            days.append(days[-1] + step)
    if last >= days[-1] + timedelta(days=plan.answer_days):  # never two rounds open at once
        days.append(last)
    return days


def _wanted(programme: Programme, plan: SurveyPlan, now: datetime) -> list[Survey]:
    """The surveys of this programme that should be open now (unsaved)."""
    zone = ZoneInfo(programme.organisation.time_zone)
    window = timedelta(days=plan.answer_days)
    sets = list(
        LearningSet.objects.filter(
            programme=programme, memberships__isnull=False, memberships__left_on=None
        ).distinct()
    )
    dated: list[tuple[str, int, list[str], datetime]] = []
    # A round is known by the day it opens (its key): a changed interval makes new rounds from
    # then on, never a second survey for a round already asked.
    for n, day in enumerate(climate_rounds(programme, plan)):
        dated.append((Kind.CLIMATE, n, items_of(Kind.CLIMATE, plan), _morning(day, zone)))
    if self_items(plan):
        items = self_items(plan)
        dated.append((Kind.SELF_BEFORE, 0, items, _morning(programme.starts_on, zone)))
        end = programme.ends_on - window
        dated.append((Kind.SELF_AFTER, 0, items, _morning(end, zone)))
    found = []
    for learning_set in sets:
        for kind, n, items, opens in dated:
            if opens <= now < opens + window:
                found.append(
                    Survey(
                        learning_set=learning_set,
                        kind=kind,
                        round=n,
                        items=items,
                        opens_at=opens,
                        closes_at=opens + window,
                        key=f"{learning_set.pk}:{kind}:{opens:%Y%m%d}",
                    )
                )
    if plan.evaluate_meetings:
        ended = Meeting.objects.filter(
            learning_set__in=sets,
            status=Meeting.Status.SCHEDULED,
            ends_at__lte=now,
            ends_at__gt=now - window,
        )
        for meeting in ended:
            found.append(
                Survey(
                    learning_set_id=meeting.learning_set_id,
                    kind=Kind.EVALUATION,
                    meeting=meeting,
                    items=items_of(Kind.EVALUATION, plan),
                    opens_at=meeting.ends_at,
                    closes_at=meeting.ends_at + window,
                    key=f"{meeting.learning_set_id}:{Kind.EVALUATION}:m{meeting.pk}",
                )
            )
    return found


def open_due(*, now: datetime) -> int:
    """Make every survey that is due and not made yet, with its invitations; returns how many.
    Two sweeps at once write each survey once (unique key)."""
    today = now.date()
    made = 0
    programmes = Programme.objects.filter(
        starts_on__lte=today + timedelta(days=1), ends_on__gte=today - timedelta(days=61)
    ).select_related("organisation")
    for programme in programmes:
        wanted = _wanted(programme, plan_of(programme), now)
        existing = set(
            Survey.objects.filter(key__in=[s.key for s in wanted]).values_list("key", flat=True)
        )
        for survey in wanted:
            if survey.key in existing:
                continue
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        survey.save()
                except IntegrityError:
                    continue  # another sweep made it a moment ago
                _notify(survey, SurveyNotice.Kind.INVITATION, invited(survey))
            made += 1
    return made


def askable(survey: Survey) -> QuerySet[Participant]:
    """Who may answer: the set's current members (for an evaluation, those marked present, when
    attendance was taken: only who was there can say how useful it was)."""
    members = Participant.objects.filter(
        set_memberships__learning_set_id=survey.learning_set_id, set_memberships__left_on=None
    )
    if survey.meeting_id is not None:
        marks = Attendance.objects.filter(meeting_id=survey.meeting_id)
        if marks.exists():
            members = members.filter(pk__in=marks.filter(present=True).values("participant_id"))
    return members


def invited(survey: Survey) -> list[User]:
    """Who is asked by email: those who may answer, with an active account."""
    members = askable(survey).filter(user__isnull=False)
    organisation = survey.learning_set.programme.organisation_id
    return list(
        User.objects.filter(
            participants__in=members,
            memberships__organisation_id=organisation,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def _notify(survey: Survey, kind: str, users: list[User]) -> int:
    rows = [
        SurveyNotice(survey=survey, user=user, kind=kind, key=f"{survey.key}:{kind}:{user.pk}")
        for user in users
    ]
    return outbox.add(SurveyNotice, rows)


def remind_due(*, now: datetime) -> int:
    """A reminder, shortly before a survey closes (and not before half its time has passed), to
    each person whose invitation was sent a day ago or more and who has not answered."""
    closing = Survey.objects.filter(
        opens_at__lte=now, closes_at__gt=now, closes_at__lte=now + REMIND_BEFORE
    ).select_related("learning_set__programme")
    made = 0
    for survey in closing:
        if now < survey.opens_at + (survey.closes_at - survey.opens_at) / 2:
            continue
        answered = set(
            Receipt.objects.filter(survey=survey).values_list("participant__user_id", flat=True)
        )
        # Only those whose invitation went out a day ago or more: a survey opened late (the
        # sweep was down) must not send the invitation and its reminder together.
        asked = set(
            SurveyNotice.objects.filter(
                survey=survey,
                kind=SurveyNotice.Kind.INVITATION,
                sent_at__lte=now - timedelta(days=1),
            ).values_list("user_id", flat=True)
        )
        waiting = [u for u in invited(survey) if u.pk in asked and u.pk not in answered]
        made += _notify(survey, SurveyNotice.Kind.REMINDER, waiting)
    return made


def _obsolete(notice: SurveyNotice, now: datetime) -> str:
    survey = notice.survey
    if now >= survey.closes_at:
        return "closed"
    if notice.user not in invited(survey):
        return "no longer in the set"
    if Receipt.objects.filter(survey=survey, participant__user=notice.user).exists():
        return "answered"
    return ""


def send_due(*, now: datetime) -> int:
    """Send each survey notice that is due, once (through the outbox's sender)."""
    return outbox.send_outbox(SENDER, now=now)


def _context(notice: SurveyNotice) -> dict[str, Any]:
    survey = notice.survey
    organisation = survey.learning_set.programme.organisation
    zone = ZoneInfo(notice.user.time_zone or organisation.time_zone)
    return {
        "notice": notice,
        "survey": survey,
        "user": notice.user,
        "closes": survey.closes_at.astimezone(zone),
        "url": settings.SITE_URL
        + reverse("evidence:survey", kwargs={"org": organisation.slug, "survey_id": survey.pk}),
    }


def entry(notice: SurveyNotice) -> outbox.Entry:
    """The notice in its reader's digest: the survey, when it closes, and its link."""
    context = _context(notice)
    at = context["closes"]  # in the reader's zone, named
    closes = f"{formats.date_format(at, 'l j F, H:i')} ({at.tzinfo.key})"
    return outbox.Entry(
        topic=Topic.SURVEYS,
        title=outbox.one_line("evidence/email/survey_subject.txt", context),
        url=context["url"],
        lines=(_("It closes on %(closes)s.") % {"closes": closes},),
    )


def message(notice: SurveyNotice) -> EmailMessage:
    survey = notice.survey
    context = _context(notice)
    return EmailMessage(
        subject=outbox.subject("evidence/email/survey_subject.txt", context),
        body=outbox.text("evidence/email/survey_message.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.user.email],
        headers={
            "Message-ID": outbox.message_id("survey", notice.kind, notice.user.pk, survey.key)
        },
    )


SENDER = outbox.Sender(
    model=SurveyNotice,
    related=("user", "survey__learning_set__programme__organisation"),
    topics=dict.fromkeys(SurveyNotice.Kind, Topic.SURVEYS),
    checker=lambda now: lambda notice: _obsolete(notice, now),
    message=message,
    entry=entry,
)


# Answering -------------------------------------------------------------------------------


def answer(
    *,
    survey: Survey,
    participant: Participant,
    scores: dict[int, int],
    recommend: bool | None = None,
    text: str = "",
    now: datetime | None = None,
) -> Survey:
    """Record one person's answer, anonymously, once."""
    now = now or timezone.now()
    if now < survey.opens_at:
        raise ValidationError(_("This survey is not open yet."))
    if now >= survey.closes_at:
        raise ValidationError(
            _("This survey closed on %(day)s; answers are no longer taken.")
            % {"day": formats.date_format(survey.closes_at, "j M Y")}
        )
    try:
        checked = climate.checked(scores, len(survey.items), scale_of(survey))
    except climate.ScaleError as error:
        raise ValidationError(str(error)) from None
    if survey.kind != Kind.EVALUATION and (recommend is not None or text):
        raise ValidationError(_("This survey asks only the items on the scale."))
    if not askable(survey).filter(pk=participant.pk).exists():
        raise ValidationError(
            _("Only those at the meeting evaluate it.")
            if survey.meeting_id
            else _("Only the set's members answer its surveys.")
        )
    with transaction.atomic():
        # One answer at a time per survey: the rewrite below reads every answer, and two at
        # once would each rewrite without the other's.
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        try:
            with transaction.atomic():
                Receipt.objects.create(survey=survey, participant=participant)
        except IntegrityError:
            raise ValidationError(_("You have answered this survey already.")) from None
        answers = [
            Answer(survey=survey, scores=a.scores, recommend=a.recommend, text=a.text)
            for a in Answer.objects.filter(survey=survey)
        ]
        answers.append(
            Answer(
                survey=survey,
                scores={str(item): value for item, value in checked.items()},
                recommend=recommend,
                text=text.strip(),
            )
        )
        _shuffle(answers)
        Answer.objects.filter(survey=survey).delete()
        Answer.objects.bulk_create(answers)
        kept_moved(within=survey.learning_set.programme)  # a bulk write sends no signal
    return survey


def open_for(participant_ids: list[int], now: datetime) -> list[Survey]:
    """The open surveys these pool entries may still answer (for a member's home page), in one
    query: `askable`'s rule, that a meeting with attendance taken is evaluated by those there."""
    marks = Attendance.objects.filter(meeting_id=OuterRef("meeting_id"))
    there = marks.filter(participant_id__in=participant_ids, present=True)
    return list(
        Survey.objects.filter(
            learning_set__memberships__participant_id__in=participant_ids,
            learning_set__memberships__left_on=None,
            opens_at__lte=now,
            closes_at__gt=now,
        )
        .filter(Q(meeting__isnull=True) | ~Exists(marks) | Exists(there))
        .exclude(receipts__participant_id__in=participant_ids)
        .select_related("learning_set", "meeting")
        .distinct()
        .order_by("closes_at")
    )
