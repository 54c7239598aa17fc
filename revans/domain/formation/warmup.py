"""Compile the search kernel once, so that the first real run spends its time limit searching.

Numba caches the machine code beside the source (`__pycache__`); `make install` runs this. Both
searches run through every operation: the population (its kicks, crossover and reinsertion
compile only once the starting groupings are made) and the iterated search for large problems.
"""

import time

import numpy as np

from .solver import POPULATION_UP_TO, SIZE, Problem, solve


def main() -> None:
    started = time.perf_counter()
    rng = np.random.default_rng(0)
    d = rng.random((12, 12))
    d = np.triu(d, 1) + np.triu(d, 1).T
    problem = Problem(
        diversity=d, lower=[2, 3, 3], upper=[5, 5, 4], apart=[(0, 1)], together=[(2, 3)]
    )
    solve(problem, seconds=60, seed=0, max_rounds=4 * SIZE)
    n = POPULATION_UP_TO + 1
    d = rng.random((n, n))
    d = np.triu(d, 1) + np.triu(d, 1).T
    sets = n // 5 + 1
    solve(Problem(diversity=d, lower=[4] * sets, upper=[6] * sets), seconds=60, max_rounds=2)
    print(f"Set-formation kernel ready ({time.perf_counter() - started:.1f} s).")


if __name__ == "__main__":
    main()
