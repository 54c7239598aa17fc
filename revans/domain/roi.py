"""The return on a programme, the Phillips ROI Methodology's way, with its working shown.

Every benefit claim goes in; each is counted, counted as zero, or left out, with the reason; each
counted claim is adjusted for the share of the improvement its owner puts down to the set
(isolation) and for their confidence in the estimate; one year of benefit is counted; the
adjusted benefits are set against the fully loaded costs. Money is `Decimal` throughout, and
each rounding goes the conservative way: benefits and ratios down (a negative ROI further below
zero), costs up.

Pure: claims, cost lines and the programme's rule for extreme claims in; a Report out.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_UP, Decimal
from enum import StrEnum
from statistics import median

from .text import gettext_noop

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


class Status(StrEnum):
    CLAIMED = "claimed"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Extreme(StrEnum):
    """How a programme leaves out extreme claims (principle 8)."""

    NONE = "none"
    MEDIAN_MULTIPLE = "median_multiple"  # more than N times the median verified annual value
    CAP = "cap"  # an annual value above a fixed amount


@dataclass(frozen=True)
class ExtremeRule:
    kind: Extreme = Extreme.MEDIAN_MULTIPLE
    value: Decimal = Decimal(5)

    def describe(self, currency: str) -> str:
        if self.kind == Extreme.MEDIAN_MULTIPLE:
            return (
                f"A verified claim whose annual value is more than {self.value:g} times the "
                "median of the verified claims is left out as extreme."
            )
        if self.kind == Extreme.CAP:
            return (
                f"A verified claim whose annual value is above {currency} {self.value:,.2f} is "
                "left out as extreme."
            )
        return "No claim is left out as extreme (the programme sets no rule)."


@dataclass(frozen=True)
class Claim:
    ref: int
    status: Status
    annual_value: Decimal | None  # None: not given
    attribution: Decimal | None  # the share put down to the set, 0..1
    confidence: Decimal | None  # 0..1
    category: str = ""


@dataclass(frozen=True)
class CostLine:
    label: str
    amount: Decimal
    category: str = ""


class Outcome(StrEnum):
    COUNTED = "counted"
    ZERO = "counted as zero"
    EXCLUDED = "left out"


@dataclass(frozen=True)
class Line:
    """One claim's way through the calculation."""

    claim: Claim
    outcome: Outcome
    reason: str
    adjusted: Decimal  # what it adds to the benefits (0 unless counted)


@dataclass(frozen=True)
class Report:
    lines: list[Line]
    claimed: Decimal  # the annual values of every claim that gave one, before anything
    benefits: Decimal  # adjusted, first year, counted claims only
    costs: Decimal
    cost_lines: list[CostLine]
    rule: ExtremeRule
    bcr: Decimal | None  # None: no costs to divide by
    roi_percent: Decimal | None
    excluded: dict[str, int] = field(default_factory=dict)  # reason: how many

    @property
    def net(self) -> Decimal:
        return self.benefits - self.costs


def adjusted(claim: Claim) -> Decimal:
    """Annual value x attribution x confidence, down to the cent."""
    if claim.annual_value is None or claim.attribution is None or claim.confidence is None:
        raise ValueError("A claim with missing data is not adjusted: it counts as zero.")
    value = claim.annual_value * claim.attribution * claim.confidence
    return value.quantize(CENT, rounding=ROUND_DOWN)


def ratios(benefits: Decimal, costs: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """BCR = benefits / costs; ROI % = (benefits - costs) / costs x 100; both rounded down."""
    if costs <= 0:
        return None, None
    bcr = (benefits / costs).quantize(CENT, rounding=ROUND_FLOOR)
    roi = ((benefits - costs) / costs * HUNDRED).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
    return bcr, roi


def _extreme(claims: Sequence[Claim], rule: ExtremeRule) -> set[int]:
    values = {c.ref: c.annual_value for c in claims if c.annual_value is not None}
    if rule.kind == Extreme.CAP:
        return {ref for ref, value in values.items() if value > rule.value}
    if rule.kind == Extreme.MEDIAN_MULTIPLE and len(values) >= 3:  # a median of fewer says little
        middle = Decimal(median(values.values()))
        return {ref for ref, value in values.items() if value > middle * rule.value}
    return set()


def _missing(claim: Claim) -> bool:
    return None in (claim.annual_value, claim.attribution, claim.confidence)


def evaluate(claims: Sequence[Claim], costs: Sequence[CostLine], rule: ExtremeRule) -> Report:
    verified = [c for c in claims if c.status == Status.VERIFIED and not _missing(c)]
    extreme = _extreme(verified, rule)
    lines = []
    for claim in claims:
        if claim.status == Status.REJECTED:
            lines.append(Line(claim, Outcome.EXCLUDED, "rejected by the sponsor", Decimal(0)))
        elif claim.status != Status.VERIFIED:
            lines.append(Line(claim, Outcome.EXCLUDED, "not verified", Decimal(0)))
        elif _missing(claim):
            reason = "a value, share or confidence is missing, so it counts as no improvement"
            lines.append(Line(claim, Outcome.ZERO, reason, Decimal(0)))
        elif claim.ref in extreme:
            lines.append(
                Line(claim, Outcome.EXCLUDED, "extreme (the programme's rule)", Decimal(0))
            )
        else:
            lines.append(Line(claim, Outcome.COUNTED, "", adjusted(claim)))
    benefits = sum((line.adjusted for line in lines), Decimal(0))
    total_costs = sum((line.amount for line in costs), Decimal(0))
    bcr, roi = ratios(benefits, total_costs)
    excluded: dict[str, int] = {}
    for line in lines:
        if line.outcome != Outcome.COUNTED:
            excluded[line.reason] = excluded.get(line.reason, 0) + 1
    return Report(
        lines=lines,
        claimed=sum((c.annual_value for c in claims if c.annual_value is not None), Decimal(0)),
        benefits=benefits,
        costs=total_costs,
        cost_lines=list(costs),
        rule=rule,
        bcr=bcr,
        roi_percent=roi,
        excluded=excluded,
    )


def participant_time(attended_hours: Decimal, hourly_rate: Decimal) -> Decimal:
    """A person's time in meetings at their loaded rate (salary and on-costs), to the cent up."""
    return (attended_hours * hourly_rate).quantize(CENT, rounding=ROUND_UP)


# The ROI Methodology's 12 guiding principles, word for word (shared/research/peers-and-domain.md),
# each with how Revans applies it; the report lists them beside its working.
PRINCIPLES = (
    (
        gettext_noop("When conducting a higher-level evaluation, collect data at lower levels."),
        gettext_noop(
            "Attendance and the follow-through on every action are recorded from the first "
            "meeting, before any benefit is claimed."
        ),
    ),
    (
        gettext_noop(
            "When planning a higher-level evaluation, the previous level of evaluation is not "
            "required to be comprehensive."
        ),
        gettext_noop(
            "The ROI uses the claims made, without waiting for every lower-level measure to be "
            "complete."
        ),
    ),
    (
        gettext_noop("When collecting and analysing data, use only the most credible sources."),
        gettext_noop(
            "Each claim comes from the person who made the improvement, on their own challenge or "
            "action, with how they worked it out and their evidence; only claims the sponsor "
            "verified count."
        ),
    ),
    (
        gettext_noop(
            "When analysing data, select the most conservative alternatives for calculations."
        ),
        gettext_noop(
            "Every adjusted value and ratio is rounded down; one year of benefit is "
            "counted however "
            "long the benefit may last."
        ),
    ),
    (
        gettext_noop("Use at least one method to isolate the effects of the program or project."),
        gettext_noop(
            "Each claim states the share of the improvement its owner puts down to the "
            "set, and only "
            "that share counts."
        ),
    ),
    (
        gettext_noop(
            "If no improvement data are available for a population or from a specific source, "
            "assume little or no improvement has occurred."
        ),
        gettext_noop(
            "A claim without a value, share or confidence counts as zero; people who made no claim "
            "add nothing."
        ),
    ),
    (
        gettext_noop("Adjust estimates of improvements for the potential error of the estimates."),
        gettext_noop("Each claim's value is multiplied by its owner's confidence in the estimate."),
    ),
    (
        gettext_noop(
            "Avoid use of extreme data items and unsupported claims when calculating ROI."
        ),
        gettext_noop(
            "Claims not verified by the sponsor, rejected claims and extreme claims (the "
            "rule below) "
            "are left out, each listed with its reason."
        ),
    ),
    (
        gettext_noop(
            "Use only the first year of annual benefits in ROI analysis of short-term solutions."
        ),
        gettext_noop("Each claim is an annual value, and one year of it is counted."),
    ),
    (
        gettext_noop(
            "Fully load all costs of the solution, project, or program when analysing ROI."
        ),
        gettext_noop(
            "Costs include facilitator fees, venue, materials, administration and other costs, and "
            "the participants' time in meetings at their loaded hourly rate."
        ),
    ),
    (
        gettext_noop(
            "Intangible measures are defined as measures that are purposely not converted to "
            "monetary values."
        ),
        gettext_noop(
            "Trust, collaboration and fewer silos are listed as intangibles and never given a "
            "money value."
        ),
    ),
    (
        gettext_noop("Communicate the results of the ROI Methodology to all key stakeholders."),
        gettext_noop(
            "This report, its CSV and the working behind every figure are for the sponsor to pass "
            "on; figures drawn from fewer people than the organisation's minimum are not shown."
        ),
    ),
)
