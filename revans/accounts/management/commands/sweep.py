"""The periodic sweep: finds what is due in every app and does it.

django-tasks-db has no periodic tasks, so `make run` runs this every minute (`--every 60`) beside
the web server and the worker; in production cron or one scheduler process runs it. Each app's
`sweeps.py` has a `sweep(now)` that is idempotent and safe to run twice at once (conditional
updates, unique outbox rows), so two sweeps never do anything twice.
"""

import logging
import time
from importlib import import_module
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections
from django.utils import timezone

logger = logging.getLogger(__name__)


def app_sweeps() -> list[Any]:
    """The `sweep` function of every installed app that has a `sweeps` module."""
    found = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.sweeps")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.sweeps":
                raise  # the module exists but imports something missing: a real error
            continue
        found.append(module.sweep)
    return found


def sweep_once() -> tuple[dict[str, int], list[str]]:
    """What each app's sweep did, and the apps whose sweep failed (logged with the error)."""
    done: dict[str, int] = {}
    failed = []
    for sweep in app_sweeps():
        try:
            done.update(sweep(timezone.now()))
        except Exception:
            # One app's failure must not stop the others' reminders and clean-ups.
            logger.exception("Sweep %s failed", sweep.__module__)
            failed.append(sweep.__module__)
    return done, failed


class Command(BaseCommand):
    help = "Do what is due: end abandoned runs, send reminders, apply retention. Safe to repeat."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            metavar="SECONDS",
            help="Keep running, sweeping every SECONDS (for make run); default: sweep once.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        every = options["every"]
        if every:
            self.stdout.write(
                f"Sweeping every {every} s: "
                + ", ".join(sweep.__module__.removesuffix(".sweeps") for sweep in app_sweeps())
                + "."
            )
        while True:
            done, failed = sweep_once()
            did = ", ".join(f"{what}: {n}" for what, n in done.items() if n)
            if did or not every:
                self.stdout.write(f"Sweep: {did or 'nothing was due'}.")
            if not every:
                if failed:  # so that cron reports it
                    raise CommandError(f"These sweeps failed (see the log): {', '.join(failed)}")
                return
            time.sleep(every)
            close_old_connections()  # a long-lived loop must not hold a broken connection
