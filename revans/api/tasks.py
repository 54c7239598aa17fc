"""Background work for the API: a webhook delivery leaves through the worker."""

from django.tasks import task

from .webhooks import deliver_now


@task()
def deliver(*, delivery_id: int) -> None:
    deliver_now(delivery_id=delivery_id)
