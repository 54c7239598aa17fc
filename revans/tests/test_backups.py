"""Backups that restore, and migrations that run both ways, on the suite's database (CI runs the
suite on SQLite and again on PostgreSQL: `make test-sqlite`, `make test-postgres`).

- An organisation's database is dumped as `docs/operations.md` says (PostgreSQL: `pg_dump -Fc`,
  then `pg_restore` into a new, empty database; SQLite: the online backup API into a new file),
  and every table, every row and every byte of every column is found equal in the copy.
- Migrations from zero: every test run builds its test database by running every migration from
  an empty database (pytest-django migrates unless `--nomigrations`, which this project never
  passes); the last test here does it again explicitly, in a database of its own, and then takes
  each app's latest migration back one step and forward again (`MigrationExecutor`).
"""

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from revans.evidence.models import BoardReport
from revans.learning import services as learning_services
from revans.programmes.models import Participant
from revans.tests.servers import ROOT, database_url, postgres_programs

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# Text in several scripts, with a combining accent, an emoji, a line and a paragraph separator,
# quotes and a backslash; bytes of every value.
AWKWARD = (
    "Zoë\u2019s \u201cdepot\u201d — Łódź, 東京, עברית, ﬁ, e\u0301, 🚚\u2028\u2029 'q' \\ 100 %"
)
EVERY_BYTE = bytes(range(256)) * 4


def organisation(world) -> None:
    """The test world, with private text in many scripts and a binary PDF beside it."""
    owner = Participant.objects.get(user=world.participant)
    owner.name = "Zoë Łukasiewicz-東"
    owner.save()
    learning_services.challenge_create(
        learning_set=world.set_a,
        owner=owner,
        submission=uuid.uuid4(),
        fields={"statement": AWKWARD, "why_it_matters": AWKWARD[::-1], "desired_outcome": ""},
    )
    BoardReport.objects.create(
        programme=world.programme, requested_by=world.sponsor, status="ready", content=EVERY_BYTE
    )


def _value(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def every_row(db: Any, names: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Each table's rows in a fixed order (by their repr: some columns have no ordering)."""
    return {
        name: sorted(
            (tuple(_value(v) for v in row) for row in db.execute(f'select * from "{name}"')),  # noqa: S608 (the catalogue's names)
            key=repr,
        )
        for name in names
    }


def sqlite_tables(path: str) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as db:
        listed = "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"
        return every_row(db, [name for (name,) in db.execute(listed)])


def postgres_tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as db:
        listed = (
            "select table_name from information_schema.tables "
            "where table_schema = 'public' and table_type = 'BASE TABLE'"
        )
        return every_row(db, [name for (name,) in db.execute(listed)])


def assert_every_row_equal(original: dict[str, list[Any]], copy: dict[str, list[Any]]) -> None:
    assert sorted(copy) == sorted(original)
    for table, rows in original.items():
        assert copy[table] == rows, table
    assert len(original) > 50 and sum(len(rows) for rows in original.values()) > 100


def run(*command: object) -> None:
    subprocess.run([str(part) for part in command], check=True, capture_output=True, timeout=300)


def test_a_dumped_organisation_restores_into_an_empty_database_byte_for_byte(world):
    organisation(world)
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            copy = str(Path(folder) / "restored.sqlite3")
            with sqlite3.connect(copy) as target, sqlite3.connect(settings["NAME"]) as source:
                source.backup(target)  # what `sqlite3 revans.sqlite3 ".backup ..."` does
            original, restored = sqlite_tables(settings["NAME"]), sqlite_tables(copy)
    else:
        programs = postgres_programs()
        url = database_url(settings)
        where = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
        where += ["-U", settings["USER"]]
        restored_name = f"revans_restore_{uuid.uuid4().hex[:12]}"
        with tempfile.TemporaryDirectory() as folder:
            dump = str(Path(folder) / "revans.dump")
            run(programs / "pg_dump", *where, "-Fc", "-f", dump, settings["NAME"])
            run(programs / "createdb", *where, restored_name)
            try:
                run(programs / "pg_restore", *where, "--no-owner", "-d", restored_name, dump)
                original = postgres_tables(url)
                restored = postgres_tables(url.rsplit("/", 1)[0] + f"/{restored_name}")
            finally:
                run(programs / "dropdb", *where, restored_name)
    assert_every_row_equal(original, restored)
    challenges = restored["learning_challenge"]
    assert any(AWKWARD in row for row in challenges)
    assert any(EVERY_BYTE in row for row in restored["evidence_boardreport"])


# Run in a process of its own, on a database of its own: every migration from zero, then each
# app's latest back one step and forward again. Prints what it did as JSON.
BOTH_WAYS = """
import json
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

def executor():
    return MigrationExecutor(connection)

done = executor()
done.migrate(done.loader.graph.leaf_nodes())
ours = sorted(
    a.label for a in apps.get_app_configs() if a.name.startswith("revans.")
)
checked = {}
for label in ours:
    leaves = [n for n in executor().loader.graph.leaf_nodes() if n[0] == label]
    if not leaves:
        continue
    [latest] = leaves
    parents = [p for p in executor().loader.graph.node_map[latest].parents if p[0] == label]
    back = parents[0] if parents else (label, None)
    step = executor()
    step.migrate([back])
    step = executor()
    assert latest not in step.loader.applied_migrations, latest
    step.migrate(step.loader.graph.leaf_nodes())
    assert latest in executor().loader.applied_migrations, latest
    checked[label] = [latest[1], back[1]]
print(json.dumps(checked))
"""


def test_every_app_migrates_from_zero_and_its_latest_migration_goes_back_and_forth(world):
    settings = connection.settings_dict
    with tempfile.TemporaryDirectory() as folder:
        if connection.vendor == "sqlite":
            url, drop = f"sqlite:///{Path(folder) / 'both-ways.sqlite3'}", None
        else:
            programs = postgres_programs()
            where = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
            where += ["-U", settings["USER"]]
            name = f"revans_migrate_{uuid.uuid4().hex[:12]}"
            run(programs / "createdb", *where, name)
            url = database_url(settings).rsplit("/", 1)[0] + f"/{name}"
            drop = [programs / "dropdb", *where, name]
        try:
            done = subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", BOTH_WAYS],
                cwd=ROOT,
                env={**os.environ, "REVANS_DATABASE_URL": url},
                capture_output=True,
                text=True,
                timeout=900,
            )
        finally:
            if drop:
                run(*drop)
    assert done.returncode == 0, done.stderr[-3000:]
    checked = json.loads(done.stdout.strip().splitlines()[-1])
    # Every app of ours with migrations was taken back and forth.
    ours = {a.label for a in apps.get_app_configs() if a.name.startswith("revans.")}
    migrated = ours & MigrationLoader(None, ignore_no_migrations=True).migrated_apps
    assert set(checked) == migrated and {"accounts", "learning", "evidence"} <= migrated
