"""The server-held clock: what any device computes from the stored state at the same moment."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from revans.domain.clock import PRESENTER_PHASES, Clock, ClockError, Phase

T0 = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_a_presenter_slot_runs_five_ten_fifteen_and_five_minutes():
    assert [p.seconds // 60 for p in PRESENTER_PHASES] == [5, 10, 15, 5]


def test_start_pause_extend_and_next():
    clock = Clock(PRESENTER_PHASES).start(at(0))
    assert clock.remaining(at(60)) == 240
    clock = clock.pause(at(120))
    assert clock.remaining(at(600)) == 180  # paused: time stands still
    clock = clock.extend(120).start(at(600))
    assert clock.remaining(at(660)) == 240
    assert not clock.is_over(at(899)) and clock.is_over(at(900))
    assert clock.remaining(at(960)) == -60  # ran over: shown as over, not hidden
    clock = clock.next(at(960))
    assert clock.phase.name == "Clarifying questions" and clock.is_running
    assert clock.remaining(at(960)) == 600 and clock.extended == 0


def test_the_deadline_is_stored_while_running_and_the_time_left_while_paused():
    clock = Clock(PRESENTER_PHASES).start(at(0))
    assert clock.deadline == at(300) and clock.left is None
    clock = clock.pause(at(100))
    assert clock.deadline is None and clock.left == 200
    assert clock.extend(60).left == 260 and clock.start(at(500)).deadline == at(700)


def test_next_and_skip_keep_what_each_phase_used():
    clock = Clock(PRESENTER_PHASES).start(at(0)).next(at(280)).skip(at(300))
    assert [(s.seconds, s.skipped) for s in clock.spent] == [(280, False), (20, True)]
    assert clock.phase.name == "Open questions" and clock.deadline == at(300 + 900)


def test_only_what_is_ahead_of_the_clock_can_change():
    clock = Clock(PRESENTER_PHASES)
    shorter = [Phase("Presentation", 60), *PRESENTER_PHASES[1:]]
    assert clock.with_phases(shorter).remaining(at(0)) == 60  # not begun: still free to change
    running = clock.start(at(0))
    with pytest.raises(ClockError):
        running.with_phases(shorter)
    assert running.with_phases(PRESENTER_PHASES[:2]).phases == PRESENTER_PHASES[:2]
    with pytest.raises(ClockError):
        running.next(at(10)).next(at(20)).with_phases(PRESENTER_PHASES[:1])


def test_the_last_phase_ends_the_clock():
    clock = Clock([Phase("Process review", 300)]).start(at(0)).next(at(10))
    assert clock.is_finished and not clock.is_running and clock.remaining(at(20)) == 0
    for operation in (lambda c: c.start(at(30)), lambda c: c.extend(60), lambda c: c.next(at(30))):
        with pytest.raises(ClockError):
            operation(clock)


def test_operations_that_make_no_sense_are_refused():
    clock = Clock(PRESENTER_PHASES)
    with pytest.raises(ClockError):
        clock.pause(at(0))
    with pytest.raises(ClockError):
        clock.start(at(0)).start(at(1))
    for seconds in (0, -60, 3601):
        with pytest.raises(ClockError):
            clock.extend(seconds)
    with pytest.raises(ClockError):
        clock.extend(3000).extend(1000)  # an hour at most in all


def step(clock: Clock, name: str, gap: int, now: datetime) -> Clock:
    if name == "start":
        return clock.start(now)
    if name == "pause":
        return clock.pause(now)
    if name == "extend":
        return clock.extend(gap)
    if name == "skip":
        return clock.skip(now)
    return clock.next(now)


@given(
    events=st.lists(
        st.tuples(
            st.sampled_from(["start", "pause", "extend", "next", "skip"]), st.integers(1, 900)
        ),
        max_size=25,
    )
)
def test_any_two_readers_at_the_same_moment_see_the_same_clock(events):
    """The clock is its stored state: replaying it (a reload, a second device) changes nothing,
    and while it runs it counts down one second a second; while paused it stands still."""
    clock, now = Clock(PRESENTER_PHASES), 0.0
    for name, gap in events:
        now += gap
        try:
            clock = step(clock, name, gap, at(now))
        except ClockError:
            continue
        copy = Clock(**{f: getattr(clock, f) for f in clock.__dataclass_fields__})
        assert copy.remaining(at(now + 7)) == clock.remaining(at(now + 7))
        later = clock.remaining(at(now + 30)) - clock.remaining(at(now))
        expected = -30 if clock.is_running else 0
        assert later == pytest.approx(expected)
        assert len(clock.spent) == clock.index  # every phase behind it is accounted for
        assert clock.elapsed(at(now)) >= 0
