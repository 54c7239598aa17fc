"""The identity providers the sign-in tests use (`idps`), proven on their own: a whole OpenID
Connect code flow with PKCE, and a signed IdP-initiated SAML response, each on the suite's clock."""

import base64
import hashlib
import json
import os
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
import zlib
from datetime import UTC, datetime
from typing import Any

import pytest

from revans.tests.clock import SHIFT
from revans.tests.identity import idps
from revans.tests.identity.idps import (
    SP,
    OidcClient,
    User,
    oidc_authorize,
    oidc_redirect_uri,
    running_oidc_provider,
    running_saml_idp,
    saml_response,
)

pytestmark = pytest.mark.slow

APP = "http://127.0.0.1:8000"  # nothing listens there: the redirects are read, not followed
ADA = User("ada@example.com", "Ada Lovelace", groups=["staff", "sponsors"], password="lovelace")
GRACE = User("grace@example.com", "Grace Hopper", groups=[], password="hopper")
NS = {
    "samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
    "saml": "urn:oasis:names:tc:SAML:2.0:assertion",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
}
DAYS_400 = 400 * 86400


def _pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _authorize_url(idp, client, **params: str) -> str:
    query = {
        "client_id": client.client_id,
        "response_type": "code",
        "scope": "openid email profile groups",
        "redirect_uri": client.redirect_uris[0],
        "state": "the-state",
        "nonce": "the-nonce",
        **params,
    }
    return f"{idp.authorization_endpoint}?{urllib.parse.urlencode(query)}"


def _post(url: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
    body = urllib.parse.urlencode(form).encode()
    request = urllib.request.Request(url, data=body)  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.load(error)


def _jwt_payload(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    )
    return claims


def _oidc_sign_in(idp, client, user):
    verifier, challenge = _pkce()
    url = _authorize_url(idp, client, code_challenge=challenge, code_challenge_method="S256")
    callback = oidc_authorize(idp, authorize_url=url, email=user.email)
    assert callback.startswith(client.redirect_uris[0] + "?"), callback
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(callback).query)
    assert query["state"] == ["the-state"]
    token_request = {
        "grant_type": "authorization_code",
        "code": query["code"][0],
        "redirect_uri": client.redirect_uris[0],
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "code_verifier": verifier,
    }
    return token_request


@pytest.fixture(scope="module")
def oidc():
    client = OidcClient("revans-acme", "acme-secret", [oidc_redirect_uri(APP, "acme")])
    with running_oidc_provider(clients=[client], users=[ADA, GRACE]) as idp:
        yield idp, client


def test_oidc_code_flow_with_pkce(oidc):
    idp, client = oidc
    assert idp.configuration["issuer"] == idp.issuer
    assert "groups" in idp.configuration["scopes_supported"]
    status, tokens = _post(idp.token_endpoint, _oidc_sign_in(idp, client, ADA))
    assert status == 200, tokens
    claims = _jwt_payload(tokens["id_token"])
    assert claims["iss"] == idp.issuer
    assert claims["aud"] == client.client_id
    assert claims["nonce"] == "the-nonce"
    assert claims["email"] == ADA.email
    assert claims["email_verified"] is True
    assert (claims["name"], claims["given_name"], claims["family_name"]) == (
        "Ada Lovelace",
        "Ada",
        "Lovelace",
    )
    assert claims["groups"] == ["staff", "sponsors"]
    assert abs(claims["iat"] - time.time()) < 60  # the suite's clock, whatever day it is
    # The userinfo endpoint (which allauth asks too) says the same.
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    userinfo = urllib.request.Request(idp.configuration["userinfo_endpoint"], headers=bearer)  # noqa: S310
    with urllib.request.urlopen(userinfo, timeout=10) as response:  # noqa: S310
        assert json.load(response)["groups"] == ["staff", "sponsors"]


def test_oidc_needs_pkce_and_its_verifier(oidc):
    idp, client = oidc
    callback = oidc_authorize(idp, authorize_url=_authorize_url(idp, client), email=ADA.email)
    assert "error=invalid_request" in callback
    token_request = _oidc_sign_in(idp, client, GRACE)
    status, answer = _post(idp.token_endpoint, {**token_request, "code_verifier": "x" * 43})
    assert (status, answer["error"]) == (400, "invalid_grant")


def test_oidc_refuses_an_unknown_person(oidc):
    idp, client = oidc
    _verifier, challenge = _pkce()
    url = _authorize_url(idp, client, code_challenge=challenge, code_challenge_method="S256")
    callback = oidc_authorize(idp, authorize_url=url, email="nobody@example.com")
    assert "error=access_denied" in callback and "code=" not in callback


@pytest.fixture(scope="module")
def saml():
    acme, other = SP.of_organisation(APP, "acme"), SP.of_organisation(APP, "other")
    with running_saml_idp(sps=[acme, other], users=[ADA, GRACE]) as idp:
        yield idp, acme


def _assertion_facts(xml: str) -> dict[str, Any]:
    response = ET.fromstring(xml)  # noqa: S314 (our own IdP's answer)
    assertion = response.find("saml:Assertion", NS)
    name_id = assertion.find("saml:Subject/saml:NameID", NS)
    attributes = {
        attribute.get("Name"): [
            value.text for value in attribute.findall("saml:AttributeValue", NS)
        ]
        for attribute in assertion.iterfind("saml:AttributeStatement/saml:Attribute", NS)
    }
    return {
        "destination": response.get("Destination"),
        "response signed": response.find("ds:Signature", NS) is not None,
        "assertion signed": assertion.find("ds:Signature", NS) is not None,
        "certificate": assertion.findtext(".//ds:X509Certificate", namespaces=NS),
        "issuer": assertion.findtext("saml:Issuer", namespaces=NS),
        "audience": assertion.findtext(".//saml:Audience", namespaces=NS),
        "name id": (name_id.text, name_id.get("Format")),
        "attributes": attributes,
        "issued": datetime.fromisoformat(assertion.get("IssueInstant")).timestamp(),
    }


def test_saml_idp_initiated_response_is_signed(saml):
    idp, acme = saml
    post = saml_response(idp, username=ADA.email, password="lovelace", sp_entity_id=acme.entity_id)
    assert post.acs_url == acme.acs_url
    facts = _assertion_facts(post.xml)
    assert facts["destination"] == acme.acs_url
    assert facts["response signed"] and facts["assertion signed"]
    assert facts["certificate"] == idp.x509cert
    assert facts["issuer"] == idp.entity_id
    assert facts["audience"] == acme.entity_id
    assert facts["name id"] == (
        ADA.email,
        "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
    )
    assert facts["attributes"]["email"] == [ADA.email]
    assert facts["attributes"]["name"] == ["Ada Lovelace"]
    assert facts["attributes"]["given_name"] == ["Ada"]
    assert facts["attributes"]["groups"] == ["staff", "sponsors"]
    assert abs(facts["issued"] - time.time()) < 60  # the suite's clock, whatever day it is


def test_saml_sp_initiated_response_answers_the_request(saml):
    idp, acme = saml
    request = (
        '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"'
        ' xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_the-request" Version="2.0"'
        f' IssueInstant="{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}" Destination="{idp.sso_url}"'
        f' AssertionConsumerServiceURL="{acme.acs_url}"'
        ' ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">'
        f"<saml:Issuer>{acme.entity_id}</saml:Issuer></samlp:AuthnRequest>"
    )
    deflated = zlib.compressobj(wbits=-15)  # HTTP-Redirect binding: raw DEFLATE, then base64
    encoded = base64.b64encode(deflated.compress(request.encode()) + deflated.flush()).decode()
    query = urllib.parse.urlencode({"SAMLRequest": encoded, "RelayState": "/next/"})
    post = saml_response(
        idp, username=ADA.email, password="lovelace", start_url=f"{idp.sso_url}?{query}"
    )
    assert (post.acs_url, post.relay_state) == (acme.acs_url, "/next/")
    assert ET.fromstring(post.xml).get("InResponseTo") == "_the-request"  # noqa: S314


def test_saml_metadata_names_the_idp_and_its_certificate(saml):
    idp, _acme = saml
    with urllib.request.urlopen(idp.metadata_url, timeout=10) as response:  # noqa: S310
        metadata = ET.fromstring(response.read())  # noqa: S314 (our own IdP's)
    assert metadata.get("entityID") == idp.entity_id
    assert metadata.findtext(".//ds:X509Certificate", namespaces=NS).strip() == idp.x509cert
    sso = metadata.find(".//md:SingleSignOnService", NS)
    assert sso.get("Location") == idp.sso_url


def test_saml_answers_each_sp_and_refuses_a_wrong_password(saml):
    idp, _acme = saml
    other = SP.of_organisation(APP, "other")
    post = saml_response(idp, username=GRACE.email, password="hopper", sp_entity_id=other.entity_id)
    facts = _assertion_facts(post.xml)
    assert (post.acs_url, facts["audience"]) == (other.acs_url, other.entity_id)
    assert facts["name id"][0] == GRACE.email
    assert facts["attributes"]["groups"] == []  # sent, with no value: in no group
    with pytest.raises(RuntimeError, match="wrong password"):
        saml_response(idp, username=ADA.email, password="nope", sp_entity_id=other.entity_id)


def test_the_idps_keep_a_moved_suite_clock(monkeypatch):
    """On a day `REVANS_TEST_TODAY` chooses, what the IdPs sign is dated that day too."""
    monkeypatch.setenv(SHIFT, str(float(os.environ.get(SHIFT) or 0) + DAYS_400))
    expected = time.time() + DAYS_400
    client = OidcClient("revans-acme", "acme-secret", [oidc_redirect_uri(APP, "acme")])
    with running_oidc_provider(clients=[client], users=[ADA]) as idp:
        status, tokens = _post(idp.token_endpoint, _oidc_sign_in(idp, client, ADA))
        assert status == 200, tokens
        assert abs(_jwt_payload(tokens["id_token"])["iat"] - expected) < 60
    acme = SP.of_organisation(APP, "acme")
    with running_saml_idp(sps=[acme], users=[ADA]) as idp:
        post = saml_response(
            idp, username=ADA.email, password="lovelace", sp_entity_id=acme.entity_id
        )
        assert abs(_assertion_facts(post.xml)["issued"] - expected) < 60


def test_a_missing_install_is_named(monkeypatch, tmp_path):
    monkeypatch.setattr(idps, "SIMPLESAMLPHP", tmp_path)
    with (
        pytest.raises(RuntimeError, match="scripts/simplesamlphp"),
        running_saml_idp(sps=[], users=[]),
    ):
        pass
    monkeypatch.setattr(idps, "ROOT", tmp_path)
    with (
        pytest.raises(RuntimeError, match=r"make node_modules/\.installed"),
        running_oidc_provider(clients=[], users=[]),
    ):
        pass
