"""Benchmark: the sponsor's dashboard and the board's PDF for a large programme.

100 sets of 6 (600 people), 10 meetings each with attendance, two actions per person with
report-backs, two climate rounds answered by everyone, an evaluation after each meeting answered
by those present, career outcomes and a baseline. Times the dashboard page (through Django's test
client, so the whole request: session, access, the reads, the template), its CSV and one chart,
and the PDF as the worker builds it (figures, charts, WeasyPrint), with peak memory (Python's
heap by tracemalloc, and the process's maximum resident size).

    .venv/bin/python benchmarks/dashboard.py [--sets 100] [--per-set 6] [--runs 3]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]

The database is a throw-away test database, created and dropped by the script.
"""

import argparse
import json
import os
import random
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(sets: int, per_set: int) -> tuple[object, object]:
    from django.utils import timezone

    from revans.accounts.models import Membership, Organisation, User
    from revans.domain import climate
    from revans.evidence.models import Answer, Baseline, CareerOutcome, Receipt, Survey
    from revans.learning.models import Action, Challenge, ReportBack
    from revans.meetings.models import Attendance, Meeting
    from revans.programmes.models import LearningSet, Participant, Programme, SetMembership

    rng = random.Random(13)
    now = timezone.now()
    org = Organisation.objects.create(name="Bench", slug="bench", require_mfa=False)
    sponsor = User.objects.create_user(email="sponsor@bench.test", password=None, name="Sponsor")
    Membership.objects.create(organisation=org, user=sponsor, is_sponsor=True)
    start = org.today() - timedelta(days=200)
    programme = Programme.objects.create(
        organisation=org, name="Large", starts_on=start, ends_on=start + timedelta(days=300)
    )
    people = Participant.objects.bulk_create(
        Participant(organisation=org, email=f"p{n}@bench.test", name=f"Person {n}")
        for n in range(sets * per_set)
    )
    learning_sets = LearningSet.objects.bulk_create(
        LearningSet(programme=programme, name=f"Set {n}") for n in range(sets)
    )
    groups = {s.pk: people[n * per_set : (n + 1) * per_set] for n, s in enumerate(learning_sets)}
    SetMembership.objects.bulk_create(
        SetMembership(learning_set_id=set_id, participant=p, joined_on=start)
        for set_id, group in groups.items()
        for p in group
    )
    meetings, marks, challenges = [], [], []
    for set_id, group in groups.items():
        for week in range(10):
            begins = now - timedelta(days=190 - 14 * week)
            meetings.append(
                Meeting(
                    learning_set_id=set_id,
                    starts_at=begins,
                    ends_at=begins + timedelta(hours=3),
                    time_zone="Europe/London",
                )
            )
        challenges += [Challenge(learning_set_id=set_id, owner=p, statement="x") for p in group]
    meetings = Meeting.objects.bulk_create(meetings)
    for meeting in meetings:
        for p in groups[meeting.learning_set_id]:
            marks.append(Attendance(meeting=meeting, participant=p, present=rng.random() < 0.85))
    Attendance.objects.bulk_create(marks)
    challenges = Challenge.objects.bulk_create(challenges)
    actions = Action.objects.bulk_create(
        Action(challenge=c, text="y", due_on=start + timedelta(days=20 + 30 * n))
        for c in challenges
        for n in range(2)
    )
    by_set = {}
    for meeting in meetings:
        by_set.setdefault(meeting.learning_set_id, []).append(meeting)
    ReportBack.objects.bulk_create(
        ReportBack(
            action=a,
            meeting=by_set[a.challenge.learning_set_id][3 + 2 * (a.pk % 2)],
            outcome=rng.choice(["done", "partly", "not"]),
        )
        for a in actions
    )
    surveys, answers, receipts = [], [], []
    for set_id in groups:
        for n in range(2):
            opens = now - timedelta(days=190 - 84 * n)
            surveys.append(
                Survey(
                    learning_set_id=set_id,
                    kind="climate",
                    round=n,
                    items=[t for t, _r in climate.PSYCHOLOGICAL_SAFETY],
                    opens_at=opens,
                    closes_at=opens + timedelta(days=14),
                    key=f"{set_id}:climate:{n}",
                )
            )
    for meeting in meetings:
        surveys.append(
            Survey(
                learning_set_id=meeting.learning_set_id,
                kind="evaluation",
                meeting=meeting,
                items=[climate.USEFULNESS],
                opens_at=meeting.ends_at,
                closes_at=meeting.ends_at + timedelta(days=14),
                key=f"{meeting.learning_set_id}:evaluation:m{meeting.pk}",
            )
        )
    surveys = Survey.objects.bulk_create(surveys)
    for survey in surveys:
        for p in groups[survey.learning_set_id]:
            receipts.append(Receipt(survey=survey, participant=p))
            if survey.kind == "climate":
                score = {str(i): rng.randint(3, 7) for i in range(7)}
                answers.append(Answer(survey=survey, scores=score))
            else:
                answers.append(
                    Answer(
                        survey=survey,
                        scores={"0": rng.randint(3, 5)},
                        recommend=rng.random() < 0.8,
                        text="",
                    )
                )
    Receipt.objects.bulk_create(receipts, batch_size=2000)
    Answer.objects.bulk_create(answers, batch_size=2000)
    CareerOutcome.objects.bulk_create(
        CareerOutcome(programme=programme, participant=p, kind="promotion", happened_on=org.today())
        for p in people[::40]
    )
    Baseline.objects.create(programme=programme, kind="promotion", people=2000, events=120)
    return programme, sponsor


def timed(action, runs: int) -> list[float]:
    found = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        found.append((time.perf_counter() - started) * 1000)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", type=int, default=100)
    parser.add_argument("--per-set", type=int, default=6)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    os.environ["REVANS_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revans.settings")
    os.environ.setdefault("REVANS_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        programme, sponsor = build(args.sets, args.per_set)
        built = time.perf_counter() - started
        from revans.evidence import reports
        from revans.evidence.dashboard import dashboard
        from revans.evidence.pdf import render

        client = Client()
        client.force_login(sponsor)
        base = f"/o/bench/programmes/{programme.pk}/"

        def page(url: str) -> None:
            response = client.get(base + url)
            assert response.status_code == 200, response.status_code

        page("dashboard/")  # warm: templates, fonts
        if os.environ.get("PROFILE"):  # where the dashboard's time goes, for whoever tunes it
            import cProfile

            cProfile.runctx("dashboard(programme)", globals(), locals(), sort="cumulative")
        results = {
            "dashboard page": timed(lambda: page("dashboard/"), args.runs),
            "dashboard CSV": timed(lambda: page("dashboard.csv"), args.runs),
            "one chart (SVG)": timed(lambda: page("dashboard/attendance.svg"), args.runs),
        }
        sizes = []

        def pdf() -> None:
            found = dashboard(programme)  # type: ignore[arg-type]
            sizes.append(len(render(found, reports.drawings(found))))

        results["board PDF (figures, charts, WeasyPrint)"] = timed(pdf, args.runs)
        # Memory on one more build, apart: tracemalloc slows Python several times over.
        tracemalloc.start()
        pdf()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        report = {
            "database": connection.vendor,
            "sets": args.sets,
            "people": args.sets * args.per_set,
            "data built in s": round(built, 1),
            "median ms": {k: round(statistics.median(v), 1) for k, v in results.items()},
            "max ms": {k: round(max(v), 1) for k, v in results.items()},
            "PDF bytes": sizes[-1],
            "PDF Python heap peak MB": round(peak / 2**20, 1),
            "process max RSS MB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        }
        print(json.dumps(report, indent=2))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
