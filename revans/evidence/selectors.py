"""Reads for the evidence pages: a survey's result as its set may see it, the programme's surveys
and the surveys a facilitator's home page lists."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.accounts.models import User
from revans.domain import climate, privacy
from revans.programmes.models import Programme, SetMembership

from .models import Answer, Baseline, BoardReport, CareerOutcome, Survey


@dataclass
class SurveyResult:
    """A set's result, as its members and facilitators may see it: nothing until the survey
    has closed with at least k answers."""

    answered: int
    invited: int
    reason: str  # why nothing is shown, or ""
    score: float | None = None  # the set's mean (climate: of its members' scores)
    items: list[tuple[str, float | None]] = field(default_factory=list)
    recommend: float | None = None  # % who would recommend
    texts: list[str] = field(default_factory=list)  # facilitators only


def survey_result(survey: Survey, *, reads_text: bool, now: datetime | None = None) -> SurveyResult:
    now = now or timezone.now()
    k = privacy.floor(survey.learning_set.programme.organisation.min_group_size)
    answers = list(Answer.objects.filter(survey=survey).order_by("id"))
    invited = SetMembership.objects.current().filter(learning_set_id=survey.learning_set_id)
    found = SurveyResult(answered=len(answers), invited=invited.count(), reason="")
    if now < survey.closes_at:
        found.reason = _("The result is shown once the survey closes.")
        return found
    if len(answers) < k:
        found.reason = _(
            "Fewer than %(k)s answered, so no result is shown: it could point to a person."
        ) % {"k": k}
        return found
    scores = [{int(i): int(v) for i, v in a.scores.items()} for a in answers]
    if survey.kind == Survey.Kind.CLIMATE:
        found.score = climate.set_score(scores)
    else:
        means = [m for m in (climate.mean(s) for s in scores) if m is not None]
        found.score = sum(means) / len(means) if means else None
    for n, text in enumerate(survey.items):
        given = [s[n] for s in scores if n in s]
        if survey.kind == Survey.Kind.CLIMATE:
            given = [climate.scored(n, v) for v in given]
        # An item fewer than k answered is not shown: it could be one person's answer.
        found.items.append((text, sum(given) / len(given) if len(given) >= k else None))
    votes = [a.recommend for a in answers if a.recommend is not None]
    found.recommend = 100 * sum(votes) / len(votes) if len(votes) >= k else None
    if reads_text:
        found.texts = sorted(a.text for a in answers if a.text)
    return found


def outcomes_of(programme: Programme) -> QuerySet[CareerOutcome]:
    return CareerOutcome.objects.filter(programme=programme).select_related("participant")


def baselines_of(programme: Programme) -> QuerySet[Baseline]:
    return Baseline.objects.filter(programme=programme)


def board_reports_of(programme: Programme, user: User) -> list[BoardReport]:
    """The last three reports this person asked for."""
    found = BoardReport.objects.filter(programme=programme, requested_by=user)
    return list(found.order_by("-created_at")[:3])


def surveys_of(programme: Programme) -> list[Survey]:
    """The programme's surveys, newest first, each with how many have answered (a count only)."""
    return list(
        Survey.objects.filter(learning_set__programme=programme)
        .select_related("learning_set", "meeting")
        .annotate(answered=Count("receipts"))
        .order_by("-opens_at", "learning_set__name")[:200]
    )


RECENT = timedelta(days=90)


def recent_surveys(set_ids: list[int], now: datetime) -> dict[int, list[Survey]]:
    """The surveys of these sets opened in the last 90 days, for their facilitators' home page."""
    found: dict[int, list[Survey]] = defaultdict(list)
    for survey in Survey.objects.filter(
        learning_set_id__in=set_ids, opens_at__lte=now, opens_at__gt=now - RECENT
    ).order_by("-opens_at")[:100]:
        found[survey.learning_set_id].append(survey)
    return found


def next_opening(set_ids: list[int], now: datetime) -> datetime | None:
    """When the next survey of these sets opens: a home page that lists open or recent surveys
    reads differently from then on."""
    found: datetime | None = Survey.objects.filter(
        learning_set_id__in=set_ids, opens_at__gt=now
    ).aggregate(first=Min("opens_at"))["first"]
    return found
