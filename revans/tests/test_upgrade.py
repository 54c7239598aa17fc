"""An existing database upgrades: the demo's database, made by the code as it was before the
evidence moved to its own app (issue 19), migrates forward with today's code and keeps every row,
on the database engine the run uses. The old code comes from git history (CI clones it whole)."""

import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

# main before the restructure of issue 19: the last release whose tables are laid out the old way.
BEFORE = "a4d735fec713b7532540a86e3f787c8d8dca83e4"
ROOT = Path(__file__).resolve().parents[2]
MOVED = [
    "surveyplan",
    "survey",
    "receipt",
    "answer",
    "surveynotice",
    "careeroutcome",
    "baseline",
    "boardreport",
]
RENAMED = {f"impact_{name}": f"evidence_{name}" for name in MOVED} | {
    "impact_evidencefile": "impact_claimfile"
}
# Tables a migration adds to by design: its own record, and the content types and permissions of
# new or renamed models (a new app: identity; allauth's socialaccount).
GROWS = {"django_migrations", "auth_permission", "django_content_type"}

COUNT = """
import json, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    counts = {}
    for table in connection.introspection.table_names():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    cursor.execute("SELECT app_label, model FROM django_content_type")
    labels = sorted(f"{app}.{model}" for app, model in cursor.fetchall())
print(json.dumps({"counts": counts, "content_types": labels}))
"""


def _run(tree: Path, url: str, *args: str) -> str:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tree),
        "DJANGO_SETTINGS_MODULE": "revans.settings",
        "REVANS_DATABASE_URL": url,
    }
    done = subprocess.run(
        [sys.executable, *args], cwd=tree, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _database(tmp_path: Path) -> str:
    """An empty database of the run's engine, apart from the test database."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{tmp_path / 'upgrade.sqlite3'}"
    server = settings.DATABASES["default"]
    url = f"postgresql://{server['USER']}@{server['HOST']}:{server['PORT'] or 5432}"
    with psycopg.connect(f"{url}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS revans_upgrade_check WITH (FORCE)"))
        admin.execute(sql.SQL("CREATE DATABASE revans_upgrade_check"))
    return f"{url}/revans_upgrade_check"


@pytest.mark.slow
def test_the_demo_database_of_the_release_before_migrates_forward_keeping_every_row(tmp_path):
    before = tmp_path / "before"
    before.mkdir()
    archive = subprocess.run(
        ["/usr/bin/git", "-C", str(ROOT), "archive", BEFORE],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["/usr/bin/tar", "-x", "-C", str(before)], input=archive, check=True)
    url = _database(tmp_path)
    _run(before, url, "manage.py", "migrate", "--no-input")
    _run(before, url, "manage.py", "load_demo")
    old = json.loads(_run(before, url, "-c", COUNT))
    assert old["counts"]["impact_survey"] > 0 and old["counts"]["impact_answer"] > 0

    _run(ROOT, url, "manage.py", "migrate", "--no-input")
    new = json.loads(_run(ROOT, url, "-c", COUNT))

    for table, rows in old["counts"].items():
        now = new["counts"][RENAMED.get(table, table)]
        assert now >= rows if table in GROWS else now == rows, table
    assert {f"evidence.{name}" for name in MOVED} <= set(new["content_types"])
    assert not {f"impact.{name}" for name in MOVED} & set(new["content_types"])
    assert "impact.claimfile" in new["content_types"]
