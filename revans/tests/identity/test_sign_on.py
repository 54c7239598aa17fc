"""Single sign-on: an organisation's admin sets it up, sign-in starts with the email, people
arrive through their provider, and every altered, stale or misdirected answer is refused."""

import base64
import re
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from revans.accounts import services as accounts_services
from revans.accounts.models import Membership, Role, SignupDomain, User
from revans.identity import services
from revans.identity.adapters import AccountAdapter
from revans.identity.models import IdentityChange, SignOn
from revans.programmes.models import Participant
from revans.tests.identity.forged import Assertion, HostileProvider, idp_metadata, make_keys
from revans.tests.world import PASSWORD, make_user

HOST = "revans.test"  # python3-saml refuses single-label hosts such as "testserver"
BASE = f"http://{HOST}"
ACS = f"{BASE}/accounts/saml/acme/acs/"
SP_ENTITY_ID = f"{BASE}/accounts/saml/acme/metadata/"
KEYS = make_keys()
OTHER_KEYS = make_keys("impostor.test")


@pytest.fixture(autouse=True)
def _host(settings, db):
    settings.ALLOWED_HOSTS = [HOST, "testserver"]
    cache.clear()


@pytest.fixture
def browser() -> Client:
    return Client(HTTP_HOST=HOST)


def prove(org, domain: str) -> SignupDomain:
    return SignupDomain.objects.create(
        organisation=org, domain=domain, verified_at=timezone.now(), verified_by="operator"
    )


@pytest.fixture
def proven(world):
    return prove(world.org, "acme.test")


def save(org, **fields) -> SignOn:
    sign_on = SignOn(organisation=org, display_name="Acme ID", **fields)
    return services.sign_on_save(sign_on=sign_on, by=None)


@pytest.fixture
def saml(world, proven) -> SignOn:
    # IdP-initiated, as the tests post answers nobody asked for; SP-initiated is the browser's.
    return save(
        world.org,
        protocol=SignOn.Protocol.SAML,
        metadata_xml=idp_metadata(KEYS),
        idp_initiated=True,
        enabled=True,
    )


@pytest.fixture
def hostile():
    provider = HostileProvider()
    yield provider
    provider.close()


@pytest.fixture
def oidc(world, proven, hostile) -> SignOn:
    return save(
        world.org,
        protocol=SignOn.Protocol.OIDC,
        discovery_url=hostile.base,
        client_id="revans",
        client_secret="s3cret",
        enabled=True,
    )


def assertion(email: str, **fields) -> Assertion:
    attributes = {"email": [email], "name": ["New Person"], "groups": fields.pop("groups", [])}
    values = {"acs_url": ACS, "audience": SP_ENTITY_ID, "name_id": email} | fields
    return Assertion(attributes=attributes, **values)


def post_saml(browser: Client, encoded: str):
    return browser.post("/accounts/saml/acme/acs/", {"SAMLResponse": encoded}, follow=True)


def signed_in_as(browser: Client) -> User | None:
    pk = browser.session.get(SESSION_KEY)
    return User.objects.get(pk=pk) if pk else None


# --- The admin's settings ---


def test_an_admin_sets_up_saml_from_pasted_metadata(world, proven):
    browser = Client()
    browser.force_login(world.admin)
    response = browser.post(
        "/o/acme/settings/sign-on/",
        {
            "protocol": "saml",
            "display_name": "Acme ID",
            "metadata_xml": idp_metadata(KEYS),
            "idp_initiated": "on",
            "group_roles": "Programme office = admin, Sponsor",
            "enabled": "on",
        },
    )
    assert response.status_code == 302
    sign_on = SignOn.objects.get(organisation=world.org)
    assert sign_on.group_roles == {"Programme office": ["admin", "sponsor"]}
    assert sign_on.sign_in_origin == "https://idp.acme.test"
    app = sign_on.app
    assert (app.provider, app.client_id, app.provider_id) == ("saml", "acme", "saml-acme")
    assert app.settings["idp"]["entity_id"] == "https://idp.acme.test/metadata"
    assert app.settings["advanced"]["reject_idp_initiated_sso"] is False
    page = browser.get("/o/acme/settings/sign-on/")
    assert (
        "/accounts/saml/acme/acs/" in page.text and "Programme office = admin, sponsor" in page.text
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"protocol": "saml", "metadata_xml": "<not-metadata/>"}, "not an identity provider"),
        ({"protocol": "saml"}, "Give the metadata"),
        (
            {
                "protocol": "oidc",
                "discovery_url": "http://127.0.0.1:9/",
                "client_id": "c",
                "client_secret": "s",
            },
            "No OpenID Connect provider answered",
        ),
        ({"protocol": "oidc", "discovery_url": "https://id.example/"}, "OpenID Connect needs this"),
        (
            {"protocol": "saml", "metadata_xml": idp_metadata(KEYS), "required": "on"},
            "Enable single sign-on",
        ),
        (
            {"protocol": "saml", "metadata_xml": idp_metadata(KEYS), "group_roles": "Staff = boss"},
            "Line 1",
        ),
    ],
)
def test_settings_that_cannot_work_are_refused_and_nothing_is_saved(world, proven, fields, message):
    browser = Client()
    browser.force_login(world.admin)
    response = browser.post("/o/acme/settings/sign-on/", {"display_name": "Acme ID", **fields})
    assert response.status_code == 200
    assert message in response.text
    assert not SignOn.objects.exists()


def test_sso_cannot_be_required_before_a_domain_is_proven(world):
    browser = Client()
    browser.force_login(world.admin)
    response = browser.post(
        "/o/acme/settings/sign-on/",
        {
            "protocol": "saml",
            "display_name": "Acme ID",
            "metadata_xml": idp_metadata(KEYS),
            "enabled": "on",
            "required": "on",
        },
    )
    assert "Prove a domain first" in response.text
    assert not SignOn.objects.exists()


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://evil.test; frame-ancestors *",
        "https://*",
        "https://user:pw@idp.test/authorize",
        "http://idp.example/authorize",
        "https://idp.test:99999/authorize",
    ],
)
def test_a_provider_cannot_write_into_our_csp(world, proven, hostile, endpoint):
    # The page that sends people to the provider allows its origin as a form target: an
    # endpoint that is not a plain https origin is refused when the admin saves.
    hostile.configuration["authorization_endpoint"] = endpoint
    with pytest.raises(ValidationError):
        save(
            world.org,
            protocol=SignOn.Protocol.OIDC,
            discovery_url=hostile.base,
            client_id="c",
            client_secret="s",
            enabled=True,
        )
    assert not SignOn.objects.exists()


def test_trust_is_fetched_over_https_only(world, proven):
    for url in ("http://idp.example/metadata", "ftp://idp.example/m", "https://u:p@idp.example/"):
        with pytest.raises(ValidationError, match="https://"):
            save(world.org, protocol=SignOn.Protocol.SAML, metadata_url=url)


def test_a_provider_that_stops_answering_gets_a_page_not_an_error(world, oidc, hostile, browser):
    hostile.close()
    refused(browser.post("/sign-in/acme/", {"email": "pat@acme.test"}), "did not answer")


def test_a_saved_client_secret_is_kept_when_the_field_is_left_empty(world, oidc, hostile):
    browser = Client()
    browser.force_login(world.admin)
    page = browser.get("/o/acme/settings/sign-on/")
    assert "s3cret" not in page.text
    browser.post(
        "/o/acme/settings/sign-on/",
        {
            "protocol": "oidc",
            "display_name": "Acme",
            "discovery_url": hostile.base,
            "client_id": "revans",
            "enabled": "on",
        },
    )
    oidc.refresh_from_db()
    assert (oidc.client_secret, oidc.app.secret, oidc.display_name) == ("s3cret", "s3cret", "Acme")


# --- Sign-in starts with the email ---


def test_an_address_whose_organisation_requires_sso_goes_to_its_provider(world, saml, browser):
    SignOn.objects.filter(pk=saml.pk).update(required=True)
    page = browser.post("/accounts/login/", {"email": "Pat@acme.test"})
    assert page.status_code == 200
    assert "/sign-in/acme/" in page.text and "data-autosubmit" in page.text
    # The page's form may leave for the provider (its redirect), and nowhere else.
    assert "form-action 'self' https://idp.acme.test" in page["Content-Security-Policy"]
    start = browser.post("/sign-in/acme/", {"email": "pat@acme.test"})
    assert start.status_code == 302 and start.url.startswith(
        "https://idp.acme.test/sso?SAMLRequest="
    )


def test_other_addresses_get_the_password_step_with_the_address_filled_in(world, saml, browser):
    response = browser.post("/accounts/login/", {"email": "olly@bravo.test"})
    assert response.url == "/accounts/login/?step=password"
    page = browser.get(response.url)
    assert 'value="olly@bravo.test"' in page.text
    assert "Sign in with Acme ID" not in page.text
    # Where SSO is enabled but not required, the password step offers it too.
    browser.post("/accounts/login/", {"email": "pat@acme.test"})
    page = browser.get("/accounts/login/?step=password")
    assert "Sign in with Acme ID" in page.text
    assert "https://idp.acme.test" in page["Content-Security-Policy"]


def test_an_invitation_to_a_required_domain_asks_for_its_provider_not_a_password(
    world, saml, browser
):
    SignOn.objects.filter(pk=saml.pk).update(required=True)
    invitation = accounts_services.invitation_create(
        organisation=world.other_org,
        invited_by=world.outsider,
        email="nia@acme.test",
        name="Nia",
        roles=[Role.PARTICIPANT],
    )
    link = f"/invitations/{accounts_services.invitation_token(invitation)}/"
    page = browser.get(link)
    assert "signs its people in through Acme ID" in page.text
    assert 'name="password1"' not in page.text
    assert "/accounts/login/?next=%2Finvitations%2F" in page.text
    browser.post(link, {"name": "Nia", "password1": "x" * 20, "password2": "x" * 20})
    assert not User.objects.filter(email="nia@acme.test").exists()
    # Nor can they sign up by themselves with a password.
    signup = browser.post(
        "/accounts/signup/",
        {"name": "Nia", "email": "nia@acme.test", "password1": "x" * 20, "password2": "x" * 20},
    )
    assert "signs its people in through Acme ID" in signup.text
    assert not User.objects.filter(email="nia@acme.test").exists()


def test_a_bad_address_is_asked_again(browser, db):
    page = browser.post("/accounts/login/", {"email": "not an address"})
    assert page.status_code == 200 and "Enter a valid email address" in page.text


def test_when_sso_is_required_passwords_and_resets_are_refused(world, saml, browser):
    SignOn.objects.filter(pk=saml.pk).update(required=True)
    # The same answer for a right and a wrong password: the password is not even checked.
    right = browser.post("/accounts/login/", {"login": "pat@acme.test", "password": PASSWORD})
    wrong = browser.post("/accounts/login/", {"login": "pat@acme.test", "password": "wrong"})
    assert right.status_code == wrong.status_code == 200
    assert "Acme Freight signs its people in through Acme ID" in right.text

    def page(response) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)

    assert page(right) == page(wrong)
    assert signed_in_as(browser) is None
    reset = browser.post("/accounts/password/reset/", {"email": "pat@acme.test"})
    assert reset.status_code == 200 and "signs its people in through Acme ID" in reset.text
    # Other organisations' people, and operators (the way back in), still use passwords.
    assert (
        browser.post(
            "/accounts/login/", {"login": "olly@bravo.test", "password": PASSWORD}
        ).status_code
        == 302
    )
    assert signed_in_as(browser) == world.outsider
    operator = make_user("root@acme.test", "Operator")
    User.objects.filter(pk=operator.pk).update(is_staff=True)
    other = Client(HTTP_HOST=HOST)
    other.post("/accounts/login/", {"login": "root@acme.test", "password": PASSWORD})
    assert signed_in_as(other).pk == operator.pk


# --- SAML: people arrive, and bad answers are refused ---


def test_a_newcomer_arrives_by_idp_initiated_saml_with_an_account_and_the_participant_role(
    world, saml, browser
):
    page = post_saml(browser, assertion("new.person@ACME.test").encoded(KEYS))
    user = signed_in_as(browser)
    assert user is not None and user.email == "new.person@acme.test" and user.name == "New Person"
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user)
    assert membership.organisation == world.org and membership.roles == [Role.PARTICIPANT]
    assert (
        Participant.objects.get(organisation=world.org, email="new.person@acme.test").user == user
    )
    change = IdentityChange.objects.get()
    assert (change.source, change.action, change.subject) == ("sso", "joined", user.email)
    assert page.redirect_chain[-1][0] == "/o/acme/"
    assert not Membership.objects.filter(organisation=world.other_org, user=user).exists()


def test_groups_map_to_roles_at_each_sign_in(world, saml, browser):
    SignOn.objects.filter(pk=saml.pk).update(group_roles={"Office": ["admin", "sponsor"]})
    post_saml(browser, assertion("new.person@acme.test", groups=["Office", "Staff"]).encoded(KEYS))
    membership = Membership.objects.get(user__email="new.person@acme.test")
    assert set(membership.roles) == {Role.ADMIN, Role.SPONSOR}
    browser.logout()
    post_saml(browser, assertion("new.person@acme.test", groups=["Staff"]).encoded(KEYS))
    membership.refresh_from_db()
    assert membership.roles == [Role.PARTICIPANT]
    assert list(IdentityChange.objects.values_list("action", flat=True)) == ["updated", "joined"]


def test_an_existing_account_is_signed_into_not_duplicated(world, saml, browser):
    post_saml(browser, assertion("pat@acme.test").encoded(KEYS))
    assert signed_in_as(browser) == world.participant
    assert User.objects.filter(email__iexact="pat@acme.test").count() == 1
    assert Membership.objects.get(user=world.participant, organisation=world.org).roles == [
        Role.PARTICIPANT
    ]


def test_sso_stands_in_for_the_mfa_policy_and_passwords_do_not(world, saml, browser):
    world.org.require_mfa = True
    world.org.save()
    post_saml(browser, assertion("ada@acme.test").encoded(KEYS))
    assert browser.get("/o/acme/members/").status_code == 200
    by_password = Client(HTTP_HOST=HOST)
    by_password.post("/accounts/login/", {"login": "ada@acme.test", "password": PASSWORD})
    assert by_password.get("/o/acme/members/")["Location"] == "/accounts/2fa/"


def refused(page, reason: str) -> None:
    assert page.status_code in (401, 403), page.status_code
    assert reason in page.text, page.text[:2000]


@pytest.mark.parametrize(
    ("email", "keys", "fields", "reason"),
    [
        ("pat@acme.test", OTHER_KEYS, {}, "could not be accepted"),  # wrong signature
        ("pat@acme.test", None, {}, "could not be accepted"),  # not signed at all
        ("pat@acme.test", KEYS, {"audience": "https://another.app/"}, "could not be accepted"),
        ("pat@acme.test", KEYS, {"issuer": "https://impostor.test/"}, "could not be accepted"),
        (
            "pat@acme.test",
            KEYS,
            {"acs_url": f"{BASE}/accounts/saml/bravo/acs/"},
            "could not be accepted",
        ),
        (
            "pat@acme.test",
            KEYS,
            {"lifetime": -timedelta(minutes=10)},
            "could not be accepted",
        ),
        ("olly@bravo.test", KEYS, {}, "proven domains only"),  # another organisation's person
        ("mallory@gmail.com", KEYS, {}, "proven domains only"),
    ],
    ids=[
        "wrong-signature",
        "unsigned",
        "wrong-audience",
        "wrong-issuer",
        "wrong-recipient",
        "expired",
        "other-org",
        "unproven",
    ],
)
def test_a_bad_saml_answer_is_refused_and_changes_nothing(
    world, saml, browser, email, keys, fields, reason
):
    users = User.objects.count()
    memberships = list(Membership.objects.values_list("pk", "is_active", "is_admin"))
    page = post_saml(browser, assertion(email, **fields).encoded(keys))
    refused(page, reason)
    assert signed_in_as(browser) is None
    assert User.objects.count() == users
    assert list(Membership.objects.values_list("pk", "is_active", "is_admin")) == memberships
    assert not Participant.objects.filter(email=email).exclude(organisation=world.org).exists()


def test_a_tampered_assertion_is_refused(world, saml, browser):
    signed = assertion("pat@acme.test").xml(KEYS).replace("pat@acme.test", "ada@acme.test")
    page = post_saml(browser, base64.b64encode(signed.encode()).decode())
    refused(page, "could not be accepted")
    assert signed_in_as(browser) is None


def test_a_replayed_answer_is_refused(world, saml, browser):
    first = assertion("pat@acme.test")
    post_saml(browser, first.encoded(KEYS))
    assert signed_in_as(browser) == world.participant
    thief = Client(HTTP_HOST=HOST)
    refused(post_saml(thief, first.encoded(KEYS)), "already used")
    assert signed_in_as(thief) is None
    # Spelled differently (base64 with line breaks, as python3-saml still reads it): the same.
    wrapped = "\n".join(first.encoded(KEYS)[i : i + 64] for i in range(0, 4096, 64))
    refused(post_saml(Client(HTTP_HOST=HOST), wrapped), "already used")
    # A new response around the same assertion is the same replay.
    again = assertion("pat@acme.test", assertion_id=first.assertion_id)
    refused(post_saml(Client(HTTP_HOST=HOST), again.encoded(KEYS)), "already used")


def test_idp_initiated_sign_in_is_refused_when_the_admin_turned_it_off(world, saml, browser):
    SignOn.objects.filter(pk=saml.pk).update(idp_initiated=False)
    services.sign_on_save(sign_on=SignOn.objects.get(pk=saml.pk), by=None)
    refused(post_saml(browser, assertion("pat@acme.test").encoded(KEYS)), "could not be accepted")


def test_a_disabled_sign_on_admits_nobody(world, saml, browser):
    SignOn.objects.filter(pk=saml.pk).update(enabled=False)
    refused(post_saml(browser, assertion("pat@acme.test").encoded(KEYS)), "not enabled")
    assert browser.post("/sign-in/acme/").status_code == 404


# --- OpenID Connect: the state, nonce, issuer and audience of each answer ---


def start_oidc(browser: Client, email: str = "pat@acme.test") -> dict[str, str]:
    start = browser.post("/sign-in/acme/", {"email": email})
    assert start.status_code == 302, start
    query = {k: v[0] for k, v in parse_qs(urlsplit(start["Location"]).query).items()}
    assert query["code_challenge_method"] == "S256" and query["login_hint"] == email
    return query


def id_token(hostile: HostileProvider, query: dict[str, str], **claims) -> None:
    now = int(time.time())
    hostile.claims = {
        "iss": hostile.base,
        "aud": "revans",
        "sub": "u-1",
        "email": "pat@acme.test",
        "email_verified": True,
        "name": "Pat Participant",
        "groups": [],
        "nonce": query["nonce"],
        "iat": now,
        "exp": now + 300,
    } | claims


def callback(browser: Client, state: str):
    return browser.get(
        f"/accounts/oidc/oidc-acme/login/callback/?code=c0de&state={state}", follow=True
    )


def test_oidc_with_pkce_and_a_nonce_signs_in(world, oidc, hostile, browser):
    query = start_oidc(browser)
    id_token(hostile, query, email="new.person@acme.test", name="New Person")
    callback(browser, query["state"])
    user = signed_in_as(browser)
    assert user.email == "new.person@acme.test"
    assert Membership.objects.get(user=user).organisation == world.org


@pytest.mark.parametrize(
    ("claims", "state", "reason"),
    [
        ({}, "forged-state", "could not be accepted"),
        ({"nonce": "another-sign-in"}, None, "its nonce"),
        ({"iss": "https://impostor.test"}, None, "could not be accepted"),
        ({"aud": "another-client"}, None, "could not be accepted"),
        ({"exp": 1000}, None, "could not be accepted"),
        ({"email": "olly@bravo.test"}, None, "proven domains only"),
    ],
    ids=["wrong-state", "wrong-nonce", "wrong-issuer", "other-client", "expired", "other-org"],
)
def test_a_bad_oidc_answer_is_refused_and_changes_nothing(
    world, oidc, hostile, browser, claims, state, reason
):
    users = User.objects.count()
    query = start_oidc(browser)
    id_token(hostile, query, **claims)
    refused(callback(browser, state or query["state"]), reason)
    assert signed_in_as(browser) is None
    assert User.objects.count() == users


def test_an_answer_to_a_sign_in_started_elsewhere_lacks_our_nonce(world, oidc, hostile, browser):
    # allauth's own start (not ours) sends no nonce: its answer cannot sign anyone in.
    start = browser.post("/accounts/oidc/oidc-acme/login/")
    query = {k: v[0] for k, v in parse_qs(urlsplit(start.url).query).items()}
    id_token(hostile, {"nonce": ""})
    refused(callback(browser, query["state"]), "its nonce")


def test_signing_out_at_revans_ends_the_session(world, saml, browser):
    post_saml(browser, assertion("pat@acme.test").encoded(KEYS))
    assert UserSession.objects.filter(user=world.participant).exists()
    browser.post("/accounts/logout/")
    assert signed_in_as(browser) is None


def test_every_other_way_in_meets_the_rule_too(world, saml, rf):
    # A passkey or an emailed code signs in through allauth's pre_login with no social login:
    # at a required domain it is sent back to the sign-in page; an operator is let through.
    SignOn.objects.filter(pk=saml.pk).update(required=True)

    def passwordless(user):
        request = rf.get("/accounts/login/")
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        return AccountAdapter(request).pre_login(
            request,
            user,
            email_verification="none",
            signal_kwargs=None,
            email=None,
            signup=False,
            redirect_url=None,
        )

    assert passwordless(world.participant)["Location"] == "/accounts/login/"
    assert passwordless(world.outsider) is None  # another organisation's domain
    User.objects.filter(pk=world.admin.pk).update(is_staff=True)
    world.admin.refresh_from_db()
    assert passwordless(world.admin) is None
