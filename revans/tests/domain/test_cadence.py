"""Meeting dates from a rule, and local times made exact, across daylight-saving changes."""

from datetime import UTC, date, datetime, time

import pytest

from revans.domain.cadence import (
    MAX_MEETINGS,
    Cadence,
    CadenceError,
    Rule,
    exact_start,
    meeting_dates,
)


def test_every_two_weeks_on_a_tuesday():
    rule = Rule(Cadence.WEEKLY, date(2026, 12, 1), date(2027, 1, 31), weekday=1, every_weeks=2)
    assert meeting_dates(rule) == [
        date(2026, 12, 1),
        date(2026, 12, 15),
        date(2026, 12, 29),
        date(2027, 1, 12),
        date(2027, 1, 26),
    ]


def test_monthly_on_the_second_tuesday_and_on_the_last_friday():
    second = Rule(Cadence.MONTHLY, date(2027, 1, 1), date(2027, 3, 31), weekday=1, nth=2)
    assert meeting_dates(second) == [date(2027, 1, 12), date(2027, 2, 9), date(2027, 3, 9)]
    last = Rule(Cadence.MONTHLY, date(2027, 1, 1), date(2027, 3, 31), weekday=4, nth=-1)
    assert meeting_dates(last) == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26)]


def test_explicit_dates_are_sorted_and_must_lie_in_the_series():
    days = [date(2027, 2, 3), date(2027, 1, 6), date(2027, 2, 3)]
    rule = Rule(Cadence.DATES, date(2027, 1, 1), date(2027, 3, 1), dates=days)
    assert meeting_dates(rule) == [date(2027, 1, 6), date(2027, 2, 3)]
    outside = Rule(Cadence.DATES, date(2027, 1, 1), date(2027, 1, 31), dates=days)
    with pytest.raises(CadenceError, match="outside the series"):
        meeting_dates(outside)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (Rule(Cadence.WEEKLY, date(2027, 1, 4), date(2027, 1, 8), weekday=5), "no meeting dates"),
        (Rule(Cadence.WEEKLY, date(2027, 1, 1), date(2030, 1, 1), weekday=1), "more than 60"),
        (Rule(Cadence.WEEKLY, date(2027, 1, 1), date(2026, 1, 1)), "cannot end before"),
        (Rule(Cadence.WEEKLY, date(2027, 1, 1), date(2027, 6, 1), every_weeks=0), "1 to 52"),
        (Rule(Cadence.MONTHLY, date(2027, 1, 1), date(2027, 6, 1), nth=5), "first, second"),
        (Rule(Cadence.DATES, date(2027, 1, 1), date(2027, 6, 1)), "no meeting dates"),
        (Rule(Cadence.WEEKLY, date(2027, 1, 1), date(9999, 1, 1), weekday=1), "more than 60"),
    ],
)
def test_rules_that_give_no_dates_or_too_many_are_refused(rule, message):
    with pytest.raises(CadenceError, match=message):
        meeting_dates(rule)
    assert MAX_MEETINGS == 60


@pytest.mark.parametrize(
    ("zone", "before", "after", "offsets"),
    [
        # London: clocks forward on 29 March 2026, back on 25 October 2026.
        ("Europe/London", date(2026, 3, 22), date(2026, 3, 29), (0, 1)),
        ("Europe/London", date(2026, 10, 18), date(2026, 10, 25), (1, 0)),
        # New York: forward on 8 March 2026, back on 1 November 2026.
        ("America/New_York", date(2026, 3, 1), date(2026, 3, 8), (-5, -4)),
        ("America/New_York", date(2026, 10, 25), date(2026, 11, 1), (-4, -5)),
        # Sydney: back on 5 April 2026, forward on 4 October 2026.
        ("Australia/Sydney", date(2026, 3, 29), date(2026, 4, 5), (11, 10)),
        ("Australia/Sydney", date(2026, 9, 27), date(2026, 10, 4), (10, 11)),
    ],
)
def test_the_wall_clock_time_holds_across_a_change_and_on_its_day(zone, before, after, offsets):
    """A weekly 09:30 meeting, the week before a change and on the day of it."""
    at = time(9, 30)
    first, second = exact_start(before, at, zone), exact_start(after, at, zone)
    # 09:30 is 570 minutes after local midnight; in UTC it moves by the zone's offset.
    assert [first.hour * 60 + first.minute, second.hour * 60 + second.minute] == [
        (570 - offsets[0] * 60) % 1440,
        (570 - offsets[1] * 60) % 1440,
    ]
    assert first.tzinfo is UTC


@pytest.mark.parametrize(
    ("zone", "day", "at", "words"),
    [
        ("Europe/London", date(2026, 3, 29), time(1, 30), "does not exist"),
        ("Europe/London", date(2026, 10, 25), time(1, 30), "happens twice"),
        ("America/New_York", date(2026, 3, 8), time(2, 30), "does not exist"),
        ("America/New_York", date(2026, 11, 1), time(1, 30), "happens twice"),
        ("Australia/Sydney", date(2026, 10, 4), time(2, 30), "does not exist"),
        ("Australia/Sydney", date(2026, 4, 5), time(2, 30), "happens twice"),
    ],
)
def test_a_time_the_clocks_skip_or_repeat_is_refused(zone, day, at, words):
    with pytest.raises(CadenceError, match=words):
        exact_start(day, at, zone)


def test_an_ordinary_time_is_exact():
    assert exact_start(date(2027, 1, 12), time(9, 30), "Europe/London") == datetime(
        2027, 1, 12, 9, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("day", "zone", "words"),
    [
        (date(9999, 12, 31), "Etc/GMT+12", "out of range"),
        (date(2027, 1, 1), "Mars/Olympus_Mons", "not a known time zone"),
        (date(2027, 1, 1), "../etc/passwd", "not a known time zone"),
    ],
)
def test_hostile_dates_and_zones_are_refused_in_words(day, zone, words):
    with pytest.raises(CadenceError, match=words):
        exact_start(day, time(23, 30), zone)
