"""Benchmark: each busy page against a signed-in `/healthz` (the ceiling), in one process, in
the same run, on an organisation already in the database (`build_large_organisation`, or the
demo's Northbridge). DEBUG off, Django's test client (the whole middleware stack, no network).

    .venv/bin/python manage.py build_large_organisation --slug large      # once
    .venv/bin/python benchmarks/busy_pages.py --slug large [--requests 100]
        [--database-url postgres://postgres@127.0.0.1:5432/scale_bench]
        [--profile "participant home"]    # cProfile of that page (SORT=tottime, TOP=60 to change)
        [--sql]                           # each page's warm queries
        [--cache-url redis://127.0.0.1:6379/15]   # the cache as deployed (else the database's)

Prints, for each page: its queries (a warm request), the mean and p95 in ms, requests a second
in this one process, and that as a share of `/healthz`'s. The load rig (several processes
behind a proxy) measures the same pages under load; this loop is what a change is judged by.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--slug", default="large")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/scale_bench")
    parser.add_argument("--cache-url", default="", help="redis://...: the cache as deployed")
    parser.add_argument("--profile", default="")
    parser.add_argument("--only", default="", help="pages whose name contains this")
    parser.add_argument("--sql", action="store_true", help="print each page's warm queries")
    args = parser.parse_args()
    os.environ["REVANS_DATABASE_URL"] = args.database_url
    if args.cache_url:
        os.environ["REVANS_CACHE_URL"] = args.cache_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revans.settings")
    os.environ.setdefault("REVANS_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from revans.accounts.models import Membership, Organisation
    from revans.api import services as api_services
    from revans.learning.live.services import live_of
    from revans.meetings.models import Meeting
    from revans.programmes.models import Participant, SetMembership

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.API_RATE_LIMIT_PER_MINUTE = 10**9
    organisation = Organisation.objects.get(slug=args.slug)
    members = Membership.objects.filter(organisation=organisation).select_related("user")

    def first(**role: bool) -> Membership:
        found = members.filter(**role).order_by("user__email").first()
        assert found is not None, role
        return found

    participant = first(is_participant=True)
    facilitator = first(is_facilitator=True)
    sponsor, admin = first(is_sponsor=True), first(is_admin=True)
    pat = Participant.objects.get(organisation=organisation, user=participant.user)
    learning_set = SetMembership.objects.filter(participant=pat).first().learning_set  # type: ignore[union-attr]
    programme = learning_set.programme
    # The facilitator of that set, where the organisation has one (the demo's first may not be).
    coach = learning_set.facilitations.filter(until=None).first()
    if coach is not None:
        facilitator = members.get(user=coach.user_id)
    now = timezone.now()
    upcoming = learning_set.meetings.filter(starts_at__gt=now).order_by("starts_at").first()
    live = learning_set.meetings.filter(starts_at__lte=now, ends_at__gt=now).first()
    if live is None:  # a meeting under way for the board to poll (left in place for reruns)
        live = Meeting.objects.create(
            learning_set=learning_set,
            starts_at=now - timedelta(minutes=5),
            ends_at=now + timedelta(hours=4),
            time_zone=organisation.time_zone,
        )
    board = live_of(live)
    o = f"/o/{args.slug}/"
    pages = [
        ("ceiling /healthz", participant, "/healthz"),
        ("participant home", participant, o),
        ("participant set page", participant, f"{o}sets/{learning_set.pk}/"),
        ("participant learning log", participant, f"{o}sets/{learning_set.pk}/log/"),
        ("participant cycle page", participant, f"{o}sets/{learning_set.pk}/cycle/"),
        ("participant meeting page", participant, f"{o}meetings/{upcoming.pk}/"),  # type: ignore[union-attr]
        ("participant board poll", participant, f"{o}meetings/{live.pk}/board/poll/?v=0"),
        # As a board polls between changes: with the version it holds (204, nothing to swap).
        (
            "participant board poll, unchanged",
            participant,
            f"{o}meetings/{live.pk}/board/poll/?v={board.version}",
        ),
        ("facilitator home", facilitator, o),
        ("facilitator cycle page", facilitator, f"{o}sets/{learning_set.pk}/cycle/"),
        ("sponsor home", sponsor, o),
        ("sponsor programme page", sponsor, f"{o}programmes/{programme.pk}/"),
        ("sponsor dashboard", sponsor, f"{o}programmes/{programme.pk}/dashboard/"),
        ("sponsor ROI", sponsor, f"{o}programmes/{programme.pk}/roi/"),
        ("admin home", admin, o),
        ("api programmes", admin, "/api/v1/programmes"),
        ("api participants", admin, "/api/v1/participants?limit=100"),
        ("api set meetings", admin, f"/api/v1/sets/{learning_set.pk}/meetings"),
        ("api my actions", participant, "/api/v1/me/actions"),
    ]
    clients: dict[int, Client] = {}
    tokens: dict[int, Client] = {}

    def client_of(membership: Membership, url: str) -> Client:
        if url.startswith("/api/"):
            if membership.pk not in tokens:
                _token, secret = api_services.token_create(
                    user=membership.user,
                    membership=membership,
                    name="busy pages benchmark",
                    can_write=False,
                    expires_at=None,
                )
                tokens[membership.pk] = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
            return tokens[membership.pk]
        if membership.pk not in clients:
            clients[membership.pk] = Client()
            clients[membership.pk].force_login(membership.user)
        return clients[membership.pk]

    rows = []
    for name, membership, url in pages:
        if args.only and args.only not in name and "ceiling" not in name:
            continue
        client = client_of(membership, url)
        answer = client.get(url)
        assert answer.status_code == (204 if "unchanged" in name else 200), (name, url)
        queries: list[str] = []
        with connection.execute_wrapper(partial(_counted, queries)):
            client.get(url)
        if args.sql:
            print(f"-- {name}", *(f"{sql[:300]}" for sql in queries), sep="\n")
        if args.profile == name:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                client.get(url)
            profiler.disable()
            stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative"))
            stats.print_stats(int(os.environ.get("TOP", "40")))
            continue
        times = []
        for _ in range(args.requests):
            began = time.perf_counter()
            client.get(url)
            times.append(time.perf_counter() - began)
        mean = statistics.fmean(times)
        p95 = statistics.quantiles(times, n=20)[-1]
        rows.append((name, len(queries), mean * 1000, p95 * 1000, 1 / mean, len(answer.content)))
    ceiling = rows[0][4]
    print(f"{'page':<28} {'queries':>7} {'mean ms':>8} {'p95 ms':>7} {'req/s':>7} ", end="")
    print(f"{'share':>6} {'KB':>5}")
    for name, count, mean, p95, rate, size in rows:
        print(
            f"{name:<28} {count:>7} {mean:>8.1f} {p95:>7.1f} {rate:>7.0f} "
            f"{rate / ceiling:>6.0%} {size / 1024:>5.1f}"
        )


def _counted(queries: list[str], run: Any, sql: str, *rest: Any) -> Any:
    began = time.perf_counter()
    try:
        return run(sql, *rest)
    finally:
        queries.append(f"{(time.perf_counter() - began) * 1000:6.2f} ms  {sql}")


if __name__ == "__main__":
    main()
