"""Stored outputs do not depend on the machine's mood: thread count, hash seed, locale, a rerun.

Each notebook runs once per configuration, and this module compares the two runs:
- the first is the session's own strict nbval pass over the notebooks (`make test` runs
  `pytest tests --nbval --nbval-current-env notebooks`), recorded cell by cell by the plugin
  in tests/conftest.py;
- the second is strict nbval over the same notebooks in another configuration (one thread
  instead of the default, another PYTHONHASHSEED, LANG=C.UTF-8), in a background process
  started when the session has collected its tests.

Both are executions in fresh kernels: every output they produced is compared, image/png bytes
and metadata included, which nbval itself skips. Matplotlib writes no timestamp into the PNGs
it shows, and its Software metadata is fixed by the version in the lock, so a figure must come
out byte for byte the same. A failure here is a bug in the notebook, fixed at its source with
values that are exact by construction, never sanitized away. Cells whose output nbval ignores
(with the reason the lint test asks for) are left out of the output comparison.

These tests run after every other test (marker `after_notebooks`). In a session without the
notebooks (`pytest tests/test_x.py`) they skip and say so.
"""

from __future__ import annotations

import pytest

from tests.helpers import all_notebooks, notebook_ids, notebook_key

pytestmark = pytest.mark.after_notebooks

NOTEBOOK_PATHS = all_notebooks()


def test_strict_nbval_passes_in_the_other_configuration(matrix):
    run = matrix.run.result()
    assert run["code"] == 0, f"nbval with {matrix.run.settings}:\n{run['log'][-6000:]}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=notebook_ids(NOTEBOOK_PATHS))
def test_both_configurations_give_identical_outputs(matrix, path):
    if path not in matrix.notebooks:
        pytest.skip(f"{notebook_key(path)} did not run under nbval in this session")
    first, second = matrix.outputs, matrix.run.result()["outputs"]
    prefix = f"{notebook_key(path)}::"
    keys = sorted((k for k in first if k.startswith(prefix)), key=lambda k: int(k[len(prefix) :]))
    assert keys, f"{path.name} did not run in this session"
    assert sorted(k for k in second if k.startswith(prefix)) == sorted(keys), (
        f"{path.name}: the two runs ran different cells (the other run: {matrix.run.settings})"
    )
    compared = 0
    for key in keys:
        a, b = first[key], second[key]
        assert a["source"] == b["source"], f"cell {a['id']} was edited while the matrix ran"
        if a["exempt"]:
            continue
        assert a["outputs"] == b["outputs"], (
            f"cell {a['id']}: outputs differ between this session's nbval run and one with "
            f"{matrix.run.settings}"
        )
        compared += 1
    assert compared > 0, "no compared cell: every output is ignored"
