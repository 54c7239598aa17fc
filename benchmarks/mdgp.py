"""Benchmark the set-formation solver on MDGPLIB instances against the published reference values,
or side by side with another solver on this machine.

    .venv/bin/python benchmarks/mdgp.py                     # every instance, seed 1, papers' limits
    .venv/bin/python benchmarks/mdgp.py --only n120 --seeds 1 2 3 --jobs 2
    .venv/bin/python benchmarks/mdgp.py --only n240 --seeds 1 2 3 --opponent /work/tpsdp/tpsdp

Each run is `python -m revans.domain.formation.mdgp FILE --seconds S --seed K` in its own process
(one core each). Time limits: the reference file's (3 s for n = 120, 20 s for 240, 120 s for 480)
and 1 s for the n = 10 and 12 instances with proven optima. Prints a table of mean and worst gap
per class and writes every run to benchmarks/results/mdgp-<date>.csv.

With `--opponent PATH`, each instance and seed is run by both solvers at once, ours pinned to core
0 and `PATH FILE --time S --seed K` (which prints JSON with `assignment`, a set per person) to core
1, both counting the limit in CPU time from after the file is read (as TPSDP does). The opponent's
grouping is scored again with our objective. A reference left empty in reference.csv (instances
with no published value) is the best either solver found over all seeds.
"""

import argparse
import csv
import datetime
import json
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "benchmarks" / "mdgp"
sys.path.insert(0, str(ROOT))

from revans.domain.formation.mdgp import read_instance  # noqa: E402
from revans.domain.formation.solver import objective  # noqa: E402


def run(instance: Path, seconds: float, seed: int, *, core: int | None = None) -> dict[str, Any]:
    """Our solver on one instance; pinned to `core` (and on CPU time) when given."""
    command = [sys.executable, "-m", "revans.domain.formation.mdgp", str(instance)]
    command += ["--seconds", str(seconds), "--seed", str(seed)]
    if core is not None:
        command = ["taskset", "-c", str(core), *command, "--cpu"]
    out = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout))


def run_opponent(binary: Path, instance: Path, seconds: float, seed: int) -> float:
    """The opponent on core 1; its grouping scored with our objective (it may round the data)."""
    command = ["taskset", "-c", "1", str(binary), str(instance)]
    command += ["--time", str(seconds), "--seed", str(seed)]
    out = subprocess.run(command, capture_output=True, text=True, check=True)
    assignment = json.loads(out.stdout)["assignment"]
    problem = read_instance(instance)
    groups: list[list[int]] = [[] for _ in range(problem.m)]
    for person, group in enumerate(assignment):
        groups[group].append(person)
    sizes = [len(g) for g in groups]
    if any(not a <= s <= b for s, a, b in zip(sizes, problem.lower, problem.upper, strict=True)):
        return float("-inf")  # an infeasible grouping counts as no answer
    return objective(problem.diversity, groups)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", default="", help="run instances whose name contains this")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every time limit")
    parser.add_argument("--opponent", type=Path, help="a solver binary to run side by side")
    parser.add_argument("--tag", default="", help="added to the results file's name")
    args = parser.parse_args()

    with (args.data / "reference.csv").open() as file:
        references = [row for row in csv.DictReader(file) if args.only in row["instance"]]
    tasks = []
    for row in references:
        seconds = float(row["time_limit_s"] or 1) * args.scale
        for seed in args.seeds:
            tasks.append((row, seconds, seed))

    def one(task: tuple[dict[str, str], float, int]) -> dict[str, Any]:
        row, seconds, seed = task
        instance = args.data / "instances" / f"{row['instance']}.txt"
        result: dict[str, Any] = {
            "instance": row["instance"],
            "class": _class(row["instance"]),
            "kind": row["kind"],
            "seed": seed,
            "limit_s": seconds,
        }
        if args.opponent is None:
            ours = run(instance, seconds, seed)
        else:  # both at once, one core each
            with ThreadPoolExecutor(max_workers=2) as pair:
                theirs = pair.submit(run_opponent, args.opponent, instance, seconds, seed)
                ours = run(instance, seconds, seed, core=0)
                result["opponent"] = round(theirs.result(), 6)
        result |= {
            "seconds": ours["seconds"],
            "best_at": ours.get("best_at"),
            "steps": ours.get("steps"),
            "reference": float(row["reference"]) if row["reference"] else None,
            "objective": round(float(ours["objective"]), 6),
        }
        return result

    jobs = 1 if args.opponent else args.jobs
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(one, tasks))

    # Instances without a published value: the best found here, by either solver, over all seeds.
    found: dict[str, float] = {}
    for r in results:
        values = [float(r["objective"]), float(r.get("opponent", "-inf"))]
        found[str(r["instance"])] = max(found.get(str(r["instance"]), float("-inf")), *values)
    for r in results:
        if r["reference"] is None:
            r["reference"] = found[str(r["instance"])]
        reference = float(r["reference"])
        r["gap_pct"] = round(_gap(reference, float(r["objective"])), 4)
        if args.opponent:
            r["opponent_gap_pct"] = round(_gap(reference, float(r["opponent"])), 4)

    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(exist_ok=True)
    name = "mdgp-side" if args.opponent else "mdgp"
    suffix = "".join(f"-{x}" for x in (args.only, args.tag) if x)
    out = out_dir / f"{name}-{datetime.date.today():%Y-%m-%d}{suffix}.csv"
    with out.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(results[0]))
        writer.writeheader()
        writer.writerows(results)

    classes = sorted({str(r["class"]) for r in results})
    if args.opponent is None:
        print(
            f"{'class':<22} {'runs':>4} {'limit':>6} {'mean gap %':>10} {'worst %':>8} {'exact':>6}"
        )
        for cls in classes:
            rows = [r for r in results if r["class"] == cls]
            gaps = [float(r["gap_pct"]) for r in rows]
            exact = sum(1 for g in gaps if abs(g) <= 1e-4)
            print(
                f"{cls:<22} {len(rows):>4} {rows[0]['limit_s']:>6} {statistics.mean(gaps):>10.3f} "
                f"{max(gaps):>8.3f} {exact:>6}"
            )
    else:
        print(
            f"{'class':<22} {'runs':>4} {'limit':>6} {'ours %':>8} {'opponent %':>10} "
            f"{'ours >= opp.':>12} {'ahead':>6}"
        )
        for cls in [*classes, "all"]:
            rows = [r for r in results if cls in ("all", r["class"])]
            ours = statistics.mean(float(r["gap_pct"]) for r in rows)
            theirs = statistics.mean(float(r["opponent_gap_pct"]) for r in rows)
            level = sum(1 for r in rows if float(r["objective"]) >= float(r["opponent"]) - 1e-6)
            print(
                f"{cls:<22} {len(rows):>4} {rows[0]['limit_s']:>6} {ours:>8.3f} {theirs:>10.3f} "
                f"{f'{level}/{len(rows)}':>12} {'yes' if ours <= theirs + 1e-9 else 'NO':>6}"
            )
    print(f"runs written to {out.relative_to(ROOT)}")


def _gap(reference: float, value: float) -> float:
    return (reference - value) / reference * 100


def _class(name: str) -> str:
    kind, size, sd, _ = name.split("_")
    return f"{kind}_{size}_{sd}" if size not in ("n010", "n012") else f"optima_{size}"


if __name__ == "__main__":
    main()
