"""Between the pool and the solver: build a formation problem from people, score a proposal."""

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
    Kind,
    Prefer,
    breakdown,
    diversity_matrix,
    isolated,
)

from .models import Participant, Programme, SetMembership

BUILT_IN = {
    "department": gettext_lazy("Department"),
    "site": gettext_lazy("Site"),
    "job_level": gettext_lazy("Job level"),
}
RANDOM_SPLITS = 20


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


def attributes(inputs: dict[str, Any], people: Sequence[Participant]) -> list[Attribute]:
    chosen = []
    for spec in inputs["attributes"]:
        if not spec["weight"]:
            continue
        values = [value(p, spec["field"]) for p in people]
        numeric = _numeric(values)
        chosen.append(
            Attribute(
                name=spec["label"],
                values=[float(v) if numeric and v else (v or None) for v in values],
                kind=Kind.NUMERIC if numeric else Kind.CATEGORICAL,
                weight=float(spec["weight"]),
                prefer=Prefer(spec["prefer"]),
            )
        )
    return chosen


@dataclass
class Built:
    problem: Problem
    people: list[Participant]
    attributes: list[Attribute]


def build(programme: Programme, inputs: dict[str, Any]) -> Built:
    """The solver's problem for these inputs, with the rules the organisation always keeps."""
    by_id = {
        p.pk: p
        for p in Participant.objects.filter(
            organisation=programme.organisation, pk__in=inputs["people"]
        )
    }
    people = [by_id[pk] for pk in inputs["people"] if pk in by_id]
    index = {p.pk: i for i, p in enumerate(people)}
    chosen = attributes(inputs, people)
    # A manager is never in the same set as their direct report.
    pairs = [(p.pk, p.manager_id) for p in people if p.manager_id in index]
    pairs += [(a, b) for a, b in inputs.get("apart", []) if a in index and b in index]
    apart = {(min(index[a], index[b]), max(index[a], index[b])) for a, b in pairs}
    together = [
        (index[a], index[b]) for a, b in inputs.get("together", []) if a in index and b in index
    ]
    repeats: list[tuple[int, int]] = []
    if inputs.get("avoid_repeats"):
        repeats = _previously_together(programme, index)
    penalty = sum(a.weight for a in chosen) or 1.0
    d = diversity_matrix(chosen, n=len(people), previously_together=repeats, repeat_penalty=penalty)
    k = int(inputs["sets"])
    pinned = {index[pk]: int(g) for pk, g in inputs.get("pinned", []) if pk in index}
    problem = Problem(
        diversity=d,
        pinned=pinned,
        lower=[int(inputs["lower"])] * k,
        upper=[int(inputs["upper"])] * k,
        apart=sorted(apart),
        together=together,
        names=[p.name for p in people],
    )
    return Built(problem=problem, people=people, attributes=chosen)


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


@dataclass
class SetScore:
    number: int
    members: list[Participant]
    total: float
    by_attribute: dict[str, float]
    flags: list[str] = field(default_factory=list)


def score(built: Built, groups: Sequence[Sequence[int]], inputs: dict[str, Any]) -> list[SetScore]:
    """Each proposed set's members, its diversity by attribute, and the rules it breaks."""
    index = {p.pk: i for i, p in enumerate(built.people)}
    problem = built.problem
    positions = [[index[pk] for pk in group if pk in index] for group in groups]
    where = {i: g for g, group in enumerate(positions) for i in group}
    scores = []
    for g, group in enumerate(positions):
        idx = np.asarray(group, dtype=np.int64)
        total = float(problem.diversity[np.ix_(idx, idx)].sum()) / 2.0 if len(group) else 0.0
        scores.append(
            SetScore(
                number=g + 1,
                members=[built.people[i] for i in group],
                total=total,
                by_attribute=breakdown(built.attributes, group),
            )
        )
    for s in scores:
        if not problem.lower[s.number - 1] <= len(s.members) <= problem.upper[s.number - 1]:
            s.flags.append(
                _("%(n)s members, outside %(lo)s to %(hi)s.")
                % {"n": len(s.members), "lo": problem.lower[0], "hi": problem.upper[0]}
            )
    for i, j in problem.apart:
        if where.get(i) == where.get(j) and i in where:
            scores[where[i]].flags.append(
                _("%(a)s and %(b)s should be in different sets.")
                % {"a": built.people[i].name, "b": built.people[j].name}
            )
    for i, j in problem.together:
        if where.get(i) != where.get(j):
            scores[where[i]].flags.append(
                _("%(a)s and %(b)s should be in the same set.")
                % {"a": built.people[i].name, "b": built.people[j].name}
            )
    field_name = inputs.get("isolation") or ""
    if field_name:
        values = [value(p, field_name) or None for p in built.people]
        for g, i in isolated(values, positions):
            scores[g].flags.append(
                _("%(name)s is the only one with %(value)s in this set.")
                % {"name": built.people[i].name, "value": values[i]}
            )
    return scores
