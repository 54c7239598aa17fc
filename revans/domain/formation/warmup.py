"""Compile the search kernel once, so that the first real run spends its time limit searching.

Numba caches the machine code beside the source (`__pycache__`); `make install` runs this.
"""

import time

import numpy as np

from .solver import Problem, solve


def main() -> None:
    started = time.perf_counter()
    rng = np.random.default_rng(0)
    d = rng.random((12, 12))
    d = np.triu(d, 1) + np.triu(d, 1).T
    problem = Problem(
        diversity=d, lower=[2, 3, 3], upper=[5, 5, 4], apart=[(0, 1)], together=[(2, 3)]
    )
    solve(problem, seconds=60, seed=0, max_rounds=3)
    print(f"Set-formation kernel ready ({time.perf_counter() - started:.1f} s).")


if __name__ == "__main__":
    main()
