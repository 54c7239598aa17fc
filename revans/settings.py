"""Revans settings: one file, driven by environment variables (see .env.example).

Every variable has a safe default for a developer's machine; a malformed value stops start-up
with an error that names the variable.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str) -> str:
    """NAME, or the contents of the file named by NAME_FILE (for container secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r}: cannot read it ({exc})") from exc
    return os.environ.get(name, "") or default


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={os.environ[name]!r}: expected true or false")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r}: must be at least {minimum}")
    return value


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def env_url(name: str, default: str, schemes: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip() or default
    if value and not value.startswith(tuple(f"{s}://" for s in schemes)):
        raise ImproperlyConfigured(f"{name}={value!r}: expected a URL starting with {schemes}")
    return value


DEBUG = env_bool("REVANS_DEBUG", False)
# HTTPS turns on every transport protection (secure cookies, redirect, HSTS). Off only on a laptop.
HTTPS = env_bool("REVANS_HTTPS", False)
DEVELOPMENT_KEY = "django-insecure-revans-development-key-do-not-deploy"
SECRET_KEY = env_str("REVANS_SECRET_KEY", DEVELOPMENT_KEY)
if HTTPS and SECRET_KEY == DEVELOPMENT_KEY:
    # Sessions, password resets and invitation links are signed with it: never deploy the default.
    raise ImproperlyConfigured(
        "REVANS_SECRET_KEY (or REVANS_SECRET_KEY_FILE) must be set to a long random string "
        "when REVANS_HTTPS=true; the development key is public."
    )
ALLOWED_HOSTS = env_list("REVANS_ALLOWED_HOSTS", "localhost,127.0.0.1")
SITE_URL = env_url("REVANS_SITE_URL", "http://127.0.0.1:8000", ("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "revans.audit",
    "revans.accounts",
    "revans.programmes",
    "revans.formation",
    "revans.meetings",
    "revans.learning",
    "revans.impact",
    "revans.evidence",
    "revans.identity",
    "revans.api",
    "revans.rights",
    "revans.channels",
    "revans.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.usersessions",
    "django_tasks_db",
    "django_htmx",
    "ninja",  # its docs page's files, served by the app
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "revans.identity.middleware.SamlHostMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "revans.audit.middleware.AuditMiddleware",
    "revans.accounts.middleware.TimeZoneMiddleware",
    "revans.accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "revans.accounts.middleware.SessionTimeoutMiddleware",  # each organisation's limits
    "revans.accounts.middleware.SessionActivityMiddleware",  # allauth's, but not for polls
]

ROOT_URLCONF = "revans.urls"
WSGI_APPLICATION = "revans.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "revans" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "revans.accounts.context_processors.organisations",
                "revans.accounts.context_processors.session_clock",
            ],
        },
    },
    {
        # Plain-text email (subjects and bodies): the same templates, with no HTML escaping.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "revans" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Database: SQLite on a laptop (WAL, so the web server and the worker can both write),
# PostgreSQL in production through REVANS_DATABASE_URL.
DATABASE_URL = env_url(
    "REVANS_DATABASE_URL",
    f"sqlite:///{BASE_DIR / 'revans.sqlite3'}",
    ("sqlite", "postgres", "postgresql", "pgsql"),
)
try:
    _database: dict[str, Any] = dict(dj_database_url.parse(DATABASE_URL, conn_max_age=60))
except ValueError as exc:
    raise ImproperlyConfigured(f"REVANS_DATABASE_URL: {exc}") from exc
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too, not Django's in-memory database: in memory, SQLite locks whole tables
    # across connections, so tests of two workers or sweeps at once could not run as they do here.
    _database["TEST"] = {"NAME": str(BASE_DIR / "test-revans.sqlite3")}
else:
    _database["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache: login rate limits must hold across every app server.
CACHE_URL = env_url("REVANS_CACHE_URL", "", ("redis", "rediss"))


def _cache(table: str, **options: Any) -> dict[str, Any]:
    if CACHE_URL:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    return {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": table,
        "OPTIONS": options,
    }


CACHES: dict[str, dict[str, Any]] = {
    "default": _cache("revans_cache"),
    # The API's per-token counters, apart: many tokens must never cull sign-in's rate limits.
    "api": {**_cache("revans_api_rate", MAX_ENTRIES=1_000_000), "KEY_PREFIX": "api"},
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home:home"

# django-allauth: email is the identifier; sign-up is by invitation (see accounts.adapters).
ACCOUNT_ADAPTER = "revans.identity.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "revans.identity.forms.LoginForm",
    "signup": "revans.accounts.forms.SignupForm",
    "reset_password": "revans.identity.forms.ResetPasswordForm",
}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Revans] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "signup": "20/m/ip",
}
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("REVANS_TRUSTED_PROXY_COUNT", 0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Revans"
# Browsers allow WebAuthn on http://localhost only; anywhere else HTTPS is required.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not HTTPS
USERSESSIONS_TRACK_ACTIVITY = True
# Single sign-on: each organisation's provider is a SocialApp its admin configures (identity).
# People arrive at once (no sign-up form), matched to an existing account by an address at the
# organisation's proven domains, which the provider vouches for (see identity.adapters).
SOCIALACCOUNT_ADAPTER = "revans.identity.adapters.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_REQUIRED = True
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10

# Email: the console by default, SMTP when REVANS_EMAIL_HOST is set.
_smtp = {
    "host": os.environ.get("REVANS_EMAIL_HOST", ""),
    "port": env_int("REVANS_EMAIL_PORT", 587, minimum=1),
    "username": os.environ.get("REVANS_EMAIL_USER", ""),
    "password": env_str("REVANS_EMAIL_PASSWORD", ""),
    "use_tls": env_bool("REVANS_EMAIL_USE_TLS", True),
    "timeout": 30,
}
MAILERS: dict[str, dict[str, Any]] = {
    "default": (
        {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": _smtp}
        if _smtp["host"]
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = os.environ.get("REVANS_FROM_EMAIL", "Revans <revans@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def env_nameservers(name: str) -> list[tuple[str, int]]:
    servers = []
    for entry in env_list(name, ""):
        host, _colon, port = entry.rpartition(":") if entry.count(":") == 1 else (entry, "", "53")
        if not host or not port.isdigit():
            raise ImproperlyConfigured(f"{name}={entry!r}: expected host or host:port")
        servers.append((host, int(port)))
    if len({port for _host, port in servers}) > 1:
        raise ImproperlyConfigured(f"{name}: every server must use the same port")
    return servers


# DNS, to prove a sign-up domain: the system's resolver unless servers are named ("host[:port]").
DNS_NAMESERVERS = env_nameservers("REVANS_DNS_NAMESERVERS")
DNS_TIMEOUT = 5.0

# Plain http to this machine for identity providers and webhooks (a developer's own; the tests').
ALLOW_LOOPBACK_URLS = env_bool("REVANS_ALLOW_LOOPBACK_URLS", False)

# The REST API: requests a minute per token (429 beyond, with Retry-After).
API_RATE_LIMIT_PER_MINUTE = env_int("REVANS_API_RATE_LIMIT", 600, minimum=1)

# Invitations are valid for this many days.
INVITATION_MAX_AGE_DAYS = env_int("REVANS_INVITATION_DAYS", 14, minimum=1)

LANGUAGE_CODE = "en-gb"
# Each person reads Revans in their own language, else their organisation's
# (accounts.middleware.LanguageMiddleware); each name in its own language, as people look for it.
LANGUAGES = [("en-gb", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "revans" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "revans" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Content Security Policy: no inline script or style anywhere; scripts need our nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_TRUSTED_ORIGINS = [SITE_URL] if HTTPS else []
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = env_int("REVANS_HSTS_SECONDS", 31536000) if HTTPS else 0
# Opt-in: both reach beyond this app (every subdomain of the customer's domain; browsers' built-in
# lists) and take months to undo, so they are the operator's decision, not a default.
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("REVANS_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("REVANS_HSTS_PRELOAD", False)
# The deploy check asks for both; leaving them off is a decision recorded above, not an oversight.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("REVANS_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, "").strip().upper() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r}: expected one of {', '.join(choices)}")
    return value


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("REVANS_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
    },
    # WeasyPrint tells every step of every PDF at INFO, and matplotlib its font search.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "matplotlib": {"level": "WARNING"},
    },
}
