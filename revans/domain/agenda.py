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


class Item(StrEnum):
    CHECK_IN = "check_in"
    BIDS = "bids"
    PHASE = "phase"  # one phase of each presenter's slot
    REVIEW = "review"
    OTHER = "other"


ITEM_LABELS = {
    Item.CHECK_IN: "Check-in and report-backs",
    Item.BIDS: "Bids for airtime",
    Item.PHASE: "Presenter phase",
    Item.REVIEW: "Process review",
    Item.OTHER: "Other item",
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
    Row(Item.CHECK_IN, "Check-in and report-backs", 15),
    Row(Item.BIDS, "Bids for airtime", 5),
    *(Row(Item.PHASE, p.name, p.seconds // 60) for p in PRESENTER_PHASES),
    Row(Item.REVIEW, "Process review", 10),
)


def problems(rows: Sequence[Row]) -> list[str]:
    """What is wrong with an agenda, in words; [] when it can be run."""
    found = []
    if not rows:
        found.append("An agenda has at least one item.")
    if len(rows) > MAX_ROWS:
        found.append(f"An agenda has at most {MAX_ROWS} items.")
    for number, row in enumerate(rows, 1):
        if not row.name.strip():
            found.append(f"Item {number} needs a name.")
        if len(row.name) > MAX_NAME:
            found.append(f"Item {number}: a name of at most {MAX_NAME} characters.")
        if not 1 <= row.minutes <= MAX_MINUTES:
            found.append(f"Item {number}: from 1 to {MAX_MINUTES} minutes.")
    for item in ONCE:
        if sum(row.item == item for row in rows) > 1:
            found.append(f"“{ITEM_LABELS[item]}” appears once at most.")
    phases = [i for i, row in enumerate(rows) if row.item == Item.PHASE]
    if not phases:
        found.append("The presenter's slot needs at least one phase.")
    elif phases != list(range(phases[0], phases[-1] + 1)):
        found.append("The presenter phases go together, one after another.")
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
        found.append("Each person presents once in a meeting.")
    if not set(people) <= set(members):
        found.append("Presenters are members of the set.")
    if len(slots) > MAX_PRESENTERS:
        found.append(f"At most {MAX_PRESENTERS} presenters.")
    least = least_minutes(rows)
    if any(not least <= slot.minutes <= MAX_MINUTES for slot in slots):
        found.append(f"Allot from {least} to {MAX_MINUTES} minutes to each presenter.")
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
