"""Background work for the API: webhook deliveries leave through the worker."""

from django.tasks import task
from django.utils import timezone

from revans.accounts import posting

from .models import Delivery
from .webhooks import deliver_now


@task()
def deliver(*, delivery_id: int) -> None:
    """Send one; once it went, its endpoint's next waiting delivery follows at once, in order."""
    if not deliver_now(delivery_id=delivery_id):
        return
    following = posting.following(Delivery, delivery_id, timezone.now())
    if following is not None:
        deliver.enqueue(delivery_id=following)
