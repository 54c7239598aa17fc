"""The agenda and the plan the clock runs: checks, presenters' slots, airtime."""

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from revans.domain.agenda import (
    DEFAULT_AGENDA,
    Item,
    Row,
    Slot,
    airtime,
    least_minutes,
    plan,
    presenting,
    problems,
    scaled,
    slot_minutes,
    slot_problems,
)
from revans.domain.clock import Clock

T0 = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_the_default_agenda_checks_in_takes_bids_gives_each_presenter_35_minutes_and_reviews():
    assert problems(DEFAULT_AGENDA) == []
    assert [row.item for row in DEFAULT_AGENDA][:2] == [Item.CHECK_IN, Item.BIDS]
    assert DEFAULT_AGENDA[-1].item == Item.REVIEW
    assert slot_minutes(DEFAULT_AGENDA) == 5 + 10 + 15 + 5


def test_an_agenda_that_cannot_run_says_why():
    check_in, bids, phase, review = (
        DEFAULT_AGENDA[0],
        DEFAULT_AGENDA[1],
        DEFAULT_AGENDA[2],
        DEFAULT_AGENDA[-1],
    )
    assert problems([]) == [
        "An agenda has at least one item.",
        "The presenter's slot needs at least one phase.",
    ]
    assert problems([check_in, check_in, phase]) == [
        "“Check-in and report-backs” appears once at most."
    ]
    assert problems([phase, bids, phase, review]) == [
        "The presenter phases go together, one after another."
    ]
    assert problems([Row(Item.PHASE, " ", 0)]) == [
        "Item 1 needs a name.",
        "Item 1: from 1 to 180 minutes.",
    ]
    assert problems([phase] * 21) == ["An agenda has at most 20 items."]


def test_the_plan_repeats_the_slot_for_each_presenter_in_order():
    steps = plan(DEFAULT_AGENDA, [Slot(7, 35), Slot(3, 35)])
    assert [s.name for s in steps][:3] == [
        "Check-in and report-backs",
        "Bids for airtime",
        "Presentation",
    ]
    assert [s.presenter for s in steps if s.item == Item.PHASE] == [7] * 4 + [3] * 4
    assert steps[-1].item == Item.REVIEW and steps[-1].seconds == 600
    # before the bids, no presenter yet: the plan goes from the bids to the review
    assert [s.item for s in plan(DEFAULT_AGENDA, [])] == [Item.CHECK_IN, Item.BIDS, Item.REVIEW]


def test_a_slot_of_other_length_scales_its_phases():
    assert scaled(DEFAULT_AGENDA, 35) == [300, 600, 900, 300]
    assert scaled(DEFAULT_AGENDA, 14) == [120, 240, 360, 120]
    assert least_minutes(DEFAULT_AGENDA) == 2 and scaled(DEFAULT_AGENDA, 2) == [30] * 4


@given(minutes=st.integers(2, 180), lengths=st.lists(st.integers(1, 180), min_size=1, max_size=4))
def test_a_scaled_slot_adds_up_exactly_and_no_phase_vanishes(minutes, lengths):
    rows = [Row(Item.PHASE, f"Phase {i}", m) for i, m in enumerate(lengths)]
    seconds = scaled(rows, minutes)
    assert sum(seconds) == minutes * 60 and min(seconds) >= 30
    assert all(s % 30 == 0 for s in seconds)


def test_presenters_are_members_once_each_with_enough_time():
    assert slot_problems([Slot(1, 35), Slot(2, 20)], {1, 2}, DEFAULT_AGENDA) == []
    assert slot_problems([Slot(1, 35), Slot(1, 20)], {1, 2}, DEFAULT_AGENDA) == [
        "Each person presents once in a meeting."
    ]
    assert slot_problems([Slot(9, 35)], {1, 2}, DEFAULT_AGENDA) == [
        "Presenters are members of the set."
    ]
    assert slot_problems([Slot(1, 1)], {1}, DEFAULT_AGENDA) == [
        "Allot from 2 to 180 minutes to each presenter."
    ]


def test_airtime_counts_each_presenters_phases_including_the_current_one():
    clock = Clock(plan(DEFAULT_AGENDA, [Slot(7, 35), Slot(3, 35)])).start(at(0))
    clock = clock.next(at(600)).next(at(700))  # check-in, bids
    assert presenting(clock) == 7
    clock = clock.next(at(1000)).skip(at(1100))  # presentation 300 s, questions skipped at 100
    assert airtime(clock, at(1160)) == {7: 300 + 100 + 60}
    for _ in range(2):
        clock = clock.next(at(1200))
    assert presenting(clock) == 3
    assert airtime(clock, at(1260)) == {7: 300 + 100 + 100 + 0, 3: 60}
