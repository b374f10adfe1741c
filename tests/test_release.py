"""The student release: the course without its answers, as a folder and as a commit.

The scan reads the answers from the instructor editions themselves (the code inside
`# BEGIN SOLUTION` / `# END SOLUTION` and in cells tagged `solution`) and looks for each of them,
and for the reference formulas a check could be tempted to keep, in every file of the release.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import autograd_lab
from autograd_lab import language, versions
from autograd_lab.course import COURSE, INSTRUCTOR, ROOT, STUDENT
from tools import release, student_edition

# The answers a check could keep as its reference, written as the solutions write them and in
# the algebraic rewrites the package used to hold (exercise 6's derivative and its near-right
# slips, exercise 1's derivatives, the predictions' results).
REFERENCE_FORMULAS = (
    "2 / x * torch.sin(x) + torch.log(x**2) * torch.cos(x) - 1 / x**2",
    "2 * torch.sin(x) / x + torch.log(x**2) * torch.cos(x)",
    "torch.log(x**2) * torch.cos(x) + 2 * torch.sin(x) / x",
    "2 * torch.sin(x) / x - 1 / x**2",
    "torch.log(x**2) * torch.cos(x) - 1 / x**2",
    "2 / x * torch.cos(x)",
    "lambda x: torch.cos(x)",
    "lambda x: -torch.sin(x)",
    "3 * x**2",
    "6 * x",
    "(x + 1) * torch.exp(x)",
    "(x + 2) * torch.exp(x)",
    "-2 * x * torch.exp(-x * x)",
    "(4 * x * x - 2) * torch.exp(-x * x)",
    "4 * x**3 - 2",
    "12 * x**2",
    "[0.0, 8.0, 16.0, 24.0]",
    "[3.0, 5.0, 7.0]",
    "[0.0, 1.0, 4.0, 9.0]",
    "409600",
    "two passes give 8x",
    "两次就是 8x",
)
MIN_LENGTH = 8  # shorter lines (`b = a`, `return c`) name no answer
# Answer lines that answer nothing: exercise 5's axis label, also the tangent explorer's.
GENERIC = {'ax.set_xlabel("$x$")'}  # normalised: no white space
TEXT_SUFFIXES = {".py", ".po", ".md", ".toml", ".yml", ".txt", ".typed", ".lock", ""}


def normalise(line: str) -> str:
    """A code line without its comment and without any white space."""
    code = line.split("  #", 1)[0] if "  #" in line else line
    if code.lstrip().startswith("#"):
        return ""
    return re.sub(r"\s+", "", code)


def split_cell(cell) -> tuple[list[str], list[str]]:
    """The lines of a code cell that are answers, and those that are not."""
    if student_edition.SOLUTION_TAG in cell.metadata.get("tags", []):
        return cell.source.splitlines(), []
    answers, public, inside = [], [], False
    for line in cell.source.splitlines():
        if line.strip() == student_edition.BEGIN:
            inside = True
        elif line.strip() == student_edition.END:
            inside = False
        else:
            (answers if inside else public).append(line)
    return answers, public


def _instructor_parts() -> tuple[set[str], str]:
    """The answer lines of the instructor editions, and everything else they show, flattened."""
    answers, shown = set(), []
    for copy in COURSE.copies(edition=INSTRUCTOR):
        for cell in nbformat.read(copy.path, as_version=4).cells:
            if student_edition.SOLUTION_TAG in cell.metadata.get("tags", []):
                if cell.cell_type == "code":
                    answers |= {normalise(line) for line in cell.source.splitlines()}
            elif cell.cell_type == "code":
                secret, public = split_cell(cell)
                answers |= {normalise(line) for line in secret}
                shown += [normalise(line) for line in public]
            else:  # the statement's prose: "return `a.grad`" names no secret
                shown.append(re.sub(r"\s+", "", cell.source.replace("`", "")))
    # Notebook 06 sends the learner to read the engine's source: its lines are shown too.
    for source in sorted((ROOT / "autograd_lab" / "engine").glob("*.py")):
        shown += [normalise(line) for line in source.read_text(encoding="utf-8").splitlines()]
    return answers, "\n".join(shown)


def solution_lines() -> set[str]:
    """Every answer line of the instructor editions that the course shows nowhere else."""
    answers, shown = _instructor_parts()
    # A line the lessons show outside any answer (`y.backward()`, the `f` of exercise 3, the
    # derivative of x³ in notebook 02) is no secret; nor is a line too short to tell anything.
    return {a for a in answers if len(a) >= MIN_LENGTH and a not in shown and a not in GENERIC}


def needles() -> set[str]:
    """What the scan looks for: the answer lines and the reference formulas not shown anyway."""
    _, shown = _instructor_parts()
    formulas = {normalise(f) for f in REFERENCE_FORMULAS}
    return solution_lines() | {f for f in formulas if f not in shown}


def texts(folder: Path) -> dict[str, str]:
    """Every file of the release as searchable text: notebooks' sources and outputs, the rest."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or ".git" in path.relative_to(folder).parts:
            continue
        key = path.relative_to(folder).as_posix()
        if path.suffix == ".ipynb":
            nb = json.loads(path.read_text(encoding="utf-8"))
            parts = []
            for cell in nb["cells"]:
                parts.append("".join(cell["source"]))
                for output in cell.get("outputs", []):
                    parts.append(json.dumps(output, ensure_ascii=False))
            found[key] = "\n".join(parts)
        elif path.suffix in TEXT_SUFFIXES:
            found[key] = path.read_text(encoding="utf-8")
    return found


def scan(folder: Path) -> list[tuple[str, str]]:
    """(file, answer) for every answer line or reference formula found in the release."""
    wanted = sorted(needles())
    hits = []
    for name, text in texts(folder).items():
        flat = re.sub(r"\s+", "", text)
        hits += [(name, needle) for needle in wanted if needle in flat]
    return hits


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """The release, written once for this module."""
    out = tmp_path_factory.mktemp("release") / "course"
    release.build(out)
    return out


def test_the_release_holds_the_student_course_and_nothing_else(released):
    top = sorted(p.name for p in released.iterdir())
    assert top == sorted([*release.SHIPPED, "README.md", "notebooks"])
    notebooks = sorted(p.relative_to(released) for p in released.rglob("*.ipynb"))
    expected = sorted(p.relative_to(ROOT) for p in COURSE.files(edition=INSTRUCTOR))
    assert notebooks == expected, "one file per lesson and language, at the lesson's path"
    assert not list(released.rglob("__pycache__")) and not list(released.rglob("tests"))
    for copy in COURSE.copies(edition=STUDENT):  # each student edition, where its lesson is
        lesson = COURSE.path(copy.notebook, copy.language, INSTRUCTOR).relative_to(ROOT)
        shipped = nbformat.read(released / lesson, as_version=4)
        stored = nbformat.read(copy.path, as_version=4)
        assert [c.id for c in shipped.cells] == [c.id for c in stored.cells]
        assert shipped.cells[-1].source == stored.cells[-1].source


def test_no_notebook_of_the_release_holds_an_answer(released):
    for path in released.rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert not student_edition.is_solutions_edition(nb), path
        for cell in nb.cells:
            assert student_edition.END not in cell.source, path
            assert student_edition.SOLUTION_TAG not in cell.metadata.get("tags", []), path


def test_the_scan_finds_no_answer_in_the_release(released):
    lines = solution_lines()
    assert len(lines) > 30, "the scan reads the answers of the instructor editions"
    hits = scan(released)
    assert not hits, "\n".join(f"{name}: {answer}" for name, answer in hits)


def test_the_scan_finds_an_answer_that_slipped_in(released, tmp_path):
    leaky = tmp_path / "leaky"
    leaky.mkdir()
    instructor = COURSE.path("08_exercises", "en", INSTRUCTOR)
    (leaky / "08_exercises.ipynb").write_bytes(instructor.read_bytes())
    old = "lambda x: 2 * torch.sin(x) / x + torch.log(x**2) * torch.cos(x) + 1 / x**2,\n"
    (leaky / "checks.py").write_text(old, encoding="utf-8")
    found = {name for name, _ in scan(leaky)}
    assert found == {"08_exercises.ipynb", "checks.py"}
    answers = {answer for name, answer in scan(leaky) if name == "08_exercises.ipynb"}
    assert normalise("prediction4 = 409600.0") in answers
    assert normalise("(df_dx,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)") in answers


def test_every_link_of_the_release_resolves_inside_it(released):
    sources = {p: p.read_text(encoding="utf-8") for p in released.glob("*.md")}
    for path in released.rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        sources[path] = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    links = 0
    for path, text in sources.items():
        for match in release.LINK.finditer(text):
            link = match.group(2)
            if re.match(r"[a-z][a-z0-9+.-]*:", link):
                continue
            target = (path.parent / link).resolve()
            assert target.is_file() and target.is_relative_to(released.resolve()), (path, link)
            links += 1
    assert links >= 2 * len(COURSE.notebooks), "the README links every lesson"


def test_every_notebook_records_the_course_version(released):
    course_version = release.version()
    assert course_version == autograd_lab.__version__, "pyproject and the package agree"
    for path in released.rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        assert nb.metadata["autograd_lab"] == {"version": course_version}
        first = next(c for c in nb.cells if c.cell_type == "code").source.splitlines()
        assert first[:2] == [release.LOAD_EXT, f"{release.MAGIC} {course_version}"], path


def _run_first_cell(tmp_path: Path, notebook_version: str) -> str:
    nb = nbformat.read(COURSE.path("08_exercises", "en", STUDENT), as_version=4)
    release.stamp(nb, notebook_version)
    nb.cells = [next(c for c in nb.cells if c.cell_type == "code")]
    folder = tmp_path / "notebooks" / "en"  # an English notebook: its kernel speaks English
    folder.mkdir(parents=True, exist_ok=True)
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    env.pop(language.ENV_VAR, None)
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(folder)}}).execute(env=env)
    return "".join(o.get("text", "") for o in nb.cells[0].outputs if o.output_type == "stream")


def test_a_notebook_of_another_version_says_so_in_its_first_cell(tmp_path):
    printed = _run_first_cell(tmp_path, "0.0.9")
    skew = versions.skew("0.0.9")
    with language.use("en"):
        assert versions.skew("0.0.9") in printed
    assert "0.0.9" in skew and autograd_lab.__version__ in skew
    same = _run_first_cell(tmp_path, autograd_lab.__version__)
    assert "course version" not in same and "0.0.9" not in same


def test_a_version_that_is_no_version_is_a_clear_error():
    assert versions.skew(autograd_lab.__version__) is None
    with language.use("en"), pytest.raises(ValueError, match="for example %course_version"):
        versions.skew("")
    with language.use("zh"), pytest.raises(ValueError, match="例如"):
        versions.skew("latest please")


def test_a_folder_that_is_not_a_release_is_never_replaced(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SystemExit, match="not a release"):
        release.build(tmp_path)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def _git(repo: Path, *args: str) -> str:
    env = os.environ | {
        "GIT_AUTHOR_NAME": "Teacher",
        "GIT_AUTHOR_EMAIL": "teacher@example.org",
        "GIT_COMMITTER_NAME": "Teacher",
        "GIT_COMMITTER_EMAIL": "teacher@example.org",
    }
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.slow
def test_each_release_is_a_commit_on_the_branch_after_the_previous_one(
    released, tmp_path, monkeypatch
):
    repo = tmp_path / "teacher"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "lesson.txt").write_text("the teacher's work\n", encoding="utf-8")
    _git(repo, "add", "lesson.txt")
    _git(repo, "commit", "-q", "-m", "teacher")
    (repo / "lesson.txt").write_text("uncommitted edit\n", encoding="utf-8")
    before = (_git(repo, "rev-parse", "HEAD"), _git(repo, "status", "--porcelain"))
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Teacher")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "teacher@example.org")
    first = release.commit(released, "student", repo=repo, message="release 1")
    assert release.commit(released, "student", repo=repo) == first, "nothing new: no commit"
    copy = tmp_path / "next"
    shutil.copytree(released, copy)
    readme = copy / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    second = release.commit(copy, "student", repo=repo, message="release 2")
    assert (_git(repo, "rev-parse", "HEAD"), _git(repo, "status", "--porcelain")) == before
    assert _git(repo, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert _git(repo, "rev-parse", "student") == second
    assert _git(repo, "rev-parse", f"{second}^") == first, "the previous release is the parent"
    committed = set(_git(repo, "ls-tree", "-r", "--name-only", first).splitlines())
    on_disk = {p.relative_to(released).as_posix() for p in released.rglob("*") if p.is_file()}
    assert committed == on_disk
    modes = _git(repo, "ls-tree", first, "postBuild").split()[0]
    assert modes == "100755", "postBuild stays executable for repo2docker"
    # A clone of the branch, as a class gets it, holds no answer either.
    clone = tmp_path / "class"
    _git(tmp_path, "clone", "-q", "-b", "student", str(repo), str(clone))
    assert not scan(clone), "the branch holds no answer"


def test_make_release_is_documented():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "release:" in makefile and "python -m tools.release" in makefile.replace(
        "$(PY)", "python"
    )
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme.count("make release") >= 2, "a row in both languages"


@pytest.mark.slow
def test_the_released_exercises_run_on_the_released_package_alone(released):
    # The release's own package, not the repository's: a class has nothing else.
    path = released / COURSE.path("08_exercises", "en", INSTRUCTOR).relative_to(ROOT)
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import autograd_lab; print(autograd_lab.__file__)"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "AUTOGRAD_LAB"))}
    env["PYTHONPATH"] = os.pathsep.join([str(released), sysconfig.get_paths()["purelib"]])
    client = NotebookClient(nb, timeout=600, resources={"metadata": {"path": str(path.parent)}})
    client.execute(env=env)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert Path(outputs[-1]["text"].strip()).is_relative_to(released)
    printed = json.dumps(outputs, ensure_ascii=False)
    assert "[Not attempted]" in printed and "course version" not in printed, "versions agree"
