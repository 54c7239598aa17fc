"""The set-formation solver runs in the worker. Every run it takes ends as done, cancelled or
failed; a worker that vanishes mid-run is caught by the periodic sweep (`sweeps.py`)."""

import logging
import time

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from revans.domain.formation import Infeasible, objective, solve
from revans.domain.formation.isolation import reduce_isolation

from .models import FormationRun
from .proposal import gather, random_split_objective, set_scores, value

REPORT_EVERY = 0.5  # seconds between progress writes and cancellation checks
logger = logging.getLogger(__name__)
Status = FormationRun.Status


@task()
def run_formation(run_id: int) -> None:
    with transaction.atomic():
        run = FormationRun.objects.select_for_update().select_related("programme").get(pk=run_id)
        if run.status != Status.QUEUED:
            return  # already taken, or cancelled before it started
        run.status = Status.RUNNING
        run.started_at = run.heartbeat_at = timezone.now()
        run.save(update_fields=["status", "started_at", "heartbeat_at"])
    try:
        _search(run)
    except Exception:
        # Whatever went wrong, the run ends and says so; the details go to the log.
        logger.exception("Formation run %s failed", run_id)
        _finish(
            run_id,
            status=Status.FAILED,
            problems=[
                _(
                    "The search stopped because of an unexpected error. Nothing was changed; "
                    "run it again, and if it fails again tell your administrator (run %(n)s)."
                )
                % {"n": run_id}
            ],
        )


def _finish(run_id: int, **fields: object) -> bool:
    """End a running run, unless the sweep has already ended it (then this result is dropped)."""
    ended = FormationRun.objects.filter(pk=run_id, status=Status.RUNNING).update(
        finished_at=timezone.now(), **fields
    )
    return bool(ended)


def _search(run: FormationRun) -> None:
    inputs = run.request
    pool = gather(run.programme, inputs)
    problem = pool.problem()
    clock = {"last": 0.0, "stop": False}

    def progress(fraction: float, _best: float) -> None:
        now = time.monotonic()
        if now - clock["last"] >= REPORT_EVERY:
            clock["last"] = now
            FormationRun.objects.filter(pk=run.pk).update(
                progress=round(fraction, 3), heartbeat_at=timezone.now()
            )
            clock["stop"] = FormationRun.objects.filter(pk=run.pk, cancel_requested=True).exists()

    try:
        solution = solve(
            problem,
            seconds=run.seconds,
            seed=run.seed,
            progress=progress,
            should_stop=lambda: bool(clock["stop"]),
        )
    except Infeasible as error:
        _finish(run.pk, status=Status.FAILED, problems=error.reasons)
        return
    found = solution.groups
    if inputs.isolation:
        values = [value(p, inputs.isolation) or None for p in pool.people]
        found = reduce_isolation(problem, found, values)
    groups = [[pool.people[i].pk for i in group] for group in found]
    _finish(
        run.pk,
        status=Status.CANCELLED if clock["stop"] else Status.DONE,
        progress=1.0,
        solved_groups=groups,
        groups=groups,
        scores=set_scores(pool, groups),
        objective=objective(problem.diversity, found),
        random_objective=random_split_objective(
            problem.diversity, [len(g) for g in groups], run.seed
        ),
        solver_version=solution.version,
    )
