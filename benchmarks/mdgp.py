"""Benchmark the set-formation solver on MDGPLIB instances against the published reference values.

    .venv/bin/python benchmarks/mdgp.py                     # every instance, seed 1, papers' limits
    .venv/bin/python benchmarks/mdgp.py --only n120 --seeds 1 2 3 --jobs 2

Each run is `python -m revans.domain.formation.mdgp FILE --seconds S --seed K` in its own process
(one core each). Time limits: the reference file's (3 s for n = 120, 20 s for 240, 120 s for 480)
and 1 s for the n = 10 and 12 instances with proven optima. Prints a table of mean and worst gap
per class and writes every run to benchmarks/results/mdgp-<date>.csv.
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

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "benchmarks" / "mdgp"


def run(instance: Path, seconds: float, seed: int) -> dict[str, object]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "revans.domain.formation.mdgp",
            str(instance),
            "--seconds",
            str(seconds),
            "--seed",
            str(seed),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--only", default="", help="run instances whose name contains this")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1])
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every time limit")
    args = parser.parse_args()

    with (args.data / "reference.csv").open() as file:
        references = [row for row in csv.DictReader(file) if args.only in row["instance"]]
    tasks = []
    for row in references:
        seconds = float(row["time_limit_s"] or 1) * args.scale
        for seed in args.seeds:
            tasks.append((row, seconds, seed))

    def one(task: tuple[dict[str, str], float, int]) -> dict[str, object]:
        row, seconds, seed = task
        result = run(args.data / "instances" / f"{row['instance']}.txt", seconds, seed)
        reference = float(row["reference"])
        ours = float(result["objective"])  # type: ignore[arg-type]
        return {
            "instance": row["instance"],
            "class": _class(row["instance"]),
            "kind": row["kind"],
            "seed": seed,
            "limit_s": seconds,
            "seconds": result["seconds"],
            "reference": reference,
            "objective": round(ours, 6),
            "gap_pct": round((reference - ours) / reference * 100, 4),
        }

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(one, tasks))

    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(exist_ok=True)
    out = (
        out_dir / f"mdgp-{datetime.date.today():%Y-%m-%d}{'-' + args.only if args.only else ''}.csv"
    )
    with out.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(results[0]))
        writer.writeheader()
        writer.writerows(results)

    print(f"{'class':<22} {'runs':>4} {'limit':>6} {'mean gap %':>10} {'worst %':>8} {'exact':>6}")
    for cls in sorted({str(r["class"]) for r in results}):
        rows = [r for r in results if r["class"] == cls]
        gaps = [float(r["gap_pct"]) for r in rows]  # type: ignore[arg-type]
        exact = sum(1 for g in gaps if abs(g) <= 1e-4)
        print(
            f"{cls:<22} {len(rows):>4} {rows[0]['limit_s']:>6} {statistics.mean(gaps):>10.3f} "
            f"{max(gaps):>8.3f} {exact:>6}"
        )
    print(f"runs written to {out.relative_to(ROOT)}")


def _class(name: str) -> str:
    kind, size, sd, _ = name.split("_")
    return f"{kind}_{size}_{sd}" if size not in ("n010", "n012") else f"optima_{size}"


if __name__ == "__main__":
    main()
