"""The package's surface: public names load on demand, and the light modules stay light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import autograd_lab


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize(
    "statement",
    ["import autograd_lab.engine", "import autograd_lab.course", "import autograd_lab.language"],
)
def test_the_engine_course_and_language_load_neither_torch_nor_matplotlib(statement):
    loaded = _loaded_after(statement)
    assert "torch" not in loaded and "matplotlib" not in loaded
    assert "babel" not in loaded, "the catalogs are read when a sentence is first needed"


@pytest.mark.slow
def test_import_autograd_lab_loads_no_helper_until_asked():
    loaded = _loaded_after("import autograd_lab")
    assert "torch" not in loaded and "autograd_lab.plotting" not in loaded
    loaded = _loaded_after("import autograd_lab; autograd_lab.plot")
    assert "autograd_lab.plotting" in loaded and "matplotlib.pyplot" not in loaded


def test_every_public_name_resolves_and_unknown_names_say_so():
    for name in autograd_lab.__all__:
        assert getattr(autograd_lab, name) is not None, name
    from autograd_lab.plotting import plot

    assert autograd_lab.plot is plot
    with pytest.raises(AttributeError, match="no attribute 'plott'"):
        autograd_lab.plott  # noqa: B018
