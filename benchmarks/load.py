"""Benchmark: the production arrangement under a mix of people, and exactly-once under load.

    .venv/bin/python benchmarks/load.py [--seconds 60] [--data demo | --data large --factor N]
        [--concurrency 4] [--people 20] [--boards-per-meeting 1] [--sweep-every 5]
        [--mix-seconds 120] [--only PAGE ...] [--data-checkout PATH] [--template DATABASE]
        [--locust PATH]

One command, on loopback, bounded in time (about 2 x --seconds per page, plus set-up):
1. a throw-away PostgreSQL database on 127.0.0.1:5432 (dropped at the end), migrated, with the
   data loaded (`load_demo`, or `build_large_organisation --factor N --seed 1`), static files
   collected as a deployment does (whitenoise serves them);
2. the production arrangement, each process started as the Procfile starts it: two app servers
   (gunicorn, 2 sync workers each, DEBUG off) behind HAProxy (round robin,
   benchmarks/load_haproxy.cfg), two task workers (`db_worker`), one sweep, Redis (an empty db
   number of the server at 127.0.0.1:6379, emptied after) as the shared cache, and an SMTP
   server on loopback that keeps every email, so that what left can be counted;
3. people chosen by role from the database after loading (never demo addresses), signed in by a
   session made through Django's session engine (`Client.force_login`: what a completed
   sign-in leaves), API tokens made by `api.services.token_create`, 30 meetings under way with
   their consoles started (`learning.live.services`);
4. settling: a sweep to its end and the workers' queue emptied, so that the backlog a new
   database has due is not timed (phase B times new work on purpose); then every planned
   request made once (it must answer as the page should), which keeps what busy pages keep;
   phase A, saturation: each page alone for --seconds, --concurrency connections without pause
   (as the issue's wrk baseline), the signed-in /healthz (the ceiling) first and last; each
   page's requests a second and its ratio to the ceiling (the mean of the two);
5. phase B, the mixed run: live boards polling every 2 s during the 30 meetings and people
   opening every page with a pause between pages, for --seconds, for latency percentiles and
   errors; meanwhile a second sweep runs, and work falls due (reminders, survey emails, board
   reports, formation runs), counted afterwards from the database and the SMTP server: each
   exactly once, none missing. The script exits non-zero if not, or on any error.

Figures go to benchmarks/results/load-<date>-demo.md (or -large-<factor>x.md) and are printed;
every process's log is in a temporary directory whose path is printed first. Needs HAProxy
(`apt-get install haproxy`), Redis and PostgreSQL on loopback, and locust (the dev extras).
"""

import argparse
import csv
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any
from urllib.request import Request, urlopen
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
LIVE_MEETINGS = 30
LOCUST: list[Path] = []  # the locust command: beside this Python, or --locust
# The pages of the issue, each with the role that opens it; the ceiling is the trivial view.
CEILING = "healthz (signed in)"
CHANGED = "live board poll, changed"


def log(text: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {text}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (on {os.cpu_count()} cores)"


# 1. The database and the data ----------------------------------------------------------------


@contextmanager
def throwaway_database(template: str = "") -> Any:
    """A new database on the shared server, with a name no one else uses (a copy of `template`,
    if named); dropped at the end."""
    import psycopg

    name = f"revans_load_{datetime.now(UTC):%Y%m%d_%H%M%S}_{secrets.token_hex(3)}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{copy}')
    log(f"database {name} created{f' as a copy of {template}' if template else ''}")
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        log(f"database {name} dropped")


def manage(env: dict[str, str], logs: Path, *args: str, checkout: Path = ROOT) -> None:
    """A management command to its end, its output in the logs (shown if it fails)."""
    out = logs / f"manage-{args[0]}.log"
    with out.open("ab") as stream:
        command = [sys.executable, "manage.py", *args]
        done = subprocess.run(command, cwd=checkout, env=env, stdout=stream, stderr=stream)
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{out.read_text()[-3000:]}")


def load_data(
    env: dict[str, str], logs: Path, data: str, factor: float, checkout: Path, copied: bool
) -> None:
    log("migrating")
    manage(env, logs, "migrate", "--no-input")
    if copied:
        log("the data came with the copied database")
    elif data == "large":
        if not (checkout / "revans/demo/management/commands/build_large_organisation.py").exists():
            sys.exit(f"--data large needs manage.py build_large_organisation in {checkout}")
        log(f"building the large organisation, factor {factor} (with {checkout})")
        build = ("build_large_organisation", "--factor", f"{factor:g}", "--seed", "1")
        manage(env, logs, *build, checkout=checkout)
    else:
        log("loading the demo")
        manage(env, logs, "load_demo")
    manage(env, logs, "collectstatic", "--no-input", "--verbosity", "0")


# 2. The processes ------------------------------------------------------------------------------


def procfile() -> dict[str, list[str]]:
    """The Procfile's commands, as lists: the benchmark starts what production starts."""
    found = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _colon, command = line.partition(":")
        if command.strip():
            found[name.strip()] = [
                sys.executable if part == ".venv/bin/python" else part
                for part in shlex.split(command)
            ]
    found["web"][0] = str(Path(sys.executable).with_name("gunicorn"))
    return found


def with_option(command: list[str], option: str, value: str) -> list[str]:
    """The command with `option`'s value replaced."""
    changed = list(command)
    changed[changed.index(option) + 1] = value
    return changed


class Processes:
    """Everything started, stopped in reverse order (TERM, then KILL after 10 s)."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        out = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.started.append((name, process))
        return process

    def check(self) -> None:
        for name, process in self.started:
            if process.poll() is not None:
                sys.exit(f"{name} stopped (exit {process.returncode}): see {self.logs}/{name}.log")

    def stop_all(self) -> None:
        for _name, process in reversed(self.started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _name, process in reversed(self.started):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_until_up(url: str, processes: Processes) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        processes.check()
        try:
            with urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"{url} did not answer /healthz within 60 s")


@contextmanager
def redis_database() -> Any:
    """An empty db number of the shared Redis (the highest free one), emptied at the end."""
    import redis

    for number in range(15, 0, -1):
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=number)
        if client.dbsize() == 0:
            break
    else:
        sys.exit("Redis at 127.0.0.1:6379 has no empty database number (1-15)")
    client.set("revans-load-benchmark", "in use")  # claimed, so that a second run picks another
    try:
        yield f"redis://{REDIS_HOST}:{REDIS_PORT}/{number}"
    finally:
        client.flushdb()


@dataclass
class Mailbox:
    """What an SMTP server on loopback received: every email's Message-ID, as many times as it
    came (a duplicate sent by two workers shows as two)."""

    received: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.received[str(message.get("Message-ID", "")).strip()] += 1
        return "250 OK"


@contextmanager
def smtp_server() -> Any:
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def proxy_command() -> str:
    found = shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/sbin/haproxy") if Path(p).exists()), None
    )
    if not found:
        sys.exit(
            "HAProxy is not installed: it is the round-robin proxy in front of the two app "
            "servers. Install it (Debian: `sudo apt-get install haproxy`) and run again."
        )
    return found


def start_arrangement(
    processes: Processes, env: dict[str, str], proxy_port: int, sweep_every: int
) -> tuple[str, dict[str, list[str]]]:
    """Two app servers behind the proxy, two task workers, one sweep; the proxy's URL."""
    commands = procfile()
    ports = [free_port(), free_port()]
    for n, port in enumerate(ports, 1):
        web = with_option(commands["web"], "--bind", f"127.0.0.1:{port}")
        processes.start(f"app{n}", web, env)
    for port in ports:
        wait_until_up(f"http://127.0.0.1:{port}", processes)
    proxy_env = {
        **env,
        "LOAD_PROXY_PORT": str(proxy_port),
        "LOAD_APP1_PORT": str(ports[0]),
        "LOAD_APP2_PORT": str(ports[1]),
    }
    config = str(ROOT / "benchmarks/load_haproxy.cfg")
    processes.start("proxy", [proxy_command(), "-db", "-f", config], proxy_env)
    base = f"http://127.0.0.1:{proxy_port}"
    wait_until_up(base, processes)
    for n in (1, 2):
        processes.start(f"worker{n}", commands["worker"], env)
    commands["sweep"] = with_option(commands["sweep"], "--every", str(sweep_every))
    processes.start("sweep1", commands["sweep"], env)
    log(f"up: proxy {base} -> app servers on ports {ports[0]} and {ports[1]}")
    return base, commands


# 3. Who signs in, and the live meetings --------------------------------------------------------


def session_headers(user: Any) -> dict[str, str]:
    """A signed-in session of this person, made by Django's session engine."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}


def satisfy_mfa_policy(membership: Any) -> bool:
    """An organisation that asks its admins and sponsors for a second factor sends them to set
    one up first: the benchmark gives them one (a TOTP authenticator), as they would have."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from allauth.mfa.utils import is_mfa_enabled

    from revans.accounts.models import Role

    if not membership.organisation.require_mfa or not membership.has_role(Role.ADMIN, Role.SPONSOR):
        return False
    if not is_mfa_enabled(membership.user):
        TOTP.activate(membership.user, generate_totp_secret())
    return True


def plan_pages(per_role: int, boards_per_meeting: int) -> dict[str, Any]:
    """Who opens which page: people chosen by role from the database as loaded (the largest
    organisation, people holding just that role), each page's requests, and the boards."""
    from django.db.models import Count, Q
    from django.urls import reverse
    from django.utils import timezone

    from revans.accounts.models import Membership, Organisation
    from revans.api.services import token_create
    from revans.learning.live.services import clock_act, live_of
    from revans.meetings.models import Meeting
    from revans.programmes.models import LearningSet, SetFacilitator, SetMembership

    today = timezone.localdate()
    organisation = (
        Organisation.objects.annotate(n=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by("-n")
        .first()
    )
    assert organisation is not None, "no organisation was loaded"
    org = organisation.slug
    active = Membership.objects.filter(organisation=organisation, is_active=True).select_related(
        "user", "organisation"
    )
    only = {
        "participant": {"is_participant": True, "is_admin": False, "is_sponsor": False},
        "facilitator": {"is_facilitator": True, "is_admin": False, "is_sponsor": False},
        "sponsor": {"is_sponsor": True, "is_admin": False},
        "admin": {"is_admin": True},
    }
    running = {
        "learning_set__programme__starts_on__lte": today,
        "learning_set__programme__ends_on__gte": today,
    }
    members = (
        SetMembership.objects.filter(
            left_on=None,
            participant__user__isnull=False,
            participant__organisation=organisation,
            **running,
        )
        .select_related("learning_set__programme", "participant__user")
        .order_by("pk")
    )
    people: dict[str, list[Any]] = {}
    mfa = 0
    for role, flags in only.items():
        chosen = list(active.filter(**flags).order_by("pk"))
        if role == "participant":
            in_sets = set(members.values_list("participant__user_id", flat=True))
            chosen = [m for m in chosen if m.user_id in in_sets]
        if role == "facilitator":
            leading = set(
                SetFacilitator.objects.filter(until=None, **running).values_list("user", flat=True)
            )
            chosen = [m for m in chosen if m.user_id in leading]
        assert chosen, f"nobody in {org} is only a {role} (with a current set where it matters)"
        people[role] = chosen[:per_role]
        mfa += sum(satisfy_mfa_policy(m) for m in people[role])
    sessions = {m.user_id: session_headers(m.user) for ms in people.values() for m in ms}

    def as_role(role: str) -> list[tuple[Any, dict[str, str]]]:
        return [(m, sessions[m.user_id]) for m in people[role]]

    programmes = list(
        organisation.programmes.filter(starts_on__lte=today, ends_on__gte=today).order_by("pk")
    )
    assert programmes, f"{org} has no programme running today"
    pages: dict[str, dict[str, Any]] = {}

    def page(name: str, requests: list[tuple[str, dict[str, str]]], **extra: Any) -> None:
        pages[name] = {"requests": requests, **extra}

    page(CEILING, [("/healthz", h) for _m, h in as_role("participant")], ceiling=True)
    for role in only:
        page(f"{role} home", [(f"/o/{org}/", h) for _m, h in as_role(role)])
    # A participant's own set: its page, the cycle, the learning log, their next meeting.
    mine = []
    for membership, headers in as_role("participant"):
        found = members.filter(participant__user=membership.user).first()
        if found is not None:
            mine.append((found, headers))
    ids = [{"org": org, "set_id": m.learning_set_id} for m, _h in mine]
    page(
        "set page",
        [
            (reverse("programmes:set_detail", kwargs=i), h)
            for i, (_m, h) in zip(ids, mine, strict=True)
        ],
    )
    page(
        "set cycle",
        [
            (reverse("learning:set_cycle", kwargs=i), h)
            for i, (_m, h) in zip(ids, mine, strict=True)
        ],
    )
    page(
        "learning log",
        [(reverse("learning:log", kwargs=i), h) for i, (_m, h) in zip(ids, mine, strict=True)],
    )
    meetings = []
    for membership, headers in mine:
        meeting = (
            Meeting.objects.filter(learning_set_id=membership.learning_set_id)
            .order_by("-starts_at")
            .first()
        )
        if meeting is not None:
            meetings.append(
                (
                    reverse("meetings:meeting", kwargs={"org": org, "meeting_id": meeting.pk}),
                    headers,
                )
            )
    page("meeting page", meetings)
    sponsors = as_role("sponsor")
    for name, url in (
        ("programme page", "programmes:programme_detail"),
        ("sponsor dashboard", "evidence:dashboard"),
        ("ROI", "impact:roi"),
    ):
        page(
            name,
            [
                (reverse(url, kwargs={"org": org, "programme_id": p.pk}), h)
                for p in programmes
                for _m, h in sponsors
            ],
        )
    # The API's lists, each with a token of a person who may read them.
    tokens = {}
    for membership in [*people["sponsor"], *people["participant"]]:
        _token, secret = token_create(
            user=membership.user,
            membership=membership,
            name="load",
            can_write=False,
            expires_at=None,
        )
        tokens[membership.user_id] = {"Authorization": f"Bearer {secret}"}
    sponsor_tokens = [tokens[m.user_id] for m in people["sponsor"]]
    member_tokens = [(m, tokens[m.participant.user_id]) for m, _h in mine]
    page("API /me", [("/api/v1/me", t) for t in sponsor_tokens])
    page("API programmes", [("/api/v1/programmes", t) for t in sponsor_tokens])
    page(
        "API programme sets",
        [(f"/api/v1/programmes/{p.pk}/sets", t) for p in programmes for t in sponsor_tokens],
    )
    page(
        "API set meetings",
        [(f"/api/v1/sets/{m.learning_set_id}/meetings", t) for m, t in member_tokens],
    )

    # 30 meetings under way, their consoles started, each set's members watching the board.
    sets = list(
        LearningSet.objects.filter(programme__in=programmes, facilitations__until=None)
        .filter(memberships__left_on=None, memberships__participant__user__isnull=False)
        .distinct()
        .order_by("pk")
    )
    assert sets, f"{org} has no set with a facilitator and members with accounts"
    now = timezone.now()
    boards = []
    for n in range(LIVE_MEETINGS):
        learning_set = sets[n % len(sets)]  # the demo has fewer sets: some meet twice at once
        meeting = Meeting.objects.create(
            learning_set=learning_set,
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(hours=4),
            time_zone=organisation.time_zone,
        )
        coach = learning_set.facilitations.filter(until=None).select_related("user").first()
        live = live_of(meeting)
        clock_act(meeting=meeting, by=coach.user, version=live.state_version, operation="start")
        watchers = members.filter(learning_set=learning_set).order_by("pk")[:boards_per_meeting]
        path = reverse("learning:board_poll", kwargs={"org": org, "meeting_id": meeting.pk})
        boards += [(path, session_headers(m.participant.user), live) for m in watchers]
    # As a board polls: with the version it holds, so an unchanged board answers 204.
    for live in {live for _p, _h, live in boards}:
        live.refresh_from_db()
    page(
        "live board poll",
        [(f"{path}?v={live.version}", h) for path, h, live in boards],
        expect=[204],
    )
    # The whole board as after a change: every member of the set with an account reads it
    # once (the version 0 it never holds), then the meeting changes again (`Changes`).
    changed = []
    for path, live in dict.fromkeys((path, live) for path, _h, live in boards):
        watching = members.filter(learning_set_id=live.meeting.learning_set_id)
        changed += [(f"{path}?v=0", session_headers(m.participant.user)) for m in watching]
    page(CHANGED, changed)
    boards_live, boards = boards, [(path, h) for path, h, _l in boards]
    return {
        "organisation": org,
        "people": {role: len(ms) for role, ms in people.items()},
        "mfa set up for the policy": mfa,
        "live meetings": LIVE_MEETINGS,
        "sets": len(sets),
        "pages": pages,
        "boards": boards,
        "live": sorted({live.pk for _p, _h, live in boards_live}),
        # The mixed run: each page alike (the polls are the boards' own users).
        "mix": {name: 1 for name in pages if not name.startswith("live board poll")},
    }


def settle(env: dict[str, str], logs: Path) -> None:
    """What a new database has due is done before anything is timed: a large one has a survey
    per set to open and their emails to send (at factor 1 the first sweep opens 140 surveys),
    and each write moves the kept generation, so a page timed while that backlog drains measures
    the backlog. A sweep to its end (sweeps are idempotent beside the running one), then the
    workers until no task waits (at most 3 minutes). Phase B makes new work due on purpose."""
    from django.db import connections
    from django_tasks_db.models import DBTaskResult

    log("settling: a sweep to its end, then the workers' queue")
    manage(env, logs, "sweep")
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists():
            break
        time.sleep(1)
    connections.close_all()


def check_every_page(base: str, plan: dict[str, Any]) -> None:
    """Each planned request answers as the page should before anything is timed."""
    wrong = []
    for name, page in plan["pages"].items():
        for path, headers in page["requests"]:
            request = Request(base + path, headers=headers)  # noqa: S310 (loopback)
            try:
                with urlopen(request, timeout=30) as response:  # noqa: S310
                    status = response.status
                    redirected = response.url != base + path
            except OSError as error:
                status, redirected = getattr(error, "code", str(error)), False
            if status not in page.get("expect", [200]) or redirected:
                wrong.append(f"{name} {path}: {status}{' (redirected)' if redirected else ''}")
    if wrong:
        sys.exit("Some pages do not answer as expected:\n  " + "\n  ".join(wrong[:20]))


# 4 and 5. The phases ---------------------------------------------------------------------------


def locust(
    base: str,
    plan_file: Path,
    logs: Path,
    label: str,
    users: int,
    seconds: float,
    *classes: str,
    only: str = "",
    think: str = "1,3",
    spawn_seconds: float = 0,
) -> dict[str, dict[str, float]]:
    """One headless locust run; its figures per page (requests, failures, req/s, percentiles)."""
    binary = LOCUST[0]
    env = {
        **os.environ,
        "LOAD_PLAN": str(plan_file),
        "LOAD_ONLY": only,
        "LOAD_THINK": think,
    }
    prefix = logs / label
    command = [
        str(binary),
        "-f",
        str(ROOT / "benchmarks/load_locustfile.py"),
        "--headless",
        "--host",
        base,
        "--users",
        str(users),
        "--spawn-rate",
        f"{users / max(1.0, spawn_seconds):.2f}",
        "--run-time",
        f"{seconds:.0f}s",
        "--stop-timeout",
        "10",
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
        *classes,
    ]
    with (logs / f"locust-{label}.log").open("wb") as out:
        subprocess.run(command, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
    figures = {}
    with open(f"{prefix}_stats.csv") as stats:
        for row in csv.DictReader(stats):
            if row["Name"] == "Aggregated":
                continue
            figures[row["Name"]] = {
                "requests": int(row["Request Count"]),
                "errors": int(row["Failure Count"]),
                "rps": int(row["Request Count"]) / seconds,
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
                "p99": float(row["99%"]),
            }
    return figures


class Changes(threading.Thread):
    """While the whole board is timed, the 30 meetings change as often as their watchers read
    them: once the app servers' access logs show as many whole-board reads as the page has
    watchers, every meeting's live version is raised (as each change in a meeting raises it),
    so each watcher reads each version once, the first of them after the change, as in a
    meeting. Without it every read after the first would find the board kept."""

    def __init__(self, plan: dict[str, Any], logs: Path) -> None:
        super().__init__(daemon=True)
        self.live, self.reads = plan["live"], len(plan["pages"][CHANGED]["requests"])
        self.logs, self.done, self.changes = logs, threading.Event(), 0

    def __enter__(self) -> "Changes":
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.done.set()
        self.join()

    def _read(self, sizes: dict[Path, int]) -> int:
        """Whole-board reads logged since last asked."""
        found = 0
        for path in self.logs.glob("app*.log"):
            with path.open("rb") as out:
                out.seek(sizes.get(path, 0))
                found += out.read().count(b"/board/poll/?v=0 ")
                sizes[path] = out.tell()
        return found

    def run(self) -> None:
        from django.db import connection
        from django.db.models import F

        from revans.learning.models import LiveMeeting

        sizes: dict[Path, int] = {}
        self._read(sizes)  # what the check before the phases read
        read = 0
        while not self.done.wait(0.05):
            read += self._read(sizes)
            if read >= self.reads:
                read -= self.reads
                LiveMeeting.objects.filter(pk__in=self.live).update(version=F("version") + 1)
                self.changes += 1
        connection.close()


def saturation(
    base: str, plan: dict[str, Any], plan_file: Path, logs: Path, seconds: float, concurrency: int
) -> dict[str, Any]:
    """Phase A: each page alone, as fast as it is answered, the ceiling first and last."""
    names = [n for n in plan["pages"] if n != CEILING]
    results: dict[str, Any] = {}
    order = [CEILING, *names, CEILING]
    for n, name in enumerate(order):
        label = f"a-{n:02d}"
        log(f"phase A {n + 1}/{len(order)}: {name} ({seconds:.0f} s, {concurrency} at once)")
        changes = Changes(plan, logs) if name == CHANGED else None
        with changes or nullcontext():
            got = locust(base, plan_file, logs, label, concurrency, seconds, "PageUser", only=name)
        figures = got.get(
            name, {"requests": 0, "errors": 0, "rps": 0.0, "p50": 0, "p95": 0, "p99": 0}
        )
        if changes:
            figures["changes"] = changes.changes
        figures["load"] = load_average()
        results[f"{name} (last)" if name in results else name] = figures
    ceiling = statistics.fmean([results[CEILING]["rps"], results[f"{CEILING} (last)"]["rps"]])
    for figures in results.values():
        figures["ratio"] = figures["rps"] / ceiling if ceiling else 0.0
    return {"ceiling rps": ceiling, "pages": results}


@dataclass
class DueWork:
    """What was made due for the exactly-once check, to be counted afterwards."""

    meetings: list[int]
    programme: int
    reports: list[str]
    runs: list[int]


def make_work_due(
    plan: dict[str, Any], seconds: float, sets: int, reports: int, runs: int
) -> DueWork:
    """Work that falls due while the mixed phase runs: meetings whose reminder falls due during
    it (and whose invitation is due at once), a new programme whose first survey round is open
    (invitations to every member), board reports asked for, formation runs queued."""
    from django.db.models import Q
    from django.utils import timezone

    from revans.accounts.models import Membership, Organisation
    from revans.evidence.services import report_request
    from revans.formation.inputs import RunInputs
    from revans.formation.services import formation_run_create
    from revans.meetings.models import Meeting
    from revans.programmes.models import LearningSet, Participant, Programme, SetMembership

    organisation = Organisation.objects.get(slug=plan["organisation"])
    now = timezone.now()
    today = now.astimezone(ZoneInfo(organisation.time_zone)).date()
    pool = list(
        Participant.objects.filter(organisation=organisation, user__isnull=False)
        .filter(user__memberships__organisation=organisation, user__memberships__is_active=True)
        .order_by("pk")[: sets * 5]
    )
    assert len(pool) >= 12, f"{organisation.slug} has fewer than 12 people with accounts"
    # Started yesterday where the organisation is: its first climate round opened at eight.
    programme = Programme.objects.create(
        organisation=organisation,
        name=f"Load check {now:%H%M%S}",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=180),
        reminder_days=2,
    )
    made_sets = []
    for n in range(sets):
        learning_set = LearningSet.objects.create(programme=programme, name=f"Load set {n + 1}")
        # Five each; a small pool (the demo's) puts people in more than one of these sets.
        for person in {pool[(n * 5 + i) % len(pool)] for i in range(5)}:
            SetMembership.objects.create(learning_set=learning_set, participant=person)
        made_sets.append(learning_set)
    # Each set's next meeting: its reminder (2 days before) falls due within the phase.
    meetings = []
    for n, learning_set in enumerate(made_sets):
        due = now + timedelta(seconds=10 + (seconds - 25) * n / max(1, sets - 1))
        starts = due + timedelta(days=programme.reminder_days)
        meeting = Meeting.objects.create(
            learning_set=learning_set,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            time_zone=organisation.time_zone,
        )
        meetings.append(meeting.pk)
    readers = Membership.objects.filter(organisation=organisation, is_active=True).filter(
        Q(is_sponsor=True) | Q(is_admin=True)
    )
    running = list(
        organisation.programmes.filter(starts_on__lte=today, ends_on__gte=today).exclude(
            pk=programme.pk
        )
    )
    asked = []
    for reader in readers.order_by("pk"):
        for other in running:
            if len(asked) < reports:
                report, _made = report_request(programme=other, user=reader.user)
                asked.append(str(report.pk))
    admin = Membership.objects.filter(
        organisation=organisation, is_active=True, is_admin=True
    ).first()
    people = tuple(p.pk for p in pool[:12])
    queued = [
        formation_run_create(
            programme=programme,
            by=admin.user,
            inputs=RunInputs(people=people, sets=3, lower=3, upper=5),
            seconds=3,
            seed=n + 1,
        ).pk
        for n in range(runs)
    ]
    return DueWork(meetings=meetings, programme=programme.pk, reports=asked, runs=queued)


def settled(work: DueWork) -> bool:
    """Everything made due has been done (or given up with a reason)."""
    from django.db.models import Q

    from revans.evidence.models import BoardReport, Survey, SurveyNotice
    from revans.formation.models import FormationRun
    from revans.meetings.models import Notice

    waiting = Q(sent_at=None, skipped="", held_at=None)
    reminders = Notice.objects.filter(meeting__in=work.meetings, kind=Notice.Kind.REMINDER)
    return (
        # Every meeting's reminders made (a sweep may not have reached the last due yet)
        reminders.values("meeting").distinct().count() == len(work.meetings)
        and not reminders.filter(waiting).exists()
        and Survey.objects.filter(learning_set__programme=work.programme).exists()
        and not SurveyNotice.objects.filter(
            waiting, survey__learning_set__programme=work.programme
        ).exists()
        and not BoardReport.objects.filter(
            pk__in=work.reports, status__in=["waiting", "building"]
        ).exists()
        and not FormationRun.objects.filter(
            pk__in=work.runs, status__in=["queued", "running"]
        ).exists()
    )


def count_exactly_once(work: DueWork, mailbox: Mailbox) -> tuple[list[list[str]], list[str]]:
    """Each thing made due, counted from the database and from what the SMTP server received:
    rows expected, rows made, emails sent (each Message-ID received once), problems."""
    from django_tasks_db.models import DBTaskResult

    from revans.accounts import outbox
    from revans.evidence import surveys
    from revans.evidence.models import BoardReport, Survey, SurveyNotice
    from revans.formation.models import FormationRun
    from revans.meetings import notices
    from revans.meetings.models import Meeting, Notice

    problems: list[str] = []
    rows: list[list[str]] = []
    with mailbox.lock:
        received = Counter(mailbox.received)
    twice = {mid: n for mid, n in received.items() if n > 1 and mid}
    if twice:
        problems.append(f"{len(twice)} emails received more than once, e.g. {next(iter(twice))}")

    def emails(kind: str, made: Any, expected: int, message_id: Any) -> None:
        found = list(made)
        sent = [n for n in found if n.sent_at]
        held = sum(1 for n in found if n.held_at and not n.sent_at)
        skipped = [n for n in found if n.skipped]
        arrived = [received.get(message_id(n), 0) for n in sent]
        line = [
            kind,
            str(expected),
            str(len(found)),
            str(len(sent)),
            str(held),
            str(len(skipped)),
            str(sum(1 for a in arrived if a == 1)),
        ]
        rows.append(line)
        if len(found) != expected:
            problems.append(f"{kind}: {len(found)} rows for {expected} expected")
        if any(a != 1 for a in arrived):
            problems.append(
                f"{kind}: {sum(a == 0 for a in arrived)} sent rows never arrived, "
                f"{sum(a > 1 for a in arrived)} arrived twice"
            )
        if len(sent) + held + len(skipped) != len(found):
            problems.append(f"{kind}: {len(found) - len(sent) - held - len(skipped)} never sent")

    meetings = list(Meeting.objects.filter(pk__in=work.meetings).select_related("learning_set"))
    for kind in (Notice.Kind.INVITATION, Notice.Kind.REMINDER):
        expected = sum(len(notices.recipients(m.learning_set)) for m in meetings)
        emails(
            f"meeting {kind.label.lower()}s",
            Notice.objects.filter(meeting__in=work.meetings, kind=kind),
            expected,
            lambda n: n.message_id,
        )
    made = list(
        Survey.objects.filter(learning_set__programme=work.programme).select_related(
            "learning_set__programme"
        )
    )
    sets_asked = {s.learning_set_id for s in made}
    sets = Meeting.objects.filter(pk__in=work.meetings).values_list("learning_set_id", flat=True)
    if sets_asked != set(sets):
        problems.append(f"surveys: {len(sets_asked)} of {len(set(sets))} sets were asked")
    emails(
        "survey invitations",
        SurveyNotice.objects.filter(
            survey__in=made, kind=SurveyNotice.Kind.INVITATION
        ).select_related("survey"),
        sum(len(surveys.invited(s)) for s in made),
        lambda n: outbox.message_id("survey", n.kind, n.user_id, n.survey.key),
    )

    def tasks(kind: str, path: str, ids: list[Any], done: Any, done_status: str) -> None:
        results = [
            r
            for r in DBTaskResult.objects.filter(task_path=path)
            if r.args_kwargs["args"][0] in ids
        ]
        per = Counter(r.args_kwargs["args"][0] for r in results)
        by_two = sum(1 for r in results if len(r.worker_ids) != 1)
        finished = done.filter(pk__in=ids, status=done_status).count()
        rows.append(
            [
                kind,
                str(len(ids)),
                str(len(results)),
                str(finished),
                "",
                "",
                str(sum(1 for i in ids if per[i] == 1)),
            ]
        )
        if finished != len(ids):
            problems.append(f"{kind}: {finished} of {len(ids)} finished")
        if any(per[i] != 1 for i in ids) or by_two:
            problems.append(
                f"{kind}: task runs per item {dict(per)}, {by_two} taken by two workers"
            )

    tasks(
        "board reports",
        "revans.evidence.tasks.build_report",
        work.reports,
        BoardReport.objects,
        "ready",
    )
    tasks(
        "formation runs",
        "revans.formation.tasks.run_formation",
        work.runs,
        FormationRun.objects,
        "done",
    )
    return rows, problems


def mixed(
    base: str, plan: dict[str, Any], plan_file: Path, logs: Path, seconds: float, people: int
) -> dict[str, Any]:
    """Phase B: the boards and the people at once."""
    users = len(plan["boards"]) + people
    log(f"phase B: {len(plan['boards'])} boards and {people} people for {seconds:.0f} s")
    logged = {path: path.stat().st_size for path in logs.glob("app*.log")}
    # Spawned over the first 5 s; each board then starts its beat at a moment of its own
    # (load_locustfile.BoardUser), as boards opened by people do.
    figures = locust(
        base, plan_file, logs, "b", users, seconds, "BoardUser", "PersonUser", spawn_seconds=5
    )
    for name, timed in server_times(plan, logged).items():
        if name in figures:
            figures[name]["server"] = timed
    return {"pages": figures, "load": load_average()}


LOGGED = re.compile(rb'"GET (\S+) HTTP/[\d.]+" (\d+) \S+ ".*?" ".*?" (\d+)$')


def server_times(plan: dict[str, Any], logged: dict[Path, int]) -> dict[str, str]:
    """Each page's p50 / p95 as the app servers timed it (the access log's last field, the
    Procfile's `%(M)s`), from where the logs stood at `logged`: the time spent in the app
    server, without the proxy's queue and the load generator's delays that locust's figures
    include. Pages at one address (every role's home) are timed together, marked `*`."""
    names: dict[str, list[str]] = {}
    for name, page in plan["pages"].items():
        for path in dict.fromkeys(path for path, _h in page["requests"]):
            names.setdefault(path, []).append(name)
    for path, _h in plan["boards"]:
        names.setdefault(path, ["live board poll"])
    times: dict[tuple[str, ...], list[float]] = {}
    for log_file, start in logged.items():
        with log_file.open("rb") as out:
            out.seek(start)
            for line in out:
                if found := LOGGED.search(line.rstrip()):
                    path = found.group(1).decode()
                    if group := names.get(path) or names.get(path.split("?")[0]):
                        times.setdefault(tuple(group), []).append(float(found.group(3)))
    return {
        name: f"{statistics.median(ms):.0f} / {statistics.quantiles(ms, n=20)[-1]:.0f}"
        + "*" * (len(group) > 1)
        for group, ms in times.items()
        if len(ms) >= 2
        for name in group
    }


# The report ------------------------------------------------------------------------------------


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return "\n".join([*lines, *("| " + " | ".join(row) + " |" for row in rows)])


def report(
    args: argparse.Namespace,
    plan: dict[str, Any],
    a: dict[str, Any],
    b: dict[str, Any],
    once: tuple[list[list[str]], list[str]],
    started: str,
) -> str:
    ms = lambda v: f"{v:.0f}"  # noqa: E731
    changed = ""
    if CHANGED in a["pages"]:
        changed = (
            f" {CHANGED!r}: the {len(plan['pages'][CHANGED]['requests'])} members of the live"
            f" meetings' sets each read the whole board once a change, and the meetings changed"
            f" {a['pages'][CHANGED]['changes']} times while timed."
        )
    a_rows = [
        [
            name,
            f"{f['rps']:.1f}",
            f"{f['ratio'] * 100:.0f} %",
            ms(f["p50"]),
            ms(f["p95"]),
            ms(f["p99"]),
            str(f["errors"]),
            f["load"],
        ]
        for name, f in a["pages"].items()
    ]
    b_rows = [
        [
            name,
            str(f["requests"]),
            f"{f['rps']:.1f}",
            ms(f["p50"]),
            ms(f["p95"]),
            ms(f["p99"]),
            str(f["errors"]),
            f.get("server", ""),
        ]
        for name, f in sorted(b["pages"].items())
    ]
    once_rows, problems = once
    command = "benchmarks/load.py " + " ".join(sys.argv[1:])
    return (
        "\n\n".join(
            [
                f"# Load: the production arrangement, {started}",
                f"Command: `.venv/bin/python {command.strip()}`. Data: {args.data}"
                + (f" factor {args.factor:g}" if args.data == "large" else "")
                + f"; organisation `{plan['organisation']}`, people signed in per role "
                f"{plan['people']}, {plan['live meetings']} live meetings over {plan['sets']} "
                f"sets, {len(plan['boards'])} boards; admins and sponsors given a second factor "
                f"for the MFA policy: {plan['mfa set up for the policy']}.",
                f"## Phase A: each page alone, {args.concurrency} at once, "
                f"{args.seconds:.0f} s each\n\n"
                f"Ceiling (signed-in /healthz, mean of first and last): {a['ceiling rps']:.1f} "
                "req/s. Times in ms; load averages (1, 5, 15 min) at the end of each page."
                + changed
                + "\n\n"
                + table(
                    ["page", "req/s", "of ceiling", "p50", "p95", "p99", "errors", "load average"],
                    a_rows,
                ),
                f"## Phase B: the mix, {args.mix_seconds or args.seconds:.0f} s\n\n"
                f"Load average at the end: {b['load']}. Times in ms as locust saw them; the "
                "last column as the app servers timed the same requests (their access logs), "
                "without the wait in the proxy's queue and the load generator's own delays "
                "(*: every role's home has one address, so the homes are timed together).\n\n"
                + table(
                    [
                        "page",
                        "requests",
                        "req/s",
                        "p50",
                        "p95",
                        "p99",
                        "errors",
                        "server p50 / p95",
                    ],
                    b_rows,
                ),
                "## Exactly once under load (two workers, two sweeps)\n\n"
                + table(
                    [
                        "what",
                        "expected",
                        "rows / task runs",
                        "sent / finished",
                        "held for a digest",
                        "skipped",
                        "exactly once",
                    ],
                    once_rows,
                )
                + "\n\n"
                + (
                    "Every item happened exactly once."
                    if not problems
                    else "PROBLEMS:\n- " + "\n- ".join(problems)
                ),
            ]
        )
        + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seconds", type=float, default=60, help="per page in phase A, and phase B"
    )
    parser.add_argument(
        "--mix-seconds",
        type=float,
        help="phase B, if longer than --seconds (its percentiles need more than a few "
        "requests a page; the same work falls due in it)",
    )
    parser.add_argument("--data", choices=["demo", "large"], default="demo")
    parser.add_argument("--factor", type=float, default=1, help="with --data large")
    parser.add_argument(
        "--data-checkout",
        type=Path,
        default=ROOT,
        help="with --data large: the checkout whose build_large_organisation loads the data "
        "(another branch of this repository, with the same migrations); default: this one",
    )
    parser.add_argument(
        "--template",
        default="",
        help="a database on the same server to copy rather than load the data (made once, e.g. "
        "`createdb revans_large_10` then `migrate` and `build_large_organisation --factor 10 "
        "--seed 1` with REVANS_DATABASE_URL naming it: factor 10 takes minutes to build)",
    )
    parser.add_argument("--concurrency", type=int, default=4, help="phase A: requests at once")
    parser.add_argument("--people", type=int, default=20, help="phase B: people besides the boards")
    parser.add_argument("--boards-per-meeting", type=int, default=1)
    parser.add_argument("--per-role", type=int, default=10, help="people signed in per role")
    parser.add_argument("--sweep-every", type=int, default=5, help="seconds (the Procfile: 60)")
    parser.add_argument("--only", nargs="*", help="phase A: just these pages (and the ceiling)")
    parser.add_argument("--locust", type=Path, default=Path(sys.executable).with_name("locust"))
    args = parser.parse_args()
    if not args.locust.exists():
        sys.exit("locust is not installed: `.venv/bin/pip install -e '.[dev]'` (a dev extra)")
    LOCUST.append(args.locust)
    started = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    logs = Path(tempfile.mkdtemp(prefix="revans-load-"))
    log(f"logs in {logs}; load average {load_average()}")
    proxy_command()  # before anything is made
    processes = Processes(logs)
    with ExitStack() as stack:
        database = stack.enter_context(throwaway_database(args.template))
        cache = stack.enter_context(redis_database())
        mailbox, smtp_port = stack.enter_context(smtp_server())
        stack.callback(processes.stop_all)  # first of all, before the database goes
        proxy_port = free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "revans.settings",
            "REVANS_DATABASE_URL": database,
            "REVANS_CACHE_URL": cache,
            "REVANS_DEBUG": "false",
            "REVANS_SECRET_KEY": secrets.token_urlsafe(50),
            "REVANS_ALLOWED_HOSTS": "127.0.0.1",
            "REVANS_SITE_URL": f"http://127.0.0.1:{proxy_port}",
            "REVANS_TRUSTED_PROXY_COUNT": "1",
            "REVANS_EMAIL_HOST": "127.0.0.1",
            "REVANS_EMAIL_PORT": str(smtp_port),
            "REVANS_EMAIL_USE_TLS": "false",
            # The API's per-token limit is a policy (600 a minute), not capacity: lifted here so
            # that a few tokens can load the server.
            "REVANS_API_RATE_LIMIT": "10000000",
            "REVANS_LOG_LEVEL": "WARNING",
        }
        load_data(env, logs, args.data, args.factor, args.data_checkout, bool(args.template))
        os.environ.update(env)
        import django

        django.setup()
        log("choosing people by role, signing them in, starting 30 meetings")
        plan = plan_pages(args.per_role, args.boards_per_meeting)
        if args.only:
            plan["pages"] = {n: p for n, p in plan["pages"].items() if n in [CEILING, *args.only]}
        plan_file = logs / "plan.json"
        plan_file.write_text(json.dumps(plan))
        from django.db import connections

        connections.close_all()
        base, commands = start_arrangement(processes, env, proxy_port, args.sweep_every)
        settle(env, logs)
        # After settling, so that the one read of every page it makes also keeps what a busy
        # page keeps (at factor 10 the sponsors' requests cycle through 75 programmes' figures,
        # each worked out afresh once: phase A would time those first reads, not the page).
        check_every_page(base, plan)
        a = saturation(base, plan, plan_file, logs, args.seconds, args.concurrency)
        processes.check()
        log("making work due, starting the second sweep")
        mix = args.mix_seconds or args.seconds
        work = make_work_due(plan, mix, sets=10, reports=3, runs=3)
        connections.close_all()
        processes.start("sweep2", commands["sweep"], env)
        b = mixed(base, plan, plan_file, logs, mix, args.people)
        processes.check()
        deadline = time.monotonic() + 180
        while not settled(work) and time.monotonic() < deadline:
            time.sleep(2)
        once = count_exactly_once(work, mailbox)
        connections.close_all()
        text = report(args, plan, a, b, once, started)
        data = f"{args.data}-{args.factor:g}x" if args.data == "large" else args.data
        out = ROOT / "benchmarks/results" / f"load-{datetime.now(UTC):%Y-%m-%d}-{data}.md"
        out.write_text(text)
        print("\n" + text)
        log(f"written to {out.relative_to(ROOT)}; logs in {logs}")
    failed = once[1] or any(f["errors"] for f in [*a["pages"].values(), *b["pages"].values()])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
