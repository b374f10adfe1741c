"""The course, declared once: its notebooks in reading order, their languages and editions.

Everything that needs the shape of the course asks this module: the notebook runner, the
student-edition generator, the handout, the working copy of `make lab`, and every test that
iterates over notebooks. Adding a notebook is: write it, add one `Notebook` entry below.

The layout keeps the language visible in every path:

    notebooks/<lang>/<slug>.ipynb           the instructor edition (the single source)
    notebooks/<lang>/student/<slug>.ipynb   the student edition, generated from it
    assets/<lang>/<figure>.png              the lecture figures, drawn in that language
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
ASSETS = ROOT / "assets"


@dataclass(frozen=True)
class Language:
    """A language of the course, declared once: what each part of the course calls it."""

    code: str  # its folders (notebooks/<code>, assets/<code>), catalog and `lang=` argument
    jupyterlab: str  # JupyterLab's name for its interface language ("zh_CN"; "en" is built in)
    language_pack: str | None  # the PyPI distribution of that JupyterLab language pack


# Adding a language: its message catalog (autograd_lab/locale/<code>/), the notebooks'
# translations (notebooks/<code>/), one line here, and its JupyterLab language pack.
LANGUAGE_INFO = (
    Language("zh", "zh_CN", "jupyterlab-language-pack-zh-CN"),  # the source language
    Language("en", "en", None),
)
LANGUAGES = tuple(language.code for language in LANGUAGE_INFO)  # the first is the source
SOURCE_LANGUAGE = LANGUAGES[0]
INSTRUCTOR, STUDENT = "instructor", "student"
EDITIONS = (INSTRUCTOR, STUDENT)
STUDENT_DIR = "student"  # the student edition of notebooks/<lang>/x.ipynb: <lang>/student/x.ipynb

SLUG = re.compile(r"\d\d_[a-z0-9_]+")
IMAGE_LINK = re.compile(r"(!\[[^\]]*\]\(|<img[^>]*\ssrc=[\"'])([^)\s\"']+)")


@dataclass(frozen=True)
class Notebook:
    """One lesson: its file name without suffix, its title per language, its editions."""

    slug: str
    titles: Mapping[str, str]
    student: bool = False  # has a student edition (answers hidden), generated from this one

    def __post_init__(self) -> None:
        if not SLUG.fullmatch(self.slug):
            raise ValueError(f"notebook slug {self.slug!r} must look like 01_ascii_name")

    @property
    def editions(self) -> tuple[str, ...]:
        """The editions this notebook exists in."""
        return EDITIONS if self.student else (INSTRUCTOR,)

    @property
    def number(self) -> str:
        """The two digits that place it in the reading order."""
        return self.slug[:2]


@dataclass(frozen=True)
class Copy:
    """One file of the course: a notebook in one language and one edition."""

    notebook: Notebook
    language: str
    edition: str
    path: Path

    @property
    def key(self) -> str:
        """A short stable name, e.g. en/student/07_exercises, used as a test id."""
        folder = f"{self.language}/{STUDENT_DIR}" if self.edition == STUDENT else self.language
        return f"{folder}/{self.notebook.slug}"


@dataclass(frozen=True)
class Course:
    """The notebooks of the course under one root folder (the repository's, or a test's)."""

    notebooks: tuple[Notebook, ...]
    root: Path = NOTEBOOKS
    languages: tuple[str, ...] = LANGUAGES

    def path(self, notebook: Notebook | str, language: str, edition: str = INSTRUCTOR) -> Path:
        """Where a notebook lives in a language and an edition."""
        nb = self.notebook(notebook)
        if language not in self.languages:
            raise ValueError(f"unknown language {language!r}: the course has {self.languages}")
        if edition not in nb.editions:
            raise ValueError(f"{nb.slug} has no {edition} edition (it has {nb.editions})")
        return edition_path(self.root / language / f"{nb.slug}.ipynb", edition)

    def notebook(self, notebook: Notebook | str) -> Notebook:
        """The entry for a notebook or a slug."""
        if isinstance(notebook, Notebook):
            return notebook
        for nb in self.notebooks:
            if nb.slug == notebook:
                return nb
        raise KeyError(f"no notebook {notebook!r} in the course")

    def copies(self, language: str | None = None, edition: str | None = None) -> Iterator[Copy]:
        """Every file of the course in reading order: each notebook's languages and editions."""
        for nb in self.notebooks:
            for lang in self.languages:
                for ed in nb.editions:
                    if (language is None or lang == language) and (edition in (None, ed)):
                        yield Copy(nb, lang, ed, self.path(nb, lang, ed))

    def files(self, language: str | None = None, edition: str | None = None) -> list[Path]:
        """The paths of `copies`."""
        return [c.path for c in self.copies(language, edition)]

    def reader_copy(self, notebook: Notebook | str, language: str, audience: str) -> Copy:
        """The file an audience reads: the student edition where one exists, for students."""
        nb = self.notebook(notebook)
        edition = STUDENT if audience == STUDENT and nb.student else INSTRUCTOR
        return Copy(nb, language, edition, self.path(nb, language, edition))

    def locate(self, path: Path) -> Copy:
        """The course file at `path` (any of its languages and editions)."""
        path = Path(path).resolve()
        for copy in self.copies():
            if copy.path.resolve() == path:
                return copy
        raise KeyError(f"{path} is not a notebook of the course")

    def stray_files(self) -> list[Path]:
        """Notebook files under the root that the course does not declare (forgotten entries)."""
        declared = {p.resolve() for p in self.files()}
        found = (p for p in self.root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
        return sorted(p for p in found if p.resolve() not in declared)

    def only(self, *slugs: str) -> Course:
        """The same course with only some notebooks (for tests and quick runs)."""
        return replace(self, notebooks=tuple(self.notebook(s) for s in slugs))

    def under(self, root: Path) -> Course:
        """The same course laid out under another folder (a test's copy, a working copy)."""
        return replace(self, root=Path(root))


def edition_path(instructor: Path, edition: str) -> Path:
    """The file of an edition, given the instructor edition's path: student/ beside it."""
    if edition not in EDITIONS:
        raise ValueError(f"unknown edition {edition!r}: one of {EDITIONS}")
    instructor = Path(instructor)
    return instructor.parent / STUDENT_DIR / instructor.name if edition == STUDENT else instructor


def language_of(path: Path | str, *, required: bool = False) -> str | None:
    """The language of a path: its nearest folder named after a course language, else None.

    `notebooks/en/student/07_exercises.ipynb` and the kernel's working directory
    `.lab/course/notebooks/en` are English; a folder outside any language folder has none, and
    with `required` that is a ValueError saying where the file belongs.
    """
    for part in reversed(Path(path).parts):
        if part in LANGUAGES:
            return part
    if required:
        raise ValueError(
            f"{path}: a course notebook lives in a language folder such as "
            f"notebooks/{SOURCE_LANGUAGE}/; put it in one"
        )
    return None


def shown(path: Path) -> str:
    """A path as messages show it: relative to the repository when it lies inside it."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def relink_images(source: str) -> str:
    """Rewrite relative image links (markdown, HTML) for a file moved one folder deeper."""

    def fix(match: re.Match) -> str:
        link = match.group(2)
        if re.match(r"[a-z]+:|/|#", link):
            return match.group(0)
        return match.group(1) + "../" + link

    return IMAGE_LINK.sub(fix, source)


COURSE = Course(
    notebooks=(
        Notebook(
            "01_autograd_basics",
            {"zh": "自动求导入门", "en": "Autograd basics"},
        ),
        Notebook(
            "02_derivatives_in_pictures",
            {"zh": "用图看导数", "en": "Derivatives in pictures"},
        ),
        Notebook(
            "03_chain_rule_and_graphs",
            {"zh": "链式法则与计算图", "en": "The chain rule and computation graphs"},
        ),
        Notebook(
            "04_autograd_from_scratch",
            {"zh": "从零实现自动求导", "en": "Autograd from scratch"},
        ),
        Notebook(
            "05_modes_and_memory",
            {"zh": "模式与内存", "en": "Modes and memory"},
        ),
        Notebook(
            "06_autograd_in_practice",
            {"zh": "自动求导实战", "en": "Autograd in practice"},
        ),
        Notebook(
            "07_exercises",
            {"zh": "练习", "en": "Exercises"},
            student=True,
        ),
    )
)
