"""When a set meets: the dates of a series, and a local wall-clock time made exact.

Pure: dates and zone names in, dates and aware datetimes out. Recurrence comes from
`dateutil.rrule`; the wall-clock time is kept in the set's own zone, so a 09:30 meeting stays at
09:30 across daylight-saving changes, and a time the clocks skip or pass twice is refused.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule

from .text import day as day_text
from .text import gettext as _

MAX_MEETINGS = 60  # a series longer than this is a mistake (every week for more than a year)


class Cadence(StrEnum):
    WEEKLY = "weekly"  # every N weeks on a weekday
    MONTHLY = "monthly"  # on the nth weekday of each month (nth = -1: the last)
    DATES = "dates"  # explicit dates


class CadenceError(ValueError):
    """The rule gives no dates, too many, or a time that does not exist once."""


@dataclass(frozen=True)
class Rule:
    cadence: Cadence
    first: date  # no meeting before this day
    until: date  # nor after this one
    weekday: int = 0  # Monday = 0
    every_weeks: int = 1
    nth: int = 1  # 1..4, or -1 for the last
    dates: Sequence[date] = ()


def meeting_dates(rule: Rule) -> list[date]:
    """The days the rule gives, in order; CadenceError when there are none or too many."""
    if rule.until < rule.first:
        raise CadenceError(_("The series cannot end before it starts."))
    if rule.cadence == Cadence.DATES:
        days = sorted(set(rule.dates))
        outside = [d for d in days if not rule.first <= d <= rule.until]
        if outside:
            raise CadenceError(
                _("{day} is outside the series' dates.").format(day=day_text(outside[0]))
            )
    else:
        start = datetime.combine(rule.first, time())
        end = datetime.combine(rule.until, time())
        weekday = rrule.weekday(rule.weekday)
        if rule.cadence == Cadence.WEEKLY:
            if not 1 <= rule.every_weeks <= 52:
                raise CadenceError(_("Meet every 1 to 52 weeks."))
            dates = rrule.rrule(
                rrule.WEEKLY, interval=rule.every_weeks, byweekday=weekday, dtstart=start, until=end
            )
        else:
            if rule.nth not in (1, 2, 3, 4, -1):
                raise CadenceError(_("Choose the first, second, third, fourth or last weekday."))
            dates = rrule.rrule(
                rrule.MONTHLY, byweekday=weekday(rule.nth), dtstart=start, until=end
            )
        # Stop counting well past the limit: an every-week rule over decades is still refused.
        days = []
        for when in dates:
            days.append(when.date())
            if len(days) > MAX_MEETINGS:
                break
    if not days:
        raise CadenceError(_("These settings give no meeting dates. Check the dates and the day."))
    if len(days) > MAX_MEETINGS:
        raise CadenceError(
            _("These settings give more than {n} meetings. Shorten the series.").format(
                n=MAX_MEETINGS
            )
        )
    return days


def exact_start(day: date, at: time, zone: str) -> datetime:
    """The moment `at` o'clock on `day` in `zone`, in UTC; CadenceError for a time the clocks
    skip (spring forward) or pass twice (fall back) there."""
    try:
        tz = ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):
        raise CadenceError(_("{zone} is not a known time zone.").format(zone=zone)) from None
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    try:
        round_trip = first.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    except OverflowError:
        raise CadenceError(_("{day} is out of range.").format(day=day_text(day))) from None
    if round_trip != naive:
        raise CadenceError(
            _(
                "{time} on {day} does not exist in {zone}: the clocks go forward then. "
                "Choose another time."
            ).format(time=f"{at:%H:%M}", day=day_text(day), zone=zone)
        )
    if first.utcoffset() != second.utcoffset():
        raise CadenceError(
            _(
                "{time} on {day} happens twice in {zone}: the clocks go back then. "
                "Choose another time."
            ).format(time=f"{at:%H:%M}", day=day_text(day), zone=zone)
        )
    return first.astimezone(UTC)
