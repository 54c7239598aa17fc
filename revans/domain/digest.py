"""The day or week a digest covers, where its reader is.

Pure: a moment and a zone in, the period it falls in out. A day runs from midnight to midnight
on the reader's clock; a week from Monday's midnight to the next Monday's (ISO weeks). Across a
daylight-saving change a day is 23 or 25 hours long, as the reader lives it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class Every(StrEnum):
    DAY = "daily"
    WEEK = "weekly"


@dataclass(frozen=True)
class Period:
    first: date  # the day, or the Monday of the week
    start: datetime  # its first moment (in UTC, so that arithmetic on it counts real hours)
    end: datetime  # the first moment of the next period


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, zone).astimezone(UTC)


def period(every: str, moment: datetime, zone: ZoneInfo) -> Period:
    """The day or week (`every`: "daily" or "weekly") that `moment` falls in, where `zone` is."""
    day = moment.astimezone(zone).date()
    if Every(every) is Every.DAY:
        first, length = day, timedelta(days=1)
    else:
        first, length = day - timedelta(days=day.weekday()), timedelta(weeks=1)
    return Period(first, _midnight(first, zone), _midnight(first + length, zone))


def previous(every: str, current: Period, zone: ZoneInfo) -> Period:
    """The period just before `current`."""
    return period(every, current.start - timedelta(microseconds=1), zone)
