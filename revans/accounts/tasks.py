"""Background work for accounts: email leaves through the worker, never inside a request."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.utils import timezone

from . import outbox
from .models import Topic, User

# A mail server that refuses for a while (451, 421, or down) is tried again: after 1, 2, 4, 8,
# 16 and 32 minutes, about an hour in all (a sign-in link lives about that long), then given up.
RETRIES = 6
FIRST_WAIT = timedelta(minutes=1)
logger = logging.getLogger(__name__)


@task()
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html_body: str = "",
    from_email: str = "",
    attempt: int = 0,
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
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        # Refused, or the server unreachable: it did not take the message, so trying again
        # cannot make it arrive twice.
        if attempt >= RETRIES or not send_email.get_backend().supports_defer:
            raise
        logger.warning("An account email was refused; trying again (attempt %s)", attempt + 1)
        later = send_email.using(run_after=timezone.now() + FIRST_WAIT * 2**attempt)
        later.enqueue(
            subject=subject,
            body=body,
            to=to,
            html_body=html_body,
            from_email=from_email,
            attempt=attempt + 1,
        )
