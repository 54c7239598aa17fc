"""How allauth fits Revans: invitation-only sign-up, and email sent by the worker."""

from functools import partial
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation

from . import selectors
from .models import SignupDomain
from .services import join_open_organisations
from .tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Sign-up is by invitation, unless some organisation opened it for its email domain.
        return SignupDomain.objects.filter(verified_at__isnull=False).exists()

    def password_refused(self, email: str) -> str | None:
        """Why a password cannot be used at this address (its organisation signs its people in
        through its own provider: identity.adapters), or None."""
        return None

    def confirm_email(self, request: HttpRequest, email_address: Any) -> bool:
        confirmed = bool(super().confirm_email(request, email_address))
        if confirmed:
            join_open_organisations(user=email_address.user, email=email_address.email)
        return confirmed

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Render now (the request is here), send from the worker after the transaction."""
        request = self.request
        site = {"name": "Revans", "domain": request.get_host() if request else settings.SITE_URL}
        context = {"request": request, "email": email, "current_site": site, **context}
        # In the language of the account at the address, else the page's.
        language = selectors.address_language(email, default=translation.get_language() or "")
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        html_body = ""
        if isinstance(message, EmailMultiAlternatives):
            html_body = next((str(c) for c, t in message.alternatives if t == "text/html"), "")
        transaction.on_commit(
            partial(
                send_email.enqueue,
                subject=str(message.subject),
                body=str(message.body),
                to=list(message.to),
                html_body=html_body,
                from_email=str(message.from_email),
            )
        )
