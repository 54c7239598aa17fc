"""A domain opens self-sign-up only once proven to be the organisation's; none claims another's."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from revans.accounts import services
from revans.accounts.models import Membership, Role, SignupDomain, User
from revans.tests.world import PASSWORD, email_link, make_member, make_user


def add(client: Client, domain: str):
    return client.post("/o/acme/settings/domains/", {"domain": domain}, follow=True)


def sign_up(client: Client, email: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            "/accounts/signup/",
            {"name": "Nia New", "email": email, "password1": PASSWORD, "password2": PASSWORD},
        )


def test_a_domain_opens_sign_up_once_its_dns_record_is_found(
    client, world, dns_server, django_capture_on_commit_callbacks
):
    client.force_login(world.admin)
    page = add(client, " @Acme-Freight.example ")
    row = SignupDomain.objects.get(organisation=world.org)
    assert row.domain == "acme-freight.example" and not row.is_verified
    assert row.token.encode() in page.content  # the value to publish, with its name:
    assert b"_revans-challenge.acme-freight.example" in page.content

    # Not proven yet: sign-up stays closed for the domain.
    outsider = Client()
    response = sign_up(outsider, "nia@acme-freight.example", django_capture_on_commit_callbacks)
    assert not User.objects.filter(email="nia@acme-freight.example").exists()

    # A check before the record exists says so, and proves nothing.
    page = client.post(f"/o/acme/settings/domains/{row.pk}/check/", follow=True)
    assert b"No TXT record with the code was found" in page.content
    row.refresh_from_db()
    assert not row.is_verified and row.checked_at is not None

    # A record with someone else's code proves nothing either.
    dns_server.publish("_revans-challenge.acme-freight.example", "not-the-code")
    client.post(f"/o/acme/settings/domains/{row.pk}/check/")
    row.refresh_from_db()
    assert not row.is_verified

    dns_server.publish("_revans-challenge.acme-freight.example", row.token)
    page = client.post(f"/o/acme/settings/domains/{row.pk}/check/", follow=True)
    assert b"is proven" in page.content
    row.refresh_from_db()
    assert row.is_verified and row.verified_by == SignupDomain.Proof.DNS

    response = sign_up(outsider, "nia@acme-freight.example", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    user = User.objects.get(email="nia@acme-freight.example")
    outsider.post(email_link(mail.outbox[-1], "/accounts/confirm-email/"))
    assert Membership.objects.get(user=user).organisation == world.org


@pytest.mark.parametrize("domain", ["gmail.com", "Outlook.com", "yahoo.co.uk", "proton.me"])
def test_a_public_mail_domain_is_refused(client, world, domain):
    client.force_login(world.admin)
    page = add(client, domain)
    assert b"is a public email service" in page.content
    assert not SignupDomain.objects.exists()


@pytest.mark.parametrize("domain", ["", "acme", "not a domain", "nia@", "-bad-.example", "a" * 254])
def test_a_malformed_domain_is_refused(client, world, domain):
    client.force_login(world.admin)
    page = add(client, domain)
    assert page.status_code == 200
    assert not SignupDomain.objects.exists()


def test_a_domain_proven_by_another_organisation_cannot_be_claimed(client, world, dns_server):
    SignupDomain.objects.create(
        organisation=world.other_org, domain="shared.example", verified_at="2026-01-01T00:00Z"
    )
    client.force_login(world.admin)
    page = add(client, "SHARED.example")
    assert b"already proven to belong to another organisation" in page.content
    assert not SignupDomain.objects.filter(organisation=world.org).exists()


def test_of_two_claims_only_one_can_be_proven(client, world, dns_server):
    ours = services.signup_domain_add(organisation=world.org, domain="contested.example", by=None)
    theirs = services.signup_domain_add(
        organisation=world.other_org, domain="contested.example", by=None
    )
    dns_server.publish("_revans-challenge.contested.example", theirs.token)
    dns_server.publish("_revans-challenge.contested.example", ours.token)
    services.signup_domain_check(signup_domain=theirs)
    client.force_login(world.admin)
    page = client.post(f"/o/acme/settings/domains/{ours.pk}/check/", follow=True)
    assert b"already proven to belong to another organisation" in page.content
    ours.refresh_from_db()
    assert not ours.is_verified
    # Sign-ups from the domain join only the organisation that proved it.
    assert list(services.open_organisations("x@contested.example")) == [world.other_org]


def test_the_database_refuses_a_second_proven_owner(world):
    from django.db import IntegrityError, transaction

    SignupDomain.objects.create(
        organisation=world.org, domain="x.example", verified_at="2026-01-01T00:00Z"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        SignupDomain.objects.create(
            organisation=world.other_org, domain="X.example", verified_at="2026-01-02T00:00Z"
        )


def test_an_operator_approves_a_domain_in_the_admin(client, world):
    row = services.signup_domain_add(organisation=world.org, domain="no-dns.example", by=None)
    operator = make_user("op@revans.test", "Operator")
    operator.is_staff = operator.is_superuser = True
    operator.save()
    client.force_login(operator)
    response = client.post(
        "/admin/accounts/signupdomain/",
        {"action": "approve", "_selected_action": [row.pk]},
        follow=True,
    )
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.is_verified and row.verified_by == SignupDomain.Proof.OPERATOR
    assert row.approved_by == operator


def test_only_an_operator_approves(world):
    row = services.signup_domain_add(organisation=world.org, domain="no-dns.example", by=None)
    with pytest.raises(ValidationError):
        services.signup_domain_approve(signup_domain=row, operator=world.admin)
    row.refresh_from_db()
    assert not row.is_verified


def test_only_admins_manage_domains_and_removing_one_closes_sign_up(client, world):
    row = SignupDomain.objects.create(
        organisation=world.org, domain="acme.test", verified_at="2026-01-01T00:00Z"
    )
    sponsor = make_user("sid@acme.test", "Sid Sponsor")
    make_member(world.org, sponsor, Role.SPONSOR)
    client.force_login(sponsor)
    assert client.post(f"/o/acme/settings/domains/{row.pk}/remove/").status_code == 403
    client.force_login(world.admin)
    client.post(f"/o/acme/settings/domains/{row.pk}/remove/")
    assert not SignupDomain.objects.exists()
    assert not services.open_organisations("x@acme.test").exists()
