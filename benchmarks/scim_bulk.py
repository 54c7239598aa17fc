"""Benchmark: a SCIM client's bulk load of 2,000 Users, then a PATCH of every manager.

Every request goes through the real views (Django's test client: token, parsing, the service,
the projection into the pool and, at the organisation's proven domain, an account and a
membership). Prints one JSON object: wall time of each phase, the median and 95th percentile of
a request, and the queries each request made (they must not grow with the organisation).

    .venv/bin/python benchmarks/scim_bulk.py [--users 2000]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]

The database is a throw-away test database, created and dropped by the script (SQLite: a file in
WAL mode, as `make run` uses).
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
DEPARTMENTS = ["Finance", "Logistics", "Sales", "Engineering", "People", "Operations"]


def user(n: int) -> dict[str, Any]:
    return {
        "schemas": [CORE, ENTERPRISE],
        "userName": f"person{n}@bench.test",
        "externalId": f"E{n:05d}",
        "name": {"givenName": f"Given{n}", "familyName": f"Family{n}"},
        "emails": [{"value": f"person{n}@bench.test", "type": "work", "primary": True}],
        "title": "Manager" if n % 10 == 0 else "Analyst",
        "active": True,
        ENTERPRISE: {"department": DEPARTMENTS[n % len(DEPARTMENTS)], "employeeNumber": str(n)},
    }


def figures(samples: list[tuple[float, int]], wall: float) -> dict[str, Any]:
    times = sorted(ms for ms, _queries in samples)
    queries = [q for _ms, q in samples]
    tenth = max(1, len(samples) // 10)
    return {
        "requests": len(samples),
        "wall s": round(wall, 2),
        "median ms": round(statistics.median(times), 2),
        "p95 ms": round(times[int(len(times) * 0.95) - 1], 2),
        "queries per request (min, median, max)": [
            min(queries),
            statistics.median(queries),
            max(queries),
        ],
        # Equal when nothing grows with the organisation (no N+1).
        "queries: first tenth vs last tenth (mean)": [
            round(statistics.mean(queries[:tenth]), 2),
            round(statistics.mean(queries[-tenth:]), 2),
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    if args.database_url:
        os.environ["REVANS_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revans.settings")
    os.environ.setdefault("REVANS_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(ROOT / "benchmark.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from revans.accounts.models import Membership, Organisation, SignupDomain, User
        from revans.identity import services
        from revans.programmes.models import Participant

        org = Organisation.objects.create(name="Bench", slug="bench", require_mfa=False)
        admin = User.objects.create_user(email="admin@bench.test", password=None, name="Admin")
        Membership.objects.create(organisation=org, user=admin, is_admin=True)
        SignupDomain.objects.create(
            organisation=org, domain="bench.test", verified_at=timezone.now()
        )
        _token, secret = services.token_create(organisation=org, name="Bench IdP", by=admin)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

        def request(method: str, path: str, body: Any, expect: int) -> tuple[float, int, Any]:
            connection.queries_log.clear()  # the log keeps 9,000 queries: count from empty
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.generic(
                    method, "/scim/v2" + path, json.dumps(body), "application/scim+json"
                )
                ms = (time.perf_counter() - started) * 1000
            assert response.status_code == expect, response.content
            if os.environ.get("SHOW_QUERIES"):  # what one request asks, for whoever tunes it
                print(method, path, *(q["sql"][:150] for q in queries.captured_queries), sep="\n")
            return ms, len(queries), response

        def phase(work: Callable[[], list[tuple[float, int]]]) -> dict[str, Any]:
            started = time.perf_counter()
            samples = work()
            return figures(samples, time.perf_counter() - started)

        ids: list[str] = []

        def create() -> list[tuple[float, int]]:
            samples = []
            for n in range(args.users):
                ms, count, response = request("POST", "/Users", user(n), 201)
                ids.append(response.json()["id"])
                samples.append((ms, count))
            return samples

        def managers() -> list[tuple[float, int]]:
            samples = []
            for n in range(1, args.users):
                operation = {
                    "op": "replace",
                    "path": f"{ENTERPRISE}:manager",
                    "value": {"value": ids[(n - 1) // 10]},  # ten reports a manager
                }
                body = {"schemas": [PATCH], "Operations": [operation]}
                ms, count, _response = request("PATCH", f"/Users/{ids[n]}", body, 200)
                samples.append((ms, count))
            return samples

        report = {
            "database": connection.vendor,
            "users": args.users,
            "create (POST /Users)": phase(create),
            "patch every manager (PATCH /Users/<id>)": phase(managers),
        }
        ms, count, _response = request("GET", "/Users?count=200&startIndex=1801", None, 200)
        report["list a page of 200 (GET /Users)"] = {"ms": round(ms, 1), "queries": count}
        linked = Participant.objects.filter(organisation=org, manager__isnull=False).count()
        assert linked == args.users - 1, linked
        assert Membership.objects.filter(organisation=org).count() == args.users + 1
        print(json.dumps(report, indent=2))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
