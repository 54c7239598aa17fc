"""Dashboard series that cannot single anyone out: a figure per period (a month, a survey
round) with the programme's total beside it, as a sponsor may see them.

Each row is one observation (an attendance mark, an action due, an anonymous answer) with the
people it is drawn from and a value (1 or 0 for a rate; a score for a mean). Per period the
values are summed and passed to `privacy.table` with the overall sum as its total, so a hidden
period cannot be worked out from the total and the periods shown (the subtraction a published
total invites). A rate or mean is shown only beside a sum that may be shown.

Pure: rows in; cells with their rates or means out.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from . import privacy


@dataclass(frozen=True)
class Row:
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


def series(rows: Iterable[Row], k: int, order: Iterable[str] = ()) -> tuple[list[Point], Point]:
    """Each period's sum and mean against the total of all periods; periods in `order` first
    (then as they came)."""
    total_value, count = Decimal(0), 0
    total_who: set[Hashable] = set()
    value: dict[str, Decimal] = defaultdict(Decimal)
    who: dict[str, set[Hashable]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for r in rows:
        value[r.period] += r.value
        who[r.period] |= r.who
        counts[r.period] += 1
        total_value += r.value
        total_who |= r.who
        count += 1
    periods = [p for p in order if p in value] + [p for p in value if p not in set(order)]
    cells = {p: privacy.Figure(value[p], frozenset(who[p])) for p in periods}
    shown, total = privacy.table(cells, privacy.Figure(total_value, frozenset(total_who)), k)
    return (
        [Point(p, shown[p], counts[p]) for p in periods],
        Point("all", total or privacy.Hidden(privacy.SMALL), count),
    )
