"""A meeting's agenda and the plan the live clock runs through.

An agenda is a list of rows in order: check-in with report-backs, bids for airtime, the phases
of a presenter's slot (together, in their order), process review, and any other item. When the
presenters are known (after the bids), the plan is the agenda with the presenter phases repeated
for each presenter, scaled to the time they were allotted. The clock (`clock.py`) runs the plan.

Pure: rows and presenters in, problems or steps out.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .clock import PRESENTER_PHASES, Clock, Phase
from .text import gettext as _
from .text import gettext_noop


class Item(StrEnum):
    CHECK_IN = "check_in"
    BIDS = "bids"
    PHASE = "phase"  # one phase of each presenter's slot
    REVIEW = "review"
    OTHER = "other"


ITEM_LABELS = {
    Item.CHECK_IN: gettext_noop("Check-in and report-backs"),
    Item.BIDS: gettext_noop("Bids for airtime"),
    Item.PHASE: gettext_noop("Presenter phase"),
    Item.REVIEW: gettext_noop("Process review"),
    Item.OTHER: gettext_noop("Other item"),
}

ONCE = (Item.CHECK_IN, Item.BIDS, Item.REVIEW)
MAX_ROWS = 20
MAX_MINUTES = 180
MAX_NAME = 80
MAX_PRESENTERS = 12


@dataclass(frozen=True)
class Row:
    item: Item
    name: str
    minutes: int


DEFAULT_AGENDA = (
    Row(Item.CHECK_IN, gettext_noop("Check-in and report-backs"), 15),
    Row(Item.BIDS, gettext_noop("Bids for airtime"), 5),
    *(Row(Item.PHASE, p.name, p.seconds // 60) for p in PRESENTER_PHASES),
    Row(Item.REVIEW, gettext_noop("Process review"), 10),
)


def problems(rows: Sequence[Row]) -> list[str]:
    """What is wrong with an agenda, in words; [] when it can be run."""
    found = []
    if not rows:
        found.append(_("An agenda has at least one item."))
    if len(rows) > MAX_ROWS:
        found.append(_("An agenda has at most {n} items.").format(n=MAX_ROWS))
    for number, row in enumerate(rows, 1):
        if not row.name.strip():
            found.append(_("Item {n} needs a name.").format(n=number))
        if len(row.name) > MAX_NAME:
            found.append(
                _("Item {n}: a name of at most {most} characters.").format(n=number, most=MAX_NAME)
            )
        if not 1 <= row.minutes <= MAX_MINUTES:
            found.append(
                _("Item {n}: from 1 to {most} minutes.").format(n=number, most=MAX_MINUTES)
            )
    for item in ONCE:
        if sum(row.item == item for row in rows) > 1:
            found.append(_("“{item}” appears once at most.").format(item=_(ITEM_LABELS[item])))
    phases = [i for i, row in enumerate(rows) if row.item == Item.PHASE]
    if not phases:
        found.append(_("The presenter's slot needs at least one phase."))
    elif phases != list(range(phases[0], phases[-1] + 1)):
        found.append(_("The presenter phases go together, one after another."))
    return found


def slot_minutes(rows: Sequence[Row]) -> int:
    """A presenter's slot as the agenda has it: the sum of its phases."""
    return sum(row.minutes for row in rows if row.item == Item.PHASE)


@dataclass(frozen=True)
class Slot:
    presenter: int  # the participant's id
    minutes: int  # the time allotted to them


@dataclass(frozen=True)
class Step(Phase):
    """One thing the clock counts down: an agenda item, or one phase of one presenter's slot."""

    item: Item = Item.OTHER
    presenter: int | None = None


def scaled(rows: Sequence[Row], minutes: int) -> list[int]:
    """The presenter phases' seconds scaled to `minutes` in all: half-minutes shared in proportion
    (largest remainder), at least one each, so the slot adds up exactly."""
    phases = [row.minutes * 60 for row in rows if row.item == Item.PHASE]
    total, units = sum(phases), minutes * 2
    if units * 30 == total:
        return phases
    if units < len(phases):
        raise ValueError("Fewer half-minutes than phases.")
    shares = [p * units / total for p in phases]
    whole = [int(share) for share in shares]
    by_remainder = sorted(range(len(phases)), key=lambda i: (whole[i] - shares[i], i))
    for i in by_remainder[: units - sum(whole)]:
        whole[i] += 1
    while 0 in whole:  # a phase too short to keep gets half a minute from the longest
        whole[whole.index(0)] = 1
        whole[whole.index(max(whole))] -= 1
    return [w * 30 for w in whole]


def least_minutes(rows: Sequence[Row]) -> int:
    """The shortest slot that gives each presenter phase half a minute."""
    return max(1, -(-sum(row.item == Item.PHASE for row in rows) // 2))


def plan(rows: Sequence[Row], slots: Sequence[Slot]) -> list[Step]:
    """The steps the clock runs: the agenda with the presenter phases once per presenter (none
    before the presenters are chosen)."""
    steps: list[Step] = []
    phase_rows = [row for row in rows if row.item == Item.PHASE]
    placed = False
    for row in rows:
        if row.item != Item.PHASE:
            steps.append(Step(row.name, row.minutes * 60, row.item))
        elif not placed:
            placed = True
            for slot in slots:
                for phase, seconds in zip(phase_rows, scaled(rows, slot.minutes), strict=True):
                    steps.append(Step(phase.name, seconds, Item.PHASE, slot.presenter))
    return steps


def slot_problems(slots: Sequence[Slot], members: Iterable[int], rows: Sequence[Row]) -> list[str]:
    found = []
    people = [slot.presenter for slot in slots]
    if len(people) != len(set(people)):
        found.append(_("Each person presents once in a meeting."))
    if not set(people) <= set(members):
        found.append(_("Presenters are members of the set."))
    if len(slots) > MAX_PRESENTERS:
        found.append(_("At most {n} presenters.").format(n=MAX_PRESENTERS))
    least = least_minutes(rows)
    if any(not least <= slot.minutes <= MAX_MINUTES for slot in slots):
        found.append(
            _("Allot from {least} to {most} minutes to each presenter.").format(
                least=least, most=MAX_MINUTES
            )
        )
    return found


def airtime(clock: Clock, now: datetime) -> dict[int, float]:
    """Seconds each presenter has had so far: their phases behind the clock and the current one."""
    used: dict[int, float] = {}
    steps = list(clock.phases)
    ran = [spent.seconds for spent in clock.spent]
    if clock.has_begun:  # the current step, once it has run at all
        ran.append(clock.elapsed(now))
    for step, seconds in zip(steps, ran, strict=False):
        presenter = getattr(step, "presenter", None)
        if presenter is not None:
            used[presenter] = used.get(presenter, 0.0) + seconds
    return used


def presenting(clock: Clock) -> int | None:
    """Whose slot the clock is in, if anyone's."""
    return getattr(clock.phase, "presenter", None)
