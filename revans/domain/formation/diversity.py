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


@dataclass(frozen=True)
class _Encoded:
    """An attribute as arrays, so any group's share can be taken without the n x n matrix.
    A numeric attribute's range is the whole pool's, so a group scores the same either way."""

    known: np.ndarray  # bool per person
    codes: np.ndarray  # the value (numeric) or a category code per person
    numeric: bool
    span: float
    weight: float
    similar: bool

    @classmethod
    def of(cls, attribute: Attribute) -> "_Encoded":
        known = np.array([v is not None and v != "" for v in attribute.values], dtype=bool)
        numeric = attribute.kind == Kind.NUMERIC
        if numeric:
            codes = np.array(
                [
                    float(v) if k and v is not None else 0.0
                    for v, k in zip(attribute.values, known, strict=True)
                ]
            )
            span = float(codes[known].max() - codes[known].min()) if known.any() else 0.0
        else:
            labels = {v: c for c, v in enumerate(sorted({str(v) for v in attribute.values}))}
            codes = np.array([labels[str(v)] for v in attribute.values], dtype=np.int64)
            span = 0.0
        return cls(
            known=known,
            codes=codes,
            numeric=numeric,
            span=span,
            weight=attribute.weight,
            similar=attribute.prefer == Prefer.SIMILAR,
        )

    def share(self, idx: np.ndarray) -> np.ndarray:
        """The attribute's share of diversity between every two of these people."""
        known = self.known[idx]
        both = known[:, None] & known[None, :]
        c = self.codes[idx]
        if not self.numeric:
            apart = (c[:, None] != c[None, :]).astype(float)
        elif self.span > 0:
            apart = np.abs(c[:, None] - c[None, :]) / self.span
        else:
            apart = np.zeros((len(idx), len(idx)))
        share = 1.0 - apart if self.similar else apart
        share = np.where(both, share, 0.0) * self.weight
        np.fill_diagonal(share, 0.0)
        return share


def contribution(attribute: Attribute) -> np.ndarray:
    """The attribute's share of diversity between every two people, in [0, weight]."""
    return _Encoded.of(attribute).share(np.arange(len(attribute.values)))


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


@dataclass(frozen=True)
class GroupScore:
    total: float  # the group's part of the objective, repeat penalties included
    by_attribute: dict[str, float]


class GroupScorer:
    """Scores one group at a time in the group's own size, not the pool's: a proposal of
    2,000 people is scored without building the 2,000 x 2,000 matrix."""

    def __init__(
        self,
        attributes: Sequence[Attribute],
        *,
        previously_together: Sequence[tuple[int, int]] = (),
        repeat_penalty: float = 0.0,
    ) -> None:
        self._names = [a.name for a in attributes]
        self._encoded = [_Encoded.of(a) for a in attributes]
        self._repeats = {(min(i, j), max(i, j)) for i, j in previously_together}
        self._penalty = repeat_penalty

    def score(self, group: Sequence[int]) -> GroupScore:
        idx = np.asarray(group, dtype=np.int64)
        by_attribute = {
            name: float(encoded.share(idx).sum()) / 2.0
            for name, encoded in zip(self._names, self._encoded, strict=True)
        }
        members = sorted(int(i) for i in group)
        repeats = sum(
            1 for a, i in enumerate(members) for j in members[a + 1 :] if (i, j) in self._repeats
        )
        total = sum(by_attribute.values()) - repeats * self._penalty
        return GroupScore(total=total, by_attribute=by_attribute)


def breakdown(attributes: Sequence[Attribute], group: Sequence[int]) -> dict[str, float]:
    """Each attribute's share of a group's diversity, for the facilitator's table."""
    return GroupScorer(attributes).score(group).by_attribute


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
