"""pytest configuration: the markers by module, and the background run of the reproducibility
check (shared code: tests/helpers.py).

Markers (registered in pyproject.toml) say what a test needs beyond Python and the package, so
`make check` can leave out what takes minutes. They are applied here, by module, so a module
states its needs in one place; single slow tests carry `@pytest.mark.slow` where they are.

The reproducibility check (tests/test_reproducibility.py) runs strict nbval over a few notebooks
in another configuration, in a background process, so it overlaps with the other tests. In one
process it starts as soon as the session has collected its tests, and its tests run last and
read it. Under pytest-xdist (`make test`) every worker collects every test but only one runs
that module: there its tests go first, and the first of them starts the run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from tests.helpers import MATRIX_CHILD, MATRIX_NOTEBOOKS, MatrixRun, is_notebook_cell

AFTER_NOTEBOOKS = "after_notebooks"
NOTEBOOKS, BROWSER, HANDOUT, SLOW = "notebooks", "browser", "handout", "slow"
# What a whole module needs; nbval's cells (collected from notebooks/) are marked `notebooks`.
MODULE_MARKERS = {
    "test_browser": (BROWSER, NOTEBOOKS, SLOW),  # Run All in JupyterLab
    "test_browser_explorers": (BROWSER, HANDOUT, SLOW),  # JupyterLab's sliders, the handout's
    "test_handout": (HANDOUT, SLOW),
    "test_reproducibility": (NOTEBOOKS, SLOW),
    "test_lab": (SLOW,),  # real JupyterLab servers, started and stopped
}


def pytest_collection_modifyitems(items) -> None:
    """Mark nbval's cells and every test of a module listed in MODULE_MARKERS."""
    for item in items:
        if is_notebook_cell(item):
            item.add_marker(NOTEBOOKS)
        for name in MODULE_MARKERS.get(Path(str(item.path)).stem, ()):
            item.add_marker(name)


class Matrix:
    """This session's side of the reproducibility check: the background run, once started."""

    def __init__(self) -> None:
        self.run: MatrixRun | None = None
        self.on_demand = False  # under xdist: started by the first test that asks for it
        self.reason = "the session has not collected its tests yet"

    @pytest.hookimpl(trylast=True)  # after -k, -m and --deselect have removed their items
    def pytest_collection_modifyitems(self, session, config, items) -> None:
        late = [item for item in items if item.get_closest_marker(AFTER_NOTEBOOKS)]
        others = [item for item in items if item not in late]
        if not late:
            self.reason = "no reproducibility test was collected"
        elif config.option.collectonly:
            self.reason = "--collect-only runs nothing"
        elif hasattr(config, "workerinput"):
            items[:] = late + others
            self.on_demand = True
            return
        else:
            self.start()
        items[:] = others + late

    def start(self) -> MatrixRun:
        """Start the background run (once)."""
        if self.run is None:
            self.run = MatrixRun(MATRIX_NOTEBOOKS, Path(tempfile.mkdtemp(prefix="autograd-lab-")))
            self.run.start()
        return self.run

    def pytest_unconfigure(self, config) -> None:
        if self.run is not None:
            self.run.stop()
            shutil.rmtree(self.run.folder, ignore_errors=True)


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers",
        f"{AFTER_NOTEBOOKS}: reads the background notebook run (last; first under xdist)",
    )
    if os.environ.get(MATRIX_CHILD) is None:  # the background run starts no run of its own
        config.pluginmanager.register(Matrix(), "reproducibility-matrix")


@pytest.fixture(scope="session")
def matrix(pytestconfig) -> MatrixRun:
    """The background run of this session, or a skip saying why there is none."""
    plugin = pytestconfig.pluginmanager.get_plugin("reproducibility-matrix")
    if plugin is not None and plugin.on_demand:
        return plugin.start()
    if plugin is None or plugin.run is None:
        pytest.skip(plugin.reason if plugin is not None else "the matrix plugin is not loaded")
    return plugin.run
