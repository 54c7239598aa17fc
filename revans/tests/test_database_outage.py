"""PostgreSQL stopped and started again under load: requests fail cleanly (503 with a page that
says when to try again, Retry-After; problem+json from the API), never a 500, and what was
written is whole afterwards.

The slow test does it for real: its own PostgreSQL cluster (initdb and pg_ctl in a temporary
directory, on its own port; never the shared server), migrated from zero, a gunicorn app server on
it, people signing in and writing while the server is stopped and started again. It fails, never
skips, when PostgreSQL's programs are missing (CI installs them)."""

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import OperationalError, connection

from revans.tests.servers import ROOT, _free_port, app_servers, postgres_programs
from revans.web import RETRY_AFTER_SECONDS


def test_a_database_that_cannot_be_reached_is_a_503_page_with_retry_after(client, world):
    """The page and the API's problem, whatever part of the request first met the outage."""

    def unreachable(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    client.force_login(world.participant)
    client.raise_request_exception = False
    with connection.execute_wrapper(unreachable):
        page = client.get("/o/acme/")
        api = client.get("/api/v1/programmes", HTTP_AUTHORIZATION="Bearer zqx")
    assert page.status_code == 503 and page["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = page.content.decode()
    assert "Back in a moment" in body and "Traceback" not in body
    assert api.status_code == 503 and api["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["status"] == 503 and "database" in api.json()["detail"]


def test_any_other_error_is_still_the_plain_500(client, world):
    def broken(*args, **kwargs):
        raise ZeroDivisionError

    client.force_login(world.participant)
    client.raise_request_exception = False
    with connection.execute_wrapper(broken):
        page = client.get("/o/acme/")
    assert page.status_code == 500 and "Retry-After" not in page


# The real outage -------------------------------------------------------------------------------


@dataclass
class Cluster:
    """A private PostgreSQL: its own directory and port, stopped and started by the test."""

    programs: Path
    directory: Path
    port: int

    def run(self, program: str, *args: str) -> None:
        # PostgreSQL refuses to run as root: as root, run it as its own user.
        user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*user, str(self.programs / program), *args]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        log = str(self.directory / "log")
        self.run(
            "pg_ctl", "-D", str(self.directory / "data"), "-o", options, "-l", log, "-w", "start"
        )

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.directory / "data"), "-m", "fast", "-w", "stop")

    def url(self, name: str = "revans") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    programs = postgres_programs()
    directory = Path(tempfile.mkdtemp(prefix="revans-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    made = Cluster(programs, directory, _free_port())
    try:
        made.run("initdb", "-D", str(directory / "data"), "-A", "trust", "-U", "postgres")
        made.start()
        made.run("createdb", "-h", "127.0.0.1", "-p", str(made.port), "-U", "postgres", "revans")
        yield made
    finally:
        if (directory / "data" / "postmaster.pid").exists():
            made.stop()
        shutil.rmtree(directory, ignore_errors=True)


# Run in a process of its own on the private database: the test world, a signed-in participant
# and an API token, printed as JSON.
SEED = """
import json
from django.test import Client
from revans.tests.clock import post_fork
post_fork(None, None)
from revans.api import services
from revans.accounts.models import Membership
from revans.tests.world import build_world
w = build_world()
client = Client()
client.force_login(w.participant)
membership = Membership.objects.get(user=w.participant, organisation=w.org)
_row, token = services.token_create(
    user=w.participant, membership=membership, name="outage", can_write=False, expires_at=None
)
print(json.dumps({"session": client.cookies["sessionid"].value, "set": w.set_a.pk, "token": token}))
"""


def manage(database: str, *args: str) -> str:
    env = {**os.environ, "REVANS_DATABASE_URL": database}
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}"
    return done.stdout


@dataclass
class Answer:
    status: int
    retry_after: str | None
    body: bytes
    submission: str = ""


def ask(url: str, headers: dict[str, str], data: bytes | None = None) -> Answer:
    sent = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(Stay).open(sent, timeout=30) as response:
            return Answer(response.status, response.headers["Retry-After"], response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers["Retry-After"], error.read())


@pytest.mark.slow
def test_postgresql_stopped_and_started_under_load_answers_503_then_serves_again(cluster):
    database = cluster.url()
    manage(database, "migrate", "--no-input")  # from zero, on PostgreSQL
    manage(database, "createcachetable")  # as `make run` does: the figures' cache is a table
    seeded = json.loads(manage(database, "shell", "-c", SEED).strip().splitlines()[-1])
    csrf = secrets.token_hex(16)
    cookie = f"sessionid={seeded['session']}; csrftoken={csrf}"
    answers: list[Answer] = []
    stop = threading.Event()

    servers = app_servers(1, database, workers=2, settings_module="revans.tests.server_settings")
    with servers as (base,):
        home = f"{base}/o/acme/"
        new_challenge = f"{base}/o/acme/sets/{seeded['set']}/cycle/challenges/new/"

        def load() -> None:
            while not stop.is_set():
                answers.append(ask(home, {"Cookie": cookie}))
                key = str(uuid.uuid4())
                form = {
                    "csrfmiddlewaretoken": csrf,
                    "submission": key,
                    "statement": f"Handovers {key[:8]}",
                    "business_area": "Ops",
                }
                body = urllib.parse.urlencode(form).encode()
                answer = ask(new_challenge, {"Cookie": cookie}, body)
                answer.submission = key
                answers.append(answer)

        threads = [threading.Thread(target=load) for _ in range(3)]
        for thread in threads:
            thread.start()
        try:
            time.sleep(1)
            cluster.stop()
            time.sleep(2)
            down = ask(home, {"Cookie": cookie})
            api = ask(f"{base}/api/v1/programmes", {"Authorization": f"Bearer {seeded['token']}"})
            cluster.start()
            deadline = time.monotonic() + 30
            while ask(home, {"Cookie": cookie}).status != 200:
                assert time.monotonic() < deadline, "the app never served again"
                time.sleep(0.2)
            time.sleep(1)  # under load again, after the restart
        finally:
            stop.set()
            for thread in threads:
                thread.join()
        back = ask(home, {"Cookie": cookie})

    assert down.status == 503 and down.retry_after == str(RETRY_AFTER_SECONDS)
    assert b"Back in a moment" in down.body
    assert api.status == 503 and api.retry_after == str(RETRY_AFTER_SECONDS)
    assert json.loads(api.body)["status"] == 503
    assert back.status == 200
    statuses = {answer.status for answer in answers}
    assert 503 in statuses and statuses <= {200, 302, 503}, statuses  # never a 500
    for answer in answers:
        if answer.status == 503:
            assert answer.retry_after == str(RETRY_AFTER_SECONDS)
            assert b"Traceback" not in answer.body
    # Every challenge the app said it saved is there, once; none was written twice.
    saved = {a.submission for a in answers if a.submission and a.status == 302}
    with psycopg.connect(database.replace("postgres://", "postgresql://")) as check:
        rows = check.execute(
            "select submission::text, statement from learning_challenge"
        ).fetchall()
    kept = [submission for submission, _statement in rows]
    assert saved <= set(kept) and len(kept) == len(set(kept))
    assert all(statement.startswith("Handovers ") for _key, statement in rows)
