"""The day or week a digest covers, on its reader's clock."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from revans.domain.digest import period, previous

LONDON = ZoneInfo("Europe/London")
SYDNEY = ZoneInfo("Australia/Sydney")


def test_a_day_is_the_readers_day():
    moment = datetime(2026, 12, 8, 13, 30, tzinfo=UTC)  # already the 9th in Sydney
    assert period("daily", moment, LONDON).first == date(2026, 12, 8)
    day = period("daily", moment, SYDNEY)
    assert day.first == date(2026, 12, 9)
    assert day.start == datetime(2026, 12, 8, 13, 0, tzinfo=UTC)  # midnight in Sydney (UTC+11)
    assert day.end - day.start == timedelta(hours=24)


def test_a_day_when_the_clocks_change_is_as_long_as_the_reader_lives_it():
    spring = period("daily", datetime(2026, 3, 29, 12, tzinfo=UTC), LONDON)
    autumn = period("daily", datetime(2026, 10, 25, 12, tzinfo=UTC), LONDON)
    assert spring.end - spring.start == timedelta(hours=23)
    assert autumn.end - autumn.start == timedelta(hours=25)


def test_a_week_runs_from_monday_to_monday():
    sunday_night = datetime(2026, 12, 13, 23, 59, tzinfo=LONDON)
    week = period("weekly", sunday_night, LONDON)
    assert week.first == date(2026, 12, 7) and week.first.weekday() == 0
    assert week.end == datetime(2026, 12, 14, tzinfo=LONDON)
    assert period("weekly", week.end, LONDON).first == date(2026, 12, 14)


def test_the_period_before():
    day = period("daily", datetime(2027, 1, 1, 0, 5, tzinfo=LONDON), LONDON)
    assert previous("daily", day, LONDON).first == date(2026, 12, 31)
    week = period("weekly", datetime(2027, 1, 4, 0, 5, tzinfo=LONDON), LONDON)
    assert previous("weekly", week, LONDON).first == date(2026, 12, 28)
