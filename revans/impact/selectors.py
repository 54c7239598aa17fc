"""Reads for the impact pages: the fully loaded costs line by line, and the ROI with its working,
every figure for a sponsor passed through `revans.domain.privacy` first."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q

from revans.domain import privacy
from revans.domain.roi import Claim, CostLine, Extreme, ExtremeRule, Line, Report, Status, evaluate
from revans.domain.roi import participant_time as time_cost
from revans.meetings.models import Attendance, Meeting
from revans.programmes.models import Participant, Programme

from .models import BenefitClaim, CostItem, HourlyRate, RoiSettings

HUNDRED = Decimal(100)


@dataclass
class TimeLine:
    """Participants' time at one rate: who, how many hours in meetings, at what rate."""

    label: str
    people: int
    hours: Decimal
    rate: Decimal | None  # None: no rate set, so not costed
    cost: Decimal


@dataclass
class Costs:
    items: list[CostItem]
    by_category: dict[str, Decimal]
    time: list[TimeLine]
    uncosted_hours: Decimal
    uncosted_people: int
    total: Decimal
    lines: list[CostLine] = field(default_factory=list)  # as the ROI takes them


def _rates(programme: Programme) -> tuple[dict[int, Decimal], dict[str, Decimal], Decimal | None]:
    person, level, default = {}, {}, None
    for rate in HourlyRate.objects.filter(programme=programme):
        if rate.participant_id is not None:
            person[rate.participant_id] = rate.rate
        elif rate.job_level:
            level[rate.job_level] = rate.rate
        else:
            default = rate.rate
    return person, level, default


def costs(programme: Programme) -> Costs:
    """Every cost line, and participants' time: each person's attended meeting hours at their
    own rate, else their job level's, else the programme's default, else not costed."""
    items = list(CostItem.objects.filter(programme=programme).select_related("recorded_by"))
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        by_category[item.get_category_display()] += item.amount
    person_rate, level_rate, default = _rates(programme)
    attended = (
        Attendance.objects.filter(
            present=True,
            meeting__learning_set__programme=programme,
            meeting__status=Meeting.Status.SCHEDULED,
        )
        .select_related("meeting", "participant")
        .only("participant__job_level", "participant_id", "meeting__starts_at", "meeting__ends_at")
    )
    hours: dict[int, Decimal] = defaultdict(Decimal)
    levels: dict[int, str] = {}
    for row in attended:
        minutes = Decimal((row.meeting.ends_at - row.meeting.starts_at).total_seconds()) / 60
        hours[row.participant_id] += minutes / 60
        levels[row.participant_id] = row.participant.job_level
    groups: dict[tuple[str, Decimal | None], list[int]] = defaultdict(list)
    for pk in hours:
        if pk in person_rate:
            groups[("their own rate", person_rate[pk])].append(pk)
        elif levels[pk] in level_rate:
            groups[(levels[pk], level_rate[levels[pk]])].append(pk)
        else:
            groups[("the default rate" if default else "no rate set", default)].append(pk)
    time, uncosted_hours, uncosted_people = [], Decimal(0), 0
    for (label, rate), people in sorted(groups.items(), key=lambda g: g[0][0]):
        total_hours = sum((hours[pk] for pk in people), Decimal(0))
        if rate is None:
            uncosted_hours += total_hours
            uncosted_people += len(people)
        cost = (
            sum((time_cost(hours[pk], rate) for pk in people), Decimal(0)) if rate else Decimal(0)
        )
        time.append(TimeLine(label, len(people), total_hours.quantize(Decimal("0.1")), rate, cost))
    lines = [CostLine(name, amount, "cost") for name, amount in by_category.items()]
    time_total = sum((t.cost for t in time), Decimal(0))
    lines.append(CostLine("Participants' time in meetings", time_total, "time"))
    return Costs(
        items=items,
        by_category=dict(by_category),
        time=time,
        uncosted_hours=uncosted_hours.quantize(Decimal("0.1")),
        uncosted_people=uncosted_people,
        total=sum((line.amount for line in lines), Decimal(0)),
        lines=lines,
    )


def _percent(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value) / HUNDRED


def rule_of(programme: Programme) -> ExtremeRule:
    found = RoiSettings.objects.filter(programme=programme).first()
    if found is None:
        return ExtremeRule()
    return ExtremeRule(Extreme(found.extreme_rule), found.extreme_value)


@dataclass
class Roi:
    report: Report
    costs: Costs
    k: int
    claimants: int  # distinct people behind the claims
    benefits: privacy.Cell
    bcr: privacy.Cell
    roi_percent: privacy.Cell
    lines: list[Line]  # the working, claim by claim (empty when the total is hidden)
    by_category: dict[str, privacy.Cell]
    by_set: dict[str, privacy.Cell]
    intangibles: list[str]
    currency: str
    rule_text: str


def roi(programme: Programme) -> Roi:
    """The programme's ROI and its working, as a sponsor may see it."""
    k = programme.organisation.min_group_size
    claims = list(
        BenefitClaim.objects.filter(challenge__learning_set__programme=programme)
        .select_related("challenge__learning_set")
        .order_by("pk")
    )
    domain_claims = [
        Claim(
            ref=c.pk,
            status=Status(c.status),
            annual_value=c.annual_value,
            attribution=_percent(c.attribution),
            confidence=_percent(c.confidence),
            category=c.get_category_display(),
        )
        for c in claims
    ]
    spent = costs(programme)
    report = evaluate(domain_claims, spent.lines, rule_of(programme))
    owners = {c.pk: c.owner_id for c in claims}
    sets = {c.pk: c.challenge.learning_set.name for c in claims}
    claimants = len(set(owners.values()))
    benefits = privacy.single(privacy.Figure(report.benefits, claimants), k)

    def breakdown(key: dict[int, str]) -> dict[str, privacy.Cell]:
        value: dict[str, Decimal] = defaultdict(Decimal)
        people: dict[str, set[int]] = defaultdict(set)
        for line in report.lines:
            value[key[line.claim.ref]] += line.adjusted
            people[key[line.claim.ref]].add(owners[line.claim.ref])
        cells = {name: privacy.Figure(value[name], len(people[name])) for name in value}
        shown, _total = privacy.table(cells, privacy.Figure(report.benefits, claimants), k)
        return shown

    categories = {c.pk: c.get_category_display() for c in claims}
    hidden = benefits.hidden

    def ratio(value: Decimal | None) -> privacy.Cell:
        if hidden:
            return benefits
        if value is None:
            return privacy.Hidden("no costs recorded, so there is nothing to divide by")
        return privacy.Shown(value, claimants)

    settings = RoiSettings.objects.filter(programme=programme).first()
    intangibles = settings.intangibles if settings else RoiSettings().intangibles
    return Roi(
        report=report,
        costs=spent,
        k=privacy.floor(k),
        claimants=claimants,
        benefits=benefits,
        bcr=ratio(report.bcr),
        roi_percent=ratio(report.roi_percent),
        lines=[] if hidden else report.lines,
        by_category={} if hidden else breakdown(categories),
        by_set={} if hidden else breakdown(sets),
        intangibles=[line.strip() for line in intangibles.splitlines() if line.strip()],
        currency=programme.currency,
        rule_text=report.rule.describe(programme.currency),
    )


def claims_to_decide(programme: Programme) -> list[BenefitClaim]:
    return list(
        BenefitClaim.objects.filter(challenge__learning_set__programme=programme)
        .select_related("owner", "challenge__learning_set", "action", "file")
        .order_by("status", "-created_at")
    )


def claims_on(challenge_id: int) -> list[BenefitClaim]:
    return list(
        BenefitClaim.objects.filter(challenge_id=challenge_id)
        .select_related("action")
        .order_by("created_at")
    )


def claim_counts(programme: Programme) -> dict[str, int]:
    return BenefitClaim.objects.filter(challenge__learning_set__programme=programme).aggregate(
        claimed=Count("pk", filter=Q(status=Status.CLAIMED.value)),
        verified=Count("pk", filter=Q(status=Status.VERIFIED.value)),
        rejected=Count("pk", filter=Q(status=Status.REJECTED.value)),
    )


def pool_people(programme: Programme) -> list[Participant]:
    return list(
        Participant.objects.filter(set_memberships__learning_set__programme=programme)
        .distinct()
        .order_by("name")
    )
