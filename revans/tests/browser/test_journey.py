"""An admin invites a person, who accepts, sets a password, enables TOTP, signs in with it and
switches organisation. Every page is checked with axe-core (WCAG 2.2 A/AA) and for CSP violations.
"""

import time

import pyotp
import pytest
from django.core import mail

from revans.accounts import services
from revans.accounts.models import Membership, Role
from revans.tests.world import PASSWORD, email_link

NEW_PASSWORD = "a long passphrase for nia"


def sign_in(audited, email: str, password: str) -> None:
    """Email first; an address without single sign-on is then asked for its password."""
    page = audited.page
    page.goto("/accounts/login/")
    audited.audit()
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    audited.audit()
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In", exact=True).click()
    page.wait_for_load_state("load")


@pytest.mark.django_db(transaction=True)
def test_invite_accept_enable_totp_sign_in_and_switch(new_page, world, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # lets the test sign in with the next period's code

    # The admin invites Nia.
    admin = new_page()
    sign_in(admin, world.admin.email, PASSWORD)
    admin.audit()
    admin.page.get_by_role("link", name="Invite people").first.click()
    admin.audit()
    admin.page.get_by_label("Email address").fill("nia@acme.test")
    admin.page.get_by_label("Name").fill("Nia Newcomer")
    admin.page.get_by_label("Facilitator").check()
    admin.page.get_by_role("button", name="Send invitation").click()
    admin.audit()
    assert admin.page.get_by_text("Invitation sent to nia@acme.test").is_visible()

    # Nia follows the link, chooses a password and lands in Acme.
    nia = new_page()
    page = nia.page
    page.goto(email_link(mail.outbox[-1], "/invitations/"))
    nia.audit()
    assert page.get_by_label("Your name").input_value() == "Nia Newcomer"
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account and join").click()
    nia.audit()
    assert page.url.endswith("/o/acme/")
    assert page.get_by_role("heading", name="Acme Freight").is_visible()

    # She turns on an authenticator app.
    page.get_by_text("Nia").first.click()
    page.get_by_role("link", name="Two-factor authentication").click()
    nia.audit()
    page.get_by_role("link", name="Activate").first.click()
    nia.audit()
    if "/reauthenticate/" in page.url:
        page.get_by_label("Password").fill(NEW_PASSWORD)
        page.get_by_role("button", name="Confirm").click()
        nia.audit()
    secret = page.locator("#authenticator_secret").input_value()
    totp = pyotp.TOTP(secret)
    page.get_by_label("Authenticator code").fill(totp.now())
    page.get_by_role("button", name="Activate").click()
    nia.audit()
    assert Membership.objects.get(user__email="nia@acme.test").is_facilitator

    # She signs out, and back in with her password and a code.
    page.get_by_text("Nia").first.click()
    page.get_by_role("button", name="Sign out").click()
    nia.audit()
    sign_in(nia, "nia@acme.test", NEW_PASSWORD)
    nia.audit()
    assert "/accounts/2fa/authenticate/" in page.url
    page.get_by_label("Code").fill(totp.at(time.time() + totp.interval))
    page.get_by_role("button", name="Sign In", exact=True).click()
    nia.audit()
    assert page.url.endswith("/o/acme/")

    # Bravo invites her too; she accepts while signed in, then switches between the two.
    invitation = services.invitation_create(
        organisation=world.other_org,
        invited_by=world.outsider,
        email="nia@acme.test",
        name="",
        roles=[Role.PARTICIPANT],
    )
    page.goto(f"/invitations/{services.invitation_token(invitation)}/")
    nia.audit()
    page.get_by_role("button", name="Accept and join").click()
    nia.audit()
    assert page.url.endswith("/o/bravo/")
    page.get_by_text("Bravo Systems", exact=True).first.click()
    page.get_by_role("link", name="Acme Freight").click()
    nia.audit()
    assert page.url.endswith("/o/acme/")
    assert page.get_by_role("heading", name="Acme Freight").is_visible()


@pytest.mark.django_db(transaction=True)
def test_every_role_home_page_passes_axe_and_csp(new_page, world):
    for user in world.actors.values():
        audited = new_page()
        sign_in(audited, user.email, PASSWORD)
        audited.audit()
        for url in ("/", "/o/acme/members/", "/o/acme/settings/", "/accounts/2fa/"):
            audited.page.goto(url)
            audited.audit()


@pytest.mark.django_db(transaction=True)
def test_an_admin_claims_a_domain_and_is_told_how_to_prove_it(new_page, world):
    audited = new_page()
    page = audited.page
    sign_in(audited, world.admin.email, PASSWORD)
    audited.audit()
    page.goto("/o/acme/settings/")
    audited.audit()
    page.get_by_label("Email domain").fill("gmail.com")
    page.get_by_role("button", name="Add domain").click()
    audited.audit()
    assert page.get_by_text("is a public email service").is_visible()
    page.get_by_label("Email domain").fill("acme-freight.example")
    page.get_by_role("button", name="Add domain").click()
    audited.audit()
    assert page.get_by_text("_revans-challenge.acme-freight.example").is_visible()
    page.get_by_role("button", name="Check acme-freight.example now").click()
    audited.audit()
    assert page.get_by_text("No TXT record with the code was found").first.is_visible()
