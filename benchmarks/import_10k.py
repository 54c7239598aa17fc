"""Benchmark: preview and apply of a 10,000-row participant import.

Usage (from the repository root):
    .venv/bin/python benchmarks/import_10k.py                      # SQLite
    .venv/bin/python benchmarks/import_10k.py --database-url postgres://postgres@127.0.0.1:5432/postgres

It creates a throw-away test database (test_<name>), migrates it, times each step through the same
services the pages use, prints one JSON object, and drops the database again.
"""

import argparse
import csv
import io
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEPARTMENTS = ["Operations", "Finance", "IT", "HR", "Sales", "Transport", "Warehousing", "Legal"]
SITES = ["Leeds", "York", "Doncaster", "Felixstowe", "Daventry"]
LEVELS = ["Team leader", "Manager", "Senior manager", "Director"]


def make_file(rows: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["name", "email", "department", "site", "job_level", "manager_email", "Tenure years"]
    )
    for i in range(rows):
        # Managers come earlier in the file, so the reporting lines form trees, never loops.
        manager = f"person{rng.randrange(i)}@example.org" if i and rng.random() < 0.9 else ""
        writer.writerow(
            [
                f"Person {i}",
                f"person{i}@example.org",
                rng.choice(DEPARTMENTS),
                rng.choice(SITES),
                rng.choice(LEVELS),
                manager,
                rng.randrange(1, 30),
            ]
        )
    return out.getvalue().encode()


def timed(fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    return result, round(time.perf_counter() - start, 3)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default="")
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    if args.database_url:
        os.environ["REVANS_DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revans.settings")

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from revans.accounts.models import Organisation, User
    from revans.programmes import services
    from revans.programmes.models import Participant

    setup_test_environment()
    if connection.vendor == "sqlite":
        # A file on disk in WAL mode, as `make run` uses, not Django's in-memory test database.
        connection.settings_dict["TEST"]["NAME"] = str(ROOT / "benchmark.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        organisation = Organisation.objects.create(name="Bench", slug="bench")
        admin = User.objects.create_user("admin@example.org", "x", name="Admin")
        content = make_file(args.rows)
        figures: dict[str, object] = {
            "database": connection.vendor,
            "rows": args.rows,
            "file_bytes": len(content),
        }
        batch, figures["upload_s"] = timed(
            lambda: services.import_upload(
                organisation=organisation, by=admin, filename="people.csv", content=content
            )
        )
        plan, figures["preview_s"] = timed(lambda: services.import_plan(batch))
        assert plan.ok, plan.file_errors or [r.errors for r in plan.rows if r.errors][:3]
        _, figures["apply_s"] = timed(lambda: services.import_apply(batch=batch))
        assert Participant.objects.filter(organisation=organisation).count() == args.rows

        again = services.import_upload(
            organisation=organisation, by=admin, filename="again.csv", content=content
        )
        plan, figures["preview_again_s"] = timed(lambda: services.import_plan(again))
        figures["unchanged_again"] = sum(1 for r in plan.rows if r.status == "unchanged")
        _, figures["apply_again_s"] = timed(lambda: services.import_apply(batch=again))
        print(json.dumps(figures))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
