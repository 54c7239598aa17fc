"""Load the demo world. Safe to run again: it only creates what is missing."""

from allauth.account.models import EmailAddress
from django.db import transaction

from revans.accounts.models import Membership, Organisation, Role, User

from .data import ORGANISATIONS, PASSWORD


@transaction.atomic
def load_demo() -> list[tuple[str, Role, str]]:
    """Create the demo organisations and people; return (organisation, role, email) logins."""
    logins: list[tuple[str, Role, str]] = []
    for demo_org in ORGANISATIONS:
        organisation, _ = Organisation.objects.get_or_create(
            slug=demo_org.slug,
            # The demo is explored by clicking around, so no MFA prompt stands in the way.
            defaults={"name": demo_org.name, "time_zone": demo_org.time_zone, "require_mfa": False},
        )
        shown: set[Role] = set()
        for person in demo_org.people:
            user = User.objects.filter(email=person.email).first()
            if user is None:
                user = User.objects.create_user(person.email, PASSWORD, name=person.name)
            EmailAddress.objects.get_or_create(
                user=user, email=person.email, defaults={"verified": True, "primary": True}
            )
            membership = Membership.objects.filter(user=user, organisation=organisation).first()
            if membership is None:
                membership = Membership(user=user, organisation=organisation)
                membership.set_roles(person.roles)
                membership.save()
            for role in person.roles:
                if role not in shown:
                    shown.add(role)
                    logins.append((organisation.name, role, person.email))
    return logins
