"""What one student costs on a classroom hub: N students at once on a local JupyterHub.

For each N, a hub on 127.0.0.1 (tools/classroom_hub.py: the single-machine deploy config,
configurable-http-proxy, one server per student) gets N students who log in, start their
servers at the same moment, pull the course with nbgitpuller, and run lesson 01 (en) and the
student exercises (07, en) from top to bottom, all at once, each in their own kernels (the
kernel of 01 stays open while 07 runs, as two open tabs do). Per student it prints:

- spawn: seconds from the Start request to a ready server;
- run: seconds to run both notebooks;
- peak MB: the highest resident memory of the student's server plus their kernels, sampled
  every 0.2 s from /proc (psutil);
- CPU s: CPU-seconds (user + system) of that server and its kernels, from start to the end.

    python benchmarks/hub_capacity.py              # N = 2, 4, 8
    python benchmarks/hub_capacity.py -n 2 4
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from tools.classroom_hub import (  # noqa: E402
    LocalHub,
    Student,
    code_cells,
    course_repository,
    scratch_folder,
)

TARGET = "autograd-lab"
NOTEBOOKS = ("notebooks/en/01_autograd_basics.ipynb", "notebooks/en/08_exercises.ipynb")
SAMPLE = 0.2  # s between memory samples
MB = 1024 * 1024


@dataclass
class Cost:
    """What one student used."""

    spawn: float = 0.0
    run: float = 0.0
    peak_rss: int = 0  # bytes: server + kernels, at the sampled peak
    cpu: dict[int, float] = field(default_factory=dict)  # pid -> CPU-seconds last seen
    errors: int = 0  # cells that failed without being tagged to


def student_processes(hub: LocalHub, name: str) -> list[psutil.Process]:
    """The student's server (found by its JUPYTERHUB_USER) and everything it started."""
    for process in hub.processes():
        try:
            if "jupyterhub.singleuser" not in " ".join(process.cmdline()):
                continue
            if process.environ().get("JUPYTERHUB_USER") == name:
                return [process, *process.children(recursive=True)]
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return []


def sample(hub: LocalHub, costs: dict[str, Cost], done: threading.Event) -> None:
    """Record each student's peak memory and CPU time until `done` is set."""
    while not done.is_set():
        for name, cost in costs.items():
            rss = 0
            for process in student_processes(hub, name):
                try:
                    rss += process.memory_info().rss
                    times = process.cpu_times()
                    cost.cpu[process.pid] = times.user + times.system
                except psutil.NoSuchProcess:
                    continue
            cost.peak_rss = max(cost.peak_rss, rss)
        time.sleep(SAMPLE)


def run_notebooks(student: Student, cost: Cost) -> None:
    """Run both notebooks top to bottom in the student's kernels, as Run All does."""
    start = time.perf_counter()
    kernels = []
    try:
        for path in NOTEBOOKS:
            cells = code_cells(student.notebook(f"{TARGET}/{path}"))
            kernel = student.kernel(f"{TARGET}/{path}")
            kernels.append(kernel)
            for cell in cells:
                outputs = kernel.run(cell["source"])
                expected = "raises-exception" in cell["metadata"].get("tags", [])
                if any(o["output_type"] == "error" for o in outputs) and not expected:
                    cost.errors += 1
        cost.run = time.perf_counter() - start
    finally:
        time.sleep(2 * SAMPLE)  # let the sampler see the kernels at the end of the run
        for kernel in kernels:
            kernel.close()


def measure(n: int) -> dict[str, Cost]:
    """Start a hub with `n` students doing the lessons at once; return what each one used."""
    folder = scratch_folder("autograd-lab-capacity-")
    try:
        repo = course_repository(folder)
        with LocalHub(folder / "hub") as hub:
            names = [f"student{i + 1:02d}" for i in range(n)]
            students = [hub.login(name) for name in names]
            costs = {name: Cost() for name in names}
            done = threading.Event()
            sampler = threading.Thread(target=sample, args=(hub, costs, done), daemon=True)
            sampler.start()
            with ThreadPoolExecutor(n) as pool:
                spawns = list(pool.map(Student.spawn, students))
                for student, seconds in zip(students, spawns, strict=True):
                    costs[student.name].spawn = seconds
                list(pool.map(lambda s: s.pull(repo, "student", TARGET, NOTEBOOKS[1]), students))
                list(pool.map(lambda s: run_notebooks(s, costs[s.name]), students))
            done.set()
            sampler.join()
            return costs
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def row(n: int, costs: dict[str, Cost]) -> str:
    """One line of the table: medians and maxima over the students."""

    def both(values: list[float], fmt: str) -> str:
        return f"{format(statistics.median(values), fmt)} / {format(max(values), fmt)}"

    spawn = [c.spawn for c in costs.values()]
    run = [c.run for c in costs.values()]
    peak = [c.peak_rss / MB for c in costs.values()]
    cpu = [sum(c.cpu.values()) for c in costs.values()]
    errors = sum(c.errors for c in costs.values())
    return (
        f"| {n} | {both(spawn, '.1f')} | {both(run, '.1f')} | {both(peak, '.0f')} | "
        f"{both(cpu, '.1f')} | {errors} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, nargs="+", default=[2, 4, 8], help="numbers of students")
    args = parser.parse_args()
    print(f"machine: {psutil.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GB")
    print("per student, median / max over the students of one run:")
    print("| students | spawn s | run 01+07 s | peak MB (server+kernels) | CPU s | failed cells |")
    print("|---|---|---|---|---|---|")
    for n in args.n:
        print(row(n, measure(n)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
