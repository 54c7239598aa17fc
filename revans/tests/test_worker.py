"""Email leaves through the real database queue and its worker, not inside the request."""

from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from revans.accounts import services
from revans.accounts.models import Role


def test_an_invitation_waits_in_the_queue_until_the_worker_sends_it(
    world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_create(
            organisation=world.org,
            invited_by=world.admin,
            email="new@acme.test",
            name="",
            roles=[Role.PARTICIPANT],
        )
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert [m.to for m in mail.outbox] == [["new@acme.test"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_nothing_is_queued_when_the_transaction_fails(world, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    services.invitation_create(
        organisation=world.org,
        invited_by=world.admin,
        email="new@acme.test",
        name="",
        roles=[Role.PARTICIPANT],
    )  # not committed: the test's transaction is rolled back, so on_commit never fires
    assert not DBTaskResult.objects.exists()
