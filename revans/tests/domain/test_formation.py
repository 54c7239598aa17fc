"""The set-formation solver: hard rules always hold, the objective is honest, optima are found."""

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revans.domain.formation import Infeasible, Problem, check, kernel, objective, solve
from revans.domain.formation.diversity import (
    Attribute,
    GroupScorer,
    Kind,
    Prefer,
    breakdown,
    diversity_matrix,
    isolated,
)
from revans.domain.formation.mdgp import main as mdgp_main
from revans.domain.formation.mdgp import read_instance

MDGP = Path(__file__).resolve().parents[4] / "shared" / "benchmarks" / "mdgp"


@st.composite
def problems(draw):
    m = draw(st.integers(1, 5))
    lower = [draw(st.integers(1, 4)) for _ in range(m)]
    upper = [a + draw(st.integers(0, 3)) for a in lower]
    n = draw(st.integers(sum(lower), sum(upper)))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    # "Similar" attributes and repeat penalties make some diversities negative.
    d = rng.random((n, n)) * 10 - draw(st.sampled_from([0.0, 4.0]))
    d = np.triu(d, 1)
    d = d + d.T
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    apart = draw(st.lists(pairs, max_size=n // 2))
    together = draw(st.lists(pairs, max_size=2))
    pinned = draw(st.dictionaries(st.integers(0, n - 1), st.integers(0, m - 1), max_size=2))
    return Problem(
        diversity=d, lower=lower, upper=upper, apart=apart, together=together, pinned=pinned
    )


def assert_keeps_every_rule(problem, solve_it):
    try:
        solution = solve_it()
    except Infeasible as error:
        assert error.reasons  # refused with words, never silently
        return
    placed = sorted(i for group in solution.groups for i in group)
    assert placed == list(range(problem.n))  # everyone exactly once
    where = {i: g for g, group in enumerate(solution.groups) for i in group}
    for g, group in enumerate(solution.groups):
        assert problem.lower[g] <= len(group) <= problem.upper[g]
    for i, j in problem.apart:
        assert where[i] != where[j]
    for i, j in problem.together:
        assert where[i] == where[j]
    for i, g in problem.pinned.items():
        assert where[i] == g
    assert solution.objective == pytest.approx(objective(problem.diversity, solution.groups))


@settings(max_examples=150, deadline=None)
@given(problem=problems(), seed=st.integers(0, 1000))
def test_every_solution_keeps_every_rule(problem, seed):
    assert_keeps_every_rule(problem, lambda: solve(problem, seconds=5, seed=seed, max_rounds=20))


@settings(max_examples=40, deadline=None)
@given(problem=problems(), seed=st.integers(0, 1000))
def test_a_search_stopped_by_the_clock_keeps_every_rule(problem, seed):
    # With a time limit the search is cut between tabu steps, mid-round; what it returns then
    # must be as sound as a finished search.
    assert_keeps_every_rule(problem, lambda: solve(problem, seconds=0.02, seed=seed))


@pytest.mark.parametrize("seed", range(20))
def test_a_tabu_step_takes_the_best_move_or_swap(seed):
    # The bound that skips swaps unscored must never skip the best one (negative diversities too).
    rng = np.random.default_rng(seed)
    n, m = 14, 4
    d = np.triu(rng.random((n, n)) * 10 - 4, 1)
    d = d + d.T
    lo, hi = np.full(m, 2, dtype=np.int64), np.full(m, 5, dtype=np.int64)
    assign = rng.permutation(np.arange(n) % m).astype(np.int64)
    weight, movable = np.ones(n, dtype=np.int64), np.ones(n, dtype=np.bool_)
    adj_ptr, adj = np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    size, gain = np.zeros(m, dtype=np.int64), np.zeros((n, m))
    clash, until = np.zeros((n, m), dtype=np.int32), np.zeros((n, m), dtype=np.int64)
    kernel.rebuild(d, weight, adj_ptr, adj, assign, m, size, gain, clash)
    before = kernel.objective(d, assign)

    def worth(grouping):
        sizes = np.bincount(grouping, minlength=m)
        return kernel.objective(d, grouping) if np.all((lo <= sizes) & (sizes <= hi)) else -np.inf

    neighbours = []
    for i in range(n):
        for g in range(m):
            moved = assign.copy()
            moved[i] = g
            neighbours.append(worth(moved))
        for j in range(n):
            swapped = assign.copy()
            swapped[i], swapped[j] = assign[j], assign[i]
            neighbours.append(worth(swapped))
    expected = max(before, max(neighbours))
    value, _ = kernel.tabu(
        d, float(d.min()), weight, movable, lo, hi, adj_ptr, adj, assign, size, gain, clash,
        1, 2, until, 0, 1, before,
    )  # fmt: skip
    assert value == pytest.approx(expected)
    assert kernel.objective(d, assign) == pytest.approx(expected)


def test_the_same_seed_gives_the_same_groups():
    rng = np.random.default_rng(3)
    d = rng.random((30, 30))
    d = np.triu(d, 1) + np.triu(d, 1).T
    problem = Problem(diversity=d, lower=[4] * 6, upper=[6] * 6, apart=[(0, 1), (2, 3)])
    first = solve(problem, seconds=30, seed=7, max_rounds=300)
    again = solve(problem, seconds=30, seed=7, max_rounds=300)
    assert first.groups == again.groups
    assert first.rounds == again.rounds == 300


@pytest.mark.parametrize(
    ("problem", "words"),
    [
        (Problem(np.zeros((7, 7)), lower=[4, 4], upper=[6, 6]), "7 people cannot fill 2 sets"),
        (Problem(np.zeros((13, 13)), lower=[4, 4], upper=[6, 6]), "13 people do not fit in 2 sets"),
        (
            Problem(
                np.zeros((8, 8)), lower=[4, 4], upper=[4, 4], apart=[(0, 1)], together=[(0, 1)]
            ),
            "person 1 and person 2 must be kept apart, but the keep-together rules",
        ),
        (
            Problem(
                np.zeros((8, 8)),
                lower=[4, 4],
                upper=[4, 4],
                together=[(0, 1), (1, 2), (2, 3), (3, 4)],
            ),
            "must be together, but the largest set holds 4",
        ),
        (
            Problem(
                np.zeros((8, 8)), lower=[4, 4], upper=[4, 4], apart=[(0, 1)], pinned={0: 1, 1: 1}
            ),
            "must be kept apart but are pinned to the same set",
        ),
        (
            Problem(
                np.zeros((8, 8)), lower=[4, 4], upper=[4, 4], together=[(0, 1)], pinned={0: 0, 1: 1}
            ),
            "must be together but are pinned to different sets",
        ),
    ],
)
def test_impossible_rules_are_explained_before_searching(problem, words):
    assert any(words in reason for reason in check(problem))
    with pytest.raises(Infeasible, match=words):
        solve(problem, seconds=1)


def test_a_keep_apart_rule_that_cannot_hold_in_practice_is_explained():
    # Three people who must all be apart, but only two sets.
    problem = Problem(np.ones((6, 6)), lower=[3, 3], upper=[3, 3], apart=[(0, 1), (1, 2), (0, 2)])
    with pytest.raises(
        Infeasible, match="No arrangement was found that keeps every keep-apart pair"
    ):
        solve(problem, seconds=1)


def _optima() -> list[dict[str, str]]:
    with (MDGP / "reference.csv").open() as file:
        rows = [r for r in csv.DictReader(file) if r["kind"] == "proven_optimum"]
    return rows[::8]  # a spread of them; the benchmark runs all 80


@pytest.mark.parametrize("row", _optima(), ids=lambda r: r["instance"])
def test_proven_optima_are_reached(row):
    problem = read_instance(MDGP / "instances" / f"{row['instance']}.txt")
    solution = solve(problem, seconds=30, seed=1, max_rounds=200)
    assert solution.objective == pytest.approx(float(row["reference"]), rel=1e-6)


def test_the_command_line_prints_json(capsys):
    instance = MDGP / "instances" / "Geo_n010_ss_01.txt"
    assert mdgp_main([str(instance), "--seconds", "1", "--seed", "3"]) == 0
    import json

    result = json.loads(capsys.readouterr().out)
    assert set(result) >= {"objective", "groups", "seconds"}
    assert sorted(i for g in result["groups"] for i in g) == list(range(10))
    assert result["objective"] == pytest.approx(
        objective(read_instance(instance).diversity, result["groups"])
    )


def test_diversity_from_attributes():
    department = Attribute("department", ["Ops", "Ops", "IT", None])
    level = Attribute("level", [1, 3, 5, 5], kind=Kind.NUMERIC, weight=2.0)
    zone = Attribute("time zone", ["UK", "UK", "US", "UK"], prefer=Prefer.SIMILAR, weight=0.5)
    d = diversity_matrix(
        [department, level, zone], n=4, previously_together=[(0, 1)], repeat_penalty=1.0
    )
    assert d[0, 1] == pytest.approx(0 + 2.0 * 2 / 4 + 0.5 - 1.0)
    assert d[0, 2] == pytest.approx(1 + 2.0 * 4 / 4 + 0)
    assert d[2, 3] == pytest.approx(0 + 0 + 0)  # department unknown for 3: counts as neither
    assert (d == d.T).all() and (np.diag(d) == 0).all()
    assert breakdown([department, level], [0, 1, 2]) == pytest.approx(
        {"department": 2.0, "level": 4.0}
    )


def test_isolated_people_are_found():
    gender = ["F", "M", "M", "F", "F", "M"]
    assert isolated(gender, [[0, 1, 2], [3, 4, 5]]) == [(0, 0), (1, 5)]


def test_fewer_people_are_left_alone_and_rules_still_hold():
    from revans.domain.formation.isolation import reduce_isolation

    rng = np.random.default_rng(5)
    n = 24
    gender = ["F" if i % 3 == 0 else "M" for i in range(n)]  # 8 women, 16 men
    d = rng.random((n, n))
    d = np.triu(d, 1) + np.triu(d, 1).T
    problem = Problem(diversity=d, lower=[4] * 6, upper=[4] * 6, apart=[(1, 4), (2, 5), (6, 12)])
    groups = [list(range(4 * k, 4 * k + 4)) for k in range(6)]  # four women are alone
    before = isolated(gender, groups)
    after_groups = reduce_isolation(problem, groups, gender)
    assert len(isolated(gender, after_groups)) < len(before)
    where = {i: g for g, group in enumerate(after_groups) for i in group}
    assert sorted(where) == list(range(n)) and all(len(g) == 4 for g in after_groups)
    assert all(where[a] != where[b] for a, b in problem.apart)


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_group_scores_the_same_without_the_whole_matrix(data):
    """GroupScorer works in the group's size; its totals are the objective's terms exactly."""
    n = data.draw(st.integers(2, 14))
    values = st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))
    numbers = st.one_of(st.none(), st.integers(0, 9).map(float))
    attributes = [
        Attribute("cat", data.draw(st.lists(values, min_size=n, max_size=n)), weight=2.0),
        Attribute(
            "num",
            data.draw(st.lists(numbers, min_size=n, max_size=n)),
            kind=Kind.NUMERIC,
            prefer=data.draw(st.sampled_from(list(Prefer))),
        ),
    ]
    pairs = data.draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1))))
    repeats = sorted({(min(a, b), max(a, b)) for a, b in pairs if a != b})
    d = diversity_matrix(attributes, n=n, previously_together=repeats, repeat_penalty=1.5)
    group = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))
    scored = GroupScorer(attributes, previously_together=repeats, repeat_penalty=1.5).score(group)
    assert scored.total == pytest.approx(objective(d, [group]))
    assert sum(scored.by_attribute.values()) == pytest.approx(
        objective(diversity_matrix(attributes, n=n), [group])
    )
