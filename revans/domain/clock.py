"""The live meeting's clock, held by the server: a countdown per phase that a reload, a second
device or a dropped connection all read the same, because it is computed from what is stored
(the current phase's deadline in UTC while it runs, the time left while it is paused), never
kept in a browser.

Pure: a frozen Clock and the moment `now` in, a new Clock or a number of seconds out.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from .text import gettext as _
from .text import gettext_noop


class ClockError(ValueError):
    """An operation that makes no sense in the clock's state (pause a paused clock, ...)."""


@dataclass(frozen=True)
class Phase:
    name: str
    seconds: int


@dataclass(frozen=True)
class Spent:
    """A phase behind the clock: how long it ran, and whether it was skipped."""

    seconds: float
    skipped: bool = False


# The default presenter slot (issue 11): presentation, clarifying questions, open questions,
# summary and actions.
PRESENTER_PHASES = (
    Phase(gettext_noop("Presentation"), 5 * 60),
    Phase(gettext_noop("Clarifying questions"), 10 * 60),
    Phase(gettext_noop("Open questions"), 15 * 60),
    Phase(gettext_noop("Summary and actions"), 5 * 60),
)

MAX_EXTENSION = 60 * 60


@dataclass(frozen=True)
class Clock:
    phases: Sequence[Phase]
    index: int = 0  # the current phase
    deadline: datetime | None = None  # when the current phase ends, while it runs
    left: float | None = None  # seconds left while paused; None: the phase has not run yet
    extended: int = 0  # seconds added to the current phase
    spent: tuple[Spent, ...] = ()  # one per phase behind the current one

    @property
    def phase(self) -> Phase | None:
        return self.phases[self.index] if self.index < len(self.phases) else None

    @property
    def is_running(self) -> bool:
        return self.deadline is not None

    @property
    def has_begun(self) -> bool:
        """The current phase has run, or is running."""
        return self.deadline is not None or self.left is not None

    @property
    def is_finished(self) -> bool:
        return self.index >= len(self.phases)

    def remaining(self, now: datetime) -> float:
        """Seconds left in the current phase; negative once it has run over."""
        phase = self.phase
        if phase is None:
            return 0.0
        if self.deadline is not None:
            return (self.deadline - now).total_seconds()
        if self.left is not None:
            return self.left
        return float(phase.seconds + self.extended)

    def elapsed(self, now: datetime) -> float:
        phase = self.phase
        if phase is None:
            return 0.0
        return phase.seconds + self.extended - self.remaining(now)

    def is_over(self, now: datetime) -> bool:
        return not self.is_finished and self.remaining(now) <= 0

    def start(self, now: datetime) -> "Clock":
        if self.is_finished:
            raise ClockError(_("Every item on the agenda is done."))
        if self.is_running:
            raise ClockError(_("The clock is already running."))
        return replace(self, deadline=now + timedelta(seconds=self.remaining(now)), left=None)

    def pause(self, now: datetime) -> "Clock":
        if not self.is_running:
            raise ClockError(_("The clock is not running."))
        return replace(self, deadline=None, left=self.remaining(now))

    def extend(self, seconds: int) -> "Clock":
        if self.is_finished:
            raise ClockError(_("Every item on the agenda is done."))
        if not 0 < seconds <= MAX_EXTENSION:
            raise ClockError(_("Extend by a minute to an hour."))
        if self.extended + seconds > MAX_EXTENSION:
            raise ClockError(_("A phase is extended by an hour at most."))
        return replace(
            self,
            extended=self.extended + seconds,
            deadline=self.deadline + timedelta(seconds=seconds) if self.deadline else None,
            left=self.left + seconds if self.left is not None else None,
        )

    def next(self, now: datetime, *, skipped: bool = False) -> "Clock":
        """On to the next phase; it runs if this one ran. `skipped`: this phase is passed over
        (what it ran still counts as time used)."""
        if self.is_finished:
            raise ClockError(_("Every item on the agenda is done."))
        index = self.index + 1
        keep_running = self.is_running and index < len(self.phases)
        following = self.phases[index] if index < len(self.phases) else None
        return replace(
            self,
            index=index,
            deadline=now + timedelta(seconds=following.seconds)
            if keep_running and following
            else None,
            left=None,
            extended=0,
            spent=(*self.spent, Spent(max(0.0, self.elapsed(now)), skipped)),
        )

    def skip(self, now: datetime) -> "Clock":
        return self.next(now, skipped=True)

    def with_phases(self, phases: Sequence[Phase]) -> "Clock":
        """The same clock over a changed plan: what is behind it and the current phase stay as
        they were (a plan changes only ahead of the clock)."""
        keep = self.index + (1 if self.has_begun else 0)
        if list(phases[:keep]) != list(self.phases[:keep]):
            raise ClockError(_("Only what is still ahead on the agenda can change."))
        return replace(self, phases=tuple(phases))
