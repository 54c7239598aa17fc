"""Background work for accounts: email leaves through the worker, never inside a request."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task

from . import outbox
from .models import Topic, User


@task()
def send_email(
    *, subject: str, body: str, to: list[str], html_body: str = "", from_email: str = ""
) -> None:
    """An account email (a sign-in or reset link, an invitation, who joined a set): always sent,
    and, like every email, with its unsubscribe link (for the account at the address, if any)."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email or settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    # Each is sent to one address (an account's, or an invitation's to someone without one).
    account = User.objects.filter(email__iexact=to[0]).values_list("pk", flat=True).first()
    outbox.stamp(message, user_id=account if len(to) == 1 else None, subscription=Topic.ACCOUNT)
    message.send()
