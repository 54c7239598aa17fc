"""The demo world loads once, loads again without change, and every printed login works."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from revans.accounts.models import Invitation, Membership, Organisation, Role, User
from revans.demo.data import ORGANISATIONS, PASSWORD


def snapshot():
    return (
        sorted(Organisation.objects.values_list("slug", "name")),
        sorted(User.objects.values_list("email", "name", "password")),
        sorted(
            Membership.objects.values_list(
                "user__email",
                "organisation__slug",
                "is_admin",
                "is_sponsor",
                "is_facilitator",
                "is_participant",
            )
        ),
        Invitation.objects.count(),
    )


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = snapshot()
    call_command("load_demo", stdout=StringIO())
    assert snapshot() == first
    assert len(first[0]) == 2


@pytest.mark.django_db
def test_the_printed_logins_cover_every_role_of_both_organisations_and_work():
    out = StringIO()
    call_command("load_demo", stdout=out)
    text = out.getvalue()
    assert f"Every demo password is: {PASSWORD}" in text
    for demo_org in ORGANISATIONS:
        organisation = Organisation.objects.get(slug=demo_org.slug)
        for role in (Role.ADMIN, Role.SPONSOR, Role.FACILITATOR, Role.PARTICIPANT):
            line = next(
                line
                for line in text.splitlines()
                if demo_org.name in line and str(role.label) in line
            )
            email = line.split()[-1]
            client = Client()
            response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
            assert response.status_code == 302, email
            membership = Membership.objects.get(user__email=email, organisation=organisation)
            assert membership.has_role(role)
            assert client.get(f"/o/{demo_org.slug}/").status_code == 200


@pytest.mark.django_db
def test_the_coach_works_for_both_organisations():
    call_command("load_demo", stdout=StringIO())
    coach = User.objects.get(email="tom.okafor@coaching.example")
    assert set(coach.memberships.values_list("organisation__slug", flat=True)) == {
        "northbridge",
        "kestrel",
    }
