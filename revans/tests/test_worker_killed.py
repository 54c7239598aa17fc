"""A task worker killed with SIGKILL in the middle of its work: a real `db_worker` process on the
test database, killed by the test. A formation run ends as failed with a reason once the sweep
finds its heartbeat silent; a board report is given to another worker and its PDF is made once."""

import signal
import subprocess
import time
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from revans.evidence import services as evidence_services
from revans.evidence import sweeps as evidence_sweeps
from revans.evidence.models import BoardReport
from revans.evidence.reports import SILENCE as REPORT_SILENCE
from revans.formation import services as formation_services
from revans.formation import sweeps as formation_sweeps
from revans.formation.inputs import RunInputs, Weighting
from revans.formation.models import FormationRun
from revans.programmes.models import Participant
from revans.tests.servers import database_url, task_worker

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def wait_for(what: str, found: Callable[[], bool], worker: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120  # a fresh worker loads the solver's compiled kernel
    while time.monotonic() < deadline:
        if found():
            return
        assert worker.poll() is None, f"the worker exited before {what}"
        time.sleep(0.05)
    raise AssertionError(f"the worker never got to {what}")


def kill(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGKILL)
    assert worker.wait(timeout=10) == -signal.SIGKILL


def test_a_formation_run_whose_worker_is_killed_ends_failed_with_a_reason(world, settings, client):
    settings.TASKS = DATABASE_QUEUE
    people = [
        Participant.objects.create(
            organisation=world.org,
            email=f"k{i}@acme.test",
            name=f"Killed {i}",
            department=("Ops", "Sales", "Finance")[i % 3],
        ).pk
        for i in range(24)
    ]
    inputs = RunInputs(
        people=tuple(people),
        sets=4,
        lower=6,
        upper=6,
        attributes=(Weighting(field="department", label="Department", weight=1),),
    )
    run = formation_services.formation_run_create(
        programme=world.programme, by=world.facilitator, inputs=inputs, seconds=60, seed=3
    )
    with task_worker(database_url(connection.settings_dict)) as worker:
        # Searching: it has reported progress, so it is well into the run, not starting it.
        wait_for(
            "the search",
            lambda: FormationRun.objects.filter(pk=run.pk, progress__gt=0).exists(),
            worker,
        )
        kill(worker)
    run.refresh_from_db()
    assert run.status == FormationRun.Status.RUNNING  # as the dead worker left it

    # Before its time and the margin are up, the sweep leaves it be; after, it ends it.
    assert formation_sweeps.sweep(timezone.now())["formation runs whose worker vanished"] == 0
    later = run.started_at + timedelta(seconds=run.seconds) + formation_sweeps.SILENCE
    ended = formation_sweeps.sweep(later + timedelta(seconds=1))
    assert ended["formation runs whose worker vanished"] == 1
    run.refresh_from_db()
    assert run.status == FormationRun.Status.FAILED and run.finished_at is not None
    assert "stopped before it finished" in run.problems[0]
    assert not run.groups  # nothing half-proposed
    client.force_login(world.facilitator)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "stopped before it finished" in page and 'data-active="no"' in page


def test_a_board_report_whose_worker_is_killed_is_built_once_by_another(world, settings):
    settings.TASKS = DATABASE_QUEUE
    report, made = evidence_services.report_request(programme=world.programme, user=world.sponsor)
    assert made
    database = database_url(connection.settings_dict)
    building = BoardReport.objects.filter(pk=report.pk, status=BoardReport.Status.BUILDING)
    with task_worker(database) as worker:
        wait_for("the build", lambda: building.filter(progress__gte=15).exists(), worker)
        # Hold the report's row (its write lock on SQLite): the worker cannot move past its next
        # step, so it is surely killed in the middle of the build, not after it.
        with transaction.atomic():
            assert building.update(step=F("step")) == 1
            kill(worker)
    report.refresh_from_db()
    assert report.status == BoardReport.Status.BUILDING and report.content is None
    assert report.attempts == 1

    # The sweep waits for the heartbeat to fall silent, then gives the build to another worker.
    assert evidence_sweeps.sweep(timezone.now())["board reports resumed"] == 0
    silent = report.heartbeat_at + REPORT_SILENCE + timedelta(seconds=1)
    assert evidence_sweeps.sweep(silent)["board reports resumed"] == 1
    assert evidence_sweeps.sweep(silent)["board reports resumed"] == 0  # a second sweep: no more
    with task_worker(database) as worker:
        ready = BoardReport.objects.filter(pk=report.pk, status=BoardReport.Status.READY)
        wait_for("the end of the build", ready.exists, worker)
    report.refresh_from_db()
    assert report.content is not None and bytes(report.content).startswith(b"%PDF")
    assert report.attempts == 2
    # One report, one PDF; the killed attempt's task is left running, the new one succeeded.
    assert BoardReport.objects.count() == 1
    assert BoardReport.objects.filter(content__isnull=False).count() == 1
    tasks = DBTaskResult.objects.filter(task_path="revans.evidence.tasks.build_report")
    assert sorted(tasks.values_list("status", flat=True)) == ["RUNNING", "SUCCESSFUL"]
