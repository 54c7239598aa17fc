"""The live meeting's clock, held by the server: a countdown per phase that a reload, a second
device or a dropped connection all read the same, because it is computed from what is stored
(when the phase started running, how long it ran before, how much it was extended), never kept
in a browser.

Pure: a frozen Clock and the moment `now` in, a new Clock or a number of seconds out.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime


class ClockError(ValueError):
    """An operation that makes no sense in the clock's state (pause a paused clock, ...)."""


@dataclass(frozen=True)
class Phase:
    name: str
    seconds: int


# The default presenter slot (issue 11): presentation, clarifying questions, open questions,
# summary and actions.
PRESENTER_PHASES = (
    Phase("Presentation", 5 * 60),
    Phase("Clarifying questions", 10 * 60),
    Phase("Open questions", 15 * 60),
    Phase("Summary and actions", 5 * 60),
)


@dataclass(frozen=True)
class Clock:
    phases: Sequence[Phase]
    index: int = 0  # the current phase
    running_since: datetime | None = None  # None: paused, or not started
    ran_before: float = 0.0  # seconds the current phase ran before `running_since`
    extended: int = 0  # seconds added to the current phase

    @property
    def phase(self) -> Phase | None:
        return self.phases[self.index] if self.index < len(self.phases) else None

    @property
    def is_running(self) -> bool:
        return self.running_since is not None

    @property
    def is_finished(self) -> bool:
        return self.index >= len(self.phases)

    def elapsed(self, now: datetime) -> float:
        running = (now - self.running_since).total_seconds() if self.running_since else 0.0
        return self.ran_before + max(0.0, running)

    def remaining(self, now: datetime) -> float:
        """Seconds left in the current phase; negative once it has run over."""
        phase = self.phase
        if phase is None:
            return 0.0
        return phase.seconds + self.extended - self.elapsed(now)

    def is_over(self, now: datetime) -> bool:
        return not self.is_finished and self.remaining(now) <= 0

    def start(self, now: datetime) -> "Clock":
        if self.is_finished:
            raise ClockError("Every phase is done.")
        if self.is_running:
            raise ClockError("The clock is already running.")
        return replace(self, running_since=now)

    def pause(self, now: datetime) -> "Clock":
        if not self.is_running:
            raise ClockError("The clock is not running.")
        return replace(self, running_since=None, ran_before=self.elapsed(now))

    def extend(self, seconds: int) -> "Clock":
        if self.is_finished:
            raise ClockError("Every phase is done.")
        if not 0 < seconds <= 60 * 60:
            raise ClockError("Extend by a minute to an hour.")
        return replace(self, extended=self.extended + seconds)

    def next(self, now: datetime) -> "Clock":
        """On to the next phase (skipping what is left of this one); it runs if this one ran."""
        if self.is_finished:
            raise ClockError("Every phase is done.")
        index = self.index + 1
        keep_running = self.is_running and index < len(self.phases)
        return replace(
            self,
            index=index,
            running_since=now if keep_running else None,
            ran_before=0.0,
            extended=0,
        )
