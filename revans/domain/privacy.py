"""Figures for sponsors that cannot single anyone out.

A figure drawn from fewer people than the organisation's minimum (k, never below 3) is not shown
(primary suppression). Nor is any figure that would let a hidden one be worked out: when a table
publishes a total, its hidden cells number at least two and between them cover at least k people,
so subtracting the shown cells from the total gives only a sum over k or more people, never one
small group (complementary suppression); a total drawn from fewer than k people hides the table.
A figure carries the people it is drawn from (their ids, not a count), so a person in two cells
is counted once when hidden cells are put together.

Every figure a sponsor sees (pages, CSV, PDF) goes through `table` or `single`.

Pure: figures with the number of people behind each in; what may be shown out.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .text import gettext as _
from .text import gettext_noop

FLOOR = 3  # k is never below this, whatever an organisation sets

type Number = int | Decimal


@dataclass(frozen=True)
class Figure:
    value: Number
    who: frozenset[Hashable]  # the people the figure is drawn from

    @property
    def people(self) -> int:
        return len(self.who)


def _people(figures: Iterable[Figure]) -> int:
    return len(frozenset().union(*(figure.who for figure in figures)))


@dataclass(frozen=True)
class Shown:
    value: Number
    people: int
    hidden = False
    empty = False


@dataclass(frozen=True)
class Hidden:
    reason: str
    hidden = True
    empty = False


@dataclass(frozen=True)
class Empty:
    """Nothing to show, because nobody is behind the figure (no claims yet): said as such,
    never as a figure drawn from too few people."""

    reason: str = "none yet"
    hidden = True
    empty = True


type Cell = Shown | Hidden | Empty

SMALL = gettext_noop("drawn from fewer than {k} people")
COMPLEMENT = gettext_noop(
    "hidden too, so that a smaller figure cannot be worked out by subtraction"
)


def floor(k: int) -> int:
    return max(k, FLOOR)


def single(figure: Figure, k: int) -> Cell:
    """A figure on its own (no total or siblings published with it)."""
    k = floor(k)
    if not figure.people and not figure.value:
        return Empty()
    if figure.people < k:
        return Hidden(_(SMALL).format(k=k))
    return Shown(figure.value, figure.people)


def table(
    cells: Mapping[str, Figure], total: Figure | None, k: int
) -> tuple[dict[str, Cell], Cell | None]:
    """Cells that add up to `total` (or no total), as they may be shown."""
    k = floor(k)
    if total is not None and not total.people and not total.value:
        return {name: Empty() for name in cells}, Empty()
    if total is not None and total.people < k:
        reason = _(SMALL).format(k=k)
        return {name: Hidden(reason) for name in cells}, Hidden(reason)
    # A cell nobody is behind says nothing about anyone: it is "none", and hides nothing.
    hidden = {name for name, c in cells.items() if c.people < k and (c.people or c.value)}
    if total is not None and hidden:
        # Hide the smallest of the rest until the hidden cells are two or more and together
        # cover k people: what subtraction reveals is then a sum over k people or more.
        rest = sorted(
            (c.people, name) for name, c in cells.items() if name not in hidden and c.people
        )
        while rest and (len(hidden) < 2 or _people(cells[n] for n in hidden) < k):
            hidden.add(rest.pop(0)[1])
    out: dict[str, Cell] = {}
    for name, cell in cells.items():
        if not cell.people and not cell.value:
            out[name] = Empty()
        elif name not in hidden:
            out[name] = Shown(cell.value, cell.people)
        elif cell.people < k:
            out[name] = Hidden(_(SMALL).format(k=k))
        else:
            out[name] = Hidden(_(COMPLEMENT))
    shown_total: Cell | None = None
    if total is not None:
        lone = len(hidden) == 1 or (hidden and _people(cells[n] for n in hidden) < k)
        # Every cell hidden still leaves the total over k people: it may stand. A lone hidden
        # cell with nothing left to hide beside it: the total would reveal it, so it goes.
        shown_total = Hidden(_(COMPLEMENT)) if lone else Shown(total.value, total.people)
    return out, shown_total


def hidden_note(cells: Iterable[tuple[str, str]]) -> str:
    """ "Not shown: 2026-11, 2026-12: still under way; ..." for (name, reason) pairs; the
    reason "" is a cell that is shown."""
    names: dict[str, list[str]] = defaultdict(list)
    for name, reason in cells:
        if reason:
            names[reason].append(name)
    if not names:
        return ""
    said = "; ".join(f"{', '.join(n)}: {r}" for r, n in names.items())
    return _("Not shown: {reasons}.").format(reasons=said)
