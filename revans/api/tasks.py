"""Background work for the API: webhook deliveries leave through the worker."""

from django.tasks import task
from django.utils import timezone

from .models import Delivery
from .webhooks import deliver_now


@task()
def deliver(*, delivery_id: int) -> None:
    """Send one; once it went, its endpoint's next waiting delivery follows at once, in order."""
    if not deliver_now(delivery_id=delivery_id):
        return
    webhook_id = Delivery.objects.filter(pk=delivery_id).values_list("webhook", flat=True).first()
    following = (
        Delivery.objects.filter(webhook=webhook_id, next_attempt_at__lte=timezone.now())
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if following is not None:
        deliver.enqueue(delivery_id=following)
