"""Generate the student edition of every exercises notebook from its solutions edition.

The solutions edition is the single source of truth. In it:
  - a region between the lines `# BEGIN SOLUTION` and `# END SOLUTION` of a code cell is an
    answer: the student edition keeps the rest of the cell and replaces the region by a
    placeholder (a comment and `...` inside a function, so it returns None; a comment alone
    at top level, so the `name = ...` lines above it stay the answer);
  - a cell tagged `solution` is a worked answer: a markdown one becomes a short invitation to
    write one's own analysis, a code one is left out.
The student edition of `notebooks/05_x.ipynb` is written to `notebooks/student/05_x.ipynb`
(likewise for a language folder: `notebooks/en/student/05_x.ipynb`) and executed there, so its
stored outputs come from a run. The placeholders are written in the notebook's language, told
by its folder: `notebooks/en/` is English, anything else Chinese.

    python tools/student_edition.py            # regenerate and execute every student edition
    python tools/student_edition.py --check    # exit 1 if a stored student edition is stale
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from execute_notebooks import execute as run_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
STUDENT_DIR = "student"
SOLUTION_TAG = "solution"
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
IMAGE_LINK = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)")


@dataclass(frozen=True)
class Placeholders:
    """What the student edition puts where an answer was, in one language."""

    code: str  # a comment line in place of answer code
    analysis: str  # a markdown cell in place of a worked answer


# Keyed by language; a notebook's language is the name of its folder under notebooks/
# ("en"), and "zh" for the Chinese notebooks at the top level.
PLACEHOLDERS = {
    "zh": Placeholders(
        code="# 在这里写你的代码",
        analysis="**你的分析：** （双击这里，写下你的观察和解释。教师版里有参考解析。）",
    ),
    "en": Placeholders(
        code="# Write your code here",
        analysis="**Your analysis:** (Double-click here and write down what you observe and how "
        "you explain it. The instructor edition has a reference explanation.)",
    ),
}
DEFAULT_LANGUAGE = "zh"
PLACEHOLDER = PLACEHOLDERS[DEFAULT_LANGUAGE].code
ANALYSIS_PLACEHOLDER = PLACEHOLDERS[DEFAULT_LANGUAGE].analysis


def language_of(source: Path) -> str:
    """The language of a solutions notebook, told by its folder (`en/` is English)."""
    folder = source.parent.name
    return folder if folder in PLACEHOLDERS else DEFAULT_LANGUAGE


def is_solutions_edition(nb: nbformat.NotebookNode) -> bool:
    """Return True if the notebook holds answers that a student edition must hide."""
    return any(_is_solution_cell(c) or BEGIN in c.source for c in nb.cells)


def solutions_editions(root: Path = NOTEBOOKS) -> list[Path]:
    """Every notebook under `root` (outside student folders) that holds solutions."""
    found = []
    for path in sorted(root.rglob("*.ipynb")):
        if STUDENT_DIR in path.relative_to(root).parts or ".ipynb_checkpoints" in path.parts:
            continue
        if is_solutions_edition(nbformat.read(path, as_version=4)):
            found.append(path)
    return found


def student_path(source: Path) -> Path:
    """Where the student edition of `source` lives: a `student/` folder beside it."""
    return source.parent / STUDENT_DIR / source.name


def _is_solution_cell(cell: nbformat.NotebookNode) -> bool:
    return SOLUTION_TAG in cell.metadata.get("tags", [])


def strip_solutions(source: str, placeholder: str = PLACEHOLDER) -> str:
    """Replace each `# BEGIN SOLUTION` ... `# END SOLUTION` region by a placeholder line."""
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


def _relink_images(markdown: str) -> str:
    """Image links are relative to the notebook: one folder deeper needs one more `../`."""

    def fix(match: re.Match) -> str:
        link = match.group(2)
        if re.match(r"^([a-z]+:|/|#)", link):
            return match.group(0)
        return match.group(1) + "../" + link

    return IMAGE_LINK.sub(fix, markdown)


def student_notebook(
    nb: nbformat.NotebookNode, language: str = DEFAULT_LANGUAGE
) -> nbformat.NotebookNode:
    """Return the student edition of a solutions notebook: answers out, outputs cleared.

    `language` ("zh" or "en") chooses the placeholders; see `language_of`.
    """
    if language not in PLACEHOLDERS:
        raise ValueError(f"no placeholders for language {language!r}: one of {list(PLACEHOLDERS)}")
    placeholders = PLACEHOLDERS[language]
    student = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        if _is_solution_cell(cell):
            # A worked answer may span several cells; the learner gets one place to write.
            follows_placeholder = cells and cells[-1].source == placeholders.analysis
            if cell.cell_type == "markdown" and not follows_placeholder:
                cells.append(nbformat.v4.new_markdown_cell(placeholders.analysis, id=cell.id))
            continue
        new = copy.deepcopy(cell)
        if new.cell_type == "code":
            new.source = strip_solutions(new.source, placeholders.code)
            new.outputs = []
            new.execution_count = None
        elif new.cell_type == "markdown":
            new.source = _relink_images(new.source)
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
    fresh = student_notebook(nbformat.read(source, as_version=4), language_of(source))
    return comparable(fresh) == comparable(nbformat.read(target, as_version=4))


def write_student_edition(source: Path, execute: bool = True) -> Path:
    """Write (and by default execute) the student edition of `source`; return its path."""
    target = student_path(source)
    target.parent.mkdir(exist_ok=True)
    student = student_notebook(nbformat.read(source, as_version=4), language_of(source))
    nbformat.write(student, target)
    if execute:
        seconds = run_notebook(target)
        print(f"  executed in {seconds:.1f} s")
    return target


def _shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


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
            print(f"{_shown(target)}: {state}")
            continue
        print(f"{_shown(source)} -> {_shown(target)}")
        write_student_edition(source, execute=not args.no_execute)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
