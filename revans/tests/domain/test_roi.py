"""The ROI arithmetic, Phillips' way, with Decimal: the worked check, then one row per principle
showing what it does to the result."""

from decimal import Decimal as D

import pytest

from revans.domain.roi import (
    PRINCIPLES,
    Claim,
    CostLine,
    Extreme,
    ExtremeRule,
    Outcome,
    Status,
    evaluate,
    participant_time,
    ratios,
)

V = Status.VERIFIED
NO_RULE = ExtremeRule(Extreme.NONE)


def claim(ref, value="10000", share="1", confidence="1", status=V) -> Claim:
    def dec(x):
        return None if x is None else D(x)

    return Claim(ref, status, dec(value), dec(share), dec(confidence))


def test_the_worked_check_benefits_60000_costs_20000_give_bcr_3_and_roi_200():
    assert ratios(D(60000), D(20000)) == (D("3.00"), D("200.0"))
    report = evaluate([claim(1, "60000")], [CostLine("Fees", D(20000))], NO_RULE)
    assert (report.benefits, report.costs, report.bcr, report.roi_percent) == (
        D(60000),
        D(20000),
        D("3.00"),
        D("200.0"),
    )


COSTS = [CostLine("Facilitator fees", D(10000))]

# (principle, claims, rule, benefits counted, what the row shows)
ROWS = [
    (
        4,
        [claim(1, "1000", "0.333", "0.333")],
        NO_RULE,
        D("110.88"),
        "rounded down: 110.889 -> 110.88",
    ),
    (5, [claim(1, "40000", "0.6", "1")], NO_RULE, D(24000), "only the share put down to the set"),
    (6, [claim(1, None), claim(2, "5000", None)], NO_RULE, D(0), "missing data counts as zero"),
    (7, [claim(1, "40000", "0.6", "0.75")], NO_RULE, D(18000), "adjusted for confidence"),
    (
        8,
        [claim(1, status=Status.CLAIMED), claim(2, status=Status.REJECTED)],
        NO_RULE,
        D(0),
        "unverified and rejected out",
    ),
    (
        8,
        [claim(1, "10000"), claim(2, "12000"), claim(3, "11000"), claim(4, "900000")],
        ExtremeRule(Extreme.MEDIAN_MULTIPLE, D(5)),
        D(33000),
        "more than 5 x the median: left out",
    ),
    (
        8,
        [claim(1, "10000"), claim(2, "90000")],
        ExtremeRule(Extreme.CAP, D(50000)),
        D(10000),
        "above the cap",
    ),
    (9, [claim(1, "12000")], NO_RULE, D(12000), "one year of an annual value, never more"),
]


@pytest.mark.parametrize(
    ("principle", "claims", "rule", "benefits", "shows"), ROWS, ids=[r[4] for r in ROWS]
)
def test_each_principle_has_its_effect(principle, claims, rule, benefits, shows):
    report = evaluate(claims, COSTS, rule)
    assert report.benefits == benefits, shows
    assert len(report.lines) == len(claims)  # every claim is in the working, counted or not
    for line in report.lines:  # left out or zero: nothing added, and a reason given
        if line.outcome != Outcome.COUNTED:
            assert line.adjusted == 0 and line.reason


def test_principle_10_participants_time_is_a_cost_line_at_the_loaded_rate():
    time = participant_time(D("16.5"), D("42.40"))  # 16.5 hours in meetings at 42.40 an hour
    assert time == D("699.60")
    report = evaluate(
        [claim(1, "20000")], [CostLine("Fees", D(5000)), CostLine("Time", time)], NO_RULE
    )
    assert report.costs == D("5699.60")
    assert report.roi_percent == D("250.9")  # (20000 - 5699.60) / 5699.60 x 100, rounded down


# Principle 11 (intangibles never reach the money) is held where intangibles exist, on the page:
# revans/tests/test_impact.py::test_intangibles_are_listed_and_never_reach_the_money.


def test_a_loss_is_rounded_further_into_loss_and_costs_upwards():
    assert ratios(D(10000), D(15000)) == (D("0.66"), D("-33.4"))  # -33.33... shown as -33.4
    assert participant_time(D("1.3333"), D("10")) == D("13.34")  # 13.333 costs 13.34


def test_no_costs_means_no_ratios_rather_than_a_division_by_zero():
    report = evaluate([claim(1)], [], NO_RULE)
    assert report.bcr is None and report.roi_percent is None and report.benefits == D(10000)


def test_the_twelve_principles_are_stated_word_for_word():
    assert len(PRINCIPLES) == 12
    assert (
        PRINCIPLES[0][0]
        == "When conducting a higher-level evaluation, collect data at lower levels."
    )
    assert PRINCIPLES[8][0] == (
        "Use only the first year of annual benefits in ROI analysis of short-term solutions."
    )
    assert all(how for _principle, how in PRINCIPLES)


def test_a_median_of_fewer_than_three_claims_excludes_nothing():
    rule = ExtremeRule(Extreme.MEDIAN_MULTIPLE, D(2))
    assert evaluate([claim(1, "1000"), claim(2, "100000")], COSTS, rule).benefits == D(101000)
