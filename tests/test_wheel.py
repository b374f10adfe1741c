"""The helper package installs whole from a wheel: subpackages and message catalogs included.

A wheel is built from a copy of the sources (the build leaves nothing in the repository),
installed with `pip install --target` into a folder outside the repository, and a student
exercises notebook runs in a fresh kernel whose only way to the course package is that folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograd_lab import course

pytestmark = pytest.mark.slow

ROOT = course.ROOT
NOTEBOOK = course.COURSE.path("08_exercises", "en", course.STUDENT)
WHERE = "import autograd_lab, autograd_lab.exercises as e; print(autograd_lab.__file__, e.__file__)"


def _pip(*args: str, cwd: Path) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", *args]
    subprocess.run(command, cwd=cwd, check=True, capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel's package installed into a folder of its own; returns that folder."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "autograd_lab",
        source / "autograd_lab",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    _pip("wheel", "--no-deps", "--no-build-isolation", "-w", str(work / "dist"), ".", cwd=source)
    (wheel,) = (work / "dist").glob("autograd_lab-*.whl")
    _pip("install", "--no-deps", "--no-index", "--target", str(work / "site"), str(wheel), cwd=work)
    return work / "site"


def test_the_wheel_holds_every_module_and_data_file_of_the_package(installed):
    (wheel,) = installed.parent.glob("dist/*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(
        ["git", "ls-files", "autograd_lab"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked, "the package's files are tracked by git"
    missing = sorted(set(tracked) - names)
    assert not missing, f"the wheel lacks {missing}"


def test_a_student_notebook_runs_on_the_installed_wheel(installed, tmp_path):
    # The notebook sits in a language folder of its own, far from the repository, so the kernel's
    # working directory does not lead to the repository's package either.
    folder = tmp_path / "course" / "notebooks" / "en"
    folder.mkdir(parents=True)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(WHERE))
    site = sysconfig.get_paths()["purelib"]  # the venv's site-packages: torch, babel, ...
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AUTOGRAD_LAB"))}
    env["PYTHONPATH"] = os.pathsep.join([str(installed), site])
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    client.execute(env=env)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert not errors, [f"{e.ename}: {e.evalue}" for e in errors]
    text = "\n".join(
        o.get("text", "") or o.get("data", {}).get("text/plain", "")
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
    )
    package, exercises = nb.cells[-1].outputs[0]["text"].split()
    assert Path(package).is_relative_to(installed), package
    assert Path(exercises).is_relative_to(installed), exercises
    # The checks answered, in English, from the installed catalogs: the placeholders are unanswered.
    assert "[Not attempted]" in text
