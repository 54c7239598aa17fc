"""The suite's clock: every test runs on a day the suite chooses, and the test world's dates are
counted from it, so the suite passes on any day.

`REVANS_TEST_TODAY` (an ISO date) moves the whole suite to that day at the real time of day, the
clock still ticking, or to a moment (`2026-12-31T00:00:30Z`), to try the hours around midnight;
unset, the suite runs on the real today. `make test-dates` runs the suite on
the days where calendars turn. The shift reaches the app servers a test starts (`servers.py`)
through `REVANS_TEST_CLOCK_SHIFT` and this module's gunicorn hook.
"""

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

import time_machine

SHIFT = "REVANS_TEST_CLOCK_SHIFT"


def _shift() -> float:
    """Seconds from the real now to the suite's now (0 on the real today)."""
    wanted = os.environ.get("REVANS_TEST_TODAY")
    if not wanted:
        return 0.0
    real = datetime.now(UTC)
    if "T" in wanted:  # a moment, to try the hours around midnight
        moved = datetime.fromisoformat(wanted).astimezone(UTC)
    else:
        moved = datetime.combine(date.fromisoformat(wanted), real.time(), UTC)
    return (moved - real).total_seconds()


@contextmanager
def suite_clock() -> Iterator[float]:
    """The suite's now for as long as it runs; yields the shift for processes it starts."""
    shift = _shift()
    if not shift:
        yield 0.0
        return
    with time_machine.travel(time.time() + shift, tick=True):
        yield shift


def post_fork(server: object, worker: object) -> None:
    """Gunicorn's hook (`-c python:revans.tests.clock`): a worker keeps the suite's time."""
    shift = float(os.environ.get(SHIFT) or 0)
    if shift:
        time_machine.travel(time.time() + shift, tick=True).start()
