"""`make lab` (tools/lab.py): the working copy it serves, and the JupyterLab servers it starts.

The server tests start real JupyterLab servers through `python -m tools.lab` on 127.0.0.1,
wait a bounded time for them, and always stop them (their whole process group).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from autograd_lab.course import Course, Notebook
from tests.helpers import COURSE, ROOT, STUDENT, solution_lines, stop_process_group
from tools import lab

START_TIMEOUT = 90  # s: a JupyterLab start on a busy 2-core machine
# ours (Jupyter's hides the token): the Launcher or the start page
URL = re.compile(r"(http://127\.0\.0\.1:(\d+))/lab(?:/tree/[\w/.-]+)?\?token=(\w+)")
NO_PIP_CONFIG = {"PIP_CONFIG_FILE": os.devnull}


# --- a small course to change at will ---------------------------------------------------------


def notebook(*sources: str, image: str | None = None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    if image:
        nb.cells.append(nbformat.v4.new_markdown_cell(f"![figure]({image})", id="md"))
    nb.cells += [nbformat.v4.new_code_cell(s, id=f"c{i}") for i, s in enumerate(sources)]
    return nb


def write(path: Path, nb: nbformat.NotebookNode) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def make_course(repo: Path, slugs=("01_basics", "02_chain", "03_pictures")) -> Course:
    """A course under `repo` with these notebooks, and an exercises notebook with an edition."""
    entries = [Notebook(s, {"zh": s, "en": s}) for s in slugs]
    entries.append(Notebook("08_exercises", {"zh": "练习", "en": "Exercises"}, student=True))
    course = Course(tuple(entries), root=repo / "notebooks")
    for lang in course.languages:
        figure = repo / "assets" / lang / "f1.png"
        figure.parent.mkdir(parents=True, exist_ok=True)
        figure.write_bytes(b"png " + lang.encode())
        for copy in course.copies(language=lang):
            source = f"print('{copy.key}')"
            if copy.notebook.student:
                source = "answer = 42  # the worked solution" if copy.edition != STUDENT else "..."
            image = f"../../assets/{lang}/f1.png" if copy.edition != STUDENT else None
            write(copy.path, notebook(source, image=image))
    return course


def run_cells(path: Path) -> None:
    """What running a notebook changes: outputs and execution counts, never the sources."""
    nb = nbformat.read(path, as_version=4)
    for count, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        cell.execution_count = count
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="ran\n")]
    nbformat.write(nb, path)


def edit(path: Path, text: str = "my own answer = 1") -> None:
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(text, id="mine"))
    nbformat.write(nb, path)


def sources(path: Path) -> list[str]:
    return [c.source for c in nbformat.read(path, as_version=4).cells]


@pytest.fixture
def small(tmp_path):
    return make_course(tmp_path / "repo"), tmp_path / "work"


# --- what a working copy holds ----------------------------------------------------------------


def test_student_copy_holds_student_editions_and_no_solution(tmp_path):
    """A fresh `make lab` working copy: exactly the student files and their figures."""
    work = tmp_path / "work"
    lab.sync(work)
    on_disk = {
        p.relative_to(work).as_posix()
        for p in work.rglob("*")
        if p.is_file() and lab.PRIVATE not in p.parts
    }
    expected = set()
    for nb in COURSE.notebooks:
        for lang in COURSE.languages:
            path = COURSE.reader_copy(nb, lang, STUDENT).path
            expected.add(path.relative_to(ROOT).as_posix())
            expected |= {p.relative_to(ROOT).as_posix() for p in lab.linked_files(path)}
    assert on_disk == expected
    for lang in COURSE.languages:
        exercises = COURSE.path("08_exercises", lang)
        assert not (work / exercises.relative_to(ROOT)).exists(), "solutions in a student copy"
        assert (work / COURSE.path("08_exercises", lang, STUDENT).relative_to(ROOT)).is_file()
        code, everything = solution_lines(nbformat.read(exercises, as_version=4))
        assert code and everything
        # Lessons may share a line with an answer ("while stack:"); they are served whole.
        lessons = set().union(*(cell_lines(p) for p in COURSE.files(lang) if p != exercises))
        answers = everything - lessons
        assert answers >= code - lessons and answers
        for path in work.rglob("*.ipynb"):
            assert not cell_lines(path) & answers, f"{path} holds solution lines"
    for path in work.rglob("*.ipynb"):  # relative links resolve as they do in the repository
        original = ROOT / path.relative_to(work)
        for link in re.findall(r"\]\((\.\./[^)\s#]+)", path.read_text("utf-8")):
            if (original.parent / link).resolve().is_file():
                assert (path.parent / link).resolve().is_file(), (path, link)


def cell_lines(path: Path) -> set[str]:
    nb = nbformat.read(path, as_version=4)
    return {line.strip() for cell in nb.cells for line in cell.source.splitlines()}


def test_instructor_copy_holds_every_edition(tmp_path):
    work = tmp_path / "work"
    lab.sync(work, edition="instructor")
    for path in COURSE.files():
        rel = path.relative_to(ROOT)
        assert (work / rel).read_bytes() == path.read_bytes(), rel


def test_learner_files_outside_the_course_are_never_touched(small):
    course, work = small
    lab.sync(work, course)
    own = work / "notebooks" / "zh" / "my_notes.ipynb"
    write(own, notebook("x = 1"))
    lab.sync(work, course)
    lab.sync(work, course, edition="instructor")
    assert sources(own) == ["x = 1"]


def test_switching_to_the_student_edition_removes_untouched_solutions(small):
    course, work = small
    lab.sync(work, course, edition="instructor")
    solutions = work / "notebooks" / "en" / "08_exercises.ipynb"
    assert solutions.is_file()
    report = lab.sync(work, course)
    assert not solutions.exists() and "notebooks/en/08_exercises.ipynb" in report.removed


# --- updates decided on the learner's sources -------------------------------------------------


def test_untouched_notebook_is_updated(small):
    course, work = small
    lab.sync(work, course)
    copy = work / "notebooks" / "zh" / "01_basics.ipynb"
    nb = nbformat.read(copy, as_version=4)
    nbformat.write(nb, copy)  # saved unchanged (as JupyterLab may): still the course's file
    write(course.path("01_basics", "zh"), notebook("print('lesson v2')"))
    report = lab.sync(work, course)
    assert report.updated == ["notebooks/zh/01_basics.ipynb"] and report.offered == []
    assert sources(copy) == ["print('lesson v2')"]
    assert any("updated notebooks/zh/01_basics.ipynb" in line for line in report.lines())


def test_a_tag_and_outputs_are_the_learners_too(small):
    """Issue 25: a new tag and a run were taken for "not edited" and overwritten, no backup."""
    course, work = small
    lab.sync(work, course)
    copy = work / "notebooks" / "zh" / "01_basics.ipynb"
    run_cells(copy)
    nb = nbformat.read(copy, as_version=4)
    nb.cells[0].metadata["tags"] = ["my-tag"]
    nbformat.write(nb, copy)
    mine = copy.read_bytes()
    write(course.path("01_basics", "zh"), notebook("print('lesson v2')"))
    report = lab.sync(work, course)
    update = "notebooks/zh/01_basics.course-update.ipynb"
    assert report.updated == [] and report.offered == [("notebooks/zh/01_basics.ipynb", update)]
    assert copy.read_bytes() == mine
    assert sources(work / update) == ["print('lesson v2')"]


def test_an_update_the_learner_changed_is_kept_too(small):
    course, work = small
    lab.sync(work, course)
    copy = work / "notebooks" / "en" / "01_basics.ipynb"
    edit(copy)
    write(course.path("01_basics", "en"), notebook("v2"))
    ((_, first),) = lab.sync(work, course).offered
    edit(work / first, "worked in the update")
    write(course.path("01_basics", "en"), notebook("v3"))
    ((_, second),) = lab.sync(work, course).offered
    assert second != first and ".course-update-" in second
    assert sources(work / first)[-1] == "worked in the update"
    assert sources(work / second) == ["v3"]


def test_edited_notebook_is_kept_and_the_update_put_beside_it(small):
    course, work = small
    lab.sync(work, course)
    copy = work / "notebooks" / "en" / "02_chain.ipynb"
    edit(copy)
    assert lab.sync(work, course).offered == []  # the course did not change: nothing to offer
    write(course.path("02_chain", "en"), notebook("print('chain v2')"))
    report = lab.sync(work, course)
    update = "notebooks/en/02_chain.course-update.ipynb"
    assert report.offered == [("notebooks/en/02_chain.ipynb", update)]
    assert sources(copy)[-1] == "my own answer = 1"
    assert sources(work / update) == ["print('chain v2')"]
    message = "\n".join(report.lines())
    assert "notebooks/en/02_chain.ipynb" in message and update in message
    assert lab.sync(work, course).offered == [], "the same update is offered once"


def test_course_output_change_keeps_the_learners_outputs(small):
    course, work = small
    lab.sync(work, course)
    copy = work / "notebooks" / "zh" / "03_pictures.ipynb"
    run_cells(copy)
    ran = copy.read_bytes()
    src = course.path("03_pictures", "zh")
    nb = nbformat.read(src, as_version=4)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="new\n")]
    nbformat.write(nb, src)
    report = lab.sync(work, course)
    assert copy.read_bytes() == ran and report.updated == []
    assert [rel for rel, _ in report.offered] == ["notebooks/zh/03_pictures.ipynb"]


def test_renamed_notebooks(small, tmp_path):
    """02 and 03 swap names, 05 becomes 07: changed old copies kept, untouched ones removed."""
    course, work = small
    old = make_course(tmp_path / "old", ("01_basics", "02_pictures", "03_chain", "05_extra"))
    lab.sync(work, old)
    edit(work / "notebooks" / "zh" / "03_chain.ipynb")
    run_cells(work / "notebooks" / "zh" / "02_pictures.ipynb")
    report = lab.sync(work, course)
    assert ("notebooks/zh/03_chain.ipynb", "notebooks/zh/02_chain.ipynb") in report.kept
    assert ("notebooks/zh/02_pictures.ipynb", "notebooks/zh/03_pictures.ipynb") in report.kept
    assert sources(work / "notebooks" / "zh" / "03_chain.ipynb")[-1] == "my own answer = 1"
    assert "notebooks/en/02_pictures.ipynb" in report.removed
    assert "notebooks/zh/05_extra.ipynb" in report.removed
    assert not (work / "notebooks" / "en" / "02_pictures.ipynb").exists()
    for rel in ("notebooks/zh/02_chain.ipynb", "notebooks/en/03_pictures.ipynb"):
        assert (work / rel).is_file() and rel in report.copied
    assert any("kept your changed notebooks/zh/03_chain.ipynb" in x for x in report.lines())


def test_working_copy_of_the_earlier_layout_is_migrated(small):
    """An earlier version's working copy: flat notebooks/, a manifest of copied bytes."""
    course, work = small
    (work / "notebooks" / "en").mkdir(parents=True)
    flat = work / "notebooks" / "03_chain.ipynb"  # Chinese lived at notebooks/ itself
    untouched = work / "notebooks" / "en" / "02_pictures.ipynb"
    write(flat, notebook("x"))
    write(untouched, notebook("y"))
    manifest = {"notebooks/03_chain.ipynb": lab.digest(flat)}
    manifest["notebooks/en/02_pictures.ipynb"] = lab.digest(untouched)
    edit(flat)
    (work / lab.LEGACY_MANIFEST).write_text(json.dumps(manifest))
    report = lab.sync(work, course)
    assert report.kept == [("notebooks/03_chain.ipynb", "notebooks/zh/02_chain.ipynb")]
    assert report.removed == ["notebooks/en/02_pictures.ipynb"]
    assert not (work / lab.LEGACY_MANIFEST).exists()


# --- the state file ---------------------------------------------------------------------------


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong layout", "missing"])
def test_damaged_state_file_is_rebuilt_from_disk(small, damage):
    course, work = small
    lab.sync(work, course)
    state = work / lab.PRIVATE / lab.STATE_FILE
    edited = work / "notebooks" / "zh" / "01_basics.ipynb"
    ran = work / "notebooks" / "zh" / "02_chain.ipynb"
    edit(edited)
    run_cells(ran)
    ran_bytes = ran.read_bytes()
    text = state.read_text()
    damaged = {
        "garbage": "\x00\x01 not json",
        "truncated": text[: len(text) // 2],
        "wrong layout": json.dumps({"version": 1, "files": {"a": 3}}),
    }
    if damage == "missing":
        state.unlink()
    else:
        state.write_text(damaged[damage])
    report = lab.sync(work, course)
    assert report.rebuilt and "rebuilt" in report.rebuilt and str(lab.PRIVATE) in report.rebuilt
    assert report.lines()[0] == report.rebuilt
    assert sources(edited)[-1] == "my own answer = 1"  # nothing of the learner's is lost
    assert report.updated == [] and report.removed == []
    # The rebuilt state works as before: an untouched copy updates, changed ones are offered.
    write(course.path("03_pictures", "zh"), notebook("v3"))
    write(course.path("02_chain", "zh"), notebook("v3"))
    write(course.path("01_basics", "zh"), notebook("v3"))
    report = lab.sync(work, course)
    assert report.rebuilt is None and report.updated == ["notebooks/zh/03_pictures.ipynb"]
    assert [rel for rel, _ in report.offered] == [
        "notebooks/zh/01_basics.ipynb",
        "notebooks/zh/02_chain.ipynb",
    ]
    assert ran.read_bytes() == ran_bytes  # run, not edited: still the learner's


def test_state_of_the_version_that_recorded_sources_only(small):
    """Version 1's `content` digested the sources only; its byte digests still serve."""
    course, work = small
    lab.sync(work, course)
    state = work / lab.PRIVATE / lab.STATE_FILE
    data = json.loads(state.read_text())
    data["version"] = 1
    for record in data["files"].values():
        record["content"] = "a digest of the sources, as version 1 wrote it"
    state.write_text(json.dumps(data))
    run_cells(work / "notebooks" / "en" / "01_basics.ipynb")
    edit(work / "notebooks" / "en" / "03_pictures.ipynb")
    write(course.path("01_basics", "en"), notebook("v2"))
    write(course.path("02_chain", "en"), notebook("v2"))
    report = lab.sync(work, course)
    assert report.updated == ["notebooks/en/02_chain.ipynb"]  # untouched
    # Run, and the course changed it: offered. Edited, and the course did not: nothing to offer.
    assert [rel for rel, _ in report.offered] == ["notebooks/en/01_basics.ipynb"]


def test_state_file_is_written_atomically(small, monkeypatch):
    """A crash while writing leaves the old state file whole, and no temporary files."""
    course, work = small
    lab.sync(work, course)
    state = work / lab.PRIVATE / lab.STATE_FILE
    before = state.read_bytes()

    def crash(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        lab.save_state(work, lab.State())
    assert state.read_bytes() == before
    assert sorted(p.name for p in state.parent.iterdir()) == [lab.STATE_FILE]


def test_reset_keeps_a_backup(small):
    course, work = small
    lab.sync(work, course)
    copy = work / "notebooks" / "zh" / "03_pictures.ipynb"
    edit(copy)
    backup = lab.reset(work, "notebooks/zh/03_pictures.ipynb", course)
    assert sources(backup)[-1] == "my own answer = 1"
    assert backup.parent == copy.parent and ".backup-" in backup.name
    assert sources(copy) == sources(course.path("03_pictures", "zh"))
    write(course.path("03_pictures", "zh"), notebook("v2"))
    assert lab.sync(work, course).updated == ["notebooks/zh/03_pictures.ipynb"]
    with pytest.raises(lab.LabError, match="not a file of the course"):
        lab.reset(work, "notebooks/zh/99_nothing.ipynb", course)


def test_reset_from_the_command_line(tmp_path):
    work = tmp_path / "work"
    lab.sync(work)
    # The working copy holds the edition a learner reads: the student edition, where there is one.
    path = COURSE.path("03_chain_rule_and_graphs", "zh", STUDENT)
    rel = path.relative_to(ROOT).as_posix()
    edit(work / rel)
    done = run_lab("--course-dir", work, "--reset", rel)
    assert done.returncode == 0, done.stderr
    assert f"reset {rel}" in done.stdout and ".backup-" in done.stdout
    assert (work / rel).read_bytes() == (ROOT / rel).read_bytes()
    assert len(list((work / rel).parent.glob("*.backup-*.ipynb"))) == 1


# --- settings, options, messages --------------------------------------------------------------


def test_settings_the_learner_chose_are_kept(tmp_path):
    settings = tmp_path / "user-settings"
    assert lab.write_settings(settings, None) == "en"
    assert not (settings / lab.TRANSLATION).exists()  # JupyterLab's own default: English
    notification = json.loads((settings / lab.NOTIFICATION).read_text())
    assert notification == {"fetchNews": "false", "checkForUpdates": False}
    # The learner turns news on and picks Chinese in JupyterLab's settings editor (JSON5).
    (settings / lab.TRANSLATION).parent.mkdir(parents=True)
    (settings / lab.NOTIFICATION).write_text('{\n  // mine\n  "fetchNews": "true",\n}\n')
    (settings / lab.TRANSLATION).write_text("{/* picked */ locale: 'zh_CN', routing: true,}")
    assert lab.write_settings(settings, None) == "zh"
    assert "/* picked */" in (settings / lab.TRANSLATION).read_text()  # not rewritten
    kept = json.loads((settings / lab.NOTIFICATION).read_text())
    assert kept == {"fetchNews": "true", "checkForUpdates": False}
    # An explicit --ui (make lab UI=...) is a choice too: only the locale changes.
    assert lab.write_settings(settings, "en") == "en"
    assert json.loads((settings / lab.TRANSLATION).read_text()) == {"locale": "en", "routing": True}
    # A settings file that is not even JSON5 is the learner's: left exactly as it is.
    (settings / lab.TRANSLATION).write_text("{locale: zh_CN")
    lab.write_settings(settings, "zh")
    assert (settings / lab.TRANSLATION).read_text() == "{locale: zh_CN"


def test_file_browser_opens_at_the_lessons_of_the_interface_language(tmp_path):
    work = tmp_path / "work"
    lab.sync(work)
    for lang in ("zh", "en"):
        cmd = lab.lab_command(work, 8888, tmp_path, lang=lang)
        assert f"--ContentsManager.preferred_dir=notebooks/{lang}" in cmd
        assert not any("token" in part.lower() for part in cmd)


def test_lab_opens_the_start_page_in_the_interface_language(tmp_path):
    work = tmp_path / "work"
    lab.sync(work)
    info = {"url": "http://127.0.0.1:8888/", "token": "abc"}
    for lang in ("zh", "en"):
        page = lab.start_page(work, lang)
        assert page == f"lab/tree/notebooks/{lang}/00_start_here.ipynb"
        assert (work / page.removeprefix("lab/tree/")).is_file()
        cmd = lab.lab_command(work, 8888, tmp_path, lang=lang)
        assert f"--ServerApp.default_url=/{page}" in cmd
        assert lab.lab_url(info, page) == f"http://127.0.0.1:8888/{page}?token=abc"
    # A working copy without the start page (an older course) opens the Launcher as before.
    (work / "notebooks" / "en" / "00_start_here.ipynb").unlink()
    assert lab.start_page(work, "en") == "lab"
    assert not any("default_url" in part for part in lab.lab_command(work, 8888, tmp_path))


def run_lab(*args, env=None, timeout=60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.lab", "--no-browser", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


@pytest.mark.parametrize(
    "port, message",
    [("70000", "70000 is not a port"), ("-1", "-1 is not a port"), ("http", "not a port number")],
)
def test_bad_port_is_a_clear_message(tmp_path, port, message):
    done = run_lab("--port", port, "--course-dir", tmp_path / "c", "--state-dir", tmp_path)
    assert done.returncode == 2 and message in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "c").exists()


@pytest.mark.parametrize("where", ["course", "course/notebooks", "course/notebooks/zh"])
def test_a_file_where_a_folder_must_be_is_a_clear_message(tmp_path, where):
    blocker = tmp_path / where
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")
    done = run_lab("--port", "0", "--course-dir", tmp_path / "course", "--state-dir", tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{blocker} is a file" in done.stderr and "Traceback" not in done.stderr
    assert blocker.read_text() == "not a folder"


@pytest.fixture
def foreign_copy():
    """A working copy this test's user may read but not write (another user's, for root)."""
    folder = Path(tempfile.mkdtemp())
    try:
        os.chmod(folder, 0o755)  # others may enter, as in a shared home or course folder
        lab.sync(folder / "course")
        if os.geteuid() == 0:  # root writes anywhere: start as nobody instead
            if shutil.which("setpriv") is None:
                pytest.skip("running as root without setpriv to become another user")
            as_other = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        else:
            as_other = []
            for path in (folder / "course").rglob("*"):
                if path.is_dir():
                    path.chmod(0o555)
            (folder / "course").chmod(0o555)
        yield folder / "course", as_other
    finally:
        for path in folder.rglob("*"):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(folder)


def test_a_working_copy_the_user_cannot_write_is_a_clear_message(foreign_copy):
    """Issue 25: this was a raw PermissionError."""
    course, as_other = foreign_copy
    state = course.parent / "state"  # writable by nobody either: the copy is refused first
    done = subprocess.run(
        [*as_other, sys.executable, "-m", "tools.lab", "--no-browser", "--port", "0"]
        + ["--course-dir", str(course), "--state-dir", str(state)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "cannot write" in done.stderr, done.stderr
    assert str(course) in done.stderr and "--course-dir DIR" in done.stderr


def make_dry_run(*variables: str) -> str:
    done = subprocess.run(
        ["make", "-n", *variables], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout


needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")


@needs_make
@pytest.mark.parametrize(
    "variable, flag",
    [("UI=zh", "--ui zh"), ("UI=en", "--ui en"), ("LANG=zh_CN.UTF-8", None), ("LANG=zh", None)],
)
def test_make_lab_picks_the_interface_language(variable, flag):
    """`make lab UI=zh` asks for the Chinese interface; the locale (LANG) is not an option."""
    line = next(x for x in make_dry_run("lab", variable).splitlines() if "tools.lab" in x)
    assert (flag in line) if flag else ("--ui" not in line), line


@needs_make
def test_make_lab_passes_edition_and_reset():
    assert "--edition student" in make_dry_run("lab")
    assert "--edition instructor" in make_dry_run("lab", "EDITION=instructor")
    rel = "notebooks/zh/03_chain_rule_and_graphs.ipynb"
    assert f"--reset {rel}" in make_dry_run("lab", f"RESET={rel}")


# --- installing torch from a CPU-wheel index --------------------------------------------------


def local_torch_wheel() -> Path | None:
    """The torch wheel of the lock on this machine's disk (pip's find-links), if any."""
    version = next(
        line.split("==")[1]
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line.startswith("torch==")
    )
    folders = os.environ.get("PIP_FIND_LINKS", "").split() + ["/opt/wheels"]
    for folder in folders:
        found = sorted(Path(folder).glob(f"torch-{version}*.whl"))
        if found:
            return found[0]
    return None


@needs_make
def test_make_install_takes_torch_from_the_given_index_first(tmp_path):
    venv = tmp_path / "venv"
    url = "file:///tmp/cpu-index/simple"
    steps = make_dry_run("install", f"TORCH_INDEX={url}", f"VENV={venv}").splitlines()
    torch_step = next(i for i, s in enumerate(steps) if f"--index-url {url} torch==" in s)
    lock_step = next(i for i, s in enumerate(steps) if "-r requirements.lock" in s)
    assert torch_step < lock_step
    assert "--index-url" not in make_dry_run("install", f"VENV={venv}")
    test_steps = make_dry_run("test", f"TORCH_INDEX={url}", f"VENV={venv}")
    assert f"--index-url {url} torch==" in test_steps


@pytest.mark.slow
def test_torch_resolves_from_a_local_cpu_wheel_index(tmp_path):
    """The TORCH_INDEX option with a PEP 503 index folder holding the local CPU wheel."""
    wheel = local_torch_wheel()
    if wheel is None:
        pytest.skip("no local torch wheel of the lock's version (looked in pip's find-links)")
    project = tmp_path / "simple" / "torch"
    project.mkdir(parents=True)
    (project / wheel.name).symlink_to(wheel)
    (project / "index.html").write_text(f'<a href="{wheel.name}">{wheel.name}</a>\n')
    report = tmp_path / "report.json"
    # --isolated: no pip configuration or PIP_* variables, so only our index can supply it.
    done = subprocess.run(
        [
            sys.executable,
            *("-m", "pip", "--isolated", "install", "--dry-run", "--ignore-installed"),
            *("--no-deps", "--quiet", "--report", str(report)),
            *("--index-url", (tmp_path / "simple").as_uri(), "torch==2.13.0"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **NO_PIP_CONFIG},
    )
    assert done.returncode == 0, done.stderr
    (item,) = json.loads(report.read_text())["install"]
    assert item["metadata"]["version"].startswith("2.13.0")
    assert item["download_info"]["url"].startswith((tmp_path / "simple").as_uri())


# --- real servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(base: str, token: str) -> bool:
    return lab.answers({"url": base, "token": token})


def launch(tmp: Path, name: str, *args, course: Path | None = None) -> subprocess.Popen:
    """Start `python -m tools.lab` in its own process group, its output in `tmp/<name>.log`."""
    cmd = [sys.executable, "-m", "tools.lab", "--no-browser", *map(str, args)]
    cmd += ["--course-dir", str(course or tmp / "course"), "--state-dir", str(tmp / "state")]
    with open(tmp / f"{name}.log", "wb") as out:
        return subprocess.Popen(
            cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def printed_url(process: subprocess.Popen, log: Path) -> tuple[str, int, str]:
    """Wait until `log` shows a URL that answers; return (base, port, token)."""
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        text = log.read_text("utf-8", errors="replace")
        found = URL.search(text)
        if found and _status(found.group(1), found.group(3)):
            return found.group(1), int(found.group(2)), found.group(3)
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"no URL that answers from {log.name}:\n{text[-3000:]}")
        time.sleep(0.3)


@contextlib.contextmanager
def served(tmp: Path, *args, name: str = "lab"):
    """Run `python -m tools.lab` until JupyterLab answers; yield (process, base, port, token)."""
    process = launch(tmp, name, *args)
    try:
        yield process, *printed_url(process, tmp / f"{name}.log")
    finally:
        stop_process_group(process)


def lab_processes(course: Path) -> list[str]:
    """The command lines of the JupyterLab servers on `course` (from ps)."""
    ps = subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True, text=True, check=True)
    return [line for line in ps.stdout.splitlines() if f"root_dir={course}" in line]


def runtime_files(course: Path) -> list[Path]:
    """jupyter_server's records (jpserver-<pid>.json) in the working copy's runtime folder."""
    return sorted((course / lab.PRIVATE / lab.RUNTIME_DIR).glob("jpserver-*[0-9].json"))


@pytest.fixture(scope="module")
def serving(tmp_path_factory):
    """One server for the tests that only look at it: (tmp, process, base, port, token)."""
    tmp = tmp_path_factory.mktemp("serving")
    with served(tmp, "--port", 0) as (process, base, port, token):
        yield tmp, process, base, port, token


def test_server_token_private_and_one_server_per_working_copy(serving):
    tmp, process, base, port, token = serving
    course = tmp / "course"
    start = f"{base}/lab/tree/notebooks/en/00_start_here.ipynb?token={token}"
    assert f"JupyterLab at {start}" in (tmp / "lab.log").read_text()  # not the Launcher
    (record_file,) = runtime_files(course)
    record = json.loads(record_file.read_text())
    pid = record["pid"]
    assert record["port"] == port and record["root_dir"] == str(course)
    assert stat.S_IMODE(record_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(record_file.parent.stat().st_mode) == 0o700
    lock = course / lab.PRIVATE / lab.LOCK_FILE
    assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    assert b"jupyterlab" in cmdline and token.encode() not in cmdline
    assert b"identityprovider" not in cmdline.lower()
    ps = subprocess.run(["ps", "-eww", "-o", "pid,args"], capture_output=True, text=True).stdout
    assert token not in ps
    environ = Path(f"/proc/{pid}/environ")
    assert f"JUPYTER_TOKEN={token}".encode() in environ.read_bytes().split(b"\0")
    assert stat.S_IMODE(environ.stat().st_mode) & 0o077 == 0  # owner only
    assert not _status(base, "wrong-token")

    # A second start on the same working copy: reports the first, starts nothing.
    second = run_lab("--port", 0, "--course-dir", course, "--state-dir", tmp / "state")
    assert second.returncode == 0, second.stderr
    assert f"already runs on this working copy (pid {pid})" in second.stdout
    assert f"{base}/lab?token={token}" in second.stdout
    assert len(lab_processes(course)) == 1
    assert process.poll() is None


def test_a_half_written_runtime_file_does_not_start_a_second_server(serving):
    """Issue 25: an empty server record (a start halfway through) let a second server start."""
    tmp, process, base, _, token = serving
    course = tmp / "course"
    (record_file,) = runtime_files(course)
    record = record_file.read_text()
    record_file.write_text("")  # as jupyter_server leaves it while it writes
    second = subprocess.Popen(
        [sys.executable, "-m", "tools.lab", "--no-browser", "--port", "0"]
        + ["--course-dir", str(course), "--state-dir", str(tmp / "state")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        waiting = second.stdout.readline()
        assert "waiting for its address" in waiting, waiting
        assert second.poll() is None and len(lab_processes(course)) == 1
        record_file.write_text(record)  # the write is complete
        out, _ = second.communicate(timeout=60)
    finally:
        stop_process_group(second)
    assert second.returncode == 0 and f"{base}/lab?token={token}" in out, out
    assert len(lab_processes(course)) == 1 and process.poll() is None


def test_racing_starts_on_one_port(tmp_path):
    """Issue 25: two starts on one port at the same moment; one printed its URL and died.

    Two starts on one working copy: one serves, the other prints its URL. A start on another
    working copy at the same moment and port serves on another port. Every printed URL answers.
    """
    port = free_port()
    copies = {"a": "one", "b": "one", "c": "two"}  # working copies under tmp_path
    starts = {
        n: launch(tmp_path, n, "--port", port, course=tmp_path / c) for n, c in copies.items()
    }
    try:
        urls = {n: printed_url(process, tmp_path / f"{n}.log") for n, process in starts.items()}
        logs = {n: (tmp_path / f"{n}.log").read_text() for n in starts}
        assert not any("Traceback" in text for text in logs.values())
        (winner,) = [n for n in ("a", "b") if "JupyterLab at" in logs[n]]
        loser = "b" if winner == "a" else "a"
        assert "already runs on this working copy" in logs[loser]
        assert starts[loser].wait(30) == 0 and starts[winner].poll() is None
        assert urls["a"] == urls["b"] and urls["c"][1] != urls["a"][1]
        assert len(lab_processes(tmp_path / "one")) == len(lab_processes(tmp_path / "two")) == 1
    finally:
        for process in starts.values():
            stop_process_group(process)


def test_restart_on_the_same_port_after_a_killed_server(tmp_path):
    port = free_port()
    with served(tmp_path, "--port", port) as (process, base, used, token):
        assert used == port
        assert _status(base, token)  # a connection now leaves the port in TIME_WAIT on stop
        os.killpg(process.pid, signal.SIGKILL)  # no clean-up: its runtime record stays
        process.wait(30)
    assert runtime_files(tmp_path / "course"), "the killed server's record is gone"
    with served(tmp_path, "--port", port, name="again") as (_, base, used, token):
        assert used == port, "the restart moved to another port"
        assert "another program" not in (tmp_path / "again.log").read_text()
        (record,) = runtime_files(tmp_path / "course")
        assert json.loads(record.read_text())["token"] == token


@pytest.mark.slow
def test_port_taken_by_another_program_is_named(tmp_path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        with served(tmp_path, "--port", port) as (_, _, used, _):
            assert used != port
            log = (tmp_path / "lab.log").read_text()
            assert f"port {port} is used by another program: using port {used} instead" in log


def test_a_missing_course_notebook_is_a_clear_message(small):
    course, work = small
    course.path("08_exercises", "en", STUDENT).unlink()  # as before `make student` ever ran
    with pytest.raises(lab.LabError, match=r"missing: notebooks/en/student/08_exercises.ipynb"):
        lab.sync(work, course)
    assert not (work / "notebooks").exists(), "nothing half-copied"
