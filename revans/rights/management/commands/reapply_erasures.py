"""Erasures carried out after a backup was taken come back with a restore of it.

Before restoring, on the database being replaced:
    manage.py reapply_erasures --since 2027-01-01 --export erasures.json
After restoring, on the restored one:
    manage.py reapply_erasures --apply erasures.json
"""

import json
from datetime import UTC, date, datetime, time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from revans.rights import services


class Command(BaseCommand):
    help = "List the erasures asked for since a day (--export), or ask again for those (--apply)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", type=date.fromisoformat, help="the backup's day (UTC)")
        parser.add_argument("--export", type=Path, help="write the list to this JSON file")
        parser.add_argument("--apply", type=Path, help="ask again for the erasures listed here")

    def handle(self, *args: object, **options: object) -> None:
        since, export, apply = options["since"], options["export"], options["apply"]
        if (export is None) == (apply is None):
            raise CommandError("Give either --since and --export, or --apply.")
        if isinstance(export, Path):
            if not isinstance(since, date):
                raise CommandError("--export needs --since: the day the backup was taken.")
            listed = services.erasures_since(since=datetime.combine(since, time(), UTC))
            export.write_text(json.dumps(listed, indent=1))
            self.stdout.write(f"{len(listed)} erasures listed in {export}")
            return
        if not isinstance(apply, Path):
            raise CommandError("--apply names the file --export wrote.")
        try:
            entries = json.loads(apply.read_text())
        except (OSError, ValueError) as error:
            raise CommandError(f"{apply}: {error}") from None
        asked = services.erasures_reapply(entries=entries, now=timezone.now())
        self.stdout.write(f"{asked} erasures asked for again; those due are carried out")
