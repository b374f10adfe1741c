"""Generate the student edition of every exercises notebook from its instructor edition.

The instructor edition is the single source of truth. In it:
  - a region between the lines `# BEGIN SOLUTION` and `# END SOLUTION` of a code cell is an
    answer: the student edition keeps the rest of the cell and replaces the region by a
    placeholder (a comment and `...` inside a function, so it returns None; a comment alone
    at top level, so the `name = ...` lines above it stay the answer);
  - a cell tagged `solution` is a worked answer: a markdown one becomes a short invitation to
    write one's own analysis, a code one is left out.
Which notebooks have a student edition, and where it lives, is the course's to say
(`autograd_lab.course`: `notebooks/<lang>/student/<slug>.ipynb`). It is executed there, so its
stored outputs come from a run. The placeholders are in the notebook's language
(`autograd_lab.language`, topic `student_edition`).

    python -m tools.student_edition            # regenerate and execute every student edition
    python -m tools.student_edition --check    # exit 1 if a stored student edition is stale
"""

from __future__ import annotations

import argparse
import copy
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograd_lab import course
from autograd_lab.course import COURSE, INSTRUCTOR, STUDENT, relink, shown
from autograd_lab.language import say
from tools.execute_notebooks import execute as run_notebook

SOLUTION_TAG = "solution"
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"


@dataclass(frozen=True)
class Placeholders:
    """What the student edition puts where an answer was, in one language."""

    code: str  # a comment line in place of answer code
    analysis: str  # a markdown cell in place of a worked answer


def placeholders(language: str) -> Placeholders:
    """The placeholders in `language` (a ValueError names the choices for an unknown one)."""
    return Placeholders(
        code=say("student_edition.code", language),
        analysis=say("student_edition.analysis", language),
    )


def is_solutions_edition(nb: nbformat.NotebookNode) -> bool:
    """Return True if the notebook holds answers that a student edition must hide."""
    return any(_is_solution_cell(c) or BEGIN in c.source for c in nb.cells)


def solutions_editions() -> list[Path]:
    """The instructor editions of every notebook the course gives a student edition."""
    return [c.path for c in COURSE.copies(edition=INSTRUCTOR) if c.notebook.student]


def student_path(source: Path) -> Path:
    """Where the student edition of `source` lives (see autograd_lab.course)."""
    return course.edition_path(source, STUDENT)


def _is_solution_cell(cell: nbformat.NotebookNode) -> bool:
    return SOLUTION_TAG in cell.metadata.get("tags", [])


def strip_solutions(source: str, placeholder: str | None = None) -> str:
    """Replace each `# BEGIN SOLUTION` ... `# END SOLUTION` region by a placeholder line."""
    placeholder = placeholders(course.SOURCE_LANGUAGE).code if placeholder is None else placeholder
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"line {number}: nested {BEGIN}; close the first region first")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + placeholder)
            if indent:  # a function body needs a statement; `...` makes it return None
                out.append(indent + "...")
        elif stripped == END:
            if not inside:
                raise ValueError(f"line {number}: {END} without a matching {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{BEGIN} is never closed: add a line {END!r}")
    return "\n".join(out)


def student_notebook(
    nb: nbformat.NotebookNode, language: str = course.SOURCE_LANGUAGE
) -> nbformat.NotebookNode:
    """Return the student edition of a solutions notebook: answers out, outputs cleared.

    `language` ("zh" or "en") chooses the placeholders; see `course.language_of`.
    """
    words = placeholders(language)
    student = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if _is_solution_cell(cell):
            # A worked answer may span several cells; the learner gets one place to write.
            follows_placeholder = cells and cells[-1].source == words.analysis
            if cell.cell_type == "markdown" and not follows_placeholder:
                cells.append(nbformat.v4.new_markdown_cell(words.analysis, id=cell.id))
            continue
        new = copy.deepcopy(cell)
        if new.cell_type == "code":
            new.source = strip_solutions(new.source, words.code)
            new.outputs = []
            new.execution_count = None
        elif new.cell_type == "markdown":
            new.source = relink(new.source)  # student/ is one folder deeper
        cells.append(new)
    student.cells = cells
    nbformat.validate(student)
    return student


def comparable(nb: nbformat.NotebookNode) -> list[tuple]:
    """What must agree between a stored and a regenerated edition (outputs aside)."""
    return [(c.id, c.cell_type, c.source, tuple(c.metadata.get("tags", []))) for c in nb.cells]


def is_current(source: Path) -> bool:
    """Return True if the stored student edition matches a fresh generation from `source`."""
    target = student_path(source)
    if not target.exists():
        return False
    language = course.language_of(source, required=True)
    fresh = student_notebook(nbformat.read(source, as_version=4), language)
    return comparable(fresh) == comparable(nbformat.read(target, as_version=4))


def write_student_edition(source: Path, execute: bool = True) -> Path:
    """Write (and by default execute) the student edition of `source`; return its path."""
    target = student_path(source)
    target.parent.mkdir(parents=True, exist_ok=True)
    language = course.language_of(source, required=True)
    student = student_notebook(nbformat.read(source, as_version=4), language)
    nbformat.write(student, target)
    if execute:
        seconds = run_notebook(target)
        print(f"  executed in {seconds:.1f} s")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", type=Path, help="solutions notebooks (default: all)")
    parser.add_argument("--check", action="store_true", help="only report stale student editions")
    parser.add_argument("--no-execute", action="store_true", help="write without running")
    args = parser.parse_args(argv)
    sources = args.sources or solutions_editions()
    if not sources:
        print("no notebook with solutions found")
        return 0
    stale = 0
    for source in sources:
        target = student_path(source)
        if args.check:
            current = is_current(source)
            stale += not current
            state = "current" if current else "STALE: run `make student`"
            print(f"{shown(target)}: {state}")
            continue
        print(f"{shown(source)} -> {shown(target)}")
        write_student_edition(source, execute=not args.no_execute)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
