"""The audit trail's entries about signing in, from Django's and allauth's own signals (Django's
`user_logged_in` whatever the door: password, passkey, code, single sign-on): each in every
organisation the person is an active member of (an organisation sees its people's). And the
sessions' lives: timeouts start at sign-in; signing out, or an account made inactive, ends them."""

from typing import Any

from allauth.mfa.signals import authenticator_added, authenticator_removed, authenticator_reset
from allauth.usersessions.models import UserSession
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from revans.audit import services as audit
from revans.audit.models import Event

from .middleware import session_start
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
    if request is not None and hasattr(request, "session"):
        session_start(request, user)


@receiver(user_logged_out)
def signed_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    """Django deletes the session itself; its line in the person's list of sessions goes too."""
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


@receiver(post_save, sender=User)
def made_inactive(sender: Any, instance: User, **kwargs: Any) -> None:
    """An account made inactive (by an operator, or an erasure) is signed out everywhere at once,
    not left holding sessions that would open again if it were reactivated."""
    if not instance.is_active:
        for session in UserSession.objects.filter(user=instance):
            session.end()


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
