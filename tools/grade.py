"""Grade collected exercises notebooks: each in a fresh kernel, the course's checks, a gradebook.

    python -m tools.grade SUBMISSIONS [--out DIR] [--jobs N] [--timeout S] [--memory MB] [--lang zh]

SUBMISSIONS holds one notebook per student (`alice.ipynb`: the id is the file name) or one
folder per student (`alice/`, holding their `08_exercises.ipynb`). Each submission runs in its
own process and kernel (`OMP_NUM_THREADS=1`, address space limited to --memory MB, the
student's cells limited to --timeout s in all, the kernel's start not counted), --jobs at a
time. The verdicts are not read from the stored outputs: before the student's first cell the
kernel keeps the course's checks aside and fingerprints what they rely on, and after each
check cell the grader runs the kept check on the student's answer objects
(`autograd_lab.grading`). A submission that is not a notebook, or whose kernel loops, prints
megabytes or dies, gets that as its verdict.

Writes DIR/grades.csv (one row per student: a verdict and a hint id per item, the total) and
DIR/report.html (`tools.grade_report`: pass rates and the misconceptions to re-teach).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from autograd_lab.grading import ITEMS
from autograd_lab.grading import NOTEBOOK as GRADED

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = f"{GRADED}.ipynb"  # the file name of a student's submission

# Verdicts besides the checks' own (correct, wrong, not_attempted).
TAMPERED = "tampered"
INVALID = "invalid"
CRASHED = "crashed"
TIMEOUT = "timeout"
TOO_MUCH_OUTPUT = "too_much_output"
KILLED = "killed"
NOT_ATTEMPTED = "not_attempted"

MAX_OUTPUT = 1_000_000  # characters of output a whole submission may print
# Seconds for the kernel's start and the grader's first cell (importing PyTorch, fingerprinting):
# not the student's time, and slow on a machine busy with other kernels.
START_LIMIT = 120
_CHECK_CALL = re.compile(r"\bcheck_(ex[1-6]|predict[1-4])\s*\(")
# The kernel, its memory limited before ipykernel (and anything else) loads. The data segment,
# not the address space: a CUDA build of PyTorch reserves more address space than any sensible
# limit just to import (seen with 2.14.1: "failed to map segment"), while allocations still count.
_LAUNCHER = (
    "import resource, sys; limit = int(sys.argv[1]); "
    "resource.setrlimit(resource.RLIMIT_DATA, (limit, limit)); "
    "from ipykernel import kernelapp; kernelapp.launch_new_instance(argv=sys.argv[2:])"
)


def collect(folder: Path) -> list[tuple[str, Path | None]]:
    """The submissions in `folder` as (student id, notebook), sorted by id (None: no notebook)."""
    found: list[tuple[str, Path | None]] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix == ".ipynb":
            found.append((entry.stem, entry))
        elif entry.is_dir():
            named = entry / NOTEBOOK
            others = sorted(
                p for p in entry.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
            )
            found.append((entry.name, named if named.exists() else next(iter(others), None)))
    return found


def without_checks(source: str) -> str:
    """The cell without its statements that only call a check (the grader calls it again, from
    the kept original, so running the student's call too would only double the time)."""
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython syntax (magics) or a broken cell: run it as it is
        return source
    lines = source.splitlines()
    for statement in reversed(tree.body):
        call = statement.value if isinstance(statement, ast.Expr) else None
        if isinstance(call, ast.Call) and _CHECK_CALL.search(ast.unparse(call.func) + "("):
            first, last = statement.lineno - 1, statement.end_lineno
            lines[first:last] = ["pass"]
    return "\n".join(lines)


def _item(source: str, item: str) -> str:
    return f'__import__("autograd_lab.grading", fromlist=["grade"]).grade("{item}", globals())'


def prepare(nb: dict, results: str = "", secret: str = "") -> tuple[dict, dict[int, str]]:
    """The notebook to run: the grader's start cell, the student's code cells, a grade cell
    after each check cell (and at the end for a check the student removed); returns it with
    the index of each grade cell."""
    import nbformat

    start = f"__import__('autograd_lab.grading').grading.start({results!r}, {secret!r})"
    cells = [nbformat.v4.new_code_cell(start)]
    grade_cells: dict[int, str] = {}
    seen: list[str] = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        cells.append(nbformat.v4.new_code_cell(without_checks(source)))
        for match in _CHECK_CALL.finditer(source):
            name = match.group(1)
            item = name if name.startswith("ex") else "p" + name[-1]
            if item not in seen:
                seen.append(item)
                grade_cells[len(cells)] = item
                cells.append(nbformat.v4.new_code_cell(_item(source, item)))
    for item in ITEMS:
        if item not in seen:
            grade_cells[len(cells)] = item
            cells.append(nbformat.v4.new_code_cell(_item("", item)))
    runnable = nbformat.v4.new_notebook(cells=cells)
    runnable.metadata["kernelspec"] = {"name": "grading", "display_name": "grading"}
    return runnable, grade_cells


def _kernel_spec(folder: Path, memory_mb: int) -> None:
    spec = folder / "grading"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-c", _LAUNCHER, str(memory_mb * 2**20), "-f", "{connection_file}"]
    argv.append("--HistoryManager.enabled=False")  # no history database: nothing kept on disk
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "grading", "language": "python"})
    )


class _Overflow(Exception):
    """The submission printed more than `MAX_OUTPUT` characters."""


def run_one(path: Path | None, timeout: float, memory_mb: int) -> dict:
    """Grade one submission in this process: {"outcome": ..., "items": {item: [verdict, hint]}}."""
    import nbformat
    from jupyter_client import AsyncKernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    items: dict[str, list[str]] = {}
    if path is None:
        return {"outcome": INVALID, "items": items}
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    except Exception:  # not UTF-8, not JSON, not a notebook: all the same to a teacher
        return {"outcome": INVALID, "items": items}
    secret = secrets.token_hex(16)
    clock: dict[str, float] = {}

    with tempfile.TemporaryDirectory(prefix="grade-") as tmp:
        work = Path(tmp)
        _kernel_spec(work / "kernels", memory_mb)
        results = work / "results.jsonl"
        runnable, grade_cells = prepare(nb, str(results), secret)
        env = {
            **os.environ,
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
        }
        km = AsyncKernelManager(
            kernel_name="grading",
            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(work / "kernels")]),
        )
        printed = [0]

        class Client(NotebookClient):
            def output(self, outs, msg, display_id, cell_index):
                printed[0] += len(json.dumps(msg["content"]))
                if printed[0] > MAX_OUTPUT:
                    # Stop the flood at its source: the kernel goes, the verdict says why.
                    self.km.provisioner.process.send_signal(signal.SIGKILL)
                    raise _Overflow
                return super().output(outs, msg, display_id, cell_index)

        def remaining(cell) -> int:
            """The student's time left: --timeout from their first cell on."""
            if cell is runnable.cells[0]:
                return START_LIMIT
            deadline = clock.setdefault("deadline", time.monotonic() + timeout)
            return max(1, int(deadline - time.monotonic()))

        client = Client(
            runnable,
            km=km,
            timeout_func=remaining,
            allow_errors=True,
            kernel_name="grading",
            resources={"metadata": {"path": str(work)}},
            iopub_timeout=10,
        )
        outcome = "ok"
        try:
            client.execute(env=env)
        except _Overflow:
            outcome = TOO_MUCH_OUTPUT
        except CellTimeoutError:
            outcome = TIMEOUT
        except DeadKernelError:
            outcome = TOO_MUCH_OUTPUT if printed[0] > MAX_OUTPUT else KILLED
        except Exception:
            outcome = TOO_MUCH_OUTPUT if printed[0] > MAX_OUTPUT else CRASHED
        finally:
            process = getattr(km.provisioner, "process", None)
            if process is not None and process.poll() is None:
                process.kill()  # the kernel this run started, and only it
        lines = results.read_text(encoding="utf-8").splitlines() if results.exists() else []

    forged = False
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            forged = True
            continue
        if record.get("secret") != secret:
            forged = True
            continue
        items.setdefault(record["item"], [record["status"], record.get("hint", "")])
    for index, item in grade_cells.items():
        if item in items:
            continue
        cell = runnable.cells[index]
        if cell.get("execution_count") is None:
            continue  # not reached: the outcome says why
        errored = any(out.get("output_type") == "error" for out in cell.get("outputs", []))
        # A grade cell that ran and recorded nothing had its grader replaced.
        items[item] = [CRASHED if errored else TAMPERED, ""]
    if forged:
        items = {item: [TAMPERED, ""] for item in ITEMS}
    return {"outcome": outcome, "items": items}


def verdicts(result: dict) -> dict[str, tuple[str, str]]:
    """Every item's (verdict, hint id): a recorded one, else what stopped the submission."""
    fallback = NOT_ATTEMPTED if result["outcome"] == "ok" else result["outcome"]
    return {item: tuple(result["items"].get(item, (fallback, ""))) for item in ITEMS}


def _grade_in_subprocess(path: Path | None, timeout: float, memory_mb: int) -> dict:
    """Run `run_one` in its own process group, killed if it outlives the timeout."""
    if path is None:
        return {"outcome": INVALID, "items": {}}
    command = [
        sys.executable,
        "-m",
        "tools.grade",
        "--one",
        str(path),
        "--timeout",
        str(timeout),
        "--memory",
        str(memory_mb),
    ]
    paths = filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        text=True,
    )
    try:
        out, _ = process.communicate(timeout=START_LIMIT + timeout + 60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return {"outcome": TIMEOUT, "items": {}}
    try:
        return json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"outcome": CRASHED, "items": {}}


def _progress(done: int, total: int, started: float) -> None:
    width = 30
    filled = width * done // max(total, 1)
    elapsed = time.monotonic() - started
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {elapsed:.0f} s")
    sys.stderr.flush()


def grade_all(
    folder: Path, jobs: int, timeout: float, memory_mb: int, progress: bool = True
) -> dict[str, dict[str, tuple[str, str]]]:
    """Grade every submission of `folder`, `jobs` at a time: {student: {item: (verdict, hint)}}."""
    submissions = collect(folder)
    grades: dict[str, dict[str, tuple[str, str]]] = {}
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {
            pool.submit(_grade_in_subprocess, path, timeout, memory_mb): student
            for student, path in submissions
        }
        for done, future in enumerate(as_completed(futures), 1):
            grades[futures[future]] = verdicts(future.result())
            if progress:
                _progress(done, len(submissions), started)
    if progress:
        sys.stderr.write("\n")
    return dict(sorted(grades.items()))


def write_csv(grades: dict[str, dict[str, tuple[str, str]]], path: Path) -> None:
    """Write the gradebook: student, then a verdict and a hint id per item, then the total."""
    header = ["student"]
    for item in ITEMS:
        header += [item, f"{item}_hint"]
    header.append("total")
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for student, items in grades.items():
            row = [student]
            for item in ITEMS:
                row += list(items[item])
            row.append(sum(verdict == "correct" for verdict, _ in items.values()))
            writer.writerow(row)


def read_csv(path: Path) -> dict[str, dict[str, tuple[str, str]]]:
    """Read a gradebook written by `write_csv`."""
    with path.open(encoding="utf-8") as f:
        return {
            row["student"]: {item: (row[item], row[f"{item}_hint"]) for item in ITEMS}
            for row in csv.DictReader(f)
        }


def main(argv: list[str] | None = None) -> int:
    """Grade a folder of submissions into grades.csv and report.html."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", type=Path, nargs="?")
    parser.add_argument("--out", type=Path, default=None, help="default: SUBMISSIONS/../grading")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds for a submission's cells"
    )
    parser.add_argument("--memory", type=int, default=2048, help="MB of address space per kernel")
    parser.add_argument("--lang", default="zh", help="language of the report page")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # a worker: one submission
    args = parser.parse_args(argv)
    if args.one is not None:
        print(json.dumps(run_one(args.one, args.timeout, args.memory)))
        return 0
    from autograd_lab.language import check
    from tools.grade_report import write_report

    lang = check(args.lang)
    if args.submissions is None or not args.submissions.is_dir():
        parser.error("SUBMISSIONS must be a folder of notebooks")
    if args.jobs < 1 or args.timeout <= 0 or args.memory < 256:
        parser.error("--jobs >= 1, --timeout > 0 and --memory >= 256 MB")
    out = args.out or args.submissions.parent / "grading"
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    grades = grade_all(args.submissions, args.jobs, args.timeout, args.memory)
    wall = time.monotonic() - started
    write_csv(grades, out / "grades.csv")
    write_report(grades, out / "report.html", lang)
    count = len(grades)
    per = wall * args.jobs / max(count, 1)
    print(
        f"graded {count} submissions in {wall:.1f} s with {args.jobs} jobs "
        f"({per:.2f} s per submission per core) -> {out / 'grades.csv'}, {out / 'report.html'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
