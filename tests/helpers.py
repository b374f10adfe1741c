"""What several test modules share: the course's paths, and readers of stored notebooks.

Tests import from here (`from tests.helpers import ...`), never from each other or conftest.
"""

from __future__ import annotations

import re

import nbformat

from autograd_lab.course import ASSETS, COURSE, NOTEBOOKS, ROOT, STUDENT

__all__ = [
    "ASSETS",
    "COURSE",
    "NOTEBOOKS",
    "ROOT",
    "STUDENT",
    "IGNORE_MARKERS",
    "IGNORE_TAGS",
    "all_notebooks",
    "notebook_ids",
    "exempt",
    "solution_code_lines",
    "solution_lines",
    "stored_verdicts",
]

IGNORE_MARKERS = {"# NBVAL_IGNORE_OUTPUT", "# NBVAL_SKIP"}
IGNORE_TAGS = {"nbval-ignore-output", "nbval-skip"}


def all_notebooks() -> list:
    """Every notebook file of the course, in reading order, each language and edition."""
    return COURSE.files()


def notebook_ids(paths) -> list[str]:
    """Short test ids for notebook paths, e.g. en/student/07_exercises."""
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
