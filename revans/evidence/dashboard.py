"""Reads for the sponsor's dashboard (and the board's PDF and the CSV, which show the same):
engagement, climate, session evaluation, self-assessment, career outcomes against the baseline,
and the ROI. Every figure carries the people it is drawn from and passes `revans.domain.privacy`
(through `revans.domain.evidence` for series against a total). No text anyone wrote is read here.

A period (a month, a climate round, before and after) is shown only when it is over, so a
figure never moves once shown and two dashboards days apart cannot be subtracted to find one
person's part; the "all" row is only of the periods shown. Survey answers count by period and a
period is over once every survey in it has closed (and, for meetings' evaluations, its month has
ended); the people behind a survey figure are counted item by item, from the answers that give
it, never from the survey's respondents as a whole, and one person answering two surveys of
their set in a month is not counted as two.
"""

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache, partial
from zoneinfo import ZoneInfo

from django.db.models import Count, Min, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from revans.domain import climate, privacy
from revans.domain.evidence import SETTLE, UNDER_WAY, Point, Row, row, series, settled
from revans.impact.selectors import Roi, figures_key, roi
from revans.learning.models import Action, Challenge, ReportBack
from revans.meetings.models import Attendance, Meeting
from revans.programmes.models import FacilitationMode, FacilitationPeriod, Programme, SetMembership
from revans.writes import kept, kept_key, kept_until

from .models import Answer, Baseline, CareerOutcome, Receipt, Survey

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

    def value(self, point: Point) -> Decimal | None:
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
        return f"{value:.0f} %" if self.percent else f"{value:.2f}"

    @property
    def table(self) -> list[dict[str, object]]:
        return [self.line(point) for point in self.points]

    @property
    def whole(self) -> dict[str, object]:
        return self.line(self.total)

    @property
    def shown_table(self) -> list[dict[str, object]]:
        return [line for line in self.table if not line["reason"]]

    @property
    def hidden_note(self) -> str:
        """The periods not shown, said once for the table, not in a grey cell each."""
        return privacy.hidden_note(
            (str(line["period"]), str(line["reason"])) for line in self.table
        )

    @property
    def shown(self) -> list[tuple[str, Decimal]]:
        return [(p.period, v) for p in self.points if (v := self.value(p)) is not None]


@dataclass
class OutcomeLine:
    kind: str  # CareerOutcome.Kind
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
        ]


def _month(moment: datetime | date, zone: ZoneInfo | None = None) -> str:
    if isinstance(moment, datetime) and zone is not None:
        moment = moment.astimezone(zone)
    return f"{moment:%Y-%m}"


def _trend(s: Series, unit: str) -> str:
    shown = s.shown
    total = s.value(s.total)
    if not s.points:
        return _("%(title)s: nothing recorded yet.") % {"title": s.title}
    if total is None:
        if all(getattr(p.cell, "reason", "") == _(UNDER_WAY) for p in s.points):
            return _("%(title)s: shown once the period under way is over.") % {"title": s.title}
        return _("Too few people to show %(title)s without singling someone out.") % {
            "title": s.title.lower()
        }

    def fmt(value: Decimal) -> str:
        """Rounded (number_format would cut), with the reader's decimal separator."""
        places = 0 if s.percent else 1
        shown = formats.number_format(round(value, places), places)
        return f"{shown} %" if s.percent else shown

    whole = fmt(total) if s.percent else f"{fmt(total)}{unit}"
    if len(shown) < 2:
        return _("%(title)s: %(whole)s in the periods shown.") % {"title": s.title, "whole": whole}
    (first, a), (last, b) = shown[0], shown[-1]
    step = Decimal(5) if s.percent else Decimal("0.2")
    said = {"title": s.title, "whole": whole, "a": fmt(a), "first": first, "b": fmt(b)}
    said["last"] = last
    if b - a >= step:
        return (
            _(
                "%(title)s: %(whole)s overall; it rose, "
                "from %(a)s in %(first)s to %(b)s in %(last)s."
            )
            % said
        )
    if a - b >= step:
        return (
            _(
                "%(title)s: %(whole)s overall; it fell, "
                "from %(a)s in %(first)s to %(b)s in %(last)s."
            )
            % said
        )
    return (
        _(
            "%(title)s: %(whole)s overall; it held steady, "
            "from %(a)s in %(first)s to %(b)s in %(last)s."
        )
        % said
    )


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
    under_way: set[str] | frozenset[str] = frozenset(),
) -> Series:
    periods = order or sorted({r.period for r in rows})
    points, total = series(rows, k, order=periods, under_way=under_way)
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
    month = cache(partial(_month, zone=zone))  # a meeting's start, once for all its marks
    attendance = [row(month(at), [who], present) for at, who, present in marks]

    days: dict[int, list[date]] = defaultdict(list)
    for meeting in meetings:
        days[meeting.learning_set_id].append(meeting.starts_at.astimezone(zone).date())
    today = now.astimezone(zone).date()
    follow, undecided = [], set()
    actions = Action.objects.filter(
        challenge__learning_set__programme=programme, due_on__lt=today
    ).values_list(
        "due_on",
        "challenge__learning_set_id",
        "challenge__owner_id",
        "written_at",
        "report_back__outcome",
        "report_back__meeting__starts_at",
        "report_back__written_at",
    )
    for due, set_id, owner, written, outcome, told_at, reported in actions:
        # Followed through: done or partly done, told by the first meeting on or after the day
        # it was due (or at any meeting, when none has come since). Only what was recorded
        # within SETTLE of that meeting counts, and the month shows only once every action of
        # it has settled: a late report-back or action never moves a figure already shown.
        held = days.get(set_id, [])
        at = bisect_left(held, due)
        by = held[at] if at < len(held) else None
        if by is None or by + SETTLE >= today:  # its next meeting is to come, or just past
            undecided.add(month(due))
        elif written.astimezone(zone).date() > by + SETTLE:
            continue  # an action written after its month settled
        told = told_at.astimezone(zone).date() if told_at else None
        recorded = reported.astimezone(zone).date() if reported else today
        on_time = told is not None and (by is None or (told <= by and recorded <= by + SETTLE))
        follow.append(row(month(due), [owner], outcome in FOLLOWED and on_time))

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
    current = {
        r.period
        for r in [*attendance, *follow, *modes]
        if not settled(date.fromisoformat(f"{r.period}-01"), today)
    }
    return [
        _series(
            "attendance",
            _("Attendance"),
            # xgettext:no-python-format
            _("% of members present"),
            attendance,
            k,
            percent=True,
            under_way=current,
        ),
        _series(
            "follow-through",
            _("Action follow-through"),
            # xgettext:no-python-format
            _("% of actions done or partly done by the next meeting (by month due)"),
            follow,
            k,
            percent=True,
            under_way=current | undecided,
        ),
        _series(
            "self-facilitating",
            _("Self-facilitating meetings"),
            # xgettext:no-python-format
            _("% of meetings the set ran itself"),
            modes,
            k,
            percent=True,
            under_way=current,
        ),
    ]


def _resolved(programme: Programme, k: int) -> Series:
    """Where the challenges stand now (one figure: a challenge's status moves at any time, so a
    breakdown by month would move person by person)."""
    resolved = [
        row("now", [owner], status == Challenge.Status.RESOLVED)
        for owner, status in Challenge.objects.filter(
            learning_set__programme=programme
        ).values_list("owner_id", "status")
    ]
    return _series(
        "resolved",
        _("Challenges resolved"),
        # xgettext:no-python-format
        _("% of challenges resolved, as they stand"),
        resolved,
        k,
        percent=True,
    )


def _period(survey: Survey, zone: ZoneInfo) -> str:
    """A climate round is known by the day it opened, an evaluation by its meeting's month."""
    if survey.kind == Survey.Kind.EVALUATION:
        return _month(survey.opens_at, zone)
    if survey.kind == Survey.Kind.CLIMATE:
        return formats.date_format(survey.opens_at.astimezone(zone), "j M Y")
    return _("before") if survey.kind == Survey.Kind.SELF_BEFORE else _("after")


def _under_way(found: list[Survey], now: datetime, zone: ZoneInfo) -> set[tuple[str, str]]:
    """(kind, period) of the periods not over: a survey still open, or a month still running
    (a later meeting that month will bring its evaluation)."""
    waiting = {(s.kind, _period(s, zone)) for s in found if s.closes_at > now}
    waiting.add((Survey.Kind.EVALUATION, _month(now, zone)))
    return waiting


@dataclass(frozen=True)
class _Answer:
    scores: dict[int, int]
    recommend: bool | None


def _answers(surveys: list[Survey]) -> dict[int, list[_Answer]]:
    found: dict[int, list[_Answer]] = defaultdict(list)
    rows = Answer.objects.filter(survey__in=surveys).values_list("survey_id", "scores", "recommend")
    for survey, scores, recommend in rows.order_by("id"):
        found[survey].append(_Answer({int(i): int(v) for i, v in scores.items()}, recommend))
    return found


def _answerer(set_id: int, counted: dict[str, int], figure: str) -> list[tuple[int, str, int]]:
    """The next answer to a figure in a set's survey, as the person it stands for."""
    counted[figure] += 1
    return [(set_id, figure, counted[figure])]


def _surveys(
    programme: Programme, k: int, now: datetime, zone: ZoneInfo
) -> tuple[Series, Series, Series, list[Series]]:
    Kind = Survey.Kind
    found = list(Survey.objects.filter(learning_set__programme=programme).order_by("opens_at"))
    waiting = _under_way(found, now, zone)
    closed = [s for s in found if s.closes_at <= now]
    answers = _answers(closed)
    climate_rows, useful, recommend = [], [], []
    before_after: dict[str, list[Row]] = defaultdict(list)
    items: list[str] = []  # the self-assessment's items, in the order first asked
    for survey in closed:
        period = _period(survey, zone)
        # The people behind a figure are those whose answers it is drawn from. Answers are
        # anonymous, so the j-th answer of a set's survey stands for a person of that set, the
        # same one in each of its surveys of a period (one person answers each survey once):
        # an item two answered is drawn from two people, whoever else answered the survey.
        counted: dict[str, int] = defaultdict(int)
        who = partial(_answerer, survey.learning_set_id, counted)
        for answer in answers[survey.pk]:
            scores = answer.scores
            if survey.kind == Kind.CLIMATE:
                score = climate.member_score(scores)
                if score is not None:
                    climate_rows.append(row(period, who("climate"), round(score, 4)))
            elif survey.kind == Kind.EVALUATION:
                if (value := climate.mean(scores)) is not None:
                    useful.append(row(period, who("useful"), round(value, 4)))
                if answer.recommend is not None:
                    recommend.append(row(period, who("recommend"), answer.recommend))
            else:  # items are matched by their words: an item reworded is another item
                for item, value in scores.items():
                    if item < len(survey.items):
                        text = _(survey.items[item])
                        items += [] if text in items else [text]
                        before_after[text].append(row(period, who(text), value))
    rounds = [_period(s, zone) for s in found if s.kind == Kind.CLIMATE]
    climate_series = _series(
        "climate",
        _("Psychological safety"),
        _("mean score, 1 to 7 (Edmondson's 7 items)"),
        climate_rows,
        k,
        percent=False,
        unit=_(" out of 7"),
        order=list(dict.fromkeys(rounds)),
        under_way={p for kind, p in waiting if kind == Kind.CLIMATE},
    )
    self_series = []
    self_waiting = {p for kind, p in waiting if kind in (Kind.SELF_BEFORE, Kind.SELF_AFTER)}
    for n, text in enumerate(items):
        points, total = series(
            before_after[text], k, order=[_("before"), _("after")], under_way=self_waiting
        )
        s = Series(f"self-{n + 1}", text, _("mean, 1 to 5"), False, points, total)
        s.summary = _trend(s, _(" out of 5"))
        self_series.append(s)
    months = {p for kind, p in waiting if kind == Kind.EVALUATION}
    return (
        climate_series,
        _series(
            "usefulness",
            _("Usefulness of meetings"),
            _("mean, 1 to 5"),
            useful,
            k,
            percent=False,
            unit=_(" out of 5"),
            under_way=months,
        ),
        _series(
            "recommend",
            _("Would recommend"),
            # xgettext:no-python-format
            _("% who would recommend the meetings to a colleague"),
            recommend,
            k,
            percent=True,
            under_way=months,
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
        # A count of 1 to k-1 (or all but 1 to k-1) is a figure about that many people: the
        # ones it happened to (or did not). It is shown as such, never as a number.
        floor, few = privacy.floor(k), ""
        if not cell.hidden and (0 < events < floor or 0 < len(people) - events < floor):
            said = {"floor": floor, "people": len(people)}
            if events < floor:
                few = _("fewer than %(floor)s of the %(people)s people") % said
            else:
                few = _("all but fewer than %(floor)s of the %(people)s people") % said
            cell = privacy.Hidden(few)
        rate = climate.wilson(events, len(people)) if people and not cell.hidden else None
        base = baselines.get(kind)
        baseline = climate.wilson(base.events, base.people) if base else None
        if few:
            sentence = _(
                "It happened to %(few)s: too few to show or compare without singling anyone out."
            ) % {"few": few}
        elif rate is None:
            sentence = _(
                "Too few people on the programme to show this without singling anyone out."
            )
        elif baseline is None:
            sentence = _("No baseline has been entered to compare with.")
        else:
            sentence = climate.compare(rate, baseline)
        lines.append(
            OutcomeLine(
                kind=kind,
                label=str(label),
                cell=cell,
                people=len(people),
                rate=rate,
                baseline=baseline,
                baseline_text=(
                    _("%(events)s of %(people)s %(group)s, %(period)s")
                    % {
                        "events": base.events,
                        "people": base.people,
                        "group": base.group or _("in the comparison group"),
                        "period": base.period,
                    }
                    if base
                    else ""
                ),
                sentence=sentence,
            )
        )
    return lines


# What the dashboard is drawn from besides the ROI's (impact.selectors.DRAWN_FROM), and a
# member's surveys to answer on their home: a save or delete of any of these moves the kept
# generation (connected in apps.ready).
DRAWN_FROM = (
    FacilitationPeriod,
    Challenge,
    Action,
    ReportBack,
    Survey,
    Answer,
    Receipt,
    CareerOutcome,
    Baseline,
)


def dashboard_key(programme: Programme, now: datetime) -> str:
    """All that decides the dashboard (`figures_key`, with the surveys opened and closed by
    now): the same figures for every reader of them."""
    return figures_key(programme, now, *surveys_due_by(programme, now))


def surveys_due_by(programme: Programme, now: datetime) -> tuple[int, int]:
    """How many of the programme's surveys have opened and closed by now: the clock alone
    changes it, so it is kept until the next opens or closes."""
    surveys = Survey.objects.filter(learning_set__programme=programme)

    def count() -> tuple[tuple[int, int], datetime | None]:
        found = surveys.aggregate(
            opened=Count("id", filter=Q(opens_at__lte=now)),
            closed=Count("id", filter=Q(closes_at__lte=now)),
            opens=Min("opens_at", filter=Q(opens_at__gt=now)),
            closes=Min("closes_at", filter=Q(closes_at__gt=now)),
        )
        moments = [m for m in (found["opens"], found["closes"]) if m is not None]
        return (found["opened"], found["closed"]), min(moments, default=None)

    return kept_until(kept_key("surveys-due", programme.pk, within=programme), count, now)


def dashboard(programme: Programme, now: datetime | None = None, key: str = "") -> Dashboard:
    """The programme's figures, kept in the cache under `key` (`dashboard_key` now, unless the
    caller has it already)."""
    now = now or timezone.now()
    key = key or dashboard_key(programme, now)
    return kept(f"dashboard:{key}", lambda: _dashboard(programme, now))


def _dashboard(programme: Programme, now: datetime) -> Dashboard:
    k = programme.organisation.min_group_size
    zone = ZoneInfo(programme.organisation.time_zone)
    people = frozenset(
        SetMembership.objects.filter(learning_set__programme=programme).values_list(
            "participant_id", flat=True
        )
    )
    attendance, follow, modes = _engagement(programme, k, now, zone)
    climate_series, usefulness, recommend, self_series = _surveys(programme, k, now, zone)
    resolved = _resolved(programme, k)
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
    )
    found.charts = [attendance, follow, modes, climate_series, usefulness]
    return found
