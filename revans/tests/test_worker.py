"""Email leaves through the real database queue and its worker, not inside the request."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from revans.accounts import services
from revans.accounts.models import Role

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def invite(world) -> None:
    services.invitation_create(
        organisation=world.org,
        invited_by=world.admin,
        email="new@acme.test",
        name="",
        roles=[Role.PARTICIPANT],
    )


# The worker closes its database connection between tasks, as a long-running process must,
# so this test commits for real instead of inside a transaction that is rolled back.
@pytest.mark.django_db(transaction=True)
def test_an_invitation_waits_in_the_queue_until_the_worker_sends_it(world, settings):
    settings.TASKS = DATABASE_QUEUE
    invite(world)
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    assert [m.to for m in mail.outbox] == [["new@acme.test"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_nothing_is_queued_while_the_transaction_is_open(world, settings):
    settings.TASKS = DATABASE_QUEUE
    invite(world)  # the test's transaction never commits, so on_commit never fires
    assert not DBTaskResult.objects.exists()
