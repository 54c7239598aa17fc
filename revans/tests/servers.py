"""Real app servers for tests and benchmarks: gunicorn processes on loopback, each with its own
workers, all on the database the caller names (the test database, or a benchmark's)."""

import glob
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from revans.tests.clock import SHIFT

ROOT = Path(__file__).resolve().parents[2]


def database_url(settings_dict: dict[str, Any]) -> str:
    """The URL of the database a connection uses (REVANS_DATABASE_URL's form)."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict["USER"]
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def postgres_programs() -> Path:
    """The folder of PostgreSQL's programs (initdb, pg_ctl, pg_dump, pg_restore). A test that
    needs them fails, never skips, when they are missing: CI installs them."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        pytest.fail("PostgreSQL's programs (initdb, pg_ctl) are missing: install postgresql")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not start: {log.read_text()[-2000:]}")


@contextmanager
def app_servers(
    count: int,
    database: str,
    *,
    workers: int = 1,
    logs: Path | None = None,
    settings_module: str = "revans.settings",
) -> Iterator[list[str]]:
    """`count` gunicorn servers with `workers` sync workers each; yields their base URLs."""
    logs = logs or Path(os.environ.get("TMPDIR", "/tmp"))  # noqa: S108
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "REVANS_DATABASE_URL": database,
        "REVANS_SECRET_KEY": settings.SECRET_KEY,
        "REVANS_ALLOWED_HOSTS": "127.0.0.1",
    }
    started: list[tuple[subprocess.Popen[bytes], Any]] = []
    urls = []
    try:
        for _n in range(count):
            port = _free_port()
            log = logs / f"revans-gunicorn-{port}.log"
            out = log.open("wb")
            command = [sys.executable, "-m", "gunicorn", "revans.wsgi"]
            command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
            if float(os.environ.get(SHIFT) or 0):
                command += ["--config", "python:revans.tests.clock"]  # the suite's day
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
            started.append((process, out))
            url = f"http://127.0.0.1:{port}"
            _wait_until_up(url, process, log)
            urls.append(url)
        yield urls
    finally:
        for process, out in started:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
            out.close()


# The worker's command, on the suite's clock as the app servers' workers are (`clock.post_fork`).
_WORKER = (
    "import django, sys; from revans.tests.clock import post_fork; post_fork(None, None); "
    "from django.core.management import execute_from_command_line; "
    "execute_from_command_line(['manage.py', 'db_worker', *sys.argv[1:]])"
)


@contextmanager
def task_worker(database: str, *, logs: Path | None = None) -> Iterator[subprocess.Popen[bytes]]:
    """A real `db_worker` process on `database`, polling often; yields it (a test may kill it).
    Stopped on exit if it still runs."""
    log = (logs or Path(os.environ.get("TMPDIR", "/tmp"))) / f"revans-worker-{os.getpid()}.log"  # noqa: S108
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "revans.settings",
        "REVANS_DATABASE_URL": database,
        "REVANS_SECRET_KEY": settings.SECRET_KEY,
    }
    command = [sys.executable, "-c", _WORKER, "--no-reload", "--no-startup-delay"]
    command += ["--interval", "0.1", "--verbosity", "0"]
    with log.open("ab") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the answer to a POST is its redirect: read it, do not follow it


_OPENER = urllib.request.build_opener(_NoRedirect)


def request(url: str, cookie: str, data: dict[str, object] | None = None) -> tuple[int, bytes]:
    """One request to an app server as a signed-in browser makes it (a POST when `data`)."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    sent = urllib.request.Request(url, data=body, headers={"Cookie": cookie})  # noqa: S310
    try:
        with _OPENER.open(sent, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
