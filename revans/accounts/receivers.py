"""The audit trail's entries about signing in, from Django's and allauth's own signals (Django's
`user_logged_in` whatever the door: password, passkey, code, single sign-on): each in every
organisation the person is an active member of (an organisation sees its people's)."""

from typing import Any

from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from revans.audit import services as audit
from revans.audit.models import Event

from .models import Membership, User


def _each_organisation(event: Event, user: User, **fields: Any) -> None:
    organisations: list[int | None] = list(
        Membership.objects.filter(user=user, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )
    for organisation_id in organisations or [None]:
        audit.record(event, organisation=organisation_id, subject=user, **fields)


@receiver(user_logged_in)
def signed_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    _each_organisation(Event.SIGNED_IN, user, actor=user)


@receiver(user_login_failed)
def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kw: Any
) -> None:
    """Told only for an account that exists, and never with what was typed: an address that is
    no one's is no organisation's business, and a typed one must not outlive an erasure."""
    email = str(credentials.get("email") or credentials.get("username") or "")
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is not None:
        _each_organisation(Event.SIGN_IN_FAILED, user, actor=user)


@receiver(authenticator_added)
def mfa_added(sender: Any, request: Any, authenticator: Any, **kwargs: Any) -> None:
    _each_organisation(Event.MFA_ADDED, authenticator.user, detail={"type": authenticator.type})


@receiver(authenticator_removed)
def mfa_removed(sender: Any, request: Any, authenticator: Any, **kwargs: Any) -> None:
    _each_organisation(Event.MFA_REMOVED, authenticator.user, detail={"type": authenticator.type})


@receiver(authenticator_reset)
def mfa_reset(sender: Any, request: Any, authenticator: Any, **kwargs: Any) -> None:
    _each_organisation(Event.MFA_RESET, authenticator.user, detail={"type": authenticator.type})
