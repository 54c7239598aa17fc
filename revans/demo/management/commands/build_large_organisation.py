import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from revans.demo.data import PASSWORD
from revans.demo.large import AlreadyBuilt, build, size_of
from revans.writes import kept_moved


class Command(BaseCommand):
    help = (
        "Build a large organisation for load tests: at --factor 1, 300 sets, 1,800 participants "
        "and 60 facilitators over two years, generated from --seed. Refuses an existing slug."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--factor", type=float, default=1.0, help="times the default size")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same world")
        parser.add_argument("--slug", default="large", help="the new organisation's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            size = size_of(options["factor"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Building {options['slug']!r}: {size.programmes} programmes, {size.sets} sets, "
            f"{size.participants} participants, {size.facilitators} facilitators ..."
        )
        began = time.perf_counter()
        try:
            built = build(slug=options["slug"], factor=options["factor"], seed=options["seed"])
        except AlreadyBuilt as error:
            raise CommandError(str(error)) from None
        kept_moved()  # written in bulk, with no signal: nothing kept from before is read
        if connection.vendor == "postgresql":
            # Fresh statistics for the planner: until autovacuum gets to a bulk load, plans read
            # the tables as empty (a participant's home took 300 ms at factor 1, then 85 ms).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        took = time.perf_counter() - began
        for label, count in sorted(built.rows.items()):
            self.stdout.write(f"  {label:<32} {count:>9,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Built {built.organisation.slug!r} ({sum(built.rows.values()):,} rows) "
                f"in {took:.1f} s."
            )
        )
        self.stdout.write(f"Every password is: {PASSWORD}. Some of its people:")
        for role, email in built.logins:
            self.stdout.write(f"  {role.label:<12} {email}")
        slug = options["slug"]
        self.stdout.write(
            "Participants and facilitators are numbered from 00000: "
            f"participant00000@{slug}.example, facilitator00000@{slug}.example."
        )
