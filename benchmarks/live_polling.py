"""Benchmark: live meeting boards polling a real app server.

60 boards (10 sets of 6 members, each set's meeting live at once) poll every 2 s, each with its
own signed-in session, against one gunicorn server with two sync workers, on loopback, for a
minute. Meanwhile each set's facilitator changes the meeting every 6 s through the console
(next step, extend, a question, in turn), so some polls find a change (200, the fragment) and
most do not (204, no body). Reports p50/p95/max of each kind of answer and every error.

    .venv/bin/python benchmarks/live_polling.py [--seconds 60] [--boards-per-set 6] [--sets 10]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]

The database is a throw-away test database (test_<name> on PostgreSQL, a WAL file on SQLite),
created and dropped by the script. The load generator runs on the same 2 cores as the server.
"""

import argparse
import json
import os
import re
import secrets
import statistics
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VERSION = re.compile(rb"\?v=(\d+)")  # what a board polls with
STATE_VERSION = re.compile(rb'name="version" value="(\d+)"')  # what a console change names


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def world(sets: int, per_set: int) -> list[dict[str, object]]:
    """Sets with live meetings, a facilitator each, members signed in: their cookies."""
    from django.test import Client
    from django.utils import timezone

    from revans.accounts.models import Membership, Organisation, Role, User
    from revans.learning.live.services import live_of
    from revans.meetings.models import Meeting
    from revans.programmes.models import (
        LearningSet,
        Participant,
        Programme,
        SetFacilitator,
        SetMembership,
    )

    org = Organisation.objects.create(name="Bench", slug="bench", require_mfa=False)
    programme = Programme.objects.create(
        organisation=org,
        name="Live",
        starts_on="2026-01-01",
        ends_on="2027-12-31",
        max_set_size=12,
    )
    start = timezone.now() - timedelta(minutes=5)
    out = []
    for s in range(sets):
        learning_set = LearningSet.objects.create(programme=programme, name=f"Set {s}")
        coach = User.objects.create_user(f"coach{s}@example.org", None, name=f"Coach {s}")
        Membership.objects.create(user=coach, organisation=org, is_facilitator=True)
        SetFacilitator.objects.create(learning_set=learning_set, user=coach)
        members = []
        for m in range(per_set):
            user = User.objects.create_user(f"p{s}.{m}@example.org", None, name=f"P {s}.{m}")
            membership = Membership(user=user, organisation=org)
            membership.set_roles([Role.PARTICIPANT])
            membership.save()
            person = Participant.objects.create(
                organisation=org, email=user.email, name=user.name, user=user
            )
            SetMembership.objects.create(learning_set=learning_set, participant=person)
            members.append((user, person))
        meeting = Meeting.objects.create(
            learning_set=learning_set,
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            time_zone="Europe/London",
        )
        live_of(meeting)

        def cookie(user: User) -> str:
            client = Client()
            client.force_login(user)
            return f"sessionid={client.cookies['sessionid'].value}"

        out.append(
            {
                "meeting": meeting.pk,
                "coach": cookie(coach),
                "boards": [cookie(user) for user, _person in members],
                "people": [person.pk for _user, person in members],
            }
        )
    return out


def run(base: str, meetings: list[dict[str, object]], seconds: float, every: float) -> dict:
    from revans.tests.servers import request as call

    stop = time.monotonic() + seconds
    results: dict[str, list[float]] = {"unchanged": [], "changed": [], "change": []}
    errors: list[str] = []
    sent = {"clock": 0, "question": 0}
    lock = threading.Lock()

    def board(meeting: int, cookie: str, offset: float) -> None:
        version = "0"
        url = f"{base}/o/bench/meetings/{meeting}/board/poll/?v="
        next_at = time.monotonic() + offset
        while True:
            pause = next_at - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            if time.monotonic() >= stop:
                return
            next_at += every
            began = time.perf_counter()
            try:
                status, body = call(url + version, cookie)
            except OSError as error:
                with lock:
                    errors.append(f"board: {error}")
                continue
            took = time.perf_counter() - began
            with lock:
                if status == 204 and not body:
                    results["unchanged"].append(took)
                elif status == 200 and (found := VERSION.search(body)):
                    results["changed"].append(took)
                    version = found.group(1).decode()
                else:
                    errors.append(f"board: {status}")

    def facilitator(meeting: dict[str, object], offset: float) -> None:
        csrf = secrets.token_hex(16)
        cookie = f"{meeting['coach']}; csrftoken={csrf}"
        base_url = f"{base}/o/bench/meetings/{meeting['meeting']}/console"
        people = meeting["people"]
        time.sleep(offset)
        turn = 0
        while time.monotonic() < stop - 2 * every - 0.5:  # the boards then see the last one
            status, body = call(f"{base_url}/poll/?v=0", cookie)
            found = STATE_VERSION.search(body)
            version = found.group(1).decode() if found else "0"
            kind = (
                "start",
                "question",
                "extend",
                "question",
                "next",
                "question",
                "pause",
                "question",
            )[turn % 8]
            if kind == "question":
                data = {
                    "presenter": people[0],
                    "asked_by": people[1 + turn % (len(people) - 1)],
                    "text": f"Question {turn}?",
                    "style": "open",
                    "submission": uuid.uuid4(),
                }
                path = "questions/"
            else:
                data = {"version": version, "operation": kind, "minutes": 1}
                path = "clock/"
            began = time.perf_counter()
            status, _ = call(f"{base_url}/{path}", cookie, {"csrfmiddlewaretoken": csrf, **data})
            took = time.perf_counter() - began
            with lock:
                if status == 302:
                    results["change"].append(took)
                    sent["clock" if path == "clock/" else "question"] += 1
                else:
                    errors.append(f"change {kind}: {status}")
            turn += 1
            time.sleep(6)

    threads = []
    for m, meeting in enumerate(meetings):
        for b, cookie in enumerate(meeting["boards"]):  # type: ignore[arg-type]
            spread = (m * len(meeting["boards"]) + b) / (len(meetings) * 6) * every
            threads.append(
                threading.Thread(target=board, args=(meeting["meeting"], cookie, spread))
            )
        threads.append(threading.Thread(target=facilitator, args=(meeting, m * 0.6)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Every change the console sent was made (a refusal, stale or not, also answers 302).
    from django.db.models import F, Sum

    from revans.learning.models import LiveMeeting, Question

    made = LiveMeeting.objects.aggregate(n=Sum(F("state_version") - 1))["n"] or 0
    if made != sent["clock"] or Question.objects.count() != sent["question"]:
        errors.append(
            f"sent {sent}, made {made} clock changes, {Question.objects.count()} questions"
        )

    def figures(values: list[float]) -> dict[str, object]:
        return {
            "count": len(values),
            "p50_ms": round(percentile(values, 50) * 1000, 1),
            "p95_ms": round(percentile(values, 95) * 1000, 1),
            "max_ms": round(max(values) * 1000, 1) if values else None,
            "mean_ms": round(statistics.fmean(values) * 1000, 1) if values else None,
        }

    boards = sum(len(m["boards"]) for m in meetings)  # type: ignore[arg-type]
    expected = boards + len(results["change"]) * (boards // len(meetings))
    if len(results["changed"]) != expected:  # each board's first poll, then one per change
        errors.append(f"{len(results['changed'])} changed answers, {expected} expected")
    return {
        "every change reached every board": len(results["changed"]) == expected,
        "polls per second": round(
            (len(results["unchanged"]) + len(results["changed"])) / seconds, 1
        ),
        "unchanged (204)": figures(results["unchanged"]),
        "changed (200)": figures(results["changed"]),
        "console changes (POST)": figures(results["change"]),
        "errors": errors,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--sets", type=int, default=10)
    parser.add_argument("--boards-per-set", type=int, default=6)
    parser.add_argument("--every", type=float, default=2.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    os.environ["REVANS_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revans.settings")
    import django

    django.setup()
    from django.db import connection

    from revans.tests.servers import app_servers, database_url

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(ROOT / "benchmark.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        meetings = world(args.sets, args.boards_per_set)
        url = database_url(connection.settings_dict)
        connection.close()
        with app_servers(1, url, workers=args.workers) as (base,):
            report = run(base, meetings, args.seconds, args.every)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    report = {
        "boards": args.sets * args.boards_per_set,
        "poll every s": args.every,
        "seconds": args.seconds,
        "gunicorn sync workers": args.workers,
        "database": connection.vendor,
        **report,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
