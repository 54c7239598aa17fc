"""Benchmark: the real use. 2,000 people in 400 sets of 4-6, five attributes, 1,500 keep-apart
pairs (managers and their direct reports), solved in 30 s and compared with 10 times longer.

    .venv/bin/python benchmarks/formation_large.py [--seconds 30] [--factor 10] [--seed 1]
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from revans.domain.formation import Problem, objective, solve
from revans.domain.formation.diversity import Attribute, Kind, diversity_matrix


def generate(
    n: int = 2000, sets: int = 400, apart_pairs: int = 1500, seed: int = 11
) -> tuple[Problem, list[Attribute]]:
    """A synthetic organisation: departments, sites, levels, gender, tenure and an org chart."""
    rng = np.random.default_rng(seed)
    departments = [f"Dept {i}" for i in range(15)]
    sites = [f"Site {i}" for i in range(8)]
    level = rng.choice([1, 2, 3, 4, 5, 6], size=n, p=[0.3, 0.25, 0.2, 0.13, 0.08, 0.04])
    attributes = [
        Attribute("department", list(rng.choice(departments, size=n)), weight=3.0),
        Attribute("site", list(rng.choice(sites, size=n)), weight=2.0),
        Attribute("job level", [float(x) for x in level], kind=Kind.NUMERIC, weight=1.5),
        Attribute(
            "gender", list(rng.choice(["F", "M", "X"], size=n, p=[0.48, 0.48, 0.04])), weight=1.0
        ),
        Attribute(
            "tenure", [float(x) for x in rng.integers(0, 30, size=n)], kind=Kind.NUMERIC, weight=0.5
        ),
    ]
    # Everyone but the most senior reports to someone more senior: an org chart.
    order = np.argsort(-level, kind="stable")
    manager = {}
    for rank, person in enumerate(order[1:], start=1):
        seniors = order[: max(1, rank // 3)]
        manager[int(person)] = int(rng.choice(seniors))
    edges = list(manager.items())
    chosen = rng.choice(len(edges), size=apart_pairs, replace=False)
    apart = [edges[i] for i in sorted(chosen)]
    d = diversity_matrix(attributes, n=n)
    return Problem(diversity=d, lower=[4] * sets, upper=[6] * sets, apart=apart), attributes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--factor", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    problem, _ = generate()
    figures: dict[str, object] = {
        "people": problem.n,
        "sets": problem.m,
        "apart_pairs": len(problem.apart),
    }
    for label, seconds in (("short", args.seconds), ("long", args.seconds * args.factor)):
        started = time.perf_counter()
        solution = solve(problem, seconds=seconds, seed=args.seed)
        where = {i: g for g, group in enumerate(solution.groups) for i in group}
        feasible = all(4 <= len(g) <= 6 for g in solution.groups) and all(
            where[i] != where[j] for i, j in problem.apart
        )
        figures[label] = {
            "limit_s": seconds,
            "seconds": round(time.perf_counter() - started, 2),
            "objective": round(objective(problem.diversity, solution.groups), 3),
            "rounds": solution.rounds,
            "feasible": feasible,
        }
    short, long = figures["short"], figures["long"]  # type: ignore[index]
    figures["short_vs_long_gap_pct"] = round(
        (long["objective"] - short["objective"]) / long["objective"] * 100,
        4,  # type: ignore[index]
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
