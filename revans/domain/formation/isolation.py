"""Avoid leaving someone alone with an attribute in a set (the only woman among men, say).

After the search, swap people between sets so that fewer are alone with their value, each time
by the swap that costs the least diversity and keeps every hard rule. Whoever is still alone
afterwards is reported by `isolated`, so the facilitator can decide.
"""

from collections.abc import Sequence

from .diversity import isolated
from .solver import Problem


def reduce_isolation(
    problem: Problem,
    groups: Sequence[Sequence[int]],
    values: Sequence[str | None],
    max_swaps: int = 200,
) -> list[list[int]]:
    result = [list(group) for group in groups]
    d = problem.diversity
    apart = {(min(a, b), max(a, b)) for a, b in problem.apart}
    fixed = {i for pair in problem.together for i in pair} | set(problem.pinned)

    def allowed(person: int, group: list[int], leaving: int) -> bool:
        return not any((min(person, k), max(person, k)) in apart for k in group if k != leaving)

    def change(i: int, g: int, j: int, h: int) -> float:
        """What swapping i (in set g) with j (in set h) adds to the total diversity."""
        rest_g = [k for k in result[g] if k != i]
        rest_h = [k for k in result[h] if k != j]
        return float(
            d[j, rest_g].sum() + d[i, rest_h].sum() - d[i, rest_g].sum() - d[j, rest_h].sum()
        )

    for _round in range(max_swaps):
        lonely = isolated(values, result)
        if not lonely:
            break
        best: tuple[int, float, int, int, int, int] | None = None
        for g, i in lonely:
            if i in fixed:
                continue
            for h, other in enumerate(result):
                for j in other if h != g else ():
                    if j in fixed or values[j] == values[i]:
                        continue
                    if not (allowed(i, other, j) and allowed(j, result[g], i)):
                        continue
                    result[g][result[g].index(i)] = j
                    result[h][result[h].index(j)] = i
                    left = len(isolated(values, result))
                    result[g][result[g].index(j)] = i
                    result[h][result[h].index(i)] = j
                    if left < len(lonely):
                        candidate = (left, -change(i, g, j, h), g, h, i, j)
                        if best is None or candidate[:2] < best[:2]:
                            best = candidate
        if best is None:
            break
        _, _, g, h, i, j = best
        result[g][result[g].index(i)] = j
        result[h][result[h].index(j)] = i
    for group in result:
        group.sort()
    return result
