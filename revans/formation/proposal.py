"""Between the pool and the solver: gather the people a run is about, build the solver's problem,
score a proposal set by set, and flag the rules a hand-made move breaks."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revans.domain.formation import Problem, objective
from revans.domain.formation.diversity import (
    Attribute,
    GroupScorer,
    Kind,
    diversity_matrix,
    isolated,
)
from revans.programmes.models import Participant, Programme, SetMembership

from .inputs import RunInputs

BUILT_IN = {
    "department": gettext_lazy("Department"),
    "site": gettext_lazy("Site"),
    "job_level": gettext_lazy("Job level"),
}
RANDOM_SPLITS = 20

type Groups = Sequence[Sequence[int]]  # participant ids per proposed set


def attribute_fields(people: Sequence[Participant]) -> dict[str, str]:
    """Every attribute the pool has, field -> label: the built-in ones and imported extras."""
    fields = {name: str(label) for name, label in BUILT_IN.items()}
    for key in sorted({k for p in people for k in p.attributes}):
        fields[f"attr:{key}"] = key.replace("_", " ").capitalize()
    return fields


def value(person: Participant, name: str) -> str:
    if name.startswith("attr:"):
        return str(person.attributes.get(name[5:], "") or "")
    return str(getattr(person, name) or "")


def _numeric(values: Sequence[str]) -> bool:
    present = [v for v in values if v]
    try:
        [float(v) for v in present]
    except ValueError:
        return False
    return bool(present)


def attributes(inputs: RunInputs, people: Sequence[Participant]) -> list[Attribute]:
    chosen = []
    for weighting in inputs.attributes:
        if not weighting.weight:
            continue
        values = [value(p, weighting.field) for p in people]
        numeric = _numeric(values)
        chosen.append(
            Attribute(
                name=weighting.label,
                values=[float(v) if numeric and v else (v or None) for v in values],
                kind=Kind.NUMERIC if numeric else Kind.CATEGORICAL,
                weight=float(weighting.weight),
                prefer=weighting.prefer,
            )
        )
    return chosen


@dataclass
class Pool:
    """The people of a run and the rules about them, indexed 0..n-1 as the solver sees them;
    everything but the n x n diversity matrix, which only the solver needs."""

    inputs: RunInputs
    people: list[Participant]
    index: dict[int, int]  # participant id -> position
    attributes: list[Attribute]
    apart: list[tuple[int, int]]
    together: list[tuple[int, int]]
    pinned: dict[int, int]
    repeats: list[tuple[int, int]]
    repeat_penalty: float

    def positions(self, groups: Groups) -> list[list[int]]:
        return [[self.index[pk] for pk in group if pk in self.index] for group in groups]

    def problem(self) -> Problem:
        n, k = len(self.people), self.inputs.sets
        d = diversity_matrix(
            self.attributes,
            n=n,
            previously_together=self.repeats,
            repeat_penalty=self.repeat_penalty,
        )
        return Problem(
            diversity=d,
            pinned=self.pinned,
            lower=[self.inputs.lower] * k,
            upper=[self.inputs.upper] * k,
            apart=self.apart,
            together=self.together,
            names=[p.name for p in self.people],
        )

    def scorer(self) -> GroupScorer:
        return GroupScorer(
            self.attributes,
            previously_together=self.repeats,
            repeat_penalty=self.repeat_penalty,
        )


def gather(programme: Programme, inputs: RunInputs) -> Pool:
    """The run's people as they are now, with the rules the organisation always keeps."""
    by_id = {
        p.pk: p
        for p in Participant.objects.filter(
            organisation=programme.organisation, pk__in=inputs.people
        )
    }
    people = [by_id[pk] for pk in inputs.people if pk in by_id]
    index = {p.pk: i for i, p in enumerate(people)}
    chosen = attributes(inputs, people)
    # A manager is never in the same set as their direct report.
    pairs = [(p.pk, p.manager_id) for p in people if p.manager_id in index]
    pairs += [(a, b) for a, b in inputs.apart if a in index and b in index]
    apart = {(min(index[a], index[b]), max(index[a], index[b])) for a, b in pairs if a != b}
    together = [(index[a], index[b]) for a, b in inputs.together if a in index and b in index]
    return Pool(
        inputs=inputs,
        people=people,
        index=index,
        attributes=chosen,
        apart=sorted(apart),
        together=together,
        pinned={index[pk]: g for pk, g in inputs.pinned if pk in index},
        repeats=_previously_together(programme, index) if inputs.avoid_repeats else [],
        repeat_penalty=sum(a.weight for a in chosen) or 1.0,
    )


def _previously_together(programme: Programme, index: dict[int, int]) -> list[tuple[int, int]]:
    """Pairs of these people who shared a set in another programme."""
    rows = (
        SetMembership.objects.filter(participant_id__in=index)
        .exclude(learning_set__programme=programme)
        .values_list("learning_set_id", "participant_id")
    )
    by_set: dict[int, list[int]] = {}
    for set_id, participant_id in rows:
        by_set.setdefault(set_id, []).append(index[participant_id])
    pairs = {
        (min(a, b), max(a, b)) for members in by_set.values() for a, b in combinations(members, 2)
    }
    return sorted(pairs)


def random_split_objective(d: np.ndarray, sizes: Sequence[int], seed: int) -> float:
    """The average objective of random splits into the same set sizes: what chance would give."""
    rng = np.random.default_rng(seed)
    n = d.shape[0]
    cuts = np.cumsum(sizes)[:-1]
    total = 0.0
    for _split in range(RANDOM_SPLITS):
        total += objective(d, [part.tolist() for part in np.split(rng.permutation(n), cuts)])
    return total / RANDOM_SPLITS


def set_scores(
    pool: Pool, groups: Groups, only: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """What the run stores per set: its diversity and the share of each attribute. With `only`
    (set indexes), just those sets are scored, in that order."""
    scorer = pool.scorer()
    positions = pool.positions(groups)
    chosen = range(len(positions)) if only is None else only
    return [
        {"total": s.total, "by_attribute": s.by_attribute}
        for s in (scorer.score(positions[g]) for g in chosen)
    ]


@dataclass
class SetScore:
    number: int
    members: list[Participant]
    total: float
    by_attribute: dict[str, float]
    flags: list[str] = field(default_factory=list)


def proposal(pool: Pool, groups: Groups, scores: Sequence[dict[str, Any]]) -> list[SetScore]:
    """Each proposed set's members and stored scores, with the rules it breaks."""
    positions = pool.positions(groups)
    where = {i: g for g, group in enumerate(positions) for i in group}
    sets = [
        SetScore(
            number=g + 1,
            members=[pool.people[i] for i in group],
            total=float(score["total"]),
            by_attribute=dict(score["by_attribute"]),
        )
        for g, (group, score) in enumerate(zip(positions, scores, strict=True))
    ]
    lo, hi = pool.inputs.lower, pool.inputs.upper
    for s in sets:
        if not lo <= len(s.members) <= hi:
            s.flags.append(
                _("%(n)s members, outside %(lo)s to %(hi)s.")
                % {"n": len(s.members), "lo": lo, "hi": hi}
            )
    for i, j in pool.apart:
        if i in where and where.get(i) == where.get(j):
            sets[where[i]].flags.append(
                _("%(a)s and %(b)s should be in different sets.")
                % {"a": pool.people[i].name, "b": pool.people[j].name}
            )
    for i, j in pool.together:
        if i in where and where.get(i) != where.get(j):
            sets[where[i]].flags.append(
                _("%(a)s and %(b)s should be in the same set.")
                % {"a": pool.people[i].name, "b": pool.people[j].name}
            )
    if pool.inputs.isolation:
        values = [value(p, pool.inputs.isolation) or None for p in pool.people]
        for g, i in isolated(values, positions):
            sets[g].flags.append(
                _("%(name)s is the only one with %(value)s in this set.")
                % {"name": pool.people[i].name, "value": values[i]}
            )
    return sets
