"""Dashboard series that cannot single anyone out: a figure per period (a month, a survey
round), as a sponsor may see them, over time as well as on one day.

Each row is one observation (an attendance mark, an action due, an anonymous answer) with the
people it is drawn from and a value (1 or 0 for a rate; a score for a mean). Per period the
values are summed; a period is shown only when it is over (its figure will not move again, so
two dashboards a day apart cannot be subtracted to find one person's part) and only when it is
drawn from at least k people. The whole ("all") is the sum of the periods shown and nothing
else: it tells nothing the shown periods do not, so no hidden period can be worked out from it,
today or later.

Pure: rows in; cells with their rates or means out.
"""

from collections import defaultdict
from collections.abc import Collection, Hashable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from . import privacy
from .text import gettext as _
from .text import gettext_noop

UNDER_WAY = gettext_noop(
    "still under way: shown once it is over, so that it never moves afterwards"
)

# A month's records settle a week after it ends (attendance taken late, a report-back told at
# the next meeting and typed in the day after): only then is the month shown, and what arrives
# later never moves it.
SETTLE = timedelta(days=7)


def settled(day: date, today: date) -> bool:
    """Is the month of `day` over and settled, so that its figures may show and never move?"""
    last = today - SETTLE
    return (day.year, day.month) < (last.year, last.month)


class Row(NamedTuple):  # a tuple: a large programme's dashboard makes some 10,000 at a time
    period: str
    who: frozenset[Hashable]
    value: Decimal


@dataclass(frozen=True)
class Point:
    """One period as it may be shown: the sum, how many observations, their mean (a rate, for
    values of 1 and 0), or the reason it is hidden."""

    period: str
    cell: privacy.Cell
    count: int

    @property
    def mean(self) -> Decimal | None:
        if self.cell.hidden or not self.count:
            return None
        return Decimal(self.cell.value) / self.count  # type: ignore[union-attr]


def row(period: str, who: Iterable[Hashable], value: Decimal | float) -> Row:
    """An observation; a float (a mean score) is taken at its printed value, a bool as 1 or 0."""
    return Row(period, frozenset(who), Decimal(str(value) if isinstance(value, float) else value))


def series(
    rows: Iterable[Row], k: int, order: Iterable[str] = (), under_way: Collection[str] = ()
) -> tuple[list[Point], Point]:
    """Each period's sum and mean, periods in `order` first (then as they came); periods in
    `under_way` are not shown yet. The whole is of the periods shown."""
    value: dict[str, Decimal] = defaultdict(Decimal)
    who: dict[str, set[Hashable]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        value[r.period] += r.value
        who[r.period] |= r.who
        counts[r.period] += 1
    order = list(order)
    periods = [p for p in order if p in value] + [p for p in value if p not in set(order)]
    points = []
    for p in periods:
        if p in under_way:
            cell: privacy.Cell = privacy.Hidden(_(UNDER_WAY))
        else:
            cell = privacy.single(privacy.Figure(value[p], frozenset(who[p])), k)
        points.append(Point(p, cell, counts[p] if not cell.hidden else 0))
    shown = [p for p in points if not p.cell.hidden]
    people = frozenset().union(*(who[p.period] for p in shown))
    total: privacy.Cell = (
        privacy.Shown(sum((value[p.period] for p in shown), Decimal(0)), len(people))
        if shown
        else privacy.Hidden(_(privacy.SMALL).format(k=privacy.floor(k)))
    )
    return points, Point("all shown", total, sum(p.count for p in shown))
