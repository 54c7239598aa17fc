"""Benchmark: the REST API's list endpoints against a trivial authenticated one (`/me`), in the
same run, on PostgreSQL: the ratio says what a list costs beyond the token, whatever the machine.

    .venv/bin/python benchmarks/api_lists.py [--seconds 5]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]

Each endpoint is called for `--seconds` through the real stack (Django's test client: the token,
its rate limit raised out of the way, the access helpers, a page of 100 of 1,000 rows). Prints
one JSON object: requests a second for each, and its ratio to `/me`. The database is a
throw-away test database, created and dropped by the script.
"""

import argparse
import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
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
    from django.utils import timezone

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.API_RATE_LIMIT_PER_MINUTE = 10**9
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from revans.accounts.models import Membership, Organisation, User
        from revans.api import services
        from revans.learning.models import Action, Challenge, Reflection
        from revans.meetings.models import Meeting
        from revans.programmes.models import LearningSet, Participant, Programme, SetMembership

        org = Organisation.objects.create(name="Bench", slug="bench", require_mfa=False)
        admin = User.objects.create_user(email="admin@bench.test", password=None, name="Admin")
        membership = Membership.objects.create(
            organisation=org, user=admin, is_admin=True, is_participant=True
        )
        start, end = date(2026, 1, 1), date(2027, 1, 1)
        Programme.objects.bulk_create(
            Programme(organisation=org, name=f"P{i}", starts_on=start, ends_on=end)
            for i in range(1000)
        )
        programme = Programme.objects.filter(organisation=org).first()
        assert programme is not None
        LearningSet.objects.bulk_create(
            LearningSet(programme=programme, name=f"S{i}") for i in range(1000)
        )
        first = LearningSet.objects.filter(programme=programme).first()
        assert first is not None
        at = timezone.now() + timedelta(days=1)
        Meeting.objects.bulk_create(
            Meeting(
                learning_set=first,
                starts_at=at + timedelta(days=i),
                ends_at=at + timedelta(days=i, hours=2),
                time_zone="Europe/London",
            )
            for i in range(1000)
        )
        # The pool, a set of them all, and the admin's own cycle as a member of it.
        Participant.objects.bulk_create(
            Participant(organisation=org, email=f"p{i}@bench.test", name=f"P{i}")
            for i in range(999)
        )
        me = Participant.objects.create(
            organisation=org, email=admin.email, name=admin.name, user=admin
        )
        SetMembership.objects.bulk_create(
            SetMembership(learning_set=first, participant=p, joined_on=start)
            for p in Participant.objects.filter(organisation=org)
        )
        challenges = Challenge.objects.bulk_create(
            Challenge(learning_set=first, owner=me, statement=f"C{i}") for i in range(1000)
        )
        Action.objects.bulk_create(Action(challenge=c, text="Ask", due_on=end) for c in challenges)
        Reflection.objects.bulk_create(
            Reflection(learning_set=first, author=me, text=f"R{i}") for i in range(1000)
        )
        _token, secret = services.token_create(
            user=admin, membership=membership, name="bench", can_write=False, expires_at=None
        )
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

        def rate(path: str) -> float:
            assert client.get(path).status_code == 200, path
            done, started = 0, time.perf_counter()
            while time.perf_counter() - started < args.seconds:
                client.get(path)
                done += 1
            return done / (time.perf_counter() - started)

        base = rate("/api/v1/me")
        report: dict[str, object] = {
            "database": connection.vendor,
            "seconds each": args.seconds,
            "/me (requests a second)": round(base, 1),
        }
        for path in (
            "/api/v1/programmes?limit=100",
            f"/api/v1/programmes/{programme.pk}/sets?limit=100",
            f"/api/v1/sets/{first.pk}/meetings?limit=100",
            f"/api/v1/sets/{first.pk}/members?limit=100",
            "/api/v1/participants?limit=100",
            "/api/v1/me/challenges?limit=100",
            "/api/v1/me/actions?limit=100",
            "/api/v1/me/reflections?limit=100",
        ):
            per_second = rate(path)
            report[path.split("?")[0]] = {
                "requests a second": round(per_second, 1),
                "ratio to /me": round(per_second / base, 3),
            }
        print(json.dumps(report, indent=2))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
