"""Stored outputs do not depend on the machine's mood: thread count, locale, or a second run.

The matrix, over every notebook present, under LANG=C.UTF-8:
- strict nbval with OMP_NUM_THREADS=1, and strict nbval with the default thread count, each
  in its own pytest process (its kernels inherit that environment, and each notebook gets a
  fresh kernel);
- those two runs are the notebook's two executions in fresh kernels: every output they
  produced is compared, image/png bytes and metadata included, which nbval itself skips.
  Matplotlib writes no timestamp into the PNGs it shows, and its Software metadata is fixed
  by the version in the lock, so a figure must come out byte for byte the same.

Reusing the two nbval runs as the two executions keeps the matrix at two runs per notebook
instead of four. A failure here is a bug in the notebook, fixed at its source with values that
are exact by construction, never sanitized away. Cells whose output nbval ignores (with the
reason the lint test asks for) are left out of the output comparison too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT, all_notebooks, notebook_ids

NOTEBOOK_PATHS = all_notebooks()
IDS = notebook_ids(NOTEBOOK_PATHS)
IGNORE_MARKERS = {"# NBVAL_IGNORE_OUTPUT", "# NBVAL_SKIP"}
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}
THREAD_VARS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
# An outer pytest's own settings must not leak into the inner runs (xdist workers, addopts).
PYTEST_VARS = ("PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER", "PYTEST_XDIST_WORKER_COUNT")
RUN_TIMEOUT = 1200  # s for all notebooks in one run; a classroom notebook takes seconds
# Different hash seeds in the two runs, so an output that depends on set order shows up.
CONFIGS = {
    "OMP_NUM_THREADS=1": {"OMP_NUM_THREADS": "1", "PYTHONHASHSEED": "1"},
    "default-threads": {"PYTHONHASHSEED": "2"},
}
# The inner run: pytest with nbval plus the recorder below, outputs written as JSON.
INNER = """\
import json, sys
import pytest
from tests.test_reproducibility import OutputRecorder
recorder = OutputRecorder()
code = pytest.main(sys.argv[2:], plugins=[recorder])
with open(sys.argv[1], "w", encoding="utf-8") as f:
    json.dump(recorder.outputs, f)
sys.exit(code)
"""


class OutputRecorder:
    """A pytest plugin for the inner nbval run: keep each cell's outputs as the kernel sent them."""

    def __init__(self) -> None:
        self.outputs: dict[str, dict] = {}

    def pytest_runtest_teardown(self, item) -> None:
        outputs = getattr(item, "test_outputs", None)  # set by nbval when the cell ran
        if outputs is not None:
            cell = item.cell  # the cell as this run read it (the notebook may change later)
            self.outputs[cell_key(item.path, item.cell_num)] = {
                "id": cell.get("id"),
                "source": cell.source,
                "exempt": exempt(cell),
                "outputs": outputs,
            }


def notebook_key(path) -> str:
    return Path(path).resolve().relative_to(ROOT).as_posix()


def cell_key(path, index: int) -> str:
    """Name a code cell by its notebook and its position among the code cells (as nbval counts)."""
    return f"{notebook_key(path)}::{index}"


def matrix_env(**settings: str) -> dict[str, str]:
    """Return this environment under LANG=C.UTF-8, without thread or locale overrides."""
    drop = {*THREAD_VARS, *PYTEST_VARS, "LC_ALL", "LANGUAGE", "PYTHONHASHSEED"}
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("LC_")}
    return env | {"LANG": "C.UTF-8"} | settings


def exempt(cell) -> bool:
    """Whether nbval ignores this cell's output."""
    lines = {line.strip() for line in cell.source.splitlines()}
    return bool(lines & IGNORE_MARKERS or set(cell.metadata.get("tags", [])) & IGNORE_TAGS)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict]:
    """Run strict nbval over all notebooks once per configuration, the two runs side by side."""
    tmp = tmp_path_factory.mktemp("matrix")
    notebooks = [str(p.relative_to(ROOT)) for p in NOTEBOOK_PATHS]
    script = INNER
    started = {}
    for name, settings in CONFIGS.items():
        record, log = tmp / f"{name}.json", tmp / f"{name}.log"
        cmd = [sys.executable, "-c", script, str(record), "--nbval", "--nbval-current-env"]
        cmd += ["-p", "no:cacheprovider", "-q", *notebooks]
        with open(log, "wb") as out:
            process = subprocess.Popen(
                cmd, cwd=ROOT, env=matrix_env(**settings), stdout=out, stderr=subprocess.STDOUT
            )
        started[name] = (process, record, log)
    results = {}
    try:
        for name, (process, record, log) in started.items():
            code = process.wait(RUN_TIMEOUT)
            outputs = json.loads(record.read_text("utf-8")) if record.exists() else {}
            text = log.read_text("utf-8", "replace")
            results[name] = {"code": code, "log": text, "outputs": outputs}
    finally:
        for process, _, _ in started.values():
            if process.poll() is None:
                process.kill()
                process.wait()
    return results


@pytest.mark.parametrize("config", list(CONFIGS))
def test_strict_nbval(runs, config):
    run = runs[config]
    assert run["code"] == 0, f"nbval with {CONFIGS[config]}:\n{run['log'][-6000:]}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_two_fresh_runs_give_identical_outputs(runs, path):
    first, second = (runs[config]["outputs"] for config in CONFIGS)
    prefix = f"{notebook_key(path)}::"
    keys = sorted((k for k in first if k.startswith(prefix)), key=lambda k: int(k[len(prefix) :]))
    assert keys, f"{path.name} did not run"
    compared = 0
    for key in keys:
        a, b = first[key], second.get(key)
        assert b is not None, f"cell {a['id']} ran in one run only"
        assert a["source"] == b["source"], f"cell {a['id']} was edited while the matrix ran"
        if a["exempt"]:
            continue
        assert a["outputs"] == b["outputs"], (
            f"cell {a['id']}: outputs differ between a run with {CONFIGS['OMP_NUM_THREADS=1']} "
            f"and one with {CONFIGS['default-threads']}"
        )
        compared += 1
    assert compared > 0, "no compared cell: every output is ignored"
