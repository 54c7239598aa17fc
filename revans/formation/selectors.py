"""Reads for the formation pages."""

from typing import Any

from .models import FormationRun
from .proposal import gather, proposal, set_scores

# Up to this many sets, "move to" is a list to pick from; beyond, a set number to type.
MOVE_CHOICES_UP_TO = 24


def proposal_page(run: FormationRun) -> dict[str, Any]:
    """The proposal with its stored scores and the rules it breaks; {} while there is none."""
    if not run.groups:
        return {}
    pool = gather(run.programme, run.request)
    scores = run.scores if run.scores and len(run.scores) == len(run.groups) else None
    sets = proposal(pool, run.groups, scores or set_scores(pool, run.groups))
    total = sum(s.total for s in sets)
    base = run.random_objective
    return {
        "scores": sets,
        "total": total,
        "gain": (total - base) / abs(base) * 100 if base else None,
        "set_numbers": range(1, len(sets) + 1),
        "move_choices": len(sets) <= MOVE_CHOICES_UP_TO,
        "editable": run.is_editable,
    }
