"""How fast `make grade` grades a class: seconds per submission per core, and scaling with cores.

Writes a made-up class (`tools.submissions`: right, wrong, blank, broken, looping, flooding,
exiting and tampered submissions mixed) and grades it as `python -m tools.grade` does, then
grades a set of honest submissions with --jobs 1 and --jobs 2 to see how it scales.

    python -m benchmarks.grading_throughput [--count 300] [--scaling 10] [--timeout 30]

Results go to build/grading-throughput/ (the class, grades.csv, result.json).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import time

from tools import grade, submissions
from tools.grade import ROOT

OUT = ROOT / "build" / "grading-throughput"


def timed(folder, jobs: int, timeout: float, memory: int):
    """Grade a folder; return the grades and the wall time in seconds."""
    started = time.monotonic()
    grades = grade.grade_all(folder, jobs, timeout, memory)
    return grades, time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    """Run the throughput benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--scaling", type=int, default=8, help="honest submissions, 1 vs 2 jobs")
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--memory", type=int, default=2048)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    result: dict = {}
    if args.count:
        shutil.rmtree(OUT / "class", ignore_errors=True)
        result = whole_class(args)
    if args.scaling:
        result["scaling"] = scaling(args)
    name = "result.json" if args.count else "scaling.json"
    (OUT / name).write_text(json.dumps(result, indent=1))
    return 0


def whole_class(args: argparse.Namespace) -> dict:
    """Grade a made-up class of `args.count` as `make grade` does: its figures."""
    from tools.grade_report import write_report

    kinds = submissions.class_mix(args.count)
    submissions.write(OUT / "class", kinds)
    grades, wall = timed(OUT / "class", args.jobs, args.timeout, args.memory)
    grade.write_csv(grades, OUT / "grades.csv")
    write_report(grades, OUT / "report.html", "zh")
    result = {
        "cores": os.cpu_count(),
        "jobs": args.jobs,
        "submissions": len(grades),
        "kinds": dict(collections.Counter(kinds)),
        "wall_s": round(wall, 1),
        "s_per_submission_per_core": round(wall * args.jobs / len(grades), 2),
    }
    print(json.dumps(result), flush=True)
    return result


def scaling(args: argparse.Namespace) -> dict:
    """Grade the same honest submissions with --jobs 1 and --jobs 2."""
    shutil.rmtree(OUT / "honest", ignore_errors=True)
    honest = submissions.class_mix(args.scaling * 3, seed=1)
    honest = [k for k in honest if k in ("right", "mixed")][: args.scaling]
    submissions.write(OUT / "honest", honest, seed=1)
    times = {}
    for jobs in (1, 2):
        _, seconds = timed(OUT / "honest", jobs, args.timeout, args.memory)
        times[jobs] = round(seconds, 1)
        print(f"--jobs {jobs}: {len(honest)} honest submissions in {seconds:.1f} s", flush=True)
    result = {
        "submissions": len(honest),
        "wall_s_by_jobs": times,
        "s_per_submission_by_jobs": {j: round(t / len(honest), 2) for j, t in times.items()},
        "speedup_2_vs_1": round(times[1] / times[2], 2),
    }
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
