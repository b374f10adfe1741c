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
from dataclasses import dataclass, field, replace
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
# Every relative target of a page: markdown links and images, HTML <img>.
RELATIVE_LINK = re.compile(r"(!?\[[^\]]*\]\(|<img[^>]*\ssrc=[\"'])([^)\s\"']+)")


CORE, DEEP = "core", "deep"
# The core track is the hour every PyTorch user needs; the deep dives are optional.
TRACKS = (CORE, DEEP)


@dataclass(frozen=True)
class Notebook:
    """One lesson: its file, title, track, time, what it assumes and teaches, its editions."""

    slug: str
    titles: Mapping[str, str]
    student: bool = False  # has a student edition (answers hidden), generated from this one
    track: str = CORE
    minutes: int = 0  # to read it and run every cell, as a learner would
    exercise_minutes: int = 0  # to do its "check yourself" exercises, beside the reading
    requires: tuple[str, ...] = ()  # the slugs of the notebooks it assumes
    outcomes: Mapping[str, str] = field(default_factory=dict)  # "you will be able to ..."

    def __post_init__(self) -> None:
        if not SLUG.fullmatch(self.slug):
            raise ValueError(f"notebook slug {self.slug!r} must look like 01_ascii_name")
        if self.track not in TRACKS:
            raise ValueError(f"{self.slug}: track {self.track!r} is not one of {TRACKS}")
        if not isinstance(self.minutes, int) or self.minutes < 0:
            raise ValueError(f"{self.slug}: minutes must be a whole number (0: not estimated)")
        if not isinstance(self.exercise_minutes, int) or self.exercise_minutes < 0:
            raise ValueError(f"{self.slug}: exercise_minutes must be a whole number (0: none)")

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
        """A short stable name, e.g. en/student/08_exercises, used as a test id."""
        folder = f"{self.language}/{STUDENT_DIR}" if self.edition == STUDENT else self.language
        return f"{folder}/{self.notebook.slug}"


@dataclass(frozen=True)
class Course:
    """The notebooks of the course under one root folder (the repository's, or a test's)."""

    notebooks: tuple[Notebook, ...]
    root: Path = NOTEBOOKS
    languages: tuple[str, ...] = LANGUAGES

    def __post_init__(self) -> None:
        # The reading order is the tuple's order: a notebook assumes only what comes before it.
        before: set[str] = set()
        for nb in self.notebooks:
            missing = [slug for slug in nb.requires if slug not in before]
            if missing:
                raise ValueError(f"{nb.slug} assumes {missing}, which must come before it")
            before.add(nb.slug)

    def track(self, track: str) -> tuple[Notebook, ...]:
        """The notebooks of one track, in reading order."""
        if track not in TRACKS:
            raise ValueError(f"unknown track {track!r}: one of {TRACKS}")
        return tuple(nb for nb in self.notebooks if nb.track == track)

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

    `notebooks/en/student/08_exercises.ipynb` and the kernel's working directory
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


def relink(source: str) -> str:
    """Rewrite relative links and images (markdown, HTML) for a file moved one folder deeper."""

    def fix(match: re.Match) -> str:
        link = match.group(2)
        if re.match(r"[a-z]+:|/|#", link):
            return match.group(0)
        return match.group(1) + "../" + link

    return RELATIVE_LINK.sub(fix, source)


COURSE = Course(
    notebooks=(
        Notebook(
            "00_start_here",
            {"zh": "从这里开始", "en": "Start here"},
            minutes=5,
            outcomes={
                "zh": "选一条路线：核心路线约一小时，选读随时可看；知道检查和报错讲解怎么用",
                "en": "choose a path (the core hour, the optional deep dives) and use the checks "
                "and the error explainer",
            },
        ),
        Notebook(
            "01_autograd_basics",
            {"zh": "自动求导入门", "en": "Autograd basics"},
            student=True,
            minutes=20,
            exercise_minutes=15,
            outcomes={
                "zh": "用 `backward()` 和 `.grad` 求梯度，清零累加的梯度，对非标量输出求 "
                "$\\mathbf{v}^\\top J$，用 `detach` 截断，对带控制流的函数求导",
                "en": "get gradients with `backward()` and `.grad`, zero accumulated gradients, "
                "take $\\mathbf{v}^\\top J$ of non-scalar outputs, cut with `detach`, "
                "differentiate through control flow",
            },
        ),
        Notebook(
            "02_derivatives_in_pictures",
            {"zh": "用图看导数", "en": "Derivatives in pictures"},
            student=True,
            track=DEEP,
            minutes=20,
            exercise_minutes=10,
            requires=("01_autograd_basics",),
            outcomes={
                "zh": "画出导数和切线，说清折点处（ReLU、$\\lvert x\\rvert$）PyTorch 给的值，"
                "用有限差分核对梯度并选步长，画出计算图",
                "en": "plot derivatives and tangents, say what PyTorch returns at kinks (ReLU, "
                "$\\lvert x\\rvert$), check gradients by finite differences with a good step, "
                "draw the computation graph",
            },
        ),
        Notebook(
            "03_chain_rule_and_graphs",
            {"zh": "链式法则与计算图", "en": "The chain rule and computation graphs"},
            student=True,
            minutes=20,
            exercise_minutes=10,
            requires=("01_autograd_basics",),
            outcomes={
                "zh": "带着形状写链式法则，读懂计算图和隐式构图，说出正向模式与反向模式各算什么",
                "en": "write the chain rule with shapes, read a computation graph built as the "
                "code runs, tell what forward and reverse mode compute",
            },
        ),
        Notebook(
            "04_autograd_in_practice",
            {"zh": "自动求导实战", "en": "Autograd in practice"},
            student=True,
            minutes=20,
            exercise_minutes=15,
            requires=("01_autograd_basics", "03_chain_rule_and_graphs"),
            outcomes={
                "zh": "分清叶子与非叶子，关掉记录，读懂并修好原地修改和两次反向的报错，"
                "写出带 `zero_grad` 的训练循环",
                "en": "tell leaves from non-leaves, turn recording off, read and fix the in-place "
                "and backward-twice errors, write a training loop with `zero_grad`",
            },
        ),
        Notebook(
            "05_more_practice",
            {"zh": "更多实战", "en": "More practice"},
            student=True,
            track=DEEP,
            minutes=30,
            exercise_minutes=15,
            requires=("04_autograd_in_practice",),
            outcomes={
                "zh": "用 `create_graph=True` 求二阶导数和 Hessian–向量积，写一个在 `torch.func` 下"
                "也能用的自定义 `autograd.Function` 并用 `gradcheck` 检查，用 `detect_anomaly` "
                "找出 NaN 和出事的那一行，用钩子看一层里流过的值和梯度",
                "en": "take second derivatives and Hessian–vector products with "
                "`create_graph=True`, write a custom `autograd.Function` that works under "
                "`torch.func` and `gradcheck` it, find a NaN and its line with "
                "`detect_anomaly`, watch a layer's values and gradients with hooks",
            },
        ),
        Notebook(
            "06_autograd_from_scratch",
            {"zh": "从零实现自动求导", "en": "Autograd from scratch"},
            student=True,
            track=DEEP,
            minutes=35,
            exercise_minutes=15,
            requires=("01_autograd_basics", "03_chain_rule_and_graphs"),
            outcomes={
                "zh": "一步一步跟着反向模式走，自己实现记录、拓扑序与梯度累加，"
                "让一个小引擎和 PyTorch 算出同样的梯度",
                "en": "follow reverse mode step by step, build recording, topological order and "
                "accumulation yourself, and get PyTorch's gradients from a small engine",
            },
        ),
        Notebook(
            "07_modes_and_memory",
            {"zh": "模式与内存", "en": "Modes and memory"},
            student=True,
            track=DEEP,
            minutes=25,
            exercise_minutes=15,
            requires=("03_chain_rule_and_graphs", "06_autograd_from_scratch"),
            outcomes={
                "zh": "在 `jacfwd` 与 `jacrev` 之间按形状做选择，看到前向保存的张量，"
                "用检查点拿时间换内存",
                "en": "choose `jacfwd` or `jacrev` by shape, see the tensors a forward pass saves, "
                "trade time for memory with checkpointing",
            },
        ),
        Notebook(
            "08_exercises",
            {"zh": "练习", "en": "Exercises"},
            student=True,
            track=DEEP,
            minutes=40,
            requires=(
                "01_autograd_basics",
                "02_derivatives_in_pictures",
                "03_chain_rule_and_graphs",
                "04_autograd_in_practice",
            ),
            outcomes={
                "zh": "独立完成六道练习，每道写完立即得到检查和提示",
                "en": "solve six exercises on your own, each checked with a hint as soon as "
                "you run it",
            },
        ),
    )
)
