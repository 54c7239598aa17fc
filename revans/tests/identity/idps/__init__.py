"""Real identity providers on loopback for the tests: an OpenID Connect provider (npm
oidc-provider, `oidc_provider.mjs`) and a SAML IdP (Debian's SimpleSAMLphp under `php -S`, its
configuration in `simplesamlphp/`). Each runs as its own process for as long as its context
manager is open, with the users and clients (or SPs) the test gives it.

Plain-HTTP drivers stand in for a person at a browser: `oidc_authorize` signs in at the
provider's own login page and returns the redirect to the app's callback without following it;
`saml_response` signs in at the IdP and returns the SAMLResponse it would have the browser post.

Both IdPs keep the suite's clock (`revans/tests/clock.py`): Node's Date is shifted in the script,
PHP's time by libfaketime, so what they sign is fresh on the suite's today.
"""

import base64
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from revans.tests.clock import SHIFT

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[3]
UNPACKED = ROOT / ".cache/simplesamlphp/root"
SIMPLESAMLPHP = UNPACKED / "usr/share/simplesamlphp"
PHP_EXTENSIONS = ("dom", "mbstring", "openssl", "SimpleXML", "xml", "zlib")
START_TIMEOUT = 30.0


@dataclass(frozen=True)
class User:
    """A person at the IdP: signs in with `email` (and, at the SAML IdP, `password`)."""

    email: str
    name: str = "Test User"
    groups: Sequence[str] = ()
    password: str = "password"
    given_name: str = ""
    family_name: str = ""

    def names(self) -> tuple[str, str]:
        given, _, family = self.name.partition(" ")
        return self.given_name or given, self.family_name or family


@dataclass(frozen=True)
class OidcClient:
    client_id: str
    client_secret: str
    redirect_uris: Sequence[str]
    # allauth posts its secret in the body when the provider offers both methods.
    token_endpoint_auth_method: str = "client_secret_post"


@dataclass(frozen=True)
class SP:
    """A SAML service provider the IdP answers: for the app, `SP.of_organisation`."""

    entity_id: str
    acs_url: str
    sls_url: str

    @classmethod
    def of_organisation(cls, base_url: str, slug: str) -> "SP":
        """The app's SP for the organisation `slug` served at `base_url` (no trailing slash)."""
        prefix = f"{base_url}/accounts/saml/{slug}"
        return cls(f"{prefix}/metadata/", f"{prefix}/acs/", f"{prefix}/sls/")


def oidc_redirect_uri(base_url: str, slug: str) -> str:
    """The app's OpenID Connect callback for the organisation `slug` served at `base_url`."""
    return f"{base_url}/accounts/oidc/{slug}/login/callback/"


@dataclass(frozen=True)
class OidcIdP:
    issuer: str
    discovery_url: str
    configuration: dict[str, Any]  # the discovery document
    clients: Sequence[OidcClient]
    users: Sequence[User]
    log: Path

    @property
    def authorization_endpoint(self) -> str:
        return str(self.configuration["authorization_endpoint"])

    @property
    def token_endpoint(self) -> str:
        return str(self.configuration["token_endpoint"])


@dataclass(frozen=True)
class SamlIdP:
    base_url: str
    entity_id: str
    metadata_url: str
    sso_url: str
    slo_url: str
    x509cert: str  # the signing certificate's base64 body, one line (python3-saml's form)
    sps: Sequence[SP]
    users: Sequence[User]
    log: Path

    def idp_initiated_url(self, sp_entity_id: str, relay_state: str = "") -> str:
        query = {"spentityid": sp_entity_id}
        if relay_state:
            query["RelayState"] = relay_state
        return f"{self.sso_url}?{urllib.parse.urlencode(query)}"


@dataclass(frozen=True)
class SamlPost:
    """What the IdP's auto-submitting page would post to the SP."""

    acs_url: str
    saml_response: str  # base64, as posted
    relay_state: str = ""

    @property
    def xml(self) -> str:
        return base64.b64decode(self.saml_response).decode()

    def form(self) -> dict[str, str]:
        form = {"SAMLResponse": self.saml_response}
        if self.relay_state:
            form["RelayState"] = self.relay_state
        return form


# --- starting and stopping -----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _clock_shift() -> float:
    return float(os.environ.get(SHIFT) or 0)


def _faketime() -> dict[str, str]:
    """The environment that moves a native process's clock with the suite's (none if unmoved)."""
    shift = _clock_shift()
    if not shift:
        return {}
    found = sorted(UNPACKED.glob("usr/lib/*/faketime/libfaketime.so.1"))  # the machine's arch
    if not found:
        raise RuntimeError(f"libfaketime is not unpacked in {UNPACKED}: run scripts/simplesamlphp")
    return {"LD_PRELOAD": str(found[0]), "FAKETIME": f"{shift:+.0f}"}


@contextmanager
def _process(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A process with its output in `log`; terminated (then killed) on exit."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(what: str, process: subprocess.Popen[bytes], log: Path, ready: Any) -> Any:
    """Poll `ready()` until it returns something (not None) or the process dies."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited ({process.returncode}): {log.read_text()[-3000:]}")
        try:
            found = ready()
        except urllib.error.HTTPError as error:  # up, but broken: its log says why
            with error:
                raise RuntimeError(
                    f"{what} answered {error.code}: {log.read_text()[-3000:]}"
                ) from error
        except OSError:  # not listening yet
            found = None
        if found is not None:
            return found
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start in {START_TIMEOUT:.0f}s: {log.read_text()[-3000:]}")


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
        return json.load(response)


@contextmanager
def running_oidc_provider(
    *, clients: Sequence[OidcClient], users: Sequence[User], port: int = 0
) -> Iterator[OidcIdP]:
    """An OpenID Connect provider on 127.0.0.1 (`port` 0: a free one) for the block's length."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("Node.js is not installed: the OIDC provider runs on it (Node 20+)")
    if not (ROOT / "node_modules/oidc-provider/package.json").exists():
        raise RuntimeError(
            "node_modules/oidc-provider is missing: run `make node_modules/.installed` (npm ci)"
        )
    config = {
        "port": port,
        "clients": [
            {
                "client_id": client.client_id,
                "client_secret": client.client_secret,
                "redirect_uris": list(client.redirect_uris),
                "token_endpoint_auth_method": client.token_endpoint_auth_method,
            }
            for client in clients
        ],
        "users": [
            {
                "email": user.email,
                "name": user.name,
                "given_name": user.names()[0],
                "family_name": user.names()[1],
                "groups": list(user.groups),
            }
            for user in users
        ],
    }
    with tempfile.TemporaryDirectory(prefix="revans-oidc-") as folder:
        log = Path(folder) / "oidc-provider.log"
        command = [node, str(HERE / "oidc_provider.mjs")]
        env = {"OIDC_IDP_CONFIG": json.dumps(config), SHIFT: str(_clock_shift())}
        with _process(command, env, log) as process:

            def issuer() -> str | None:
                for line in log.read_text().splitlines():
                    if line.startswith('{"ready":true'):
                        return str(json.loads(line)["issuer"])
                return None

            found = _wait_for("The OIDC provider", process, log, issuer)
            discovery_url = f"{found}/.well-known/openid-configuration"
            configuration = _wait_for(
                "The OIDC provider", process, log, lambda: _get_json(discovery_url)
            )
            yield OidcIdP(found, discovery_url, configuration, clients, users, log)


def _php() -> str:
    php = shutil.which("php")
    if php is None:
        raise RuntimeError(
            "PHP is not installed: `apt-get install php-cli php-xml php-mbstring` (as .ci/run does)"
        )
    loaded = subprocess.run([php, "-m"], capture_output=True, text=True, check=True).stdout
    missing = [ext for ext in PHP_EXTENSIONS if ext.lower() not in loaded.lower().split()]
    if missing:
        raise RuntimeError(
            f"PHP lacks {', '.join(missing)}: `apt-get install php-xml php-mbstring` (.ci/run does)"
        )
    if not (SIMPLESAMLPHP / "www/_include.php").exists():
        raise RuntimeError(
            f"SimpleSAMLphp is not unpacked in {UNPACKED}: run scripts/simplesamlphp"
        )
    return php


def _saml_attributes(user: User) -> dict[str, list[str]]:
    """A name left empty is left out; groups are always sent (no value: in no group)."""
    given, family = user.names()
    names = {"name": user.name, "given_name": given, "family_name": family}
    attributes = {"email": [user.email]} | {key: [value] for key, value in names.items() if value}
    return attributes | {"groups": list(user.groups)}


def _signing_pair(folder: Path) -> str:
    """A fresh key and self-signed certificate for the IdP, valid from the suite's today;
    returns the certificate's body."""
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650"]
    command += ["-subj", "/CN=Revans test IdP", "-keyout", "idp.key", "-out", "idp.crt"]
    env = {**os.environ, **_faketime()}
    subprocess.run(command, cwd=folder, env=env, check=True, capture_output=True)
    pem = (folder / "idp.crt").read_text()
    return "".join(line for line in pem.splitlines() if not line.startswith("-----"))


@contextmanager
def running_saml_idp(
    *, sps: Sequence[SP], users: Sequence[User], port: int = 0
) -> Iterator[SamlIdP]:
    """A SimpleSAMLphp IdP on 127.0.0.1 (`port` 0: a free one) for the block's length. It signs
    its responses and their assertions; the NameID is the user's email (emailAddress format), and
    the attributes are email, name, given_name, family_name and groups (basic names)."""
    php = _php()
    port = port or _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="revans-saml-") as name:
        folder = Path(name)
        (folder / "tmp").mkdir()
        (folder / "sessions").mkdir()
        x509cert = _signing_pair(folder)
        run = {
            "dir": str(folder),
            "base_url": base_url,
            "secret": base64.b32encode(os.urandom(20)).decode(),
            "sps": [
                {"entity_id": sp.entity_id, "acs_url": sp.acs_url, "sls_url": sp.sls_url}
                for sp in sps
            ],
            "users": [
                {
                    "email": user.email,
                    "password": user.password,
                    "attributes": _saml_attributes(user),
                }
                for user in users
            ],
        }
        (folder / "run.json").write_text(json.dumps(run))
        env = {
            "SIMPLESAMLPHP_CONFIG_DIR": str(HERE / "simplesamlphp"),
            "REVANS_SAML_IDP_RUN": str(folder),
            **_faketime(),  # PHP has no clock of its own to move: libfaketime moves the process's
        }
        log = folder / "php.log"
        command = [
            php,
            "-d",
            "display_errors=stderr",
            "-d",
            "error_reporting=E_ALL & ~E_DEPRECATED",
        ]
        command += ["-S", f"127.0.0.1:{port}", "-t", str(SIMPLESAMLPHP / "www")]
        with _process(command, env, log) as process:
            metadata_url = f"{base_url}/saml2/idp/metadata.php"

            def metadata() -> str | None:
                with urllib.request.urlopen(metadata_url, timeout=5) as response:  # noqa: S310
                    return response.read().decode() if response.status == 200 else None

            _wait_for("SimpleSAMLphp", process, log, metadata)
            yield SamlIdP(
                base_url=base_url,
                entity_id=metadata_url,
                metadata_url=metadata_url,
                sso_url=f"{base_url}/saml2/idp/SSOService.php",
                slo_url=f"{base_url}/saml2/idp/SingleLogoutService.php",
                x509cert=x509cert,
                sps=sps,
                users=users,
                log=log,
            )


# --- a person at a browser, over plain HTTP ------------------------------------------------------


@dataclass
class _Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _Forms(HTMLParser):
    """The forms of a page with their fields' (unescaped) values."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[_Form] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(_Form(values.get("action", ""), values.get("method", "get").lower()))
        elif tag in ("input", "button") and self.forms and values.get("name"):
            self.forms[-1].fields[values["name"]] = values.get("value", "")

    def having(self, *names: str) -> _Form | None:
        return next((f for f in self.forms if all(n in f.fields for n in names)), None)


class _Keep(urllib.request.HTTPRedirectHandler):
    """Hands back a redirect instead of following it: the browser decides where it goes."""

    def http_error_302(self, req: Any, fp: Any, code: Any, msg: Any, headers: Any) -> Any:
        return fp

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


class _Browser:
    """Cookies and redirects as a browser keeps them, within one origin (the IdP's)."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _Keep()
        )

    def go(self, url: str, data: dict[str, str] | None = None) -> tuple[str, str]:
        """Follows redirects within the origin; returns (url, page) where it stopped, or
        (the redirect's target, "") at the first one that leaves the origin."""
        for _hop in range(20):
            if not url.startswith(self.origin + "/"):
                return url, ""
            body = urllib.parse.urlencode(data).encode() if data is not None else None
            request = urllib.request.Request(url, data=body)  # noqa: S310 (loopback)
            try:
                with self.opener.open(request, timeout=10) as response:
                    status, location, page = (
                        response.status,
                        response.headers.get("Location"),
                        response.read().decode(),
                    )
            except urllib.error.HTTPError as error:
                with error:
                    raise RuntimeError(
                        f"{url} answered {error.code}: {error.read()[:2000]!r}"
                    ) from error
            if status not in (301, 302, 303, 307, 308) or not location:
                return url, page
            # 307 and 308 repeat the request as it was; the others turn it into a GET.
            url, data = urllib.parse.urljoin(url, location), data if status in (307, 308) else None
        raise RuntimeError(f"too many redirects from {url}")

    def submit(self, url: str, form: _Form, **values: str) -> tuple[str, str]:
        action = urllib.parse.urljoin(url, form.action or url)
        if form.method != "post":
            return self.go(f"{action}?{urllib.parse.urlencode({**form.fields, **values})}")
        return self.go(action, {**form.fields, **values})


def oidc_authorize(idp: OidcIdP, *, authorize_url: str, email: str) -> str:
    """Signs `email` in at the provider's own login page for `authorize_url` (as the app made it,
    with its state, nonce and code_challenge); returns the redirect to the client's callback
    (with code and state, or an error), not followed."""
    browser = _Browser(idp.issuer)
    url, page = browser.go(authorize_url)
    for _step in range(5):
        if not page:
            return url
        forms = _Forms(page)
        if form := forms.having("prompt", "login"):
            url, page = browser.submit(url, form, login=email, password="any")  # not checked
        elif form := forms.having("prompt"):  # consent, were it asked
            url, page = browser.submit(url, form)
        else:
            raise RuntimeError(f"no sign-in form at {url}: {page[:2000]}")
    raise RuntimeError(f"the provider kept asking at {url}: {page[:2000]}")


def saml_response(
    idp: SamlIdP,
    *,
    username: str,
    password: str,
    sp_entity_id: str | None = None,
    start_url: str | None = None,
) -> SamlPost:
    """Signs `username` in at the IdP and returns the SAMLResponse its page would post, with the
    ACS URL it would post to. Starts IdP-initiated for `sp_entity_id`, or at `start_url` (the
    IdP's SSO URL with the SAMLRequest an SP made)."""
    if start_url is None:
        if sp_entity_id is None:
            raise TypeError("saml_response needs sp_entity_id or start_url")
        start_url = idp.idp_initiated_url(sp_entity_id)
    browser = _Browser(idp.base_url)
    url, page = browser.go(start_url)
    signed_in = False
    while True:
        forms = _Forms(page)
        if form := forms.having("SAMLResponse"):
            return SamlPost(
                acs_url=urllib.parse.urljoin(url, form.action),
                saml_response=form.fields["SAMLResponse"],
                relay_state=form.fields.get("RelayState", ""),
            )
        form = forms.having("username", "password")
        if form is not None and signed_in:  # the login form again: the password was refused
            raise RuntimeError(f"{username} could not sign in at {url} (wrong password?)")
        if form is None:
            log = idp.log.read_text()[-3000:]
            raise RuntimeError(f"no SAMLResponse from {url}: {page[:2000]}\nThe IdP's log: {log}")
        url, page = browser.submit(url, form, username=username, password=password)
        signed_in = True
