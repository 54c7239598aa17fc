"""Chat messages and the switch-off emails leave through the worker."""

from django.tasks import task
from django.utils import timezone

from revans.accounts import posting

from .deliveries import deliver_now, send_notices_due
from .models import Delivery


@task()
def deliver(*, delivery_id: int) -> None:
    """Send one; once it went (or was skipped), its channel's next due message follows at once,
    in order."""
    if not deliver_now(delivery_id=delivery_id):
        return
    following = posting.following(Delivery, delivery_id, timezone.now())
    if following is not None:
        deliver.enqueue(delivery_id=following)


@task()
def send_notices() -> None:
    send_notices_due(now=timezone.now())
