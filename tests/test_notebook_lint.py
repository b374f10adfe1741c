"""Hygiene of every committed notebook: a clean Run-All, clean metadata, no leaks."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from autograd_lab.course import IMAGE_LINK, Notebook
from tests.helpers import COURSE, ROOT, all_notebooks, notebook_ids

NOTEBOOK_PATHS = all_notebooks()
IDS = notebook_ids(NOTEBOOK_PATHS)

MACHINE_PATH = re.compile(
    r"(/root/|/home/\w|/tmp/|/var/folders/|/Users/\w|[A-Za-z]:\\\\Users|site-packages|"
    + re.escape(str(ROOT))
    + ")"
)
MARKERS = ("NBVAL_IGNORE_OUTPUT", "NBVAL_CHECK_OUTPUT", "NBVAL_RAISES_EXCEPTION", "NBVAL_SKIP")
# Why a cell's output is not compared: a live widget, the versions of this machine's packages,
# or a timing (the claim about it is checked by benchmarks/timing_claims.py).
IGNORE_REASONS = {"explorer", "versions", "timing"}


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


@pytest.fixture(params=NOTEBOOK_PATHS, ids=IDS)
def notebook(request):
    path = request.param
    return path, nbformat.read(path, as_version=4)


def test_every_declared_notebook_exists_and_none_is_undeclared():
    missing = [p for p in NOTEBOOK_PATHS if not p.is_file()]
    assert not missing, f"declared in autograd_lab.course but missing: {missing}"
    assert COURSE.stray_files() == [], "notebooks on disk that autograd_lab.course does not list"


def test_file_names_are_ascii_and_numbered_in_reading_order():
    numbers = [nb.number for nb in COURSE.notebooks]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    # The names come from the entries, and an entry refuses a name that is not NN_ascii.
    for bad in ("1_basics", "01-basics", "01_自动求导", "01_Basics"):
        with pytest.raises(ValueError, match="01_ascii_name"):
            Notebook(bad, {"zh": "x", "en": "x"})


def test_the_title_carries_the_number(notebook):
    path, nb = notebook
    first = nb.cells[0].source.splitlines()[0]
    assert first.startswith(f"# {path.name[:2]} "), f"{path.name}: title {first!r}"


def test_valid_nbformat(notebook):
    _, nb = notebook
    nbformat.validate(nb)


def test_clean_run_all(notebook):
    """Execution counts 1..N in order prove the stored outputs come from one Run-All."""
    _, nb = notebook
    counts = [c.execution_count for c in code_cells(nb)]
    assert counts == list(range(1, len(counts) + 1))


def test_clean_metadata(notebook):
    _, nb = notebook
    assert nb.metadata.kernelspec.name == "python3"
    assert set(nb.metadata) <= {"kernelspec", "language_info"}
    for cell in nb.cells:
        assert set(cell.metadata) <= {"tags"}, (cell.id, dict(cell.metadata))


def test_no_unexpected_errors_or_stderr(notebook):
    _, nb = notebook
    for cell in code_cells(nb):
        tags = cell.metadata.get("tags", [])
        for out in cell.outputs:
            if out.output_type == "error":
                assert "raises-exception" in tags, f"cell {cell.id}: {out.ename}"
            assert out.get("name") != "stderr", f"cell {cell.id} wrote to stderr: {out.text!r}"


def test_no_machine_paths_in_outputs(notebook):
    _, nb = notebook
    for cell in code_cells(nb):
        for out in cell.outputs:
            text = json.dumps(
                {k: v for k, v in out.items() if k != "data"}
                | {"data": {k: v for k, v in out.get("data", {}).items() if k.startswith("text/")}}
            )
            match = MACHINE_PATH.search(text)
            assert match is None, f"cell {cell.id}: machine path {match.group(0)!r} in output"


def test_nbval_is_told_by_tags_with_a_reason(notebook):
    """No nbval marker or comment in a learner's sight: cell tags tell nbval, with a reason tag."""
    _, nb = notebook
    for cell in code_cells(nb):
        assert not any(m in cell.source for m in MARKERS), f"cell {cell.id}: a marker, not a tag"
        assert "nbval" not in cell.source.lower(), f"cell {cell.id}: test plumbing in the code"
        tags = set(cell.metadata.get("tags", []))
        if tags & {"nbval-ignore-output", "nbval-skip"}:
            assert tags & IGNORE_REASONS, f"cell {cell.id}: say why with one of {IGNORE_REASONS}"


def test_image_links_resolve(notebook):
    path, nb = notebook
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for _, link in IMAGE_LINK.findall(cell.source):
            assert not link.startswith(("http://", "https://")), f"{link}: the course works offline"
            target = (path.parent / link).resolve()
            assert target.is_file(), f"cell {cell.id}: image {link} does not exist"
            assert target.is_relative_to(ROOT), f"cell {cell.id}: image {link} is outside the repo"


NOTEBOOK_LINK = re.compile(r"\]\(([^)\s]+\.ipynb)\)")
NOTEBOOK_NAME = re.compile(r"`(?:[a-z]+/)*(\d\d_[a-z0-9_]+)\.ipynb`")


def test_links_to_notebooks_resolve_and_send_learners_to_the_student_edition(notebook):
    path, nb = notebook
    slugs = {n.slug for n in COURSE.notebooks}
    with_student = {n.slug for n in COURSE.notebooks if n.student}
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for link in NOTEBOOK_LINK.findall(cell.source):
            target = (path.parent / link).resolve()
            assert target.is_file(), f"cell {cell.id}: link {link} does not resolve"
            copy = COURSE.locate(target)
            if copy.notebook.slug in with_student and copy.notebook.slug not in path.name:
                assert copy.edition == "student", f"cell {cell.id}: {link} is the solutions"
        for slug in NOTEBOOK_NAME.findall(cell.source):
            assert slug in slugs, f"cell {cell.id}: `{slug}.ipynb` is not a course notebook"


def test_readme_links_resolve_and_send_learners_to_the_student_edition():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = NOTEBOOK_LINK.findall(readme)
    assert links
    for link in links:
        target = (ROOT / link).resolve()
        assert target.is_file(), f"README links {link}, which does not exist"
        copy = COURSE.locate(target)
        if copy.notebook.student:
            assert copy.edition == "student", f"README sends learners to the solutions: {link}"


def test_every_notebook_loads_the_error_explainer(notebook):
    """The explainer must be on before the first error a learner meets."""
    path, nb = notebook
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert "%load_ext autograd_lab" in first.source.splitlines(), path.name
