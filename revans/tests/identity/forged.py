"""Hostile and crafted identity-provider answers, for the bad-input tests: SAML responses signed
with a key the test holds (or another), and an OpenID Connect provider on loopback whose token
endpoint answers with whatever ID token the test sets. The real IdPs (`idps`) prove the happy
paths in the browser; these prove each refusal, fast and on any database."""

import base64
import json
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.utils import timezone
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils


@dataclass(frozen=True)
class Keys:
    key_pem: str
    cert_pem: str

    @property
    def cert_body(self) -> str:
        return "".join(line for line in self.cert_pem.splitlines() if "-----" not in line)


def make_keys(name: str = "idp.acme.test") -> Keys:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=3650))
        .not_valid_after(now + timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    return Keys(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
        cert.public_bytes(serialization.Encoding.PEM).decode(),
    )


IDP_ENTITY_ID = "https://idp.acme.test/metadata"
IDP_SSO_URL = "https://idp.acme.test/sso"


def idp_metadata(keys: Keys, entity_id: str = IDP_ENTITY_ID, sso_url: str = IDP_SSO_URL) -> str:
    return f"""<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
      <ds:X509Data><ds:X509Certificate>{keys.cert_body}</ds:X509Certificate></ds:X509Data>
    </ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
      Location="{sso_url}"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>"""


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Assertion:
    """What a SAML response says; every field can be made wrong by a test."""

    acs_url: str
    audience: str
    name_id: str
    attributes: dict[str, list[str]] = field(default_factory=dict)
    issuer: str = IDP_ENTITY_ID
    lifetime: timedelta = timedelta(minutes=5)
    issued: datetime | None = None  # default: the suite's now
    response_id: str = field(default_factory=lambda: f"_r{uuid.uuid4().hex}")
    assertion_id: str = field(default_factory=lambda: f"_a{uuid.uuid4().hex}")

    def xml(self, keys: Keys | None) -> str:
        issued = self.issued or timezone.now()
        until = _moment(issued + self.lifetime)
        attributes = "".join(
            f'<saml:Attribute Name="{name}">'
            + "".join(f"<saml:AttributeValue>{v}</saml:AttributeValue>" for v in values)
            + "</saml:Attribute>"
            for name, values in self.attributes.items()
        )
        assertion = f"""<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{self.assertion_id}" Version="2.0" IssueInstant="{_moment(issued)}"><saml:Issuer>{self.issuer}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{self.name_id}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient="{self.acs_url}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{_moment(issued - timedelta(seconds=30))}" NotOnOrAfter="{until}"><saml:AudienceRestriction><saml:Audience>{self.audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{_moment(issued)}" SessionIndex="_s{self.assertion_id}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>{attributes}</saml:AttributeStatement></saml:Assertion>"""  # noqa: E501
        if keys is not None:
            assertion = OneLogin_Saml2_Utils.add_sign(
                assertion,
                keys.key_pem,
                keys.cert_pem,
                sign_algorithm=OneLogin_Saml2_Constants.RSA_SHA256,
                digest_algorithm=OneLogin_Saml2_Constants.SHA256,
            ).decode()
            assertion = assertion.split("?>", 1)[-1].strip()  # no XML declaration inside
        return f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{self.response_id}" Version="2.0" IssueInstant="{_moment(issued)}" Destination="{self.acs_url}"><saml:Issuer>{self.issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{assertion}</samlp:Response>"""  # noqa: E501

    def encoded(self, keys: Keys | None) -> str:
        return base64.b64encode(self.xml(keys).encode()).decode()


class HostileProvider:
    """An OpenID Connect provider on loopback that answers its token endpoint with the claims the
    test sets (`claims`), signed with its own key: a provider gone wrong, or an impostor."""

    def __init__(self) -> None:
        self.claims: dict[str, Any] = {}
        self.secret = uuid.uuid4().hex
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                if self.path.startswith("/.well-known/openid-configuration"):
                    self._json(provider.configuration)
                else:  # userinfo
                    self._json({k: v for k, v in provider.claims.items() if k not in ("aud",)})

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                token = jwt.encode(provider.claims, provider.secret, algorithm="HS256")
                self._json({"access_token": "at", "token_type": "Bearer", "id_token": token})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.configuration = {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "userinfo_endpoint": f"{self.base}/userinfo",
            "jwks_uri": f"{self.base}/jwks",
            "token_endpoint_auth_methods_supported": ["client_secret_post"],
        }
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
