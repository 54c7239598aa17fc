"""What the periodic sweep does for set formation: end the runs nobody is working on any more.

Safe to run twice at once: each run is ended by one conditional update, which only one sweep
(or the worker finishing after all) can win.
"""

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from .models import FormationRun

# A running search writes its heartbeat twice a second; one silent this long has lost its worker.
SILENCE = timedelta(minutes=2)
# A run no worker has started after this long is not going to be started.
QUEUE_PATIENCE = timedelta(minutes=30)

Status = FormationRun.Status


def sweep(now: datetime) -> dict[str, int]:
    vanished = 0
    running = FormationRun.objects.filter(
        status=Status.RUNNING, heartbeat_at__lt=now - SILENCE
    ).values_list("pk", "started_at", "seconds")
    for pk, started_at, seconds in running:
        if started_at and started_at + timedelta(seconds=seconds) + SILENCE > now:
            continue  # still within its time limit and the margin
        vanished += FormationRun.objects.filter(
            pk=pk, status=Status.RUNNING, heartbeat_at__lt=now - SILENCE
        ).update(
            status=Status.FAILED,
            finished_at=now,
            problems=[
                _(
                    "The worker running this search stopped before it finished, so there is no "
                    "proposal. Run it again."
                )
            ],
        )
    never_started = FormationRun.objects.filter(
        status=Status.QUEUED, created_at__lt=now - QUEUE_PATIENCE
    ).update(
        status=Status.FAILED,
        finished_at=now,
        problems=[
            _(
                "No worker started this search within %(minutes)s minutes. Check that the "
                "worker is running (manage.py db_worker), then run it again."
            )
            % {"minutes": int(QUEUE_PATIENCE.total_seconds() // 60)}
        ],
    )
    return {"formation runs whose worker vanished": vanished, "never started": never_started}
