"""Benchmark: the real use. 2,000 people in 400 sets of 4-6, five attributes, 1,500 keep-apart
pairs (managers and their direct reports), solved in 30 s and compared with 10 times longer;
then the facilitator's proposal page and a "move" for that proposal, through the app.

    .venv/bin/python benchmarks/formation_large.py [--seconds 30] [--factor 10] [--seed 1]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--pages-only]

The pages run against a throw-away test database (a file in WAL mode for SQLite, as `make run`
uses; test_<name> on PostgreSQL), created and dropped by the script.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from revans.domain.formation import Problem, objective, solve
from revans.domain.formation.diversity import Attribute, Kind, diversity_matrix


def generate(
    n: int = 2000, sets: int = 400, apart_pairs: int = 1500, seed: int = 11
) -> tuple[Problem, list[Attribute]]:
    """A synthetic organisation: departments, sites, levels, gender, tenure and an org chart."""
    rng = np.random.default_rng(seed)
    departments = [f"Dept {i}" for i in range(15)]
    sites = [f"Site {i}" for i in range(8)]
    level = rng.choice([1, 2, 3, 4, 5, 6], size=n, p=[0.3, 0.25, 0.2, 0.13, 0.08, 0.04])
    attributes = [
        Attribute("department", list(rng.choice(departments, size=n)), weight=3.0),
        Attribute("site", list(rng.choice(sites, size=n)), weight=2.0),
        Attribute("job level", [float(x) for x in level], kind=Kind.NUMERIC, weight=1.5),
        Attribute(
            "gender", list(rng.choice(["F", "M", "X"], size=n, p=[0.48, 0.48, 0.04])), weight=1.0
        ),
        Attribute(
            "tenure", [float(x) for x in rng.integers(0, 30, size=n)], kind=Kind.NUMERIC, weight=0.5
        ),
    ]
    # Everyone but the most senior reports to someone more senior: an org chart.
    order = np.argsort(-level, kind="stable")
    manager = {}
    for rank, person in enumerate(order[1:], start=1):
        seniors = order[: max(1, rank // 3)]
        manager[int(person)] = int(rng.choice(seniors))
    edges = list(manager.items())
    chosen = rng.choice(len(edges), size=apart_pairs, replace=False)
    apart = [edges[i] for i in sorted(chosen)]
    d = diversity_matrix(attributes, n=n)
    return Problem(diversity=d, lower=[4] * sets, upper=[6] * sets, apart=apart), attributes


ROOT = Path(__file__).resolve().parents[1]


def pages(
    problem: Problem, attributes: list[Attribute], groups: list[list[int]], repeats: int
) -> dict[str, object]:
    """Load the people and the proposal into the app; time the proposal page and a move."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revans.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from revans.accounts.models import Membership, Organisation, User
    from revans.formation.inputs import RunInputs, Weighting
    from revans.formation.models import FormationRun
    from revans.formation.proposal import gather, set_scores
    from revans.programmes.models import Participant, Programme

    setup_test_environment()
    # Static files from the apps, as in the tests: no collectstatic manifest is needed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(ROOT / "benchmark.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        org = Organisation.objects.create(name="Bench", slug="bench", require_mfa=False)
        user = User.objects.create_user("sponsor@example.org", "x", name="Sponsor")
        Membership.objects.create(user=user, organisation=org, is_sponsor=True)
        programme = Programme.objects.create(
            organisation=org, name="Big", starts_on="2027-01-01", ends_on="2027-12-31"
        )
        fields = ["department", "site", "job_level", "attr:gender", "attr:tenure"]
        Participant.objects.bulk_create(
            Participant(
                organisation=org,
                email=f"p{i}@example.org",
                name=f"Person {i}",
                department=str(attributes[0].values[i]),
                site=str(attributes[1].values[i]),
                job_level=str(int(attributes[2].values[i] or 0)),
                attributes={
                    "gender": str(attributes[3].values[i]),
                    "tenure": str(int(attributes[4].values[i] or 0)),
                },
            )
            for i in range(problem.n)
        )
        ids = [p.pk for p in Participant.objects.filter(organisation=org).order_by("pk")]
        for report, manager in problem.apart:  # the org chart's edges: report, manager
            Participant.objects.filter(pk=ids[report]).update(manager_id=ids[manager])
        inputs = RunInputs(
            people=tuple(ids),
            sets=problem.m,
            lower=4,
            upper=6,
            attributes=tuple(
                Weighting(field=f, label=a.name, weight=max(1, round(a.weight)))
                for f, a in zip(fields, attributes, strict=True)
            ),
            isolation="attr:gender",
        )
        proposal = [[ids[i] for i in group] for group in groups]
        run = FormationRun.objects.create(
            programme=programme,
            inputs=inputs.to_json(),
            status=FormationRun.Status.DONE,
            groups=proposal,
            solved_groups=proposal,
            objective=0.0,
            random_objective=1.0,
        )
        run.scores = set_scores(gather(programme, run.request), proposal)
        run.save()
        client = Client()
        client.force_login(user)
        url = run.get_absolute_url()
        client.get(url)  # warm the template cache and the session
        page_times, move_times = [], []
        size = 0
        for k in range(repeats):
            started = time.perf_counter()
            response = client.get(url)
            page_times.append(time.perf_counter() - started)
            assert response.status_code == 200
            size = len(response.content)
            # Move someone from a set of more than 4 to one of fewer than 6, as a person would.
            run.refresh_from_db()
            sizes = [len(g) for g in run.groups]
            source = next(g for g, n in enumerate(sizes) if n > 4)
            target = next(g for g, n in enumerate(sizes) if n < 6 and g != source)
            who = run.groups[source][k % sizes[source]]
            started = time.perf_counter()
            response = client.post(f"{url}move/", {"participant": who, "to_set": target + 1})
            move_times.append(time.perf_counter() - started)
            assert response.status_code == 302
        run.refresh_from_db()
        # The two rescored sets of every move agree with scoring the whole proposal afresh.
        fresh = set_scores(gather(programme, run.request), run.groups)
        assert all(
            abs(kept["total"] - new["total"]) < 1e-9
            for kept, new in zip(run.scores, fresh, strict=True)
        )
        return {
            "database": connection.vendor,
            "proposal_page_s": {
                "median": round(statistics.median(page_times), 3),
                "max": round(max(page_times), 3),
            },
            "proposal_page_bytes": size,
            "move_s": {
                "median": round(statistics.median(move_times), 3),
                "max": round(max(move_times), 3),
            },
            "repeats": repeats,
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def compare(people: int, seconds: float, seed: int) -> None:
    """The population search beside the iterated tabu search at one size (sets of 5)."""
    from revans.domain.formation import solver

    problem, _attributes = generate(n=people, sets=people // 5, apart_pairs=people * 3 // 4)
    for name, up_to in (("population", people), ("iterated tabu search", 0)):
        solver.POPULATION_UP_TO, kept = up_to, solver.POPULATION_UP_TO
        started = time.perf_counter()
        solution = solve(problem, seconds=seconds, seed=seed)
        solver.POPULATION_UP_TO = kept
        print(
            json.dumps(
                {
                    "people": people,
                    "strategy": name,
                    "limit_s": seconds,
                    "seconds": round(time.perf_counter() - started, 2),
                    "objective": round(objective(problem.diversity, solution.groups), 3),
                    "rounds": solution.rounds,
                }
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--factor", type=float, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--pages-only", action="store_true", help="solve for 5 s, then time only the pages"
    )
    parser.add_argument(
        "--compare-at",
        type=int,
        metavar="PEOPLE",
        help="only solve PEOPLE people in sets of 5, once with each strategy, and print both",
    )
    args = parser.parse_args()
    if args.database_url:
        os.environ["REVANS_DATABASE_URL"] = args.database_url
    if args.compare_at:
        compare(args.compare_at, args.seconds, args.seed)
        return
    problem, attributes = generate()
    figures: dict[str, object] = {
        "people": problem.n,
        "sets": problem.m,
        "apart_pairs": len(problem.apart),
    }
    if args.pages_only:
        solution = solve(problem, seconds=5, seed=args.seed)
        figures["pages"] = pages(problem, attributes, solution.groups, args.repeats)
        print(json.dumps(figures))
        return
    for label, seconds in (("short", args.seconds), ("long", args.seconds * args.factor)):
        started = time.perf_counter()
        solution = solve(problem, seconds=seconds, seed=args.seed)
        where = {i: g for g, group in enumerate(solution.groups) for i in group}
        feasible = all(4 <= len(g) <= 6 for g in solution.groups) and all(
            where[i] != where[j] for i, j in problem.apart
        )
        figures[label] = {
            "limit_s": seconds,
            "seconds": round(time.perf_counter() - started, 2),
            "objective": round(objective(problem.diversity, solution.groups), 3),
            "rounds": solution.rounds,
            "feasible": feasible,
        }
    short, long = figures["short"], figures["long"]  # type: ignore[index]
    figures["short_vs_long_gap_pct"] = round(
        (long["objective"] - short["objective"]) / long["objective"] * 100,
        4,  # type: ignore[index]
    )
    solution = solve(problem, seconds=5, seed=args.seed)
    figures["pages"] = pages(problem, attributes, solution.groups, args.repeats)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
