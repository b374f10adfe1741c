"""Stored outputs do not depend on the machine's mood: thread count, hash seed, locale, a rerun.

The stored outputs were made in the default configuration, and `make test`'s strict nbval pass
checks them there. Here strict nbval runs again in another configuration (one thread instead
of the default, another PYTHONHASHSEED, LANG=C.UTF-8), in a background process started when the
session has collected its tests (tests/conftest.py), over every program of the course once: the
source language's solutions edition (`MATRIX_NOTEBOOKS`; the other languages run the same code,
tests/test_translations.py, and the student editions a part of it).

Every output that run produced is compared with the stored one, image/png bytes and metadata
included, which nbval itself skips. Matplotlib writes no timestamp into the PNGs it shows, and
its Software metadata is fixed by the version in the lock, so a figure must come out byte for
byte the same. A failure here is a bug in the notebook, fixed at its source with values that
are exact by construction, never sanitized away. Cells whose output nbval ignores (with the
reason the lint test asks for) are left out of the output comparison.

These tests run after every other test of the session (marker `after_notebooks`), so the
background run overlaps with the others; under pytest-xdist they run first in one worker while
the other workers go on. They need no other notebook run, so any session can run them
(`pytest tests/test_reproducibility.py`).
"""

from __future__ import annotations

import pytest

from tests.helpers import MATRIX_NOTEBOOKS, notebook_ids, notebook_key, stored_outputs

pytestmark = pytest.mark.after_notebooks


def test_strict_nbval_passes_in_the_other_configuration(matrix):
    run = matrix.result()
    assert run["code"] == 0, f"nbval with {matrix.settings}:\n{run['log'][-6000:]}"


@pytest.mark.parametrize("path", MATRIX_NOTEBOOKS, ids=notebook_ids(MATRIX_NOTEBOOKS))
def test_the_other_configuration_gives_the_stored_outputs(matrix, path):
    stored, ran = stored_outputs(path), matrix.result()["outputs"]
    prefix = f"{notebook_key(path)}::"
    assert sorted(k for k in ran if k.startswith(prefix)) == sorted(stored), (
        f"{path.name}: the run in {matrix.settings} did not run every code cell"
    )
    compared = 0
    for key, cell in stored.items():
        assert ran[key]["source"] == cell["source"], f"cell {cell['id']} was edited during the run"
        if cell["exempt"]:
            continue
        assert ran[key]["outputs"] == cell["outputs"], (
            f"cell {cell['id']}: the outputs with {matrix.settings} differ from the stored ones"
        )
        compared += 1
    assert compared > 0, "no compared cell: every output is ignored"
