"""What a formation run asks of the solver, as a typed, versioned shape.

The form builds a `RunInputs`, the service checks it (`problems`) and stores `to_json()` on the
run, and the task reads it back with `from_json`, which refuses a shape it does not know. A later
change to the shape raises VERSION and teaches `from_json` to read the older one.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from revans.domain.formation.diversity import Prefer

VERSION = 1
SET_SIZES = (2, 12)
WEIGHTS = range(6)  # 0 ignores an attribute


class InputsError(ValueError):
    """Stored inputs this code cannot read."""


@dataclass(frozen=True)
class Weighting:
    """How much one attribute counts, and whether people should differ in it or share it."""

    field: str  # "department", "site", "job_level", or "attr:<key>" for an imported extra
    label: str
    weight: int
    prefer: Prefer = Prefer.DIFFERENT


type Pair = tuple[int, int]


@dataclass(frozen=True)
class RunInputs:
    people: tuple[int, ...]  # participant ids
    sets: int
    lower: int
    upper: int
    attributes: tuple[Weighting, ...] = ()
    apart: tuple[Pair, ...] = ()  # participant ids
    together: tuple[Pair, ...] = ()
    pinned: tuple[Pair, ...] = ()  # (participant id, set index from 0)
    avoid_repeats: bool = False
    isolation: str = ""  # an attribute field, or "" not to flag anyone
    departments: tuple[str, ...] = field(default=())  # how the pool was chosen, for the record

    def problems(self) -> list[str]:
        """Everything that makes these inputs unusable, in words; [] when they are fine."""
        found = []
        n = len(self.people)
        people = set(self.people)
        if not n:
            return [_("Nobody matches: choose a wider pool.")]
        if len(people) != n:
            found.append(_("Someone is in the pool twice."))
        lo, hi = SET_SIZES
        if not lo <= self.lower <= self.upper <= hi:
            found.append(
                _("Set sizes must run from %(lo)s to %(hi)s, smallest first.")
                % {"lo": lo, "hi": hi}
            )
        elif self.sets < 1 or not self.sets * self.lower <= n <= self.sets * self.upper:
            found.append(
                _("%(n)s people do not make %(k)s sets of %(lo)s to %(hi)s.")
                % {"n": n, "k": self.sets, "lo": self.lower, "hi": self.upper}
            )
        for a, b in (*self.apart, *self.together):
            if a == b or a not in people or b not in people:
                found.append(_("A keep-apart or keep-together rule names someone not in the pool."))
                break
        pinned = [person for person, _set in self.pinned]
        if len(set(pinned)) != len(pinned):
            found.append(_("Someone is pinned to two sets."))
        if any(p not in people or not 0 <= g < self.sets for p, g in self.pinned):
            found.append(
                _("A pin names someone not in the pool, or a set from 1 to %(k)s does not exist.")
                % {"k": self.sets}
            )
        if any(w.weight not in WEIGHTS for w in self.attributes):
            found.append(_("Weights run from 0 to 5."))
        if self.isolation and self.isolation not in {w.field for w in self.attributes}:
            found.append(_("Isolation can be checked only for an attribute of the pool."))
        return found

    def to_json(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "people": list(self.people),
            "sets": self.sets,
            "lower": self.lower,
            "upper": self.upper,
            "attributes": [
                {"field": w.field, "label": w.label, "weight": w.weight, "prefer": str(w.prefer)}
                for w in self.attributes
            ],
            "apart": [list(pair) for pair in self.apart],
            "together": [list(pair) for pair in self.together],
            "pinned": [list(pin) for pin in self.pinned],
            "avoid_repeats": self.avoid_repeats,
            "isolation": self.isolation,
            "departments": list(self.departments),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "RunInputs":
        if not isinstance(data, Mapping) or data.get("version") != VERSION:
            raise InputsError(f"unknown formation inputs: version {data.get('version')!r}")
        try:
            return cls(
                people=tuple(int(p) for p in data["people"]),
                sets=int(data["sets"]),
                lower=int(data["lower"]),
                upper=int(data["upper"]),
                attributes=tuple(
                    Weighting(
                        field=str(w["field"]),
                        label=str(w["label"]),
                        weight=int(w["weight"]),
                        prefer=Prefer(w["prefer"]),
                    )
                    for w in data["attributes"]
                ),
                apart=_pairs(data["apart"]),
                together=_pairs(data["together"]),
                pinned=_pairs(data["pinned"]),
                avoid_repeats=bool(data["avoid_repeats"]),
                isolation=str(data["isolation"]),
                departments=tuple(str(d) for d in data["departments"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InputsError(f"malformed formation inputs: {error!r}") from error


def _pairs(rows: Any) -> tuple[Pair, ...]:
    return tuple((int(a), int(b)) for a, b in rows)
