"""Form groups: n elements, m groups, group g holding between lower[g] and upper[g] (by weight),
maximising the summed pairwise diversity within groups, under hard rules.

Pure: NumPy arrays and dataclasses in, a Solution out. The search itself is in `kernel`.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from . import kernel

VERSION = "its-2"
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
) -> Solution:
    """The best grouping found within `seconds` (or `max_rounds` rounds of search, whichever ends
    first). With `max_rounds` reached before the time limit, the result depends only on the seed.
    `progress(fraction_done, best_objective)` is called as the search goes; `should_stop()` ends
    it early with the best found so far."""
    started = time.perf_counter()
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
    # The search's fixed inputs, then its state: the grouping and the tabu list with its clock.
    # The mean set size (in units) sets both the tabu tenure and the size of a kick.
    floor = float(d.min()) if k else 0.0
    common = (d, floor, weight, movable, lo, hi, adj_ptr, adj)
    until = np.zeros((k, m), dtype=np.int64)
    mean_size = max(2, round(k / m))
    kernel.descend(d, weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash)
    best = assign.copy()
    # The search runs in calls of `chunk` rounds (with max_rounds, so that the result depends only
    # on the seed) or of `chunk` tabu steps (with a time limit: a round on thousands of people can
    # take seconds). Between calls we check the clock, report progress and ask whether to stop.
    clock = rounds = stale = 0
    chunk = 1 if max_rounds is not None else 100
    per_step = 0.0
    deadline = started + seconds
    while True:
        now = time.perf_counter()
        if now >= deadline or (max_rounds is not None and rounds >= max_rounds):
            break
        if should_stop is not None and should_stop():
            break
        if max_rounds is not None:
            todo, stop = min(chunk, max_rounds - rounds), NEVER
        else:  # never plan past the deadline
            steps = chunk if not per_step else int((deadline - now) / per_step)
            todo, stop = NEVER, clock + max(1, min(chunk, steps))
        tick, before = time.perf_counter(), clock
        value, clock, stale, done = kernel.iterate(
            *common, assign, size, gain, clash, best,
            todo, mean_size, SHIFTS, SLACK, PATIENCE, DEPTH, mean_size, until, clock, stale, stop,
        )  # fmt: skip
        rounds += done
        spent = time.perf_counter() - tick
        per_step = spent / max(1, clock - before)
        # Aim for a few checks of the clock a second.
        if spent < 0.1 and chunk < NEVER // 4:
            chunk *= 2
        elif spent > 0.4 and chunk > 1:
            chunk //= 2
        if progress is not None:
            fraction = (time.perf_counter() - started) / seconds
            if max_rounds:
                fraction = max(fraction, rounds / max_rounds)
            progress(min(1.0, fraction), value + constant)
    groups: list[list[int]] = [[] for _ in range(m)]
    for u, group_index in enumerate(best.tolist()):
        groups[group_index].extend(units.members[u])
    for group in groups:
        group.sort()
    return Solution(
        groups=groups,
        objective=float(kernel.objective(d, best)) + constant,
        seconds=time.perf_counter() - started,
        rounds=rounds,
        seed=seed,
    )


# Chosen on MDGPLIB's instances (benchmarks/README.md): each tabu search stops after 100 steps
# without a new best; one round in ten (where sizes may vary) kicks by shifting people between
# two sets; explore results within 0.8 % of the best, and go back to the best after 1,000 rounds
# without a new one.
DEPTH = 100
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
