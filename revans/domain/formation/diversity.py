"""How different two people are, from their attributes, with the facilitator's weights.

Categorical attributes (department, site) count 1 when two people differ; numeric ones (job
level, years) count their distance over the attribute's range. Per attribute the facilitator
may prefer people to be different (the default: diversity) or similar (CATME Team-Maker's idea,
e.g. a shared time zone). Missing values count as neither.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np


class Kind(StrEnum):
    CATEGORICAL = "categorical"
    NUMERIC = "numeric"


class Prefer(StrEnum):
    DIFFERENT = "different"
    SIMILAR = "similar"


@dataclass(frozen=True)
class Attribute:
    name: str
    values: Sequence[str | float | None]
    kind: Kind = Kind.CATEGORICAL
    weight: float = 1.0
    prefer: Prefer = Prefer.DIFFERENT


def contribution(attribute: Attribute) -> np.ndarray:
    """The attribute's share of diversity between every two people, in [0, weight]."""
    n = len(attribute.values)
    known = np.array([v is not None and v != "" for v in attribute.values])
    both = known[:, None] & known[None, :]
    if attribute.kind == Kind.NUMERIC:
        x = np.array(
            [
                float(v) if k and v is not None else 0.0
                for v, k in zip(attribute.values, known, strict=True)
            ]
        )
        span = float(x[known].max() - x[known].min()) if known.any() else 0.0
        apart = np.abs(x[:, None] - x[None, :]) / span if span > 0 else np.zeros((n, n))
    else:
        codes = {v: c for c, v in enumerate(sorted({str(v) for v in attribute.values}))}
        c = np.array([codes[str(v)] for v in attribute.values])
        apart = (c[:, None] != c[None, :]).astype(float)
    share = apart if attribute.prefer == Prefer.DIFFERENT else 1.0 - apart
    share = np.where(both, share, 0.0) * attribute.weight
    np.fill_diagonal(share, 0.0)
    return share


def diversity_matrix(
    attributes: Sequence[Attribute],
    *,
    n: int,
    previously_together: Sequence[tuple[int, int]] = (),
    repeat_penalty: float = 0.0,
) -> np.ndarray:
    """The summed, weighted diversity between every two people; pairs who were together in an
    earlier programme lose `repeat_penalty`, so the search prefers new combinations."""
    d = np.zeros((n, n))
    for attribute in attributes:
        if len(attribute.values) != n:
            raise ValueError(f"{attribute.name}: {len(attribute.values)} values for {n} people")
        d += contribution(attribute)
    for i, j in previously_together:
        d[i, j] -= repeat_penalty
        d[j, i] -= repeat_penalty
    return d


def breakdown(attributes: Sequence[Attribute], group: Sequence[int]) -> dict[str, float]:
    """Each attribute's share of a group's diversity, for the facilitator's table."""
    idx = np.asarray(group, dtype=np.int64)
    return {a.name: float(contribution(a)[np.ix_(idx, idx)].sum()) / 2.0 for a in attributes}


def isolated(
    values: Sequence[str | None], groups: Sequence[Sequence[int]]
) -> list[tuple[int, int]]:
    """(group, person) for everyone who is the only one in their group with their value."""
    lonely = []
    for g, group in enumerate(groups):
        counts: dict[str, int] = {}
        for i in group:
            if values[i]:
                counts[str(values[i])] = counts.get(str(values[i]), 0) + 1
        lonely += [(g, i) for i in group if values[i] and counts[str(values[i])] == 1]
    return lonely
