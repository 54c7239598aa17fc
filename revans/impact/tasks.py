"""A claim's emails leave through the worker: the notices a request made due, sent after commit."""

from django.tasks import task
from django.utils import timezone

from . import notices


@task()
def send_claim_notices() -> None:
    notices.send_due(now=timezone.now())
