"""Background work for accounts: email leaves through the worker, never inside a request."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import task


@task()
def send_email(
    *, subject: str, body: str, to: list[str], html_body: str = "", from_email: str = ""
) -> None:
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=from_email or settings.DEFAULT_FROM_EMAIL, to=to
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    message.send()
