"""Signing in, signing up, resetting a password and two-factor authentication, through allauth."""

import re
import time

import pyotp
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.utils.timezone import now

from revans.accounts.models import Membership, Organisation, Role, SignupDomain, User
from revans.tests.world import PASSWORD, email_link


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db):
    cache.clear()


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_passwords_are_hashed_with_argon2_in_production():
    # Tests swap in a fast hasher; the real setting puts Argon2 first.
    from revans import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_sign_in_with_email_lands_on_the_only_organisation(client, world):
    response = sign_in(client, "PAT@acme.test")
    assert response.status_code == 302
    assert client.get("/").url == "/o/acme/"


def test_a_wrong_password_is_refused(client, world):
    response = sign_in(client, world.participant.email, "not the password")
    assert response.status_code == 200
    assert b"not correct" in response.content
    assert "_auth_user_id" not in client.session


def test_repeated_failures_are_rate_limited(client, world):
    for _ in range(5):
        sign_in(client, world.participant.email, "wrong")
    response = sign_in(client, world.participant.email, PASSWORD)
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_an_unverified_address_cannot_sign_in(client, world, django_capture_on_commit_callbacks):
    EmailAddress.objects.filter(user=world.participant).update(verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_in(client, world.participant.email)
    assert response.status_code == 302
    assert response.url == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert "confirm" in mail.outbox[-1].subject.lower()


def test_password_reset_by_email(client, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": world.participant.email})
    assert len(mail.outbox) == 1
    path = email_link(mail.outbox[0], "/accounts/password/reset/key/")
    form_page = client.get(path, follow=True)
    new_password = "a brand new passphrase"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": new_password, "password2": new_password},
    )
    world.participant.refresh_from_db()
    assert world.participant.check_password(new_password)


def test_sign_up_is_closed_without_an_open_domain(client, world):
    response = client.get("/accounts/signup/")
    assert b"Sign Up Closed" in response.content or b"closed" in response.content.lower()
    client.post(
        "/accounts/signup/",
        {"name": "X", "email": "x@acme.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert not User.objects.filter(email="x@acme.test").exists()


def test_open_sign_up_for_a_domain_joins_after_verification(
    client, world, django_capture_on_commit_callbacks
):
    SignupDomain.objects.create(organisation=world.org, domain="acme.test", verified_at=now())
    # Another domain is still refused.
    response = client.post(
        "/accounts/signup/",
        {
            "name": "Eve",
            "email": "eve@elsewhere.test",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert b"Sign-up is by invitation" in response.content
    assert not User.objects.filter(email="eve@elsewhere.test").exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "name": "Nia New",
                "email": "nia@acme.test",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    user = User.objects.get(email="nia@acme.test")
    assert user.name == "Nia New"
    # Not a member until the address is proven.
    assert not Membership.objects.filter(user=user).exists()
    client.post(email_link(mail.outbox[-1], "/accounts/confirm-email/"))
    membership = Membership.objects.get(user=user)
    assert membership.organisation == world.org
    assert membership.roles == [Role.PARTICIPANT]


def get_after_reauthentication(client: Client, url: str, password: str = PASSWORD):
    page = client.get(url, follow=True)
    if page.redirect_chain:  # allauth asks for the password again before security changes
        client.post(page.redirect_chain[-1][0], {"password": password})
        page = client.get(url)
    assert page.status_code == 200
    return page


def totp_code(secret: str) -> str:
    """The current code, not one about to expire: with no tolerance (allauth's default), a code
    read in the last moments of its 30 s would be stale by the time the request checks it."""
    totp = pyotp.TOTP(secret)
    left = totp.interval - time.time() % totp.interval
    if left < 3:
        time.sleep(left + 0.1)
    return totp.now()


def enable_totp(client: Client) -> str:
    page = get_after_reauthentication(client, "/accounts/2fa/totp/activate/")
    secret = re.search(rb'value="([A-Z2-7]{16,})"', page.content)
    assert secret is not None, page.content
    secret_text = secret.group(1).decode()
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret_text)})
    assert response.status_code == 302, response.content
    return secret_text


def test_totp_is_asked_for_at_sign_in(client, world):
    assert sign_in(client, world.admin.email).status_code == 302
    secret = enable_totp(client)
    assert Authenticator.objects.filter(user=world.admin, type="totp").exists()
    # Recovery codes come with it.
    assert Authenticator.objects.filter(user=world.admin, type="recovery_codes").exists()
    client.logout()

    response = sign_in(client, world.admin.email)
    assert response.url == "/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert b"Incorrect code" in wrong.content
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.admin.pk)


def test_webauthn_and_passkeys_are_offered(client, world):
    assert settings.MFA_SUPPORTED_TYPES == ["totp", "recovery_codes", "webauthn"]
    assert settings.MFA_PASSKEY_LOGIN_ENABLED
    sign_in(client, world.admin.email)
    page = client.get("/accounts/2fa/")
    assert b"/accounts/2fa/webauthn/add/" in page.content
    add = get_after_reauthentication(client, "/accounts/2fa/webauthn/add/")
    assert b"Add Security Key" in add.content
    assert b'name="passwordless"' in add.content  # may be used as a passkey


def test_policy_sends_admins_and_sponsors_to_set_up_mfa(client, world):
    Organisation.objects.filter(pk=world.org.pk).update(require_mfa=True)
    for user in (world.admin, world.sponsor):
        client.force_login(user)
        response = client.get("/o/acme/")
        assert response.status_code == 302
        assert response.url == "/accounts/2fa/"
    # Participants and facilitators are not asked.
    client.force_login(world.participant)
    assert client.get("/o/acme/").status_code == 200


def test_with_mfa_the_policy_lets_admins_in(client, world):
    Organisation.objects.filter(pk=world.org.pk).update(require_mfa=True)
    sign_in(client, world.admin.email)
    enable_totp(client)
    assert client.get("/o/acme/").status_code == 200


def test_too_many_tries_get_a_page_that_says_when_to_try_again(client, world):
    """The 429 after too many password resets for one address is a page in the product's style,
    with a way back and when to try again (not allauth's bare 198 bytes)."""
    reset = {"email": world.participant.email}
    responses = [client.post("/accounts/password/reset/", reset) for _n in range(7)]
    refused = [r for r in responses if r.status_code == 429]
    assert refused
    page = refused[-1].content.decode()
    assert "Try again in 5 minutes" in page and "site-footer" in page and 'href="/"' in page
    assert refused[-1]["Retry-After"] == "300"
