"""Background work for programmes: the set-formation solver runs in the worker."""

import time

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from revans.domain.formation import Infeasible, objective, solve
from revans.domain.formation.isolation import reduce_isolation

from .formation import build, random_split_objective, value
from .models import FormationRun

REPORT_EVERY = 0.5  # seconds between progress writes and cancellation checks


@task()
def run_formation(run_id: int) -> None:
    with transaction.atomic():
        run = FormationRun.objects.select_for_update().select_related("programme").get(pk=run_id)
        if run.status != FormationRun.Status.QUEUED:
            return  # already taken, or cancelled before it started
        run.status = FormationRun.Status.RUNNING
        run.save(update_fields=["status"])
    built = build(run.programme, run.inputs)
    clock = {"last": 0.0, "stop": False}

    def progress(fraction: float, _best: float) -> None:
        now = time.monotonic()
        if now - clock["last"] >= REPORT_EVERY:
            clock["last"] = now
            FormationRun.objects.filter(pk=run_id).update(progress=round(fraction, 3))
            clock["stop"] = FormationRun.objects.filter(pk=run_id, cancel_requested=True).exists()

    try:
        solution = solve(
            built.problem,
            seconds=run.seconds,
            seed=run.seed,
            progress=progress,
            should_stop=lambda: bool(clock["stop"]),
        )
    except Infeasible as error:
        FormationRun.objects.filter(pk=run_id).update(
            status=FormationRun.Status.FAILED, problems=error.reasons, finished_at=timezone.now()
        )
        return
    found = solution.groups
    if run.inputs.get("isolation"):
        values = [value(p, run.inputs["isolation"]) or None for p in built.people]
        found = reduce_isolation(built.problem, found, values)
    groups = [[built.people[i].pk for i in group] for group in found]
    sizes = [len(group) for group in groups]
    FormationRun.objects.filter(pk=run_id).update(
        status=FormationRun.Status.CANCELLED if clock["stop"] else FormationRun.Status.DONE,
        progress=1.0,
        solved_groups=groups,
        groups=groups,
        objective=objective(built.problem.diversity, found),
        random_objective=random_split_objective(built.problem.diversity, sizes, run.seed),
        solver_version=solution.version,
        finished_at=timezone.now(),
    )
