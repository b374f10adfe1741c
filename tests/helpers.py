"""What several test modules share: the course's paths, and readers of stored notebooks.

Tests import from here (`from tests.helpers import ...`), never from each other or conftest.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograd_lab.course import ASSETS, COURSE, INSTRUCTOR, NOTEBOOKS, ROOT, STUDENT

__all__ = [
    "ASSETS",
    "CJK",
    "COURSE",
    "NOTEBOOKS",
    "ROOT",
    "STUDENT",
    "IGNORE_MARKERS",
    "IGNORE_TAGS",
    "MATRIX_NOTEBOOKS",
    "MatrixRun",
    "OutputRecorder",
    "cell_key",
    "is_notebook_cell",
    "notebook_key",
    "all_notebooks",
    "notebook_ids",
    "exempt",
    "solution_code_lines",
    "solution_lines",
    "stored_outputs",
    "stored_verdicts",
    "stop_process_group",
    "small_course",
]

# One CJK character: ideographs (the unified block, extension A and the compatibility block),
# CJK punctuation (、。「」【】) and full-width forms (，：！（）). Chinese text always holds one;
# English text never does.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
IGNORE_MARKERS = {"# NBVAL_IGNORE_OUTPUT", "# NBVAL_SKIP"}
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}


def all_notebooks() -> list:
    """Every notebook file of the course, in reading order, each language and edition."""
    return COURSE.files()


def notebook_ids(paths) -> list[str]:
    """Short test ids for notebook paths, e.g. en/student/08_exercises."""
    return [COURSE.locate(p).key for p in paths]


def exempt(cell) -> bool:
    """Whether nbval ignores this cell's output (a marker line or a tag)."""
    lines = {line.strip() for line in cell.source.splitlines()}
    return bool(lines & IGNORE_MARKERS or set(cell.metadata.get("tags", [])) & IGNORE_TAGS)


def solution_lines(nb: nbformat.NotebookNode) -> tuple[set[str], set[str]]:
    """Lines only the answers hold: (code lines, all lines), each stripped."""
    from tools.student_edition import BEGIN, END, SOLUTION_TAG

    hidden_code, hidden_all, public = set(), set(), set()
    for cell in nb.cells:
        whole = SOLUTION_TAG in cell.metadata.get("tags", [])
        inside = False
        for line in cell.source.splitlines():
            text = line.strip()
            if text in (BEGIN, END):
                inside = text == BEGIN
                continue
            if whole or inside:
                hidden_all.add(text)
                if cell.cell_type == "code":
                    hidden_code.add(text)
            else:
                public.add(text)

    # Short or shared lines ("return a.grad", "") say nothing about the answer.
    def distinctive(lines):
        return {t for t in lines - public if len(t) >= 12}

    return distinctive(hidden_code), distinctive(hidden_all)


def solution_code_lines(source) -> set[str]:
    """Code lines of the answers that appear nowhere else in the solutions edition."""
    return solution_lines(nbformat.read(source, as_version=4))[0]


CHECK_CALL = re.compile(r"ex\.check_ex(\d+)")


def stored_verdicts(path) -> dict[int, str]:
    """Map exercise number -> the stored text of its check cell."""
    nb = nbformat.read(path, as_version=4)
    verdicts = {}
    for cell in nb.cells:
        match = CHECK_CALL.search(cell.source) if cell.cell_type == "code" else None
        if match:
            (output,) = cell.outputs
            verdicts[int(match.group(1))] = output["data"]["text/plain"]
    return verdicts


# --- the reproducibility check: tests/conftest.py starts it, tests/test_reproducibility.py reads it
# The stored outputs were made in the default configuration (`make outputs`), and the strict
# nbval pass of `make test` checks them there; one more nbval run in another configuration,
# started in the background when the session starts, is compared with them output by output.
# It runs every program of the course once: the source language's solutions edition (the other
# languages run the same code, tests/test_translations.py; the student editions, a part of it).
MATRIX_NOTEBOOKS = COURSE.files(COURSE.languages[0], INSTRUCTOR)
MATRIX_TIMEOUT = 1200  # s for all notebooks in one run; a classroom notebook takes seconds
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
# An outer pytest's own settings must not leak into the inner run (xdist workers, addopts).
PYTEST_VARS = ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT")
MATRIX_CHILD = "AUTOGRAD_LAB_MATRIX_RUN"  # set in the inner run, which must not start another
# The inner run: pytest with nbval plus the recorder below, outputs written as JSON.
INNER = """\
import json, sys
import pytest
from tests.helpers import OutputRecorder
recorder = OutputRecorder()
code = pytest.main(sys.argv[2:], plugins=[recorder])
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump(recorder.outputs, f)
sys.exit(code)
"""


def notebook_key(path) -> str:
    """A notebook's path relative to the repository, e.g. notebooks/en/01_autograd_basics.ipynb."""
    return Path(path).resolve().relative_to(ROOT).as_posix()


def cell_key(path, index: int) -> str:
    """Name a code cell by its notebook and its position among the code cells (as nbval counts)."""
    return f"{notebook_key(path)}::{index}"


def is_notebook_cell(item) -> bool:
    """Whether a collected pytest item is a notebook cell run by nbval."""
    return Path(str(item.path)).suffix == ".ipynb" and hasattr(item, "cell_num")


def stored_outputs(path) -> dict[str, dict]:
    """A stored notebook's code cells as OutputRecorder keeps them (execution counts aside)."""
    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    return {
        cell_key(path, index): {
            "id": cell.get("id"),
            "source": cell.source,
            "exempt": exempt(cell),
            "outputs": json.loads(json.dumps([without_count(o) for o in cell.outputs])),
        }
        for index, cell in enumerate(code)
    }


def without_count(output: Mapping) -> dict:
    """An output without its execution count (a rerun counts anew; nbval ignores it too)."""
    return {k: v for k, v in output.items() if k != "execution_count"}


class OutputRecorder:
    """A pytest plugin: keep each nbval cell's outputs as the kernel sent them, and its source."""

    def __init__(self) -> None:
        self.outputs: dict[str, dict] = {}

    def pytest_runtest_teardown(self, item) -> None:
        """Record the cell nbval just ran (nbval sets test_outputs when the cell ran)."""
        outputs = getattr(item, "test_outputs", None)
        if outputs is not None and is_notebook_cell(item):
            cell = item.cell  # the cell as this run read it (the notebook may change later)
            self.outputs[cell_key(item.path, item.cell_num)] = {
                "id": cell.get("id"),
                "source": cell.source,
                "exempt": exempt(cell),
                # as JSON has them, like the stored notebook
                "outputs": json.loads(json.dumps([without_count(o) for o in outputs])),
            }


def other_configuration(env: Mapping[str, str]) -> dict[str, str]:
    """Settings unlike this session's: another thread count and hash seed, the C locale."""
    threads = "2" if env.get("OMP_NUM_THREADS") == "1" else "1"
    seed = "2" if env.get("PYTHONHASHSEED") == "1" else "1"
    return {"OMP_NUM_THREADS": threads, "PYTHONHASHSEED": seed, "LANG": "C.UTF-8"}


@dataclass
class MatrixRun:
    """Strict nbval over some notebooks in another configuration, in a background process."""

    notebooks: list[Path]
    folder: Path
    settings: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    _result: dict | None = None

    @property
    def record(self) -> Path:
        return self.folder / "outputs.json"

    @property
    def log(self) -> Path:
        return self.folder / "nbval.log"

    def start(self) -> None:
        """Start the run; it works on its own while the session goes on."""
        self.settings = other_configuration(os.environ)
        drop = {*THREAD_VARS, *PYTEST_VARS, "LC_ALL", "LANGUAGE", "PYTHONHASHSEED"}
        env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("LC_")}
        env |= self.settings | {MATRIX_CHILD: "1"}
        cmd = [sys.executable, "-c", INNER, str(self.record), "--nbval", "--nbval-current-env"]
        cmd += ["-p", "no:cacheprovider", "-q", *(notebook_key(p) for p in self.notebooks)]
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def result(self) -> dict:
        """Wait for the run; return its exit code, log tail and recorded outputs."""
        if self._result is None:
            code = self.process.wait(MATRIX_TIMEOUT)
            outputs = json.loads(self.record.read_text("utf-8")) if self.record.exists() else {}
            self._result = {"code": code, "log": self.log.read_text("utf-8", "replace")}
            self._result["outputs"] = outputs
        return self._result

    def stop(self) -> None:
        """Kill the run if it is still going (the session ended early)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop a process started with start_new_session=True and all it started: TERM, then KILL."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def small_course(root):
    """A course of the first lesson alone (01: code, figures and math to typeset), copied under
    `root` in every language and edition."""
    first = "01_autograd_basics"
    small = COURSE.only(first).under(root)
    for language in small.languages:
        for edition in small.notebook(first).editions:  # its student edition too
            target = small.path(first, language, edition)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(COURSE.path(first, language, edition), target)
    return small


# Seconds a busy machine may add to a time limit: tests bound how long a check may take (it must
# stop a hang), they never measure speed. Claims about speed live in benchmarks/.
SLACK = 5.0
