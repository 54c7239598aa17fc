"""What single sign-on and SCIM change: accounts, memberships and the pool, each change recorded
for the organisation's admins."""

from collections.abc import Iterable
from typing import Any

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils.translation import gettext as _

from revans.accounts import services as accounts
from revans.accounts.models import Membership, Organisation, Role, User
from revans.accounts.signals import membership_joined
from revans.programmes.models import Participant, SetMembership
from revans.programmes.services import set_member_leave

from .models import IdentityChange

type Changes = dict[str, Any]


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def proven(organisation: Organisation, email: str) -> bool:
    """The address is at one of the organisation's proven domains: only then may its identity
    provider or SCIM client speak for the person's account."""
    return organisation.signup_domains.filter(
        domain__iexact=domain_of(email), verified_at__isnull=False
    ).exists()


def record(
    *,
    organisation: Organisation,
    source: str,
    by: str,
    subject: str,
    action: str,
    changes: Changes | None = None,
) -> IdentityChange:
    return IdentityChange.objects.create(
        organisation=organisation,
        source=source,
        by=by[:200],
        subject=subject[:255],
        action=action,
        changes=changes or {},
    )


def diff(before: Changes, after: Changes) -> Changes:
    """{field: [before, after]} for the fields that changed."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


@transaction.atomic
def account_for(*, email: str, name: str) -> User:
    """The account at a proven address, found or made without a password (its owner signs in
    through the identity provider); the address counts as verified, the provider vouches for it."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, name=name[:150])
    elif name and user.name != name[:150]:
        user.name = name[:150]
        user.save(update_fields=["name"])
    address, _created = EmailAddress.objects.get_or_create(
        user=user, email__iexact=email, defaults={"email": email.lower()}
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    if not EmailAddress.objects.filter(user=user, primary=True).exists():
        address.set_as_primary(conditional=True)
    return user


@transaction.atomic
def join(
    *, organisation: Organisation, user: User, roles: Iterable[Role] = (Role.PARTICIPANT,)
) -> tuple[Membership, Changes]:
    """Make the person a member with these roles (an existing membership takes them, unless that
    would leave the organisation without an admin). A deactivated membership stays so: only an
    admin or the SCIM client brings it back (`rejoin`)."""
    chosen = set(roles) or {Role.PARTICIPANT}
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        membership = Membership(organisation=organisation, user=user)
        membership.set_roles(chosen)
        membership.save()
        membership_joined.send(sender=Membership, user=user, organisation=organisation)
        return membership, {"roles": [None, sorted(r.value for r in chosen)]}
    before = sorted(r.value for r in membership.roles)
    if set(membership.roles) != chosen:
        accounts.membership_set_roles(membership=membership, roles=chosen)
    after = sorted(r.value for r in membership.roles)
    return membership, ({"roles": [before, after]} if before != after else {})


@transaction.atomic
def rejoin(*, membership: Membership) -> Membership:
    if not membership.is_active:
        accounts.membership_reactivate(membership=membership)
    return membership


@transaction.atomic
def leave(*, organisation: Organisation, user: User | None, participant: Participant | None) -> int:
    """The identity provider says the person has gone: their membership ends with their sessions,
    and they become a former member of their sets. Nothing they wrote is touched. Returns how many
    sets they left."""
    if user is not None:
        membership = Membership.objects.filter(
            organisation=organisation, user=user, is_active=True
        ).first()
        if membership is not None:
            accounts.membership_end(membership=membership)
    entries = Participant.objects.filter(organisation=organisation)
    if participant is not None:
        entries = entries.filter(pk=participant.pk)
    elif user is not None:
        entries = entries.filter(user=user)
    else:
        return 0
    today = organisation.today()
    left = 0
    for place in SetMembership.objects.current().filter(participant__in=entries):
        set_member_leave(
            membership=place,
            left_on=max(today, place.joined_on),
            reason=_("Left the organisation (its identity provider)"),
        )
        left += 1
    return left
