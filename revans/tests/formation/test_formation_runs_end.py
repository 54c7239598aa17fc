"""Every formation run ends: done, cancelled or failed with a reason, even when the search
raises something unforeseen or its worker is killed mid-run (the periodic sweep finds those)."""

import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from revans.accounts.management.commands.sweep import sweep_once
from revans.formation import sweeps
from revans.formation.inputs import RunInputs, Weighting
from revans.formation.models import FormationRun
from revans.formation.tasks import _finish, run_formation
from revans.programmes.models import Participant
from revans.tests.world import finished_run

Status = FormationRun.Status


@pytest.fixture
def people(world):
    return [
        Participant.objects.create(
            organisation=world.org, email=f"r{i}@acme.test", name=f"Runner {i}", department="Ops"
        ).pk
        for i in range(6)
    ]


def queued(world, people, **fields) -> FormationRun:
    inputs = RunInputs(
        people=tuple(people),
        sets=2,
        lower=3,
        upper=3,
        attributes=(Weighting(field="department", label="Department", weight=1),),
    )
    values = {"programme": world.programme, "inputs": inputs.to_json(), "seconds": 1, **fields}
    return FormationRun.objects.create(**values)


def page(client, run: FormationRun) -> str:
    return str(client.get(run.get_absolute_url()).content.decode())


def test_an_unforeseen_error_ends_the_run_with_a_reason_and_the_page_stops_polling(
    client, world, people, caplog
):
    # Inputs naming a field the pool does not have make the search itself raise.
    run = queued(world, people)
    run.inputs["attributes"][0]["field"] = "no_such_field"
    run.save()
    run_formation.call(run.pk)
    run.refresh_from_db()
    assert run.status == Status.FAILED and run.finished_at is not None
    assert "unexpected error" in run.problems[0]
    assert f"Formation run {run.pk} failed" in caplog.text  # the details are in the log

    client.force_login(world.facilitator)
    body = page(client, run)
    assert "unexpected error" in body
    assert 'data-active="no"' in body and "formation.js" not in body  # nothing polls
    assert "Run again with the same settings" in body


def test_a_failed_run_can_be_run_again_with_the_same_settings(
    client, world, people, django_capture_on_commit_callbacks
):
    run = queued(world, people, status=Status.FAILED, problems=["The worker stopped."], seed=7)
    client.force_login(world.facilitator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{run.get_absolute_url()}again/")
    fresh = FormationRun.objects.exclude(pk=run.pk).get()
    assert response.url == fresh.get_absolute_url()
    assert (fresh.inputs, fresh.seed, fresh.seconds) == (run.inputs, 7, run.seconds)
    assert fresh.status == Status.DONE and fresh.groups


def test_a_running_page_polls_and_an_ended_one_does_not(client, world, people):
    run = queued(world, people, status=Status.RUNNING, started_at=timezone.now())
    client.force_login(world.facilitator)
    assert "formation.js" in page(client, run)
    done = finished_run(world.programme, [people[:3], people[3:]])
    assert "formation.js" not in page(client, done)


def running(world, people, *, started_ago: float, silent_for: float, seconds: int = 10):
    now = timezone.now()
    return queued(
        world,
        people,
        status=Status.RUNNING,
        seconds=seconds,
        started_at=now - timedelta(seconds=started_ago),
        heartbeat_at=now - timedelta(seconds=silent_for),
    )


def test_the_sweep_fails_a_run_whose_worker_vanished_once_its_time_and_a_margin_are_up(
    world, people, capsys
):
    margin = sweeps.SILENCE.total_seconds()
    vanished = running(world, people, started_ago=10 + margin + 5, silent_for=margin + 5)
    # Within its time limit plus the margin: perhaps just slow, so it is left alone.
    young = running(world, people, started_ago=10 + margin - 30, silent_for=margin + 5)
    # Past its limit but still writing its heartbeat: the worker is finishing; left alone.
    finishing = running(world, people, started_ago=10 + margin + 60, silent_for=1)

    call_command("sweep")
    assert "formation runs whose worker vanished: 1" in capsys.readouterr().out

    for run in (vanished, young, finishing):
        run.refresh_from_db()
    assert vanished.status == Status.FAILED and "stopped before it finished" in vanished.problems[0]
    assert young.status == finishing.status == Status.RUNNING


def test_a_run_no_worker_started_fails_after_a_while(world, people):
    stuck = queued(world, people)
    FormationRun.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - sweeps.QUEUE_PATIENCE - timedelta(minutes=1)
    )
    fresh = queued(world, people)
    assert sweep_once()[1] == []
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert stuck.status == Status.FAILED and "No worker started" in stuck.problems[0]
    assert fresh.status == Status.QUEUED


def test_the_worker_finishing_after_the_sweep_changes_nothing(world, people):
    """The sweep and a late worker both end the run by a conditional update: one wins."""
    margin = sweeps.SILENCE.total_seconds()
    run = running(world, people, started_ago=10 + margin + 5, silent_for=margin + 5)
    sweep_once()
    assert _finish(run.pk, status=Status.DONE, groups=[people]) is False
    run.refresh_from_db()
    assert run.status == Status.FAILED and run.groups is None


def test_a_sweep_after_the_worker_finished_changes_nothing(world, people):
    margin = sweeps.SILENCE.total_seconds()
    run = running(world, people, started_ago=10 + margin + 5, silent_for=margin + 5)
    assert _finish(run.pk, status=Status.DONE, groups=[people]) is True
    assert sweeps.sweep(timezone.now())["formation runs whose worker vanished"] == 0
    run.refresh_from_db()
    assert run.status == Status.DONE


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_end_each_run_once(world, people):
    margin = sweeps.SILENCE.total_seconds()
    runs = [
        running(world, people, started_ago=10 + margin + 5, silent_for=margin + 5) for _ in range(5)
    ]
    start = threading.Barrier(2)
    ended: list[int] = []

    def one_sweep() -> None:
        start.wait()
        try:
            ended.append(sweeps.sweep(timezone.now())["formation runs whose worker vanished"])
        finally:
            connection.close()

    threads = [threading.Thread(target=one_sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(ended) == len(runs)
    assert FormationRun.objects.filter(status=Status.FAILED).count() == len(runs)


def test_one_failing_sweep_is_reported_and_the_others_still_run(world, people, monkeypatch):
    def broken(now):
        raise RuntimeError("a broken app sweep")

    margin = sweeps.SILENCE.total_seconds()
    run = running(world, people, started_ago=10 + margin + 5, silent_for=margin + 5)
    monkeypatch.setattr(
        "revans.accounts.management.commands.sweep.app_sweeps", lambda: [broken, sweeps.sweep]
    )
    with pytest.raises(CommandError, match="These sweeps failed"):
        call_command("sweep")
    run.refresh_from_db()
    assert run.status == Status.FAILED
