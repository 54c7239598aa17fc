"""Writes about people, organisations and memberships: one transaction each."""

from collections.abc import Iterable
from functools import partial

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Invitation, Membership, Organisation, Role, User
from .tasks import send_email

INVITATION_SALT = "revans.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse(
        "invitation_accept", kwargs={"token": invitation_token(invitation)}
    )


def _send_later(*, template: str, to: str, context: dict[str, object]) -> None:
    """Render an email now and hand it to the worker once the transaction commits."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}_message.txt", context)
    transaction.on_commit(
        partial(
            send_email.enqueue,
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body=body,
            to=[to],
        )
    )


def _check_roles(roles: Iterable[Role]) -> set[Role]:
    chosen = set(roles)
    if not chosen:
        raise ValidationError(_("Choose at least one role."))
    return chosen


def _is_member(organisation: Organisation, email: str) -> bool:
    return Membership.objects.filter(
        organisation=organisation, user__email__iexact=email, is_active=True
    ).exists()


def _is_invited(organisation: Organisation, email: str) -> bool:
    return Invitation.objects.filter(
        organisation=organisation, email__iexact=email, accepted_at=None, revoked_at=None
    ).exists()


@transaction.atomic
def invitation_ensure(
    *, organisation: Organisation, invited_by: User, email: str, name: str, roles: Iterable[Role]
) -> Invitation | None:
    """Invite someone unless they are a member already or have an open invitation."""
    if _is_member(organisation, email) or _is_invited(organisation, email):
        return None
    return invitation_create(
        organisation=organisation, invited_by=invited_by, email=email, name=name, roles=roles
    )


@transaction.atomic
def invitation_create(
    *, organisation: Organisation, invited_by: User, email: str, name: str, roles: Iterable[Role]
) -> Invitation:
    email = User.objects.normalize_email(email).strip().lower()
    chosen = _check_roles(roles)
    if _is_member(organisation, email):
        raise ValidationError(
            _("%(email)s is already a member of %(org)s."),
            params={"email": email, "org": organisation.name},
        )
    if _is_invited(organisation, email):
        raise ValidationError(
            _("%(email)s already has an open invitation. Revoke it first to send a new one."),
            params={"email": email},
        )
    invitation = Invitation(
        organisation=organisation, invited_by=invited_by, email=email, name=name
    )
    invitation.set_roles(chosen)
    invitation.full_clean()
    invitation.save()
    _send_later(
        template="accounts/email/invitation",
        to=email,
        context={
            "invitation": invitation,
            "url": invitation_url(invitation),
            "days": settings.INVITATION_MAX_AGE_DAYS,
        },
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    if not invitation.is_open:
        raise ValidationError(_("This invitation is no longer open."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


def check_acceptable(invitation: Invitation) -> None:
    if invitation.revoked_at:
        raise ValidationError(_("This invitation was withdrawn. Ask your organisation's admin."))
    if invitation.accepted_at:
        raise ValidationError(_("This invitation has already been used. Sign in instead."))
    if invitation.is_expired:
        raise ValidationError(
            _("This invitation has expired. Ask your organisation's admin for a new one.")
        )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the organisation with the invited roles; links an existing account."""
    # Lock the row so that two clicks on the same link cannot both succeed.
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    check_acceptable(invitation)
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            _("This invitation is for %(email)s. Sign in with that address to accept it."),
            params={"email": invitation.email},
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults=invitation.role_flags()
    )
    if not created:
        # Rejoining after deactivation, or a member already: the invitation's roles are added.
        membership.set_roles(
            set(membership.roles if membership.is_active else []) | set(invitation.roles)
        )
        membership.is_active = True
        membership.deactivated_at = None
        membership.save()
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # Following the emailed link proves the address.
    EmailAddress.objects.update_or_create(
        user=user,
        email__iexact=user.email,
        defaults={"email": user.email, "verified": True, "primary": True},
    )
    return membership


@transaction.atomic
def invitation_accept_with_new_account(*, invitation: Invitation, name: str, password: str) -> User:
    check_acceptable(invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(
            _("An account with %(email)s already exists. Sign in to accept the invitation."),
            params={"email": invitation.email},
        )
    user = User(email=invitation.email, name=name)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    invitation_accept(invitation=invitation, user=user)
    return user


def _admins_left(organisation: Organisation, without: Membership) -> bool:
    return (
        Membership.objects.filter(organisation=organisation, is_admin=True, is_active=True)
        .exclude(pk=without.pk)
        .exists()
    )


@transaction.atomic
def membership_set_roles(*, membership: Membership, roles: Iterable[Role]) -> Membership:
    chosen = _check_roles(roles)
    if (
        membership.is_admin
        and Role.ADMIN not in chosen
        and not _admins_left(membership.organisation, membership)
    ):
        raise ValidationError(
            _("An organisation needs at least one admin. Make someone else admin first.")
        )
    membership.set_roles(chosen)
    membership.full_clean()
    membership.save()
    return membership


@transaction.atomic
def membership_deactivate(*, membership: Membership, by: User) -> Membership:
    if not membership.is_active:
        raise ValidationError(
            _("%(name)s is already deactivated."), params={"name": membership.user}
        )
    if membership.user_id == by.pk:
        raise ValidationError(_("You cannot deactivate yourself. Ask another admin."))
    if membership.is_admin and not _admins_left(membership.organisation, membership):
        raise ValidationError(_("An organisation needs at least one admin."))
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    # End every session the person has, so the change takes effect on their next click everywhere.
    for session in UserSession.objects.filter(user=membership.user):
        session.end()
    return membership


@transaction.atomic
def membership_reactivate(*, membership: Membership) -> Membership:
    if membership.is_active:
        raise ValidationError(_("%(name)s is already active."), params={"name": membership.user})
    membership.is_active = True
    membership.deactivated_at = None
    membership.save(update_fields=["is_active", "deactivated_at"])
    return membership


@transaction.atomic
def organisation_update(*, organisation: Organisation) -> Organisation:
    """Save settings an admin edited (the form has set the fields)."""
    organisation.full_clean()
    organisation.save()
    return organisation


@transaction.atomic
def join_open_organisations(*, user: User, email: str) -> list[Membership]:
    """Once a self-signed-up address is verified, join each organisation open to its domain."""
    domain = email.rsplit("@", 1)[-1].lower()
    joined = []
    for organisation in Organisation.objects.filter(open_signup_domain=domain):
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"is_participant": True}
        )
        if created:
            joined.append(membership)
    return joined
