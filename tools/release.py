"""Write the student release: the course without its answers, as a folder and as a git commit.

    python -m tools.release                      # build/release/ and a commit on branch `student`
    python -m tools.release --out DIR --branch NAME
    python -m tools.release --no-commit          # the folder only

What a class receives (nbgitpuller, Binder or `git clone` of the branch):

  notebooks/<lang>/NN_name.ipynb   every lesson; where the course has a student edition, that
                                   edition *at the instructor edition's path*, so one lesson has
                                   one path: the links between lessons, the README's table and a
                                   hub's nbgitpuller link name the same file for teacher and
                                   class, and the class never sees an empty `student/` folder
  assets/, autograd_lab/           the figures and the helper package (no answer in it: the
                                   checks compute their references at check time)
  environment.yml, postBuild,      Binder / repo2docker and a local install
  requirements.lock, pyproject.toml
  README.md                        the student README (zh + en): how to start, the lessons

No instructor edition, no test (the exercise bank holds answers), no tool, no Makefile. Links
inside notebooks are rewritten for the new places. Each notebook records the course version
(pyproject's) in `metadata.autograd_lab.version` and, for the kernel, as a line
`%course_version X.Y.Z` after `%load_ext autograd_lab` (autograd_lab.versions).

The commit is made with git plumbing (a temporary index, `commit-tree`, `update-ref`), so the
teacher's working tree, index and checked-out branch are untouched; its parent is the branch's
previous release, so a class's pulls are fast-forwards. A release identical to the previous
one makes no commit. The teacher pushes the branch (`git push origin student`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import nbformat

from autograd_lab.course import COURSE, INSTRUCTOR, ROOT, STUDENT, Course, shown
from tools import student_edition

DEFAULT_OUT = ROOT / "build" / "release"
DEFAULT_BRANCH = "student"
# Shipped as they are (folders without caches).
SHIPPED = (
    "assets",
    "autograd_lab",
    "environment.yml",
    "postBuild",
    "requirements.lock",
    "pyproject.toml",
)
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")
README_TEMPLATE = Path(__file__).resolve().parent / "release_readme.md"
MARK = "<!-- autograd-lab student release -->"  # the README's first line: the folder is ours
METADATA_KEY = "autograd_lab"
LOAD_EXT = "%load_ext autograd_lab"
MAGIC = "%course_version"
# Relative links of markdown and HTML: [text](target), ![alt](target), <img src=>, <a href=>.
LINK = re.compile(r"(\]\(|<(?:img|a)\s[^>]*?(?:src|href)=[\"'])([^)\s\"'#]+)")


def version(root: Path = ROOT) -> str:
    """The course version: pyproject's `project.version`."""
    with (root / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]["version"]


def notebook_sources(course: Course = COURSE) -> dict[Path, Path]:
    """Each notebook of the release (its path in the course) -> the file it is made from."""
    files = {}
    for copy in course.copies(edition=INSTRUCTOR):
        reader = course.reader_copy(copy.notebook, copy.language, STUDENT)
        files[copy.path] = reader.path
    return files


def release_path(path: Path, root: Path, sources: dict[Path, Path]) -> Path:
    """Where a file of the repository lands in the release (relative to the release's root)."""
    path = Path(os.path.normpath(path))
    for dest, source in sources.items():
        if path in (Path(os.path.normpath(dest)), Path(os.path.normpath(source))):
            return dest.relative_to(root)
    return path.relative_to(root)


def relink(text: str, source: Path, dest: Path, root: Path, sources: dict[Path, Path]) -> str:
    """Rewrite the relative links of `text`, written at `source`, for its place `dest`."""

    def fix(match: re.Match) -> str:
        link = match.group(2)
        if re.match(r"[a-z][a-z0-9+.-]*:|/", link):  # a URL or an absolute path: not ours
            return match.group(0)
        target = Path(os.path.normpath(source.parent / link))
        if not target.is_relative_to(root):
            return match.group(0)
        moved = root / release_path(target, root, sources)
        return match.group(1) + Path(os.path.relpath(moved, dest.parent)).as_posix()

    return LINK.sub(fix, text)


def stamp(nb: nbformat.NotebookNode, course_version: str) -> None:
    """Record the course version in the notebook's metadata and, for the kernel, its first cell."""
    nb.metadata[METADATA_KEY] = {"version": course_version}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = cell.source.splitlines()
        lines = [line for line in lines if not line.startswith(MAGIC)]  # a previous stamp
        line = f"{MAGIC} {course_version}"
        if LOAD_EXT in lines:
            lines.insert(lines.index(LOAD_EXT) + 1, line)
        else:  # a notebook without the extension loads it for the version line
            lines[:0] = [LOAD_EXT, line]
        cell.source = "\n".join(lines)
        return


def readme(course: Course, root: Path, course_version: str) -> str:
    """The student README: how to start, and the lessons in each language."""

    def lessons(language: str) -> str:
        rows = []
        for nb in course.notebooks:
            link = course.path(nb, language).relative_to(root).as_posix()
            rows.append(f"| [{nb.number} {nb.titles[language]}]({link}) |")
        return "\n".join(rows)

    text = README_TEMPLATE.read_text(encoding="utf-8")
    fields = {"version": course_version, "mark": MARK}
    fields |= {f"lessons_{language}": lessons(language) for language in course.languages}
    return text.format(**fields)


def is_ours(out: Path) -> bool:
    """Whether `out` is missing, empty, or a release this tool wrote (its README says so)."""
    if not out.exists():
        return True
    if not out.is_dir():
        return False
    if not any(out.iterdir()):
        return True
    readme_file = out / "README.md"
    if not readme_file.is_file():
        return False
    return readme_file.read_text(encoding="utf-8").split("\n", 1)[0] == MARK


def build(out: Path = DEFAULT_OUT, course: Course = COURSE, root: Path = ROOT) -> list[Path]:
    """Write the release into `out` (replacing a previous release there); return its files."""
    out = Path(out)
    if not is_ours(out):
        raise SystemExit(f"{shown(out)} holds files that are not a release: choose another --out")
    stale = [
        course.path(c.notebook, c.language, STUDENT)
        for c in course.copies(edition=INSTRUCTOR)
        if c.notebook.student and not student_edition.is_current(c.path)
    ]
    if stale:
        names = ", ".join(shown(p) for p in stale)
        raise SystemExit(f"stale student editions ({names}): run `make student` first")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in SHIPPED:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=IGNORED)
        else:
            shutil.copy2(source, out / name)
    course_version = version(root)
    sources = notebook_sources(course)
    for dest, source in sources.items():
        nb = nbformat.read(source, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = relink(cell.source, source, dest, root, sources)
        stamp(nb, course_version)
        target = out / dest.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
    (out / "README.md").write_text(readme(course, root, course_version), encoding="utf-8")
    return sorted(p for p in out.rglob("*") if p.is_file())


def _git(*args: str, repo: Path, env: dict | None = None, check: bool = True) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if check and done.returncode:
        raise SystemExit(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip() if done.returncode == 0 else ""


def commit(out: Path, branch: str = DEFAULT_BRANCH, repo: Path = ROOT, message: str = "") -> str:
    """Commit the folder `out` on `branch` of `repo`, the previous release as parent; its id."""
    git_dir = _git("rev-parse", "--absolute-git-dir", repo=repo)
    ref = f"refs/heads/{branch}"
    _git("check-ref-format", ref, repo=repo)
    parent = _git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", repo=repo, check=False)
    with tempfile.TemporaryDirectory(prefix="autograd-lab-release-") as tmp:
        # A private index and the release as work tree: the teacher's index and files stay as
        # they are. The repository's ignore rules do not apply to files outside its work tree.
        env = os.environ | {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        base = ("--git-dir", git_dir, "--work-tree", str(Path(out).resolve()))
        _git(*base, "add", "--all", "--force", ".", repo=Path(out), env=env)
        tree = _git(*base, "write-tree", repo=Path(out), env=env)
    if parent and _git("rev-parse", f"{parent}^{{tree}}", repo=repo) == tree:
        return parent  # nothing changed since the last release: no empty commit
    args = ["commit-tree", tree, "-m", message or "Student release"]
    if parent:
        args[2:2] = ["-p", parent]
    new = _git(*args, repo=repo)
    # Compare-and-swap: if the branch moved meanwhile, git refuses instead of losing a release.
    _git("update-ref", "-m", "tools.release", ref, new, parent or "0" * 40, repo=repo)
    return new


def source_description(repo: Path = ROOT) -> str:
    """The course commit a release is made from, and whether the working tree had changes."""
    head = _git("rev-parse", "--short", "HEAD", repo=repo, check=False) or "no commit"
    dirty = _git("status", "--porcelain", "--untracked-files=no", repo=repo, check=False)
    return f"{head}{' with uncommitted changes' if dirty else ''}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the release folder")
    parser.add_argument("--branch", default=DEFAULT_BRANCH, help="the branch to commit it on")
    parser.add_argument("--no-commit", action="store_true", help="write the folder only")
    args = parser.parse_args(argv)
    files = build(args.out)
    print(f"{shown(args.out)}: {len(files)} files, course version {version()}")
    if args.no_commit:
        return 0
    made = f"Made by tools/release.py from {source_description()}."
    message = f"Student release {version()}\n\n{made}"
    new = commit(args.out, args.branch, message=message)
    print(f"branch {args.branch}: {new[:12]} (push it: git push origin {args.branch})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
