"""pytest configuration: the hooks of the reproducibility matrix (shared code: tests/helpers.py).

Each notebook runs once per configuration. The session's own strict nbval pass
(`pytest tests --nbval --nbval-current-env notebooks`) is the first configuration: the
plugin below records every cell's outputs as nbval runs it. The second configuration is one
more strict nbval run in a background process, started as soon as the session has collected
its tests, so it overlaps with the unit tests. Tests marked `after_notebooks`
(tests/test_reproducibility.py) run last and compare the two.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.helpers import MATRIX_CHILD, MatrixRun, OutputRecorder, is_notebook_cell

AFTER_NOTEBOOKS = "after_notebooks"


class Matrix:
    """This session's side of the matrix: its recorded outputs and the background run."""

    def __init__(self) -> None:
        self.recorder = OutputRecorder()
        self.run: MatrixRun | None = None
        self.notebooks: list = []
        self.reason = "the session has not collected its tests yet"

    @property
    def outputs(self) -> dict[str, dict]:
        """The outputs of this session's own nbval pass, by cell."""
        return self.recorder.outputs

    @pytest.hookimpl(trylast=True)  # after -k, -m and --deselect have removed their items
    def pytest_collection_modifyitems(self, session, config, items) -> None:
        late = [item for item in items if item.get_closest_marker(AFTER_NOTEBOOKS)]
        items[:] = [item for item in items if item not in late] + late
        self.notebooks = list(dict.fromkeys(item.path for item in items if is_notebook_cell(item)))
        if not late:
            self.reason = "no matrix test was collected"
        elif not self.notebooks:
            self.reason = (
                "this session runs no notebook under nbval, so there is no first run to compare "
                "with: run `pytest tests --nbval --nbval-current-env notebooks` (make test)"
            )
        elif hasattr(config, "workerinput") or os.environ.get("PYTEST_XDIST_WORKER"):
            self.reason = (
                "under pytest-xdist the notebook cells run in several processes, so no process "
                "holds all of the first run: run the matrix without -n"
            )
        elif config.option.collectonly:
            self.reason = "--collect-only runs nothing"
        else:
            folder = Path(tempfile.mkdtemp(prefix="autograd-lab-matrix-"))
            self.run = MatrixRun(self.notebooks, folder)
            self.run.start()

    def pytest_runtest_teardown(self, item) -> None:
        self.recorder.pytest_runtest_teardown(item)

    def pytest_unconfigure(self, config) -> None:
        if self.run is not None:
            self.run.stop()
            shutil.rmtree(self.run.folder, ignore_errors=True)


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", f"{AFTER_NOTEBOOKS}: runs after every other test (it reads the notebook runs)"
    )
    if os.environ.get(MATRIX_CHILD) is None:  # the background run starts no run of its own
        config.pluginmanager.register(Matrix(), "reproducibility-matrix")


@pytest.fixture(scope="session")
def matrix(pytestconfig) -> Matrix:
    """The reproducibility matrix of this session, or a skip saying why there is none."""
    plugin = pytestconfig.pluginmanager.get_plugin("reproducibility-matrix")
    if plugin is None or plugin.run is None:
        pytest.skip(plugin.reason if plugin is not None else "the matrix plugin is not loaded")
    return plugin
