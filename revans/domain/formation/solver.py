"""Form groups: n elements, m groups, group g holding between lower[g] and upper[g] (by weight),
maximising the summed pairwise diversity within groups, under hard rules.

Pure: NumPy arrays and dataclasses in, a Solution out. The search itself is in `kernel`.
"""

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import kernel

VERSION = "pop-3"
NEVER = 1 << 60  # no limit, for the kernel's counts of rounds and steps


class Infeasible(ValueError):
    """The rules cannot all hold; `reasons` says why, in words a facilitator understands."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class Problem:
    """`diversity[i, j]` (symmetric, zero diagonal) for n people; group sizes in [lower, upper]."""

    diversity: np.ndarray
    lower: Sequence[int]
    upper: Sequence[int]
    apart: Sequence[tuple[int, int]] = ()
    together: Sequence[tuple[int, int]] = ()
    pinned: dict[int, int] = field(default_factory=dict)  # person -> group
    names: Sequence[str] = ()  # for messages; defaults to "person 1", ...

    @property
    def n(self) -> int:
        return int(self.diversity.shape[0])

    @property
    def m(self) -> int:
        return len(self.lower)

    def name(self, i: int) -> str:
        return self.names[i] if self.names else f"person {i + 1}"


@dataclass
class Solution:
    groups: list[list[int]]
    objective: float
    seconds: float
    rounds: int
    seed: int
    version: str = VERSION
    steps: int = 0  # tabu steps taken, for benchmarks
    best_at: float = 0.0  # seconds into the search when the best was found, for benchmarks


@dataclass
class _Units:
    """People who must be together, merged into one unit each (union-find over `together`)."""

    members: list[list[int]]
    of: list[int]  # person -> unit


def _units(problem: Problem) -> _Units:
    parent = list(range(problem.n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in problem.together:
        parent[find(a)] = find(b)
    roots: dict[int, int] = {}
    members: list[list[int]] = []
    of = [0] * problem.n
    for i in range(problem.n):
        r = find(i)
        if r not in roots:
            roots[r] = len(members)
            members.append([])
        members[roots[r]].append(i)
        of[i] = roots[r]
    return _Units(members=members, of=of)


def check(problem: Problem) -> list[str]:
    """Every reason the rules cannot hold, found before searching. Empty when none is found."""
    n, m = problem.n, problem.m
    reasons: list[str] = []
    if problem.diversity.shape != (n, n):
        reasons.append("The diversity table is not square.")
    if m == 0:
        return [*reasons, "There are no sets to form."]
    for g, (a, b) in enumerate(zip(problem.lower, problem.upper, strict=True)):
        if a < 0 or b < a:
            reasons.append(f"Set {g + 1} has a smallest size of {a} and a largest of {b}.")
    low, high = sum(problem.lower), sum(problem.upper)
    if n < low:
        reasons.append(
            f"{n} people cannot fill {m} sets: the smallest sizes add up to {low}. "
            "Use fewer sets or smaller minimum sizes."
        )
    if n > high:
        reasons.append(
            f"{n} people do not fit in {m} sets: the largest sizes add up to {high}. "
            "Use more sets or larger maximum sizes."
        )
    for i, j in [*problem.apart, *problem.together]:
        if not (0 <= i < n and 0 <= j < n) or i == j:
            reasons.append(f"A rule names an unknown person or the same person twice ({i}, {j}).")
    if reasons:
        return reasons
    units = _units(problem)
    for i, j in problem.apart:
        if units.of[i] == units.of[j]:
            reasons.append(
                f"{problem.name(i)} and {problem.name(j)} must be kept apart, "
                "but the keep-together rules put them in the same set."
            )
    biggest = max(problem.upper)
    for i, g in problem.pinned.items():
        if not (0 <= g < m):
            reasons.append(f"{problem.name(i)} is pinned to a set that does not exist.")
    if reasons:
        return reasons
    # A pin holds the person's whole keep-together unit.
    unit_pin: dict[int, int] = {}
    for u, unit in enumerate(units.members):
        names = ", ".join(problem.name(i) for i in unit)
        if len(unit) > biggest:
            reasons.append(f"{names} must be together, but the largest set holds {biggest}.")
        groups = {problem.pinned[i] for i in unit if i in problem.pinned}
        if len(groups) > 1:
            reasons.append(f"{names} must be together but are pinned to different sets.")
        elif groups:
            unit_pin[u] = groups.pop()
    pinned_weight = [0] * m
    for u, g in unit_pin.items():
        pinned_weight[g] += len(units.members[u])
    for g, weight in enumerate(pinned_weight):
        if weight > problem.upper[g]:
            reasons.append(
                f"{weight} people are pinned to set {g + 1}, "
                f"which holds at most {problem.upper[g]}."
            )
    for i, j in problem.apart:
        gi, gj = unit_pin.get(units.of[i]), unit_pin.get(units.of[j])
        if gi is not None and gi == gj and units.of[i] != units.of[j]:
            reasons.append(
                f"{problem.name(i)} and {problem.name(j)} must be kept apart "
                "but are pinned to the same set."
            )
    return reasons


def solve(
    problem: Problem,
    *,
    seconds: float,
    seed: int = 0,
    max_rounds: int | None = None,
    progress: Callable[[float, float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> Solution:
    """The best grouping found within `seconds` (or `max_rounds` rounds of search, whichever ends
    first). With `max_rounds` reached before the time limit, the result depends only on the seed.
    `progress(fraction_done, best_objective)` is called as the search goes; `should_stop()` ends
    it early with the best found so far. `clock` measures the time limit (benchmarks pass
    `time.process_time` to count CPU time, as published solvers do)."""
    started = clock()
    reasons = check(problem)
    if reasons:
        raise Infeasible(reasons)
    units = _units(problem)
    k = len(units.members)
    weight = np.array([len(u) for u in units.members], dtype=np.int64)
    if k == problem.n:  # nobody must be together: every person is a unit of one
        d = np.array(problem.diversity, dtype=np.float64, order="C")
        np.fill_diagonal(d, 0.0)
        constant = 0.0
    else:
        # Diversity between units is the sum over their members; within a unit it is constant.
        merge = np.zeros((k, problem.n))
        for u, members in enumerate(units.members):
            merge[u, members] = 1.0
        d = np.ascontiguousarray(merge @ problem.diversity @ merge.T)
        constant = float(np.trace(d)) / 2.0
        np.fill_diagonal(d, 0.0)
    lo = np.array(problem.lower, dtype=np.int64)
    hi = np.array(problem.upper, dtype=np.int64)
    movable = np.ones(k, dtype=np.bool_)
    start = -np.ones(k, dtype=np.int64)
    for i, g in problem.pinned.items():  # a pin holds the person's whole unit
        start[units.of[i]] = g
        movable[units.of[i]] = False
    pairs = {(units.of[i], units.of[j]) for i, j in problem.apart}
    neighbours: list[list[int]] = [[] for _ in range(k)]
    for a, b in pairs:
        neighbours[a].append(b)
        neighbours[b].append(a)
    adj_ptr = np.zeros(k + 1, dtype=np.int64)
    adj_ptr[1:] = np.cumsum([len(x) for x in neighbours])
    adj = np.array([b for x in neighbours for b in x], dtype=np.int64)

    m = problem.m
    size = np.zeros(m, dtype=np.int64)
    gain = np.zeros((k, m))
    clash = np.zeros((k, m), dtype=np.int32)
    kernel.seed(seed)
    assign = start.copy()
    for _attempt in range(50):
        assign[:] = start
        if kernel.construct(d, weight, movable, lo, hi, adj_ptr, adj, assign, m, size, gain, clash):
            break
    else:
        raise Infeasible(
            [
                "No arrangement was found that keeps every keep-apart pair in different sets "
                "within the size limits. Remove some keep-apart rules, or add sets."
            ]
        )
    budget = _Budget(started, seconds, max_rounds, should_stop, clock)
    if k <= POPULATION_UP_TO:
        best, value = _population(
            (d, weight, movable, lo, hi, adj_ptr, adj), (size, gain, clash), m, assign, start,
            budget, progress, constant,
        )  # fmt: skip
    else:
        best, value = _iterated(
            (d, weight, movable, lo, hi, adj_ptr, adj), (size, gain, clash), m, assign,
            budget, progress, constant,
        )  # fmt: skip
    rounds = budget.rounds
    groups: list[list[int]] = [[] for _ in range(m)]
    for u, group_index in enumerate(best.tolist()):
        groups[group_index].extend(units.members[u])
    for group in groups:
        group.sort()
    if progress is not None:
        progress(1.0, value + constant)
    return Solution(
        groups=groups,
        objective=float(kernel.objective(d, best)) + constant,
        seconds=clock() - started,
        rounds=rounds,
        seed=seed,
        steps=budget.steps,
        best_at=budget.best_at,
    )


type Inputs = tuple[np.ndarray, ...]
type Progress = Callable[[float, float], None] | None


def _population(
    common: Inputs, state: Inputs, m: int, assign: np.ndarray, start: np.ndarray,
    budget: "_Budget", progress: Progress, constant: float,
) -> tuple[np.ndarray, float]:  # fmt: skip
    """The population search (up to POPULATION_UP_TO people): see `_Population`."""
    search = _Population(common, state, m, seed_grouping=assign, start=start)
    last_report = 0.0
    found = search.best_value
    for _round in search.run(budget):
        budget.rounds += 1
        now = budget.clock()
        budget.steps = search.clock
        if search.best_value > found:
            found, budget.best_at = search.best_value, now - budget.started
        if progress is not None and now - last_report > 0.25:  # a few reports a second
            last_report = now
            progress(budget.fraction(), search.best_value + constant)
    return search.best, search.best_value


def _iterated(
    common: Inputs, state: Inputs, m: int, assign: np.ndarray,
    budget: "_Budget", progress: Progress, constant: float,
) -> tuple[np.ndarray, float]:  # fmt: skip
    """Iterated tabu search from one grouping, for large problems: there one descent takes
    seconds, too slow to keep a population, and the search must stop between tabu steps to
    keep to its time. It runs in calls of `chunk` rounds (with a round limit, so that the
    result depends only on the seed) or of `chunk` tabu steps (with a time limit); between
    calls it checks the clock, reports progress and asks whether to stop."""
    d, weight, movable, lo, hi, adj_ptr, adj = common
    size, gain, clash = state
    k = assign.shape[0]
    floor = float(d.min()) if k else 0.0
    until = np.zeros((k, m), dtype=np.int64)
    mean_size = max(2, round(k / m))
    kernel.descend(d, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash)
    best = assign.copy()
    value = found = float(kernel.objective(d, best))
    clock = stale = 0
    chunk = 1 if budget.max_rounds is not None else 100
    per_step = 0.0
    deadline = budget.started + budget.seconds
    while budget.going():
        now = budget.clock()
        if budget.max_rounds is not None:
            todo, stop = min(chunk, budget.max_rounds - budget.rounds), NEVER
        else:  # never plan past the deadline
            steps = chunk if not per_step else int((deadline - now) / per_step)
            todo, stop = NEVER, clock + max(1, min(chunk, steps))
        tick, before = budget.clock(), clock
        value, clock, stale, done = kernel.iterate(
            d, floor, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash, best,
            todo, mean_size, SHIFTS, SLACK, PATIENCE, ITS_DEPTH, mean_size, until, clock, stale,
            stop,
        )  # fmt: skip
        budget.rounds += done
        spent = budget.clock() - tick
        budget.steps = clock
        if value > found:
            found, budget.best_at = value, budget.clock() - budget.started
        per_step = spent / max(1, clock - before)
        # Aim for a few checks of the clock a second.
        if spent < 0.1 and chunk < NEVER // 4:
            chunk *= 2
        elif spent > 0.4 and chunk > 1:
            chunk //= 2
        if progress is not None:
            progress(budget.fraction(), value + constant)
    return best, float(kernel.objective(d, best))


@dataclass
class _Budget:
    """The search's time, its round limit (with one, the result depends only on the seed) and
    the caller's cancel; `rounds` counts operations done."""

    started: float
    seconds: float
    max_rounds: int | None
    should_stop: Callable[[], bool] | None
    clock: Callable[[], float] = time.perf_counter
    rounds: int = 0
    steps: int = 0  # tabu steps
    best_at: float = 0.0  # when the best was found

    def going(self) -> bool:
        if self.clock() >= self.started + self.seconds:
            return False
        if self.max_rounds is not None and self.rounds >= self.max_rounds:
            return False
        return not (self.should_stop is not None and self.should_stop())

    def fraction(self) -> float:
        """How far through its budget the search is: its rounds when they are the limit (so the
        schedule, too, depends only on the seed), else its time."""
        if self.max_rounds:
            return min(1.0, self.rounds / self.max_rounds)
        spent = (self.clock() - self.started) / self.seconds if self.seconds > 0 else 1.0
        return min(1.0, spent)


class _Population:
    """A shrinking population of groupings, each improved after every change (a
    first-improvement descent, then a tabu search to DEPTH steps without a new best). The
    changes: a random kick; a crossover that inherits whole groups from two parents; a directed
    kick that reinserts each set's weakest member. The population starts at SIZE and loses its
    worst member every generation down to FINAL (beyond LARGE people it shrinks linearly with
    the budget spent), and the random kick shrinks from KICK[0] to KICK[1] times the mean set
    size, so the search spreads wide early and settles late (the scheme of TPSDP, Yang et al.
    2022, with the hard rules honoured by every operation); where every set has one size it
    stays at KICK_EQUAL's.

    `run` yields once per operation (a round), so the caller checks the clock, the round limit
    and cancellation between any two."""

    def __init__(
        self,
        common: tuple[np.ndarray, ...],
        state: tuple[np.ndarray, ...],
        m: int,
        *,
        seed_grouping: np.ndarray,
        start: np.ndarray,
    ) -> None:
        self.common, self.state, self.m = common, state, m
        self.start = start
        self.k = len(start)
        self.members: list[np.ndarray] = []
        self.floor = float(common[0].min()) if self.k else 0.0
        self.until = np.zeros((self.k, m), dtype=np.int64)
        self.clock = 0
        self.tenure = max(2, round(self.k / m))
        self.values: list[float] = []
        self.best = seed_grouping.copy()
        self.best_value = -np.inf
        self.best_value = self._improve(self.best)
        self.members.append(self.best.copy())
        self.values.append(self.best_value)

    def _improve(self, assign: np.ndarray, *, fresh: bool = False) -> float:
        """Improve `assign` in place; `fresh` when the state arrays already describe it (the
        kicks, the crossover and the construction leave them so)."""
        d, weight, movable, lo, hi, adj_ptr, adj = self.common
        size, gain, clash = self.state
        if not fresh:
            kernel.rebuild(d, weight, adj_ptr, adj, assign, self.m, size, gain, clash)
        kernel.descend(d, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash)
        found, self.clock = kernel.tabu(
            d, self.floor, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash,
            DEPTH, self.tenure, self.until, self.clock, NEVER, float(kernel.objective(d, assign)),
        )  # fmt: skip
        value = float(found)
        if value > self.best_value + kernel.EPS:
            self.best_value = value
            self.best[:] = assign
        return value

    def _random(self) -> np.ndarray | None:
        d, weight, movable, lo, hi, adj_ptr, adj = self.common
        size, gain, clash = self.state
        assign = self.start.copy()
        for _attempt in range(20):
            assign[:] = self.start
            if kernel.construct(
                d, weight, movable, lo, hi, adj_ptr, adj, assign, self.m, size, gain, clash
            ):
                return assign
        return None

    def run(self, budget: "_Budget") -> Iterator[None]:
        going, fraction = budget.going, budget.fraction
        d, weight, movable, lo, hi, adj_ptr, adj = self.common
        size, gain, clash = self.state
        final = FINAL_SMALL if self.k <= LARGE else FINAL_LARGE
        if self.k > LARGE:
            wide, narrow = KICK_LARGE
        elif np.all(lo == hi):  # sets of one size: only swaps change a grouping
            wide, narrow = KICK_EQUAL
        else:
            wide, narrow = KICK_SMALL
        while len(self.members) < SIZE and going():
            grouping = self._random()
            if grouping is None:
                break
            self.values.append(self._improve(grouping, fresh=True))
            self.members.append(grouping)
            yield
        mean_size = self.k / self.m
        child = np.empty_like(self.start)
        while going():
            spent = fraction()
            kick = max(1, int((wide - (wide - narrow) * spent) * mean_size))
            for i in range(len(self.members)):  # a random kick for every member
                if not going():
                    return
                kernel.rebuild(d, weight, adj_ptr, adj, self.members[i], self.m, size, gain, clash)
                kernel.perturb(
                    d, weight, movable, lo, hi, adj_ptr, adj, self.members[i], size, gain, clash,
                    kick,
                )  # fmt: skip
                self.values[i] = self._improve(self.members[i], fresh=True)
                yield
            if len(self.members) > 1:  # a child of each member and another, kept if no worse
                for i in range(len(self.members)):
                    if not going():
                        return
                    other = (i + 1 + np.random.randint(len(self.members) - 1)) % len(self.members)
                    if kernel.crossover(
                        d, weight, movable, lo, hi, adj_ptr, adj, self.members[i],
                        self.members[other], child, size, gain, clash,
                    ):  # fmt: skip
                        value = self._improve(child, fresh=True)
                        if value >= self.values[i] - kernel.EPS:
                            self.members[i][:] = child
                            self.values[i] = value
                    yield
            for i in range(len(self.members)):  # a directed kick for every member
                if not going():
                    return
                kernel.rebuild(d, weight, adj_ptr, adj, self.members[i], self.m, size, gain, clash)
                kernel.reinsert(
                    d, weight, movable, lo, hi, adj_ptr, adj, self.members[i], size, gain, clash,
                    REINSERTS,
                )  # fmt: skip
                self.values[i] = self._improve(self.members[i], fresh=True)
                yield
            # The best survive as the population shrinks: by one a generation down to `final`
            # (as TPSDP's code does: it spends most of the time on its two best), or, beyond
            # LARGE people, linearly with the budget spent.
            if self.k <= LARGE:
                keep = max(final, len(self.members) - 1)
            else:
                keep = max(final, round(SIZE - (SIZE - final) * fraction()))
            order = np.argsort(self.values)[::-1][:keep]
            self.members = [self.members[i] for i in order]
            self.values = [self.values[i] for i in order]


# The population's shape (TPSDP's published settings, kept after trying others on MDGPLIB; see
# benchmarks/README.md): 15 groupings shrinking by one a generation to 2 (linearly to 1 beyond
# LARGE people); a random kick of 1.2 down to 0.1 times the mean set size (2.0 down to 1.0
# beyond LARGE); three rounds of reinsertion in the directed kick. Where every set has one size
# (and up to LARGE people) the kick stays at 1.2 times the set size to the end: after the tabu
# search a smaller kick mostly leads back to the grouping it left, and the search stalled (see
# benchmarks/README.md, `pop-3`).
SIZE = 15
LARGE = 400
FINAL_SMALL, FINAL_LARGE = 2, 1
KICK_SMALL, KICK_LARGE = (1.2, 0.1), (2.0, 1.0)
KICK_EQUAL = (1.2, 1.2)
REINSERTS = 3
DEPTH = 50  # each descent is followed by a tabu search to 50 steps without a new best
POPULATION_UP_TO = 600  # people (units); beyond, the iterated tabu search

# The iterated tabu search (`its-2`, kept for large problems): each tabu search stops after 100
# steps without a new best; one round in ten (where sizes may vary) kicks by shifting people
# between two sets; explore results within 0.8 % of the best, and go back to the best after
# 1,000 rounds without a new one.
ITS_DEPTH = 100
SHIFTS = 0.1
SLACK = 0.008
PATIENCE = 1000


def objective(diversity: np.ndarray, groups: Sequence[Sequence[int]]) -> float:
    """The summed pairwise diversity within groups, computed afresh (for checks and reports)."""
    total = 0.0
    for group in groups:
        idx = np.asarray(group, dtype=np.int64)
        total += float(diversity[np.ix_(idx, idx)].sum()) / 2.0
    return total
