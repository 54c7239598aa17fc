"""Psychological safety scoring and outcome rates with honest intervals (issue 13 groundwork)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revans.domain.climate import (
    PSYCHOLOGICAL_SAFETY,
    ScaleError,
    checked,
    compare,
    mean,
    member_score,
    scored,
    set_score,
    wilson,
)


def test_items_1_3_and_5_are_reverse_scored():
    assert [n + 1 for n, (_text, reverse) in enumerate(PSYCHOLOGICAL_SAFETY) if reverse] == [
        1,
        3,
        5,
    ]
    assert scored(0, 7) == 1 and scored(0, 1) == 7 and scored(1, 7) == 7
    assert PSYCHOLOGICAL_SAFETY[3][0] == "It is safe to take a risk on this team."


def test_a_member_s_mean_leaves_missing_items_out_and_a_set_s_mean_is_of_its_members():
    everyone_agrees = dict.fromkeys(range(7), 7)  # 1, 3, 5 reversed: 1; the rest 7
    assert member_score(everyone_agrees) == pytest.approx((3 * 1 + 4 * 7) / 7)
    assert member_score({1: 6, 3: 4}) == 5.0  # two items answered, five missing
    assert member_score({}) is None
    assert set_score([{1: 6, 3: 4}, {1: 2}, {}]) == pytest.approx((5.0 + 2.0) / 2)


def test_an_answer_outside_the_scale_is_refused():
    for item, answer in ((0, 0), (0, 8), (7, 4), (-1, 4)):
        with pytest.raises(ScaleError):
            scored(item, answer)


def test_the_wilson_interval_and_the_plain_sentence():
    baseline = wilson(18, 240)  # "of 240 managers at the same levels, 18 were promoted"
    assert round(baseline.value, 3) == 0.075
    assert (round(baseline.low, 3), round(baseline.high, 3)) == (0.048, 0.115)
    small = wilson(2, 15)
    assert "too small to conclude" in compare(small, baseline)
    big = wilson(60, 200)
    assert compare(big, baseline).startswith("Higher")
    with pytest.raises(ValueError):
        wilson(19, 18)  # more events than people


@given(people=st.integers(1, 5000), data=st.data())
def test_the_interval_holds_the_rate_and_stays_within_0_and_1(people, data):
    events = data.draw(st.integers(0, people))
    rate = wilson(events, people)
    assert 0 <= rate.low <= rate.value <= rate.high <= 1


def test_a_response_is_checked_item_by_item_and_a_plain_mean_is_of_what_was_answered():
    assert checked({0: 1, 4: 5}, items=5, scale=5) == {0: 1, 4: 5}
    for bad in ({5: 3}, {0: 6}, {0: 0}, {}):
        with pytest.raises(ScaleError):
            checked(bad, items=5, scale=5)
    assert mean({0: 2, 3: 5}) == 3.5 and mean({}) is None
