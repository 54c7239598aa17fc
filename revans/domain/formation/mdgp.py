"""Solve one MDGPLIB instance and print the result as JSON.

    python -m revans.domain.formation.mdgp INSTANCE_FILE --seconds S --seed K

The file's first line is `n m ss|ds a_1 b_1 ... a_m b_m`; then one `i j d_ij` line per pair
(0-based). Prints {"objective", "groups", "seconds", ...}.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from .solver import Infeasible, Problem, objective, solve


def read_instance(path: Path) -> Problem:
    with path.open() as file:
        head = file.readline().split()
        n, m = int(head[0]), int(head[1])
        bounds = [int(x) for x in head[3 : 3 + 2 * m]]
        data = np.loadtxt(file, ndmin=2)
    diversity = np.zeros((n, n))
    if data.size:
        i, j = data[:, 0].astype(int), data[:, 1].astype(int)
        diversity[i, j] = data[:, 2]
        diversity[j, i] = data[:, 2]
    return Problem(diversity=diversity, lower=bounds[0::2], upper=bounds[1::2])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("instance", type=Path)
    parser.add_argument("--seconds", type=float, required=True, help="time limit (wall clock)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="count the limit in CPU time from after the file is read (as TPSDP counts its own)",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    problem = read_instance(args.instance)
    if args.cpu:
        remaining, clock = args.seconds, time.process_time
    else:  # the clock runs from the start: reading the file counts against the limit
        remaining = max(0.0, args.seconds - (time.perf_counter() - started))
        clock = time.perf_counter
    try:
        solution = solve(problem, seconds=remaining, seed=args.seed, clock=clock)
    except Infeasible as error:
        print(json.dumps({"error": "infeasible", "reasons": error.reasons}))
        return 1
    result = {
        "instance": args.instance.stem,
        "objective": objective(problem.diversity, solution.groups),
        "groups": solution.groups,
        "seconds": round(time.perf_counter() - started, 3),
        "seed": args.seed,
        "rounds": solution.rounds,
        "steps": solution.steps,
        "best_at": round(solution.best_at, 3),
        "solver": solution.version,
    }
    json.dump(result, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
