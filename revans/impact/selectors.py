"""Reads for the impact pages: the fully loaded costs line by line, and the ROI with its working,
every figure for a sponsor passed through `revans.domain.privacy` first."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from revans.accounts.models import Organisation, User
from revans.domain import privacy
from revans.domain.roi import (
    CENT,
    Claim,
    CostLine,
    Extreme,
    ExtremeRule,
    Line,
    Outcome,
    Report,
    Status,
    evaluate,
)
from revans.domain.roi import participant_time as time_cost
from revans.meetings.models import Attendance, Meeting
from revans.programmes.models import Participant, Programme, SetFacilitator, SetMembership
from revans.writes import kept, kept_key, kept_until

from .models import BenefitClaim, ClaimFile, ClaimRelease, CostItem, HourlyRate, RoiSettings

HUNDRED = Decimal(100)

# What the ROI and a member's claims are drawn from: a save or delete of any of these moves the
# kept generation (connected in apps.ready; the dashboard adds what it reads besides).
DRAWN_FROM = (
    BenefitClaim,
    Programme,
    Participant,
    SetMembership,
    SetFacilitator,
    Meeting,
    Attendance,
    CostItem,
    HourlyRate,
    RoiSettings,
    ClaimRelease,
)


def figures_key(programme: Programme, now: datetime, *more: object) -> str:
    """All that decides a programme's figures for a sponsor, who all read the same ones: the
    programme; the rows they are drawn from, by the generation every write to them moves
    (`revans.writes.kept_moved`); the meetings begun by now (people's time so far, the
    attendance); k, the zone and the day; the reader's language and zone (labels, notes and
    times); and what the caller adds (`more`). A figure kept under it reads as it would uncached."""
    organisation = programme.organisation
    return kept_key(
        "figures",
        programme.pk,
        begun_by(programme, now),
        organisation.min_group_size,
        organisation.time_zone,
        now.astimezone(ZoneInfo(organisation.time_zone)).date(),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        *more,
        within=programme,
    )


def begun_by(programme: Programme, now: datetime) -> int:
    """How many of the programme's meetings have begun by now: the clock alone changes it, so it
    is kept until the next one begins (a count on every read of the figures, otherwise)."""
    meetings = Meeting.objects.filter(learning_set__programme=programme)

    def count() -> tuple[int, datetime | None]:
        upcoming = meetings.filter(starts_at__gt=now).order_by("starts_at")
        return (
            meetings.filter(starts_at__lte=now).count(),
            upcoming.values_list("starts_at", flat=True).first(),
        )

    return kept_until(kept_key("meetings-begun", programme.pk, within=programme), count, now)


@dataclass
class TimeLine:
    """People's time at one rate (participants' meetings and preparation, or the internal
    facilitators'): how many people, their hours so far and still to come, the rate, the cost;
    `shown` says whether it may be shown (a group smaller than k would show pay)."""

    label: str
    people: int
    hours: Decimal
    rate: Decimal | None  # None: no rate set, so not costed
    cost: Decimal
    shown: privacy.Cell


@dataclass
class Costs:
    """The programme's fully loaded costs (Phillips' tenth principle): what it has cost so far
    and what it has committed to (scheduled meetings' time, planned fees), each labelled."""

    items: list[CostItem]
    by_category: dict[str, Decimal]
    time: list[TimeLine]
    uncosted_hours: Decimal
    uncosted_people: int
    total: Decimal
    total_cell: privacy.Cell  # hidden where a rate is missing or a small group's pay shows
    time_cell: privacy.Cell
    lines: list[CostLine] = field(default_factory=list)  # as the ROI takes them
    shown_lines: list[tuple[str, privacy.Cell]] = field(default_factory=list)  # as shown
    missing: str = ""  # why the costs cannot be computed (a rate is missing), or ""
    forecast: bool = False  # the programme has not ended: committed costs are included
    ends_on: date | None = None


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


type Who = tuple[str, int]  # ("p", participant id) or ("f", facilitator's user id)


def _hours(programme: Programme, prep: Decimal) -> tuple[dict[Who, Decimal], dict[Who, Decimal]]:
    """Everyone's hours (each meeting's length plus the programme's preparation time), so far
    and still to come. So far: those marked present, or, where a meeting's attendance was never
    taken, everyone in the set that day (costs err upwards). To come: every scheduled meeting,
    for the set's members now. Facilitators: every meeting of a set they facilitated that day."""
    now = timezone.now()
    meetings = list(
        Meeting.objects.filter(
            learning_set__programme=programme, status=Meeting.Status.SCHEDULED
        ).values_list("pk", "learning_set_id", "starts_at", "ends_at")
    )
    present: dict[int, list[int]] = defaultdict(list)
    taken: set[int] = set()
    for meeting_id, person, here in Attendance.objects.filter(
        meeting__learning_set__programme=programme
    ).values_list("meeting_id", "participant_id", "present"):
        taken.add(meeting_id)
        if here:
            present[meeting_id].append(person)
    members = defaultdict(list)
    for row in SetMembership.objects.filter(learning_set__programme=programme).values_list(
        "learning_set_id", "participant_id", "joined_on", "left_on"
    ):
        members[row[0]].append(row[1:])
    facilitators = defaultdict(list)
    for row in SetFacilitator.objects.filter(learning_set__programme=programme).values_list(
        "learning_set_id", "user_id", "since", "until"
    ):
        facilitators[row[0]].append(row[1:])

    def there(periods: list[tuple[int, date, date | None]], day: date) -> list[int]:
        return [who for who, since, until in periods if since <= day and (not until or until > day)]

    so_far: dict[Who, Decimal] = defaultdict(Decimal)
    to_come: dict[Who, Decimal] = defaultdict(Decimal)
    for pk, set_id, starts, ends in meetings:
        hours = Decimal((ends - starts).total_seconds()) / 3600 + prep
        day = starts.date()
        if starts <= now:
            sink = so_far
            people = present[pk] if pk in taken else there(members[set_id], day)
        else:
            sink = to_come
            people = [who for who, _since, until in members[set_id] if until is None]
        for person in people:
            sink[("p", person)] += hours
        for user in there(facilitators[set_id], day):
            sink[("f", user)] += hours
    return dict(so_far), dict(to_come)  # plain dicts: a read of a missing key adds nothing


def costs(programme: Programme, settings: RoiSettings | None = None) -> Costs:
    """Every cost line, incurred or planned, and people's time, so far and still to come: each
    participant's hours at their own rate, else their job level's, else the programme's
    default; internal facilitators' at theirs. An hour with no rate is never costed at zero:
    the total is then not shown, and says which rate is missing."""
    settings = settings or settings_or_default(programme)
    today = programme.organisation.today()
    items = list(CostItem.objects.filter(programme=programme).select_related("recorded_by"))
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    planned: dict[str, Decimal] = defaultdict(Decimal)
    for item in items:
        name = str(item.get_category_display())
        (planned if item.spent_on > today else by_category)[name] += item.amount
    person_rate, level_rate, default = _rates(programme)
    levels = dict(
        Participant.objects.filter(set_memberships__learning_set__programme=programme)
        .values_list("pk", "job_level")
        .distinct()
    )
    # Plain dicts from here: reading a person's hours must never add them to a line's people.
    so_far, to_come = _hours(programme, settings.prep_hours)
    internal = _("facilitators (internal)")
    groups: dict[tuple[str, Decimal | None], list[Who]] = defaultdict(list)
    for who in {*so_far, *to_come}:
        kind, pk = who
        if kind == "f":
            groups[(internal, settings.facilitator_rate)].append(who)
        elif pk in person_rate:
            groups[(_("their own rate"), person_rate[pk])].append(who)
        elif levels.get(pk, "") in level_rate:
            groups[(levels[pk], level_rate[levels[pk]])].append(who)
        else:
            groups[(_("the default rate") if default else _("no rate set"), default)].append(who)
    k = programme.organisation.min_group_size
    rows = []
    uncosted_hours, uncosted_people, missing_levels = Decimal(0), 0, set()
    spent = {"so far": Decimal(0), "to come": Decimal(0)}
    for (label, rate), people in sorted(groups.items(), key=lambda g: g[0][0]):
        none = Decimal(0)
        hours = sum((so_far.get(w, none) + to_come.get(w, none) for w in people), none)
        cost = Decimal(0)
        if rate is not None:
            for when, sink in (("so far", so_far), ("to come", to_come)):
                part = sum((time_cost(sink[w], rate) for w in people if w in sink), Decimal(0))
                spent[when] += part
                cost += part
        elif label != internal:  # external facilitators are paid by fees
            uncosted_hours += hours
            uncosted_people += len(people)
            missing_levels |= {levels.get(pk, "") for _kind, pk in people}
        rows.append((label, frozenset(people), hours.quantize(Decimal("0.1")), rate, cost))
    time_total = spent["so far"] + spent["to come"]
    everyone = frozenset(w for _label, who, *_rest in rows for w in who)
    cells = {row[0]: privacy.Figure(row[4], row[1]) for row in rows}
    shown, _total = privacy.table(cells, privacy.Figure(time_total, everyone), k)
    time = [
        TimeLine(label, len(who), hours, rate, cost, shown[label])
        for label, who, hours, rate, cost in rows
    ]
    lines = [CostLine(name, amount, "cost") for name, amount in by_category.items()]
    lines += [
        CostLine(_("%(name)s (planned)") % {"name": name}, amount, "cost")
        for name, amount in planned.items()
    ]
    time_lines = [
        (_("People's time so far (meetings and preparation)"), spent["so far"], so_far),
        (
            _("People's time still to come (meetings and preparation)"),
            spent["to come"],
            to_come,
        ),
    ]
    shown_lines: list[tuple[str, privacy.Cell]] = [
        (line.label, privacy.Shown(line.amount, 0)) for line in lines
    ]
    time_hidden = False
    for label, amount, sink in time_lines:
        if not sink:
            continue
        lines.append(CostLine(label, amount, "time"))
        # Time drawn from fewer than k people is their pay: hidden, and so is the total.
        cell = privacy.single(privacy.Figure(amount, frozenset(sink)), k)
        time_hidden |= cell.hidden
        shown_lines.append((label, cell))
    total = sum((line.amount for line in lines), Decimal(0))
    time_cell: privacy.Cell = privacy.Shown(time_total, len(everyone))
    if everyone:
        time_cell = privacy.single(privacy.Figure(time_total, everyone), k)
    missing = ""
    if uncosted_people:
        named = sorted(level for level in missing_levels if level)
        which = (
            _("the job levels %(levels)s, or a default rate") % {"levels": ", ".join(named)}
            if named
            else _("a default rate")
        )
        missing = _(
            "not worked out: %(hours)s hours of participants' time have no hourly rate (set "
            "%(which)s). A sponsor or admin sets rates on the costs page."
        ) % {"hours": uncosted_hours.quantize(Decimal("0.1")), "which": which}
    total_cell: privacy.Cell = privacy.Shown(total, len(everyone))
    if missing:
        total_cell = privacy.Hidden(missing)
    elif time_hidden or time_cell.hidden:
        total_cell = privacy.Hidden(_(privacy.COMPLEMENT))
    return Costs(
        items=items,
        by_category=dict(by_category),
        time=time,
        uncosted_hours=uncosted_hours.quantize(Decimal("0.1")),
        uncosted_people=uncosted_people,
        total=total,
        total_cell=total_cell,
        time_cell=time_cell,
        lines=lines,
        shown_lines=shown_lines,
        missing=missing,
        forecast=today <= programme.ends_on,
        ends_on=programme.ends_on,
    )


def _percent(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value) / HUNDRED


def settings_or_default(programme: Programme) -> RoiSettings:
    """The programme's ROI settings, or the defaults (unsaved) until someone sets them."""
    return RoiSettings.objects.filter(programme=programme).first() or RoiSettings(
        programme=programme
    )


def rule_of(settings: RoiSettings) -> ExtremeRule:
    return ExtremeRule(Extreme(settings.extreme_rule), settings.extreme_value)


@dataclass
class Group:
    """Claims that went the same way through the calculation, as a sponsor may see them."""

    label: str
    claims: privacy.Cell  # how many
    claimed: privacy.Cell  # their annual values as claimed
    counted: privacy.Cell  # what they add to the benefits


@dataclass
class Roi:
    report: Report
    costs: Costs
    k: int
    benefits: privacy.Cell
    costs_total: privacy.Cell
    bcr: privacy.Cell
    roi_percent: privacy.Cell
    made: privacy.Cell  # how many claims there are
    claimed: privacy.Cell  # every annual value, before anything
    chain: list[tuple[str, privacy.Cell]]  # the counted claims, adjustment by adjustment
    groups: list[Group]  # the working: counted, zero, left out and why
    by_category: dict[str, privacy.Cell]
    by_set: dict[str, privacy.Cell]
    intangibles: list[str]
    currency: str
    rule_text: str
    released_at: datetime | None = None  # the claims counted are as they stood then

    @property
    def shown_groups(self) -> list[Group]:
        return [g for g in self.groups if not g.claims.hidden]

    @property
    def groups_note(self) -> str:
        """The groups of claims not shown, said once for the table."""
        return privacy.hidden_note((g.label, getattr(g.claims, "reason", "")) for g in self.groups)

    @property
    def basis(self) -> str:
        """What the figures stand for: a forecast while the programme runs, else its result."""
        ends = formats.date_format(self.costs.ends_on, "j F Y") if self.costs.ends_on else ""
        if self.costs.forecast:
            return _(
                "A forecast: the programme runs until %(ends)s. The costs are its planned costs "
                "(what it has cost so far, and what it has committed: the scheduled meetings' "
                "time and planned fees); the benefits are the claims verified so far."
            ) % {"ends": ends}
        return _(
            "The programme ended on %(ends)s: these are its costs and its verified claims."
        ) % {"ends": ends}

    @property
    def release_note(self) -> str:
        """Why the claims' figures lag: they change only in steps of k people's claims."""
        rule = _(
            "The claims' figures change only once %(k)s people or more have claimed, or had a "
            "claim changed or decided, so that no change in them gives away one person's claim."
        ) % {"k": self.k}
        if self.released_at is None:
            return rule
        day = formats.date_format(self.released_at, "j F Y")
        return _("Claims as they stood on %(day)s. ") % {"day": day} + rule


def _breakdown(
    lines: list[Line], key: dict[int, str], owners: dict[int, int], total: privacy.Figure, k: int
) -> dict[str, privacy.Cell]:
    """The counted benefits by `key`, one table against the total (never crossed with another)."""
    value: dict[str, Decimal] = defaultdict(Decimal)
    who: dict[str, set[int]] = defaultdict(set)
    for line in lines:
        value[key[line.claim.ref]] += line.adjusted
        who[key[line.claim.ref]].add(owners[line.claim.ref])
    cells = {name: privacy.Figure(value[name], frozenset(who[name])) for name in value}
    shown, shown_total = privacy.table(cells, total, k)
    if shown_total is not None and shown_total.hidden:  # the total would give a cell away
        return {name: privacy.Hidden(_(privacy.COMPLEMENT)) for name in shown}
    return shown


def _groups(lines: list[Line], owners: dict[int, int], k: int) -> list[Group]:
    """The working, claim group by claim group (counted; zero; left out, for each reason)."""
    by: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        by[f"{line.outcome}: {line.reason}" if line.reason else str(line.outcome)].append(line)

    def who(group: list[Line]) -> frozenset[int]:
        return frozenset(owners[line.claim.ref] for line in group)

    counts = {label: privacy.Figure(len(group), who(group)) for label, group in sorted(by.items())}
    shown, _total = privacy.table(counts, privacy.Figure(len(lines), who(lines)), k)
    out = []
    for label, cell in shown.items():
        group = by[label]
        if not isinstance(cell, privacy.Shown):  # the same people behind each: hidden alike
            out.append(Group(label, cell, cell, cell))
            continue
        claimed = _claimed(group)
        counted = sum((line.adjusted for line in group), Decimal(0))
        out.append(
            Group(
                label,
                cell,
                privacy.Shown(claimed, cell.people),
                privacy.Shown(counted, cell.people),
            )
        )
    return out


def _claimed(lines: list[Line]) -> Decimal:
    return sum((line.claim.annual_value or Decimal(0) for line in lines), Decimal(0))


def _after_share(line: Line) -> Decimal:
    return (line.claim.annual_value or Decimal(0)) * (line.claim.attribution or Decimal(0))


def roi(programme: Programme, key: str = "") -> Roi:
    """The programme's ROI and its working, as a sponsor may see it: every figure carries the
    people it is drawn from and passes `privacy`. No claim is listed one by one here (the
    sponsor verifies claims one by one on the claims page, which is not for passing on).
    Kept under `key` (its `figures_key` now, unless the caller has it already)."""
    key = key or figures_key(programme, timezone.now())
    return kept(f"roi:{key}", lambda: _roi(programme))


def _roi(programme: Programme) -> Roi:
    k = programme.organisation.min_group_size
    release = programme.claim_releases.first()
    claims = release.claims if release else []
    domain_claims = [
        Claim(
            ref=c["ref"],
            status=Status(c["status"]),
            annual_value=Decimal(c["annual_value"]) if c["annual_value"] is not None else None,
            attribution=_percent(c["attribution"]),
            confidence=_percent(c["confidence"]),
            category=c["category"],
        )
        for c in claims
    ]
    settings = settings_or_default(programme)
    spent = costs(programme, settings)
    report = evaluate(domain_claims, spent.lines, rule_of(settings))
    owners = {c["ref"]: c["owner"] for c in claims}
    counted = [line for line in report.lines if line.outcome == Outcome.COUNTED]
    counted_who = frozenset(owners[line.claim.ref] for line in counted)
    total = privacy.Figure(report.benefits, counted_who)
    benefits = privacy.single(total, k)

    def ratio(value: Decimal | None) -> privacy.Cell:
        if spent.missing:  # never a ratio over costs that leave hours out
            return spent.total_cell
        if benefits.hidden:
            return benefits
        if spent.total_cell.hidden:
            return spent.total_cell
        if value is None:
            return privacy.Hidden(_("no costs recorded, so there is nothing to divide by"))
        return privacy.Shown(value, len(counted_who))

    def of_counted(value: Decimal) -> privacy.Cell:
        return privacy.single(privacy.Figure(value.quantize(CENT, ROUND_DOWN), counted_who), k)

    # The counted claims' values beside the total claimed: their difference is the claims not
    # counted, so the two are one table against the total and suppressed together.
    claimed_by = frozenset(c["owner"] for c in claims if c["annual_value"] is not None)
    others = [ln for ln in report.lines if ln.outcome != Outcome.COUNTED and ln.claim.annual_value]
    parts = {"counted": privacy.Figure(_claimed(counted), counted_who)}
    if others:
        who = frozenset(owners[ln.claim.ref] for ln in others)
        parts["not counted"] = privacy.Figure(_claimed(others), who)
    as_claimed, claimed_total = privacy.table(parts, privacy.Figure(report.claimed, claimed_by), k)
    chain = [
        (_("their annual values as claimed"), as_claimed["counted"]),
        (
            _("after the share due to the set"),
            of_counted(sum((_after_share(ln) for ln in counted), Decimal(0))),
        ),
        (_("after their owners' confidence: the adjusted benefits"), benefits),
    ]
    intangibles = settings.intangibles
    sets = {c["ref"]: c["set"] for c in claims}
    categories = {c["ref"]: c["category"] for c in claims}
    return Roi(
        report=report,
        costs=spent,
        k=privacy.floor(k),
        benefits=benefits,
        costs_total=spent.total_cell,
        bcr=ratio(report.bcr),
        roi_percent=ratio(report.roi_percent),
        made=privacy.single(privacy.Figure(len(claims), frozenset(owners.values())), k),
        claimed=claimed_total or privacy.Hidden(_(privacy.COMPLEMENT)),
        chain=chain,
        groups=_groups(report.lines, owners, k),
        by_category={} if benefits.hidden else _breakdown(counted, categories, owners, total, k),
        by_set={} if benefits.hidden else _breakdown(counted, sets, owners, total, k),
        intangibles=[line.strip() for line in intangibles.splitlines() if line.strip()],
        currency=programme.currency,
        rule_text=report.rule.describe(programme.currency),
        released_at=release.made_at if release else None,
    )


def claims_to_decide(programme: Programme) -> list[BenefitClaim]:
    return list(
        BenefitClaim.objects.filter(challenge__learning_set__programme=programme)
        .select_related("owner", "challenge__learning_set", "action", "file")
        .defer("file__content")
        .order_by("status", "-created_at")
    )


def claims_on(challenge_id: int) -> list[BenefitClaim]:
    return list(
        BenefitClaim.objects.filter(challenge_id=challenge_id)
        .select_related("action")
        .order_by("created_at")
    )


def rates_of(programme: Programme) -> QuerySet[HourlyRate]:
    return HourlyRate.objects.filter(programme=programme).select_related("participant")


def claim_file(claim: BenefitClaim, *, content: bool = True) -> ClaimFile | None:
    """The claim's file (without its bytes, to name it on a page)."""
    found = ClaimFile.objects.filter(claim=claim)
    return (found if content else found.only("name", "size")).first()


def claims_of(user: User, organisation: Organisation) -> list[BenefitClaim]:
    """A member's own claims, for their home page: what they claimed and what was decided
    (kept for them under the kept generation)."""
    return kept(
        kept_key("claims-of", user.pk, organisation.pk),
        lambda: list(
            BenefitClaim.objects.filter(
                owner__user=user, challenge__learning_set__programme__organisation=organisation
            ).order_by("-created_at")
        ),
    )


def waiting_by_programme(organisation: Organisation) -> dict[int, int]:
    """How many claims wait for a sponsor's decision, by programme (one query)."""
    rows = (
        BenefitClaim.objects.filter(
            challenge__learning_set__programme__organisation=organisation,
            status=Status.CLAIMED.value,
        )
        .values("challenge__learning_set__programme")
        .annotate(n=Count("pk"))
    )
    return {row["challenge__learning_set__programme"]: row["n"] for row in rows}
