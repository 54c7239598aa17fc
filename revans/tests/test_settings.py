"""Settings fail loudly on bad values, and production settings pass Django's deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "REVANS_SECRET_KEY": "x" * 30 + "-production-secret-with-enough-entropy-1234567890",
    "REVANS_HTTPS": "true",
    "REVANS_ALLOWED_HOSTS": "revans.example.org",
    "REVANS_SITE_URL": "https://revans.example.org",
    "REVANS_EMAIL_HOST": "smtp.example.org",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return python("manage.py", *args, env=env)


def python(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Python in a process of its own, with `env` and none of this one's settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REVANS_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_development_settings_are_flagged_by_the_deploy_check():
    # The default key is deliberately insecure, so a forgotten setting cannot slip into production.
    result = manage("check", "--deploy", "--fail-level", "WARNING", env={})
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("REVANS_DEBUG", "maybe"),
        ("REVANS_HTTPS", "2"),
        ("REVANS_EMAIL_PORT", "smtp"),
        ("REVANS_INVITATION_DAYS", "0"),
        ("REVANS_DATABASE_URL", "mysql-ish://nowhere"),
        ("REVANS_CACHE_URL", "memcached://127.0.0.1"),
        ("REVANS_SITE_URL", "revans.example.org"),
        ("REVANS_LOG_LEVEL", "LOUD"),
    ],
)
def test_a_malformed_variable_stops_start_up_and_is_named(name, value):
    result = manage("check", env={name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr


def test_a_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-a-file-" + "y" * 50 + "\n")
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECRET_KEY)",
        env={"REVANS_SECRET_KEY_FILE": str(secret)},
    )
    assert result.stdout.strip().endswith("from-a-file-" + "y" * 50)


@pytest.mark.parametrize("key", ["", "django-insecure-revans-development-key-do-not-deploy"])
def test_https_without_a_real_secret_key_is_a_startup_error_naming_it(key):
    env = {**PRODUCTION, "REVANS_SECRET_KEY": key}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "REVANS_SECRET_KEY" in result.stderr


def setting(name: str, env: dict[str, str]) -> str:
    result = manage(
        "shell", "-c", f"from django.conf import settings; print(settings.{name})", env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_hsts_preload_and_subdomains_are_opt_in():
    assert setting("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION) == "False"
    assert setting("SECURE_HSTS_PRELOAD", PRODUCTION) == "False"
    opted = {**PRODUCTION, "REVANS_HSTS_INCLUDE_SUBDOMAINS": "true", "REVANS_HSTS_PRELOAD": "true"}
    assert setting("SECURE_HSTS_INCLUDE_SUBDOMAINS", opted) == "True"
    assert setting("SECURE_HSTS_PRELOAD", opted) == "True"
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=opted)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("servers", ["127.0.0.1:x", "10.0.0.1:53,10.0.0.2:5353"])
def test_malformed_dns_servers_stop_start_up(servers):
    result = manage("check", env={"REVANS_DNS_NAMESERVERS": servers})
    assert result.returncode != 0 and "REVANS_DNS_NAMESERVERS" in result.stderr


def test_the_access_log_keeps_no_secret_from_a_url():
    from datetime import timedelta

    from gunicorn.config import Config

    from revans.gunicorn_logging import ScrubbingLogger

    class Response:
        status, sent, headers = "200 OK", 10, []

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/calendar/s3cr3t-token.ics",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": "/calendar/s3cr3t-token.ics",
        "HTTP_REFERER": "https://x.example/rsvp/another.s3cr3t/",
    }
    atoms = ScrubbingLogger(Config()).atoms(Response(), {}, environ, timedelta(seconds=1))
    assert "s3cr3t" not in " ".join(str(v) for v in atoms.values())
    assert atoms["U"] == "/calendar/[secret]"


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/password/reset/key/1-s3cr3t-key/",
        "/accounts/confirm-email/s3cr3t:key/",
        "/invitations/s3cr3t.token/",
    ],
)
def test_the_access_log_keeps_no_account_key(path):
    """Password-reset and email-confirmation keys are secrets in the path too (issue 18)."""
    from datetime import timedelta

    from gunicorn.config import Config

    from revans.gunicorn_logging import ScrubbingLogger

    class Response:
        status, sent, headers = "200 OK", 10, []

    environ = {"REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": path}
    environ |= {"SERVER_PROTOCOL": "HTTP/1.1", "HTTP_REFERER": f"https://revans.example{path}"}
    atoms = ScrubbingLogger(Config()).atoms(Response(), {}, environ, timedelta(seconds=1))
    assert "s3cr3t" not in " ".join(str(v) for v in atoms.values())


def test_the_app_servers_entry_point_hides_what_lives_for_the_worker_s_life_from_the_collector():
    """`revans.wsgi` loads the URLconf and every language's catalogue, then freezes: a full
    garbage collection in a worker scans only what requests made (benchmarks/README.md)."""
    probe = (
        "import gc, revans.wsgi\n"
        "from django.urls import get_resolver\n"
        "from django.utils.translation import trans_real\n"
        "assert get_resolver()._populated\n"
        "assert {'en-gb', 'fr'} <= set(trans_real._translations)\n"
        "print(gc.get_freeze_count(), len(gc.get_objects()))\n"
    )
    result = python("-c", probe, env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    frozen, tracked = map(int, result.stdout.split())
    assert frozen > 100_000 and tracked < 1_000
