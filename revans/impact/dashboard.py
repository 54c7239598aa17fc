"""Reads for the sponsor's dashboard (and the board's PDF and the CSV, which show the same):
engagement, climate, session evaluation, self-assessment, career outcomes against the baseline,
and the ROI. Every figure carries the people it is drawn from and passes `revans.domain.privacy`
(through `revans.domain.evidence` for series against a total). No text anyone wrote is read here.

Survey answers are grouped by period (a climate round, the month of a meeting) and a period is
used only once every survey in it has closed: a figure appears whole, never growing answer by
answer or set by set, so watching it change tells nothing about one set's answers. Each period
then passes the same k rule as every other figure.
"""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from revans.domain import climate, privacy
from revans.domain.evidence import Point, Row, row, series
from revans.domain.roi import Outcome
from revans.learning.models import Action, Challenge, ReportBack
from revans.meetings.models import Attendance, Meeting
from revans.programmes.models import FacilitationMode, FacilitationPeriod, Programme, SetMembership

from .models import Answer, Baseline, BenefitClaim, CareerOutcome, Survey
from .selectors import Roi, roi

FOLLOWED = (ReportBack.Outcome.DONE, ReportBack.Outcome.PARTLY)


@dataclass
class Series:
    """One figure over time: each period, the whole, and a sentence that says what it shows."""

    name: str  # for the chart's address and the CSV
    title: str
    measure: str  # what a point is ("% present", "mean, 1 to 7")
    percent: bool  # a rate shown as a percentage, else a mean
    points: list[Point]
    total: Point
    summary: str = ""
    sums: bool = False  # each point is a sum (money), not a rate or a mean

    def value(self, point: Point) -> Decimal | None:
        if self.sums:
            return None if point.cell.hidden else Decimal(point.cell.value)  # type: ignore[union-attr]
        found = point.mean
        if found is None:
            return None
        return found * 100 if self.percent else found

    def line(self, point: Point) -> dict[str, object]:
        """One row of the data table: the value as shown (rounded), or why it is hidden."""
        value = self.value(point)
        return {
            "period": point.period,
            "text": "" if value is None else self.format(value),
            "number": "" if value is None else f"{value:.1f}" if self.percent else f"{value:.2f}",
            "reason": getattr(point.cell, "reason", ""),
            "count": point.count,
        }

    def format(self, value: Decimal) -> str:
        if self.sums:
            return f"{value:,.2f}"
        return f"{value:.0f} %" if self.percent else f"{value:.2f}"

    @property
    def table(self) -> list[dict[str, object]]:
        return [self.line(point) for point in self.points]

    @property
    def whole(self) -> dict[str, object]:
        return self.line(self.total)

    @property
    def shown(self) -> list[tuple[str, Decimal]]:
        return [(p.period, v) for p in self.points if (v := self.value(p)) is not None]


@dataclass
class OutcomeLine:
    label: str
    cell: privacy.Cell  # people it happened to, out of everyone on the programme
    people: int
    rate: climate.Rate | None
    baseline: climate.Rate | None
    baseline_text: str
    sentence: str


@dataclass
class Dashboard:
    programme: Programme
    k: int
    participants: privacy.Cell
    attendance: Series
    follow_through: Series
    resolved: Series
    self_facilitating: Series
    climate: Series
    usefulness: Series
    recommend: Series
    self_assessment: list[Series]
    outcomes: list[OutcomeLine]
    roi: Roi
    benefits: Series
    charts: list[Series] = field(default_factory=list)

    @property
    def all_series(self) -> list[Series]:
        return [
            self.attendance,
            self.follow_through,
            self.resolved,
            self.self_facilitating,
            self.climate,
            self.usefulness,
            self.recommend,
            *self.self_assessment,
            self.benefits,
        ]


def _month(moment: datetime | date, zone: ZoneInfo | None = None) -> str:
    if isinstance(moment, datetime) and zone is not None:
        moment = moment.astimezone(zone)
    return f"{moment:%Y-%m}"


def _trend(s: Series, unit: str) -> str:
    shown = s.shown
    total = s.value(s.total)
    if not s.total.count:
        return f"{s.title}: nothing recorded yet."
    if total is None:
        return f"Too few people to show {s.title.lower()} without singling someone out."
    whole = f"{total:.0f} %" if s.percent else f"{total:.1f}{unit}"
    if len(shown) < 2:
        return f"{s.title}: {whole} over the programme so far."
    (first, a), (last, b) = shown[0], shown[-1]

    def fmt(value: Decimal) -> str:
        return f"{value:.0f} %" if s.percent else f"{value:.1f}"

    step = Decimal(5) if s.percent else Decimal("0.2")
    way = "rose" if b - a >= step else "fell" if a - b >= step else "held steady"
    return f"{s.title}: {whole} overall; it {way}, from {fmt(a)} in {first} to {fmt(b)} in {last}."


def _series(
    name: str,
    title: str,
    measure: str,
    rows: list[Row],
    k: int,
    *,
    percent: bool,
    unit: str = "",
    order: list[str] | None = None,
) -> Series:
    points, total = series(rows, k, order=order or sorted({r.period for r in rows}))
    found = Series(name, title, measure, percent, points, total)
    found.summary = _trend(found, unit)
    return found


def _members_by_set(programme: Programme) -> dict[int, frozenset[int]]:
    who: dict[int, set[int]] = defaultdict(set)
    for set_id, person in SetMembership.objects.filter(
        learning_set__programme=programme
    ).values_list("learning_set_id", "participant_id"):
        who[set_id].add(person)
    return {set_id: frozenset(people) for set_id, people in who.items()}


def _meetings(programme: Programme, now: datetime) -> list[Meeting]:
    return list(
        Meeting.objects.filter(
            learning_set__programme=programme,
            status=Meeting.Status.SCHEDULED,
            starts_at__lte=now,
        ).order_by("starts_at")
    )


def _engagement(programme: Programme, k: int, now: datetime, zone: ZoneInfo) -> list[Series]:
    meetings = _meetings(programme, now)
    marks = Attendance.objects.filter(meeting__in=meetings).values_list(
        "meeting__starts_at", "participant_id", "present"
    )
    attendance = [row(_month(at, zone), [who], present) for at, who, present in marks]

    days: dict[int, list[date]] = defaultdict(list)
    for meeting in meetings:
        days[meeting.learning_set_id].append(meeting.starts_at.astimezone(zone).date())
    today = now.astimezone(zone).date()
    follow = []
    actions = Action.objects.filter(
        challenge__learning_set__programme=programme, due_on__lt=today
    ).values_list(
        "due_on",
        "challenge__learning_set_id",
        "challenge__owner_id",
        "report_back__outcome",
        "report_back__meeting__starts_at",
    )
    for due, set_id, owner, outcome, told_at in actions:
        # Followed through: done or partly done, told by the first meeting on or after the day
        # it was due (or at any meeting, when none has come since).
        held = days.get(set_id, [])
        at = bisect_left(held, due)
        by = held[at] if at < len(held) else None
        told = told_at.astimezone(zone).date() if told_at else None
        on_time = told is not None and (by is None or told <= by)
        follow.append(row(_month(due), [owner], outcome in FOLLOWED and on_time))

    resolved = [
        row(_month(since), [owner], status == Challenge.Status.RESOLVED)
        for since, owner, status in Challenge.objects.filter(
            learning_set__programme=programme
        ).values_list("created_at", "owner_id", "status")
    ]
    periods: dict[int, list[FacilitationPeriod]] = defaultdict(list)
    for period in FacilitationPeriod.objects.filter(learning_set__programme=programme).order_by(
        "starts_on", "created_at"
    ):
        periods[period.learning_set_id].append(period)
    members = _members_by_set(programme)
    modes = []
    for meeting in meetings:
        day = meeting.starts_at.astimezone(zone).date()
        begun = [p for p in periods[meeting.learning_set_id] if p.starts_on <= day]
        mode = begun[-1].mode if begun else FacilitationMode.FACILITATED
        modes.append(
            row(
                _month(day),
                members.get(meeting.learning_set_id, frozenset()),
                mode == FacilitationMode.SELF_FACILITATING,
            )
        )
    return [
        _series("attendance", "Attendance", "% of members present", attendance, k, percent=True),
        _series(
            "follow-through",
            "Action follow-through",
            "% of actions done or partly done by the next meeting (by month due)",
            follow,
            k,
            percent=True,
        ),
        _series(
            "resolved",
            "Challenges resolved",
            "% of challenges resolved (by month brought)",
            resolved,
            k,
            percent=True,
        ),
        _series(
            "self-facilitating",
            "Self-facilitating meetings",
            "% of meetings the set ran itself",
            modes,
            k,
            percent=True,
        ),
    ]


def _period(survey: Survey, zone: ZoneInfo) -> str:
    if survey.kind == Survey.Kind.EVALUATION:
        return _month(survey.opens_at, zone)
    if survey.kind == Survey.Kind.CLIMATE:
        return f"round {survey.round}"
    return "before" if survey.kind == Survey.Kind.SELF_BEFORE else "after"


def complete_surveys(programme: Programme, now: datetime, zone: ZoneInfo) -> list[Survey]:
    """The closed surveys of periods in which every survey has closed: the only answers used."""
    found = list(Survey.objects.filter(learning_set__programme=programme).order_by("opens_at"))
    waiting = {(s.kind, _period(s, zone)) for s in found if s.closes_at > now}
    return [s for s in found if (s.kind, _period(s, zone)) not in waiting]


@dataclass(frozen=True)
class _Answer:
    pk: object
    scores: dict[int, int]
    recommend: bool | None


def _answers(surveys: list[Survey]) -> dict[int, list[_Answer]]:
    found: dict[int, list[_Answer]] = defaultdict(list)
    rows = Answer.objects.filter(survey__in=surveys).values_list(
        "survey_id", "id", "scores", "recommend"
    )
    for survey, pk, scores, recommend in rows.order_by("id"):
        found[survey].append(_Answer(pk, {int(i): int(v) for i, v in scores.items()}, recommend))
    return found


def _surveys(
    programme: Programme, k: int, now: datetime, zone: ZoneInfo
) -> tuple[Series, Series, Series, list[Series]]:
    Kind = Survey.Kind
    closed = complete_surveys(programme, now, zone)
    answers = _answers(closed)
    rounds = sorted({s.round for s in closed if s.kind == Kind.CLIMATE})
    opened = {s.round: s.opens_at.astimezone(zone) for s in closed if s.kind == Kind.CLIMATE}
    label = {n: f"Round {i + 1} ({opened[n]:%b %Y})" for i, n in enumerate(rounds)}
    climate_rows, useful, recommend = [], [], []
    before_after: dict[int, list[Row]] = defaultdict(list)
    items: list[str] = []
    for survey in closed:
        for answer in answers[survey.pk]:
            scores = answer.scores
            if survey.kind == Kind.CLIMATE:
                score = climate.member_score(scores)
                if score is not None:
                    climate_rows.append(row(label[survey.round], [answer.pk], round(score, 4)))
            elif survey.kind == Kind.EVALUATION:
                month = _month(survey.opens_at, zone)
                if (value := climate.mean(scores)) is not None:
                    useful.append(row(month, [answer.pk], round(value, 4)))
                if answer.recommend is not None:
                    recommend.append(row(month, [answer.pk], answer.recommend))
            else:
                items = items or list(survey.items)
                when = "before" if survey.kind == Kind.SELF_BEFORE else "after"
                for item, value in scores.items():
                    before_after[item].append(row(when, [answer.pk], value))
    climate_series = _series(
        "climate",
        "Psychological safety",
        "mean score, 1 to 7 (Edmondson's 7 items)",
        climate_rows,
        k,
        percent=False,
        unit=" out of 7",
        order=[label[n] for n in rounds],
    )
    self_series = []
    for item, rows in sorted(before_after.items()):
        points, total = series(rows, k, order=["before", "after"])
        text = items[item] if item < len(items) else f"Item {item + 1}"
        s = Series(f"self-{item + 1}", text, "mean, 1 to 5", False, points, total)
        s.summary = _trend(s, " out of 5")
        self_series.append(s)
    return (
        climate_series,
        _series(
            "usefulness",
            "Usefulness of meetings",
            "mean, 1 to 5",
            useful,
            k,
            percent=False,
            unit=" out of 5",
        ),
        _series(
            "recommend",
            "Would recommend",
            "% who would recommend the meetings to a colleague",
            recommend,
            k,
            percent=True,
        ),
        self_series,
    )


def _outcomes(programme: Programme, people: frozenset[int], k: int) -> list[OutcomeLine]:
    happened: dict[str, set[int]] = defaultdict(set)
    for kind, person in CareerOutcome.objects.filter(
        programme=programme, participant_id__in=people
    ).values_list("kind", "participant_id"):
        happened[kind].add(person)
    baselines = {b.kind: b for b in Baseline.objects.filter(programme=programme)}
    lines = []
    for kind, label in CareerOutcome.Kind.choices:
        events = len(happened[kind])
        # The rate is drawn from everyone on the programme (the ones it happened to and the
        # ones it did not), so it is shown when they are k or more.
        cell = privacy.single(privacy.Figure(events, people), k)
        rate = climate.wilson(events, len(people)) if people and not cell.hidden else None
        base = baselines.get(kind)
        baseline = climate.wilson(base.events, base.people) if base else None
        if rate is None:
            sentence = "Too few people on the programme to show this without singling anyone out."
        elif baseline is None:
            sentence = "No baseline has been entered to compare with."
        else:
            sentence = climate.compare(rate, baseline)
        lines.append(
            OutcomeLine(
                label=str(label),
                cell=cell,
                people=len(people),
                rate=rate,
                baseline=baseline,
                baseline_text=(
                    f"{base.events} of {base.people} {base.group or 'in the comparison group'}, "
                    f"{base.period}"
                    if base
                    else ""
                ),
                sentence=sentence,
            )
        )
    return lines


def _benefits(programme: Programme, found: Roi, k: int, zone: ZoneInfo) -> Series:
    """The adjusted benefits by the month their claims were verified, against the benefits."""
    lines = found.report.lines
    counted = {line.claim.ref: line.adjusted for line in lines if line.outcome == Outcome.COUNTED}
    rows = [
        row(_month(decided or made, zone), [owner], counted[pk])
        for pk, owner, decided, made in BenefitClaim.objects.filter(pk__in=counted).values_list(
            "pk", "owner_id", "decided_at", "created_at"
        )
    ]
    points, total = series(rows, k, order=sorted({r.period for r in rows}))
    s = Series(
        "benefits",
        "Adjusted benefits",
        f"{programme.currency}, by the month the claim was verified",
        False,
        points,
        total,
        sums=True,
    )
    if not rows:
        s.summary = "Adjusted benefits: no verified claim counts yet."
    elif total.cell.hidden:
        s.summary = "Too few people have verified claims to show the benefits month by month."
    else:
        shown = [p for p in points if not p.cell.hidden]
        s.summary = (
            f"Adjusted benefits: {programme.currency} {s.format(Decimal(total.cell.value))} "  # type: ignore[union-attr]
            f"so far, verified over {len(points)} month{'s' if len(points) > 1 else ''}"
            + ("" if len(shown) == len(points) else " (some months hidden: too few people)")
            + "."
        )
    return s


def dashboard(programme: Programme, now: datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    k = programme.organisation.min_group_size
    zone = ZoneInfo(programme.organisation.time_zone)
    people = frozenset(
        SetMembership.objects.filter(learning_set__programme=programme).values_list(
            "participant_id", flat=True
        )
    )
    attendance, follow, resolved, modes = _engagement(programme, k, now, zone)
    climate_series, usefulness, recommend, self_series = _surveys(programme, k, now, zone)
    money = roi(programme)
    found = Dashboard(
        programme=programme,
        k=privacy.floor(k),
        participants=privacy.single(privacy.Figure(len(people), people), k),
        attendance=attendance,
        follow_through=follow,
        resolved=resolved,
        self_facilitating=modes,
        climate=climate_series,
        usefulness=usefulness,
        recommend=recommend,
        self_assessment=self_series,
        outcomes=_outcomes(programme, people, k),
        roi=money,
        benefits=_benefits(programme, money, k, zone),
    )
    found.charts = [attendance, follow, modes, climate_series, usefulness, found.benefits]
    return found
