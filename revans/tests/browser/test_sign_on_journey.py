"""Single sign-on in Chromium, end to end, through real identity providers on loopback: the admin
connects an OpenID Connect provider (npm's oidc-provider) and a SAML IdP (SimpleSAMLphp); people
sign in through each, SP- and IdP-initiated, and arrive with an account and their roles."""

import pytest
from django.utils import timezone

from revans.accounts.models import Membership, Role, SignupDomain
from revans.identity.models import IdentityChange, SignOn
from revans.tests.identity.idps import (
    SP,
    OidcClient,
    User,
    oidc_redirect_uri,
    running_oidc_provider,
    running_saml_idp,
)
from revans.tests.world import PASSWORD

from .test_journey import sign_in

NIA = User("nia@acme.test", "Nia Newcomer", groups=["Programme office"], password="nia-at-idp")
OMAR = User("omar@acme.test", "Omar Okafor", groups=[], password="omar-at-idp")


@pytest.fixture
def proven(world):
    SignupDomain.objects.create(
        organisation=world.org, domain="acme.test", verified_at=timezone.now(), verified_by="dns"
    )


def open_sign_on_settings(admin) -> None:
    page = admin.page
    page.get_by_role("link", name="Settings", exact=True).click()
    admin.audit()
    page.get_by_role("link", name="Single sign-on (OpenID Connect or SAML)").click()
    admin.audit()


def save_and_enable(admin, *, required: bool) -> None:
    page = admin.page
    page.get_by_label("Roles from groups").fill("Programme office = sponsor")
    page.get_by_label("Enabled").check()
    if required:
        page.get_by_label("Required").check()
    page.get_by_role("button", name="Save single sign-on").click()
    admin.audit()
    assert page.get_by_text("Single sign-on settings saved.").is_visible(), page.content()


def arrive_by_email(person, email: str, origin: str) -> None:
    """Email first: an address at the required domain leaves for the provider at once."""
    page = person.page
    page.goto("/accounts/login/")
    person.audit()
    page.get_by_label("Email address").fill(email)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{origin}/**")
    person.away(origin)


@pytest.mark.django_db(transaction=True)
def test_oidc_with_pkce_required_for_the_domain(new_page, world, proven, live_server):
    client = OidcClient(
        "revans", "a-client-secret", [oidc_redirect_uri(live_server.url, "oidc-acme")]
    )
    with running_oidc_provider(clients=[client], users=[NIA]) as idp:
        admin = new_page()
        sign_in(admin, world.admin.email, PASSWORD)
        admin.audit()
        open_sign_on_settings(admin)
        page = admin.page
        page.get_by_label("OpenID Connect").check()
        page.get_by_label("Name on the sign-in button").fill("Acme account")
        page.get_by_label("Issuer or discovery URL").fill(idp.issuer)
        page.get_by_label("Client ID").fill("revans")
        page.get_by_label("Client secret").fill("a-client-secret")
        page.get_by_label("Ask for the “groups” scope").check()
        save_and_enable(admin, required=True)

        nia = new_page()
        arrive_by_email(nia, NIA.email, idp.issuer)
        page = nia.page
        # oidc-provider's own sign-in page (devInteractions), then back to Revans.
        page.locator("input[name=login]").fill(NIA.email)
        page.locator("input[name=password]").fill("anything")
        page.locator("button[type=submit]").first.click()
        page.wait_for_url(f"{live_server.url}/o/acme/")
        nia.audit()
        assert page.get_by_role("heading", name="Acme Freight").is_visible()

    membership = Membership.objects.get(user__email=NIA.email, organisation=world.org)
    assert membership.roles == [Role.SPONSOR]
    assert not membership.user.has_usable_password()
    change = IdentityChange.objects.get(subject=NIA.email)
    assert (change.source, change.action, change.by) == ("sso", "joined", "Acme account")

    # The admin sees who arrived.
    admin.page.goto("/o/acme/settings/identity-changes/")
    admin.audit()
    assert admin.page.get_by_text(NIA.email).is_visible()


@pytest.mark.django_db(transaction=True)
def test_saml_sp_and_idp_initiated(new_page, world, proven, live_server):
    sp = SP.of_organisation(live_server.url, "acme")
    with running_saml_idp(sps=[sp], users=[NIA, OMAR]) as idp:
        admin = new_page()
        sign_in(admin, world.admin.email, PASSWORD)
        admin.audit()
        open_sign_on_settings(admin)
        page = admin.page
        page.get_by_label("SAML 2.0").check()
        page.get_by_label("Name on the sign-in button").fill("Acme SAML")
        page.get_by_label("IdP metadata URL").fill(idp.metadata_url)
        page.get_by_label("allow sign-in started at the identity provider").check()
        save_and_enable(admin, required=False)
        assert SignOn.objects.get(organisation=world.org).app.settings["idp"]["entity_id"] == (
            idp.entity_id
        )

        # SP-initiated: SSO is offered beside the password (not required).
        nia = new_page()
        page = nia.page
        page.goto("/accounts/login/")
        nia.audit()
        page.get_by_label("Email address").fill(NIA.email)
        page.get_by_role("button", name="Continue").click()
        nia.audit()
        page.get_by_role("button", name="Sign in with Acme SAML").click()
        page.wait_for_url(f"{idp.base_url}/**")
        nia.away(idp.base_url)
        page.locator("input[name=username]").fill(NIA.email)
        page.locator("input[name=password]").fill(NIA.password)
        page.locator("button[type=submit], input[type=submit]").first.click()
        page.wait_for_url(f"{live_server.url}/o/acme/")
        nia.audit()

        # IdP-initiated: Omar starts at his IdP's portal.
        omar = new_page()
        page = omar.page
        page.goto(idp.idp_initiated_url(sp.entity_id))
        omar.away(idp.base_url)
        page.locator("input[name=username]").fill(OMAR.email)
        page.locator("input[name=password]").fill(OMAR.password)
        page.locator("button[type=submit], input[type=submit]").first.click()
        page.wait_for_url(f"{live_server.url}/o/acme/")
        omar.audit()

    assert Membership.objects.get(user__email=NIA.email).roles == [Role.SPONSOR]
    assert Membership.objects.get(user__email=OMAR.email).roles == [Role.PARTICIPANT]
    assert IdentityChange.objects.filter(action="joined").count() == 2
