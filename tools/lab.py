"""Start JupyterLab on a working copy of the course: 127.0.0.1 only, a private token.

`make lab` runs this; the browser test runs it too (with its own folders).

    python -m tools.lab                          # what `make lab` runs: the student editions
    python -m tools.lab --edition instructor     # `make lab EDITION=instructor`: with solutions
    python -m tools.lab --ui zh                  # Chinese interface (`make lab UI=zh`)
    python -m tools.lab --reset notebooks/zh/03_chain_rule_and_graphs.ipynb   # `make lab RESET=…`
    python -m tools.lab --no-browser --port 0 --course-dir DIR --state-dir DIR \\
        --LabApp.expose_app_in_browser=True   # extra `--Class.trait=value` go to JupyterLab

The working copy (`.lab/course/`) holds exactly the course's files for one edition, at the
paths they have in the repository (`notebooks/<lang>/…`, `notebooks/<lang>/student/…`,
`assets/<lang>/…`), so relative image links keep working. Running cells there never rewrites
the notebooks whose stored outputs the tests check. What a start does with each file:

- missing: copied from the course;
- exactly as this tool last wrote it: replaced by the course's new version, if there is one;
- changed by the learner in any way (a source, a cell tag, an output of a run) and changed by
  the course: the learner's file stays as it is and the new version is put beside it as
  `NAME.course-update.ipynb`; the start message names both;
- no longer part of the course (a renamed lesson): removed if untouched, kept if changed.

One server runs per working copy. A start holds a lock on `.autograd-lab/lab.lock` in it for
as long as its server lives (the kernel drops the lock when both processes end, so it is never
stale); a second start finds the server through the runtime files jupyter_server writes into
the working copy's own runtime folder (`.autograd-lab/runtime`, mode 0700), prints its URL and
exits. The URL is printed once the server answers on it. The token reaches JupyterLab through
the environment (`JUPYTER_TOKEN`), never through the command line, which every local user can
read in /proc.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import webbrowser
from dataclasses import dataclass, field
from pathlib import Path

import json5

from autograd_lab.course import (
    COURSE,
    IMAGE_LINK,
    INSTRUCTOR,
    LANGUAGE_INFO,
    STUDENT,
    Course,
    language_of,
)

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".lab"  # ignored by git: user settings, workspaces and the working copy
PRIVATE = ".autograd-lab"  # inside the working copy: what this tool knows about it
STATE_FILE = "state.json"
LOCK_FILE = "lab.lock"
RUNTIME_DIR = "runtime"  # jupyter_server's runtime files (jpserver-<pid>.json) of this copy
LEGACY_MANIFEST = ".course-manifest.json"  # the state file of earlier versions of this tool
UPDATE_SUFFIX = ".course-update"
BACKUP_SUFFIX = ".backup"
STATE_VERSION = 2  # 1 recorded the sources only, so a run or a new tag looked unchanged

# The interface languages: the course's language -> JupyterLab's locale (its language pack),
# read from the course model, where a language is declared once; --ui takes its keys.
LOCALES = {language.code: language.jupyterlab for language in LANGUAGE_INFO}
# Settings JupyterLab reads at start: the interface language, and no news/update prompts
# (the course works offline, and a prompt would cover the notebook).
TRANSLATION = "@jupyterlab/translation-extension/plugin.jupyterlab-settings"
NOTIFICATION = "@jupyterlab/apputils-extension/notification.jupyterlab-settings"
NOTIFICATION_DEFAULTS = {"fetchNews": "false", "checkForUpdates": False}
TOKEN_VAR = "JUPYTER_TOKEN"
MAX_PORT = 65535
PORT_ATTEMPTS = 3  # starts on a port another program took between our check and the bind
WAIT_FOR_OTHER = 180  # s: another start of this working copy gets this long to answer
POLL = 0.3  # s
NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)


class LabError(Exception):
    """A problem the learner can fix; main prints it without a traceback."""


def tell(*lines: str) -> None:
    """Print lines of the start message."""
    for line in lines:
        print(f"autograd-lab: {line}", flush=True)


def cannot_write(path: Path | str | None, err: OSError) -> LabError:
    """The message for a folder or file of the working copy this user may not change."""
    where = f" {path}" if path else ""
    return LabError(
        f"cannot write{where} ({err.strerror}): the working copy and the settings folder must "
        "be yours to change. Fix their owner or permissions, or use folders of yours: "
        "python -m tools.lab --course-dir DIR --state-dir DIR"
    )


# --- what the working copy holds --------------------------------------------------------------


def course_files(course: Course = COURSE, edition: str = STUDENT) -> dict[str, Path]:
    """Map working-copy paths to course files: one edition's notebooks and the figures they link.

    The student working copy holds the student edition of a notebook that has one and the
    single edition of the others; the instructor working copy holds every edition.
    """
    if edition not in (STUDENT, INSTRUCTOR):
        raise LabError(f"unknown edition {edition!r}: choose {STUDENT} or {INSTRUCTOR}")
    source_root = course.root.parent
    if edition == INSTRUCTOR:
        notebooks = course.files()
    else:
        notebooks = [
            course.reader_copy(nb, lang, STUDENT).path
            for nb in course.notebooks
            for lang in course.languages
        ]
    missing = [str(p.relative_to(source_root)) for p in notebooks if not p.is_file()]
    if missing:  # e.g. a student edition not generated yet
        raise LabError(
            f"course notebooks missing: {', '.join(missing)} (make student writes the student "
            "editions; make outputs re-runs the notebooks)"
        )
    files: dict[str, Path] = {}
    for path in notebooks:
        files[path.relative_to(source_root).as_posix()] = path
        for link in linked_files(path):
            with contextlib.suppress(ValueError):  # a link outside the course is not ours
                files[link.relative_to(source_root).as_posix()] = link
    return dict(sorted(files.items()))


LINK = re.compile(r"\]\(([^)\s]+)")  # markdown links and images; IMAGE_LINK adds HTML <img>


def linked_files(notebook: Path) -> list[Path]:
    """The local files (figures, sources) a notebook's markdown cells link to, notebooks aside.

    A linked notebook is a course file of its own edition: a student copy must not pull in
    the instructor edition through a link.
    """
    found = []
    for cell in _read_json(notebook).get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        text = _text(cell.get("source", ""))
        links = LINK.findall(text) + [link for _, link in IMAGE_LINK.findall(text)]
        for link in links:
            link = link.split("#")[0]
            if not link or re.match(r"[a-z]+:|/", link):
                continue
            target = (notebook.parent / link).resolve()
            if target.is_file() and target.suffix != ".ipynb":
                found.append(target)
    return found


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return {}


def digest(path: Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content(path: Path) -> str:
    """Return a digest of what a learner can change in a file: for a notebook, its whole cells.

    Sources, cell tags and metadata, outputs and execution counts all count: a notebook that
    was only run holds the learner's results, and they are not overwritten either. Left out
    are how the file is laid out (lines split or joined, key order, indentation) and the
    notebook's top-level metadata (kernel and Python versions JupyterLab writes on save), so a
    copy opened and saved unchanged still equals the course file it came from. For a file that
    is not a notebook (or not readable as one) the digest of its bytes is used.
    """
    if path.suffix != ".ipynb":
        return digest(path)
    # Imported here: nbformat takes a second to import, which a start that finds its server
    # running, or a refused option, need not pay.
    import nbformat
    from nbformat.v4.rwbase import rejoin_lines

    nb = _read_json(path)
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return digest(path)
    try:
        cells = rejoin_lines(nbformat.from_dict({"cells": nb["cells"]})).cells
    except (AttributeError, TypeError):  # cells that are not cells: compare the bytes
        return digest(path)
    summary = json.dumps(cells, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(summary.encode()).hexdigest()


def beside(path: Path, suffix: str) -> Path:
    """Return `03_x<suffix>.ipynb` for `03_x.ipynb`, in the same folder."""
    return path.with_name(f"{path.stem}{suffix}{path.suffix}")


# --- the state file ---------------------------------------------------------------------------


def _private_dir(dest: Path) -> Path:
    folder = dest / PRIVATE
    _make_folder(folder)
    os.chmod(folder, 0o700)
    return folder


def _make_folder(folder: Path) -> None:
    """mkdir -p, with a clear message when a file stands where a folder must be."""
    for part in reversed([folder, *folder.parents]):
        if part.exists() and not part.is_dir():
            raise LabError(
                f"{part} is a file, but the working copy needs a folder there: move the file "
                "away (or start with --course-dir pointing to another folder)"
            )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        if err.errno in NOT_WRITABLE:
            raise cannot_write(err.filename or folder, err) from None
        raise LabError(f"cannot create the folder {folder}: {err.strerror}") from None


def write_atomically(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `path` so that a reader sees the old or the new file, never a partial one."""
    _make_folder(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@dataclass
class State:
    """What this tool last wrote into a working copy (paths relative to it)."""

    files: dict[str, dict] = field(default_factory=dict)  # course file -> its record
    offers: dict[str, str] = field(default_factory=dict)  # update put beside -> its digest


def load_state(dest: Path) -> tuple[State, str | None]:
    """Read what was last written into `dest`, and a message if it had to be rebuilt.

    A record holds the `digest` (bytes) and `content` of the course file as it was written.
    A missing or unreadable state file gives an empty state (and says so): `sync` then treats
    every file that differs from the course as the learner's.
    """
    path = dest / PRIVATE / STATE_FILE
    legacy = dest / LEGACY_MANIFEST
    if not path.exists():
        if legacy.is_file():
            return State(_legacy_state(dest, legacy)), None
        if any(dest.glob("notebooks/**/*.ipynb")):
            return State(), f"no state file in {dest / PRIVATE}: rebuilt it from the files on disk"
        return State(), None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files, offers = data["files"], data.get("offers", {})
        if data.get("version") not in (1, STATE_VERSION) or not all(
            isinstance(k, str) and isinstance(v, dict) and {"digest", "content"} <= set(v)
            for k, v in files.items()
        ):
            raise ValueError("unexpected layout")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in offers.items()):
            raise ValueError("unexpected layout")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as err:
        return State(), f"the state file {path} was unreadable ({err}): rebuilt it"
    if data["version"] == 1:  # its `content` left outputs and tags out: trust the bytes only
        files = {rel: {**record, "content": None} for rel, record in files.items()}
    return State(files, offers), None


def _legacy_state(dest: Path, manifest: Path) -> dict[str, dict]:
    """Turn an earlier version's manifest (path -> digest of the copied bytes) into records."""
    state = {}
    for rel, copied in _read_json(manifest).items():
        if isinstance(copied, str):
            state[rel] = {"digest": copied, "content": None}
    return state


def save_state(dest: Path, state: State) -> None:
    """Write the state file atomically."""
    data = {
        "version": STATE_VERSION,
        "files": dict(sorted(state.files.items())),
        "offers": dict(sorted(state.offers.items())),
    }
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    write_atomically(_private_dir(dest) / STATE_FILE, text.encode("utf-8"))


# --- bringing the working copy up to date -----------------------------------------------------


@dataclass
class SyncReport:
    """What a sync did, file by file (paths relative to the working copy)."""

    copied: list[str] = field(default_factory=list)  # new in the working copy
    updated: list[str] = field(default_factory=list)  # replaced by the course's new version
    offered: list[tuple[str, str]] = field(default_factory=list)  # (learner's file, update)
    removed: list[str] = field(default_factory=list)  # untouched, and no longer in the course
    kept: list[tuple[str, str | None]] = field(default_factory=list)  # (changed, its new name)
    rebuilt: str | None = None  # why the state file was rebuilt, if it was

    def lines(self) -> list[str]:
        """Return the start message's lines about the working copy."""
        out = [self.rebuilt] if self.rebuilt else []
        if self.copied:
            out.append(f"copied {len(self.copied)} course files")
        out += [
            f"updated {rel} (the course changed it; you had not changed it)" for rel in self.updated
        ]
        out += [
            f"kept your {rel} (you changed it); the course's new version is beside it: {new}"
            for rel, new in self.offered
        ]
        out += [f"removed {rel} (no longer in the course, not changed)" for rel in self.removed]
        for rel, now in self.kept:
            where = f"; the lesson is now {now}" if now else ""
            out.append(f"kept your changed {rel} (no longer in the course{where})")
        return out


def _install(src: Path, target: Path) -> None:
    write_atomically(target, src.read_bytes())


def _record(src: Path) -> dict:
    return {"digest": digest(src), "content": content(src)}


def _as_written(target: Path, record: dict | None) -> bool:
    """Whether `target` is still what this tool wrote there (`record`): nothing of the learner's."""
    if record is None:
        return False
    if record.get("content") is not None and content(target) == record["content"]:
        return True
    return digest(target) == record["digest"]


def _same(old: dict, new: dict) -> bool:
    if old.get("content") is not None:
        return old["content"] == new["content"]
    return old["digest"] == new["digest"]


def _offer(dest: Path, target: Path, src: Path, state: State) -> str | None:
    """Put the course's version of `target` beside it; its path, or None if it is there already.

    An earlier update the learner has since changed is theirs too: the new one gets a dated name.
    """
    update = beside(target, UPDATE_SUFFIX)
    if update.is_file():
        written = digest(update)
        if written == digest(src):
            return None
        if state.offers.get(update.relative_to(dest).as_posix()) != written:
            update = beside(target, f"{UPDATE_SUFFIX}-{time.strftime('%Y%m%d-%H%M%S')}")
    _install(src, update)
    rel = update.relative_to(dest).as_posix()
    state.offers[rel] = digest(update)
    return rel


def _renamed_to(rel: str, wanted: dict[str, Path]) -> str | None:
    """The course's current name of a lesson that was renamed (same name after the number)."""
    path = Path(rel)
    match = re.fullmatch(r"\d\d_(.+)", path.stem)
    if not match or path.suffix != ".ipynb":
        return None
    lang = language_of(path) or "zh"  # the earliest layout kept Chinese at notebooks/ itself
    student = "student" in path.parts
    for new in wanted:
        other = Path(new)
        if (
            other.suffix == ".ipynb"
            and re.fullmatch(rf"\d\d_{re.escape(match.group(1))}", other.stem)
            and language_of(other) == lang
            and ("student" in other.parts) == student
        ):
            return new
    return None


def sync(dest: Path, course: Course = COURSE, edition: str = STUDENT) -> SyncReport:
    """Bring the working copy `dest` up to date with the course, keeping all the learner did."""
    _make_folder(dest)
    wanted = course_files(course, edition)
    state, rebuilt = load_state(dest)
    report = SyncReport(rebuilt=rebuilt)
    written: dict[str, dict] = {}
    for rel, src in wanted.items():
        target = dest / rel
        _make_folder(target.parent)
        if target.exists() and not target.is_file():
            raise LabError(f"{target} is a folder, but the course has a file there: move it away")
        fresh = _record(src)
        old = state.files.get(rel)
        if not target.exists():
            _install(src, target)
            report.copied.append(rel)
        elif content(target) == fresh["content"]:
            pass  # already the course's current version
        elif _as_written(target, old):
            _install(src, target)
            report.updated.append(rel)
        elif old is None or not _same(old, fresh):
            # The learner changed the file (or the state that could tell was lost) and the
            # course changed it too: theirs stays, the course's version goes beside it.
            update = _offer(dest, target, src, state)
            if update:
                report.offered.append((rel, update))
        written[rel] = fresh
    for rel, old in sorted(state.files.items()):
        target = dest / rel
        if rel in wanted or not target.is_file():
            continue
        if _as_written(target, old):
            target.unlink()
            report.removed.append(rel)
        else:
            report.kept.append((rel, _renamed_to(rel, wanted)))
    offers = {rel: d for rel, d in state.offers.items() if (dest / rel).is_file()}
    save_state(dest, State(written, offers))
    with contextlib.suppress(FileNotFoundError):
        (dest / LEGACY_MANIFEST).unlink()
    return report


def reset(dest: Path, rel: str, course: Course = COURSE) -> Path | None:
    """Replace the working copy of one course file by the course's version; return the backup."""
    rel = _working_path(dest, rel)
    wanted = course_files(course, INSTRUCTOR)
    if rel not in wanted:
        notebooks = [k for k in wanted if k.endswith(".ipynb")]
        raise LabError(f"{rel} is not a file of the course; one of: {', '.join(notebooks)}")
    target = dest / rel
    backup = None
    if target.is_file():
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = beside(target, f"{BACKUP_SUFFIX}-{stamp}")
        shutil.copy2(target, backup)
    _install(wanted[rel], target)
    state, _ = load_state(dest)
    state.files[rel] = _record(wanted[rel])
    save_state(dest, state)
    return backup


def _working_path(dest: Path, path: str) -> str:
    """A course path as given on the command line (repository-, working-copy- or absolute)."""
    given = Path(path)
    if given.is_absolute():
        for base in (dest.resolve(), ROOT):
            with contextlib.suppress(ValueError):
                return given.resolve().relative_to(base).as_posix()
        raise LabError(f"{path} is neither in the working copy {dest} nor in the repository")
    return given.as_posix().removeprefix("./")


# --- one server per working copy --------------------------------------------------------------


def runtime_dir(dest: Path) -> Path:
    """Return the working copy's own runtime folder for jupyter_server's files."""
    folder = _private_dir(dest) / RUNTIME_DIR
    _make_folder(folder)
    os.chmod(folder, 0o700)  # its files hold the token
    return folder


def take_lock(dest: Path) -> int | None:
    """Lock the working copy for this start; return the lock's file descriptor, or None if held.

    An flock lives as long as a process holds its descriptor: the server inherits it, so it is
    held while the server runs and released by the kernel however the server ends.
    """
    fd = os.open(_private_dir(dest) / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def running_server(dest: Path) -> dict | None:
    """Return jupyter_server's record of the server serving `dest` that answers, or None."""
    # Imported here: only a second start needs it, and it takes a second to import.
    from jupyter_server.serverapp import list_running_servers

    folder = dest / PRIVATE / RUNTIME_DIR
    try:
        # It skips a file that is being written and deletes those of stopped servers.
        servers = list(list_running_servers(str(folder)))
    except (OSError, ValueError, TypeError, KeyError):  # a file removed or odd while read
        return None
    for info in servers:
        if isinstance(info, dict) and Path(str(info.get("root_dir"))) == dest and answers(info):
            return info
    return None


def answers(info: dict) -> bool:
    """Whether the server of a runtime record answers on its URL with its token."""
    request = urllib.request.Request(
        f"{str(info.get('url', '')).rstrip('/')}/api/status",
        headers={"Authorization": f"token {info.get('token', '')}"},
    )
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no http_proxy
    try:
        with direct.open(request, timeout=5) as response:
            return response.status == 200
    except (OSError, ValueError):
        return False


def lab_url(info: dict, page: str = "lab") -> str:
    """Return the address to open: `page` of JupyterLab on the server of `info`, with its token."""
    return f"{info['url'].rstrip('/')}/{page}?token={info['token']}"


def start_page(root_dir: Path, lang: str, course: Course = COURSE) -> str:
    """Return the page JupyterLab opens first: the course's first notebook in `lang`, if there."""
    first = course.path(course.notebooks[0], lang).relative_to(course.root.parent)
    return f"lab/tree/{first.as_posix()}" if (root_dir / first).is_file() else "lab"


def wait_for_turn(dest: Path, patience: float = WAIT_FOR_OTHER) -> int | None:
    """Take the working copy's lock; or print the URL of the server holding it and return None.

    A server that is still starting (its runtime file not written, or half written) holds the
    lock: this start waits for its URL instead of starting a second server.
    """
    deadline = time.monotonic() + patience
    waiting = False
    while (lock := take_lock(dest)) is None:
        info = running_server(dest)
        if info is not None:
            tell(
                f"JupyterLab already runs on this working copy (pid {info['pid']}): "
                f"{lab_url(info)}",
                "open that address, or stop that server (Ctrl-C in its terminal) to start anew",
            )
            return None
        if time.monotonic() > deadline:
            raise LabError(
                f"another start of JupyterLab holds this working copy ({dest}) but gave no "
                f"address in {patience:.0f} s: stop it (Ctrl-C in its terminal) and start again"
            )
        if not waiting:
            tell("JupyterLab is starting or running on this working copy: waiting for its address")
            waiting = True
        time.sleep(POLL)
    return lock


def clear_runtime(folder: Path) -> None:
    """Remove the runtime files of servers that ended without cleaning up (we hold the lock)."""
    for path in folder.glob("jpserver-*"):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


# --- ports and settings -----------------------------------------------------------------------


def port_number(text: str) -> int:
    """Parse --port: an integer from 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number: use e.g. 8888") from None
    if not 0 <= port <= MAX_PORT:
        raise argparse.ArgumentTypeError(
            f"{port} is not a port: use a number from 1 to {MAX_PORT} (0 picks a free one)"
        )
    return port


def port_free(port: int) -> bool:
    """Whether a server could listen on 127.0.0.1:`port` now (as JupyterLab binds: reusing it)."""
    with socket.socket() as s:
        # Without SO_REUSEADDR a port whose last server stopped seconds ago (TIME_WAIT) looks
        # busy; JupyterLab binds with it, so must the check.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError as err:
            if err.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
        return True


def choose_port(preferred: int) -> int:
    """Return `preferred` if it is free, else a free port (saying which and why); 0 picks any."""
    if preferred and port_free(preferred):
        return preferred
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    if preferred:
        tell(f"port {preferred} is used by another program: using port {port} instead")
    return port


def _read_settings(path: Path) -> dict | None:
    """A settings file's values; None if it exists but is not JSON5 (leave it alone)."""
    if not path.exists():
        return {}
    try:
        # JupyterLab's settings editor writes JSON5: comments, trailing commas.
        data = json5.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_settings(settings_dir: Path, ui: str | None) -> str:
    """Write the course's JupyterLab settings where the learner has set none; return the language.

    `ui` (an explicit `--ui`) sets the interface language; without it the learner's own
    choice stays, and a first start is English.
    """
    if ui is not None and ui not in LOCALES:
        raise LabError(f"ui must be one of {sorted(LOCALES)}, got {ui!r}")
    translation = settings_dir / TRANSLATION
    current = _read_settings(translation)
    if ui is not None and current is not None and current.get("locale") != LOCALES[ui]:
        current = {**current, "locale": LOCALES[ui]}
        _write_settings(translation, current)
    chosen = (current or {}).get("locale", LOCALES[ui or "en"])
    notification = settings_dir / NOTIFICATION
    current = _read_settings(notification)
    if current is not None and not set(NOTIFICATION_DEFAULTS) <= set(current):
        _write_settings(notification, {**NOTIFICATION_DEFAULTS, **current})
    return next((k for k, v in LOCALES.items() if v == chosen), "en")


def _write_settings(path: Path, values: dict) -> None:
    write_atomically(path, (json.dumps(values, indent=2) + "\n").encode("utf-8"))


def lab_command(
    root_dir: Path, port: int, state_dir: Path, lang: str = "en", extra: tuple[str, ...] = ()
) -> list[str]:
    """Build the `jupyter lab` command line (the token goes in the environment, not here)."""
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",  # this tool picks another port and says so
        f"--ServerApp.root_dir={root_dir}",
        f"--LabApp.user_settings_dir={state_dir / 'user-settings'}",
        f"--LabApp.workspaces_dir={state_dir / 'workspaces'}",
        "--ServerApp.open_browser=False",  # this tool opens it once the server answers
    ]
    lessons = root_dir / "notebooks" / lang
    if lessons.is_dir():  # open the file browser on the lessons in the interface language
        cmd.append(f"--ContentsManager.preferred_dir=notebooks/{lang}")
    page = start_page(root_dir, lang)
    if page != "lab":  # the start page instead of the Launcher, also behind the browser's redirect
        cmd.append(f"--ServerApp.default_url=/{page}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI machines often run as root
    return cmd + list(extra)


def server_env(token: str, runtime: Path, environ: dict[str, str] | None = None) -> dict[str, str]:
    """Return the server's environment: this one, the token and the working copy's runtime dir."""
    env = dict(os.environ if environ is None else environ)
    env[TOKEN_VAR] = token
    env["JUPYTER_RUNTIME_DIR"] = str(runtime)
    return env


# --- the command ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    """Parse the command line; `--Class.trait=value` options are kept for JupyterLab."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.lab",
        description=__doc__.splitlines()[0],
        epilog="Other options of the form --Class.trait=value are passed to JupyterLab.",
    )
    parser.add_argument("--port", type=port_number, default=8888, help="0 picks a free port")
    parser.add_argument(
        "--ui", "--lang", dest="ui", choices=sorted(LOCALES), help="the interface language"
    )
    parser.add_argument("--edition", choices=(STUDENT, INSTRUCTOR), default=STUDENT)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--course-dir", type=Path, default=STATE / "course")
    parser.add_argument("--state-dir", type=Path, default=STATE)
    parser.add_argument("--reset", metavar="PATH", help="replace one notebook, keeping a backup")
    args, extra = parser.parse_known_args(argv)
    unknown = [a for a in extra if not (a.startswith("--") and "." in a.split("=")[0])]
    if unknown:
        parser.error(
            f"unrecognized arguments: {' '.join(unknown)} (JupyterLab options look "
            "like --ServerApp.some_trait=value)"
        )
    return args, extra


def main(argv: list[str] | None = None) -> int:
    """Bring the working copy up to date and serve it with JupyterLab until it stops."""
    args, extra = parse_args(argv)
    try:
        return _start(args, extra)
    except OSError as err:
        if err.errno not in NOT_WRITABLE:
            raise
        print(f"autograd-lab: {cannot_write(err.filename, err)}", file=sys.stderr)
    except LabError as err:
        print(f"autograd-lab: {err}", file=sys.stderr)
    return 2


def _start(args: argparse.Namespace, extra: list[str]) -> int:
    course = args.course_dir.resolve()
    _make_folder(course)
    if args.reset:
        backup = reset(course, args.reset)
        saved = f"; your copy was saved as {backup.relative_to(course)}" if backup else ""
        tell(f"reset {_working_path(course, args.reset)} to the course's version{saved}")
        tell("if it is open in JupyterLab, reload it there (File > Reload Notebook from Disk)")
        return 0
    lock = wait_for_turn(course)
    if lock is None:
        return 0
    report = sync(course, edition=args.edition)
    state_dir = args.state_dir.resolve()
    lang = write_settings(state_dir / "user-settings", args.ui)
    edition = (
        "the instructor editions (with solutions) as well as the student editions"
        if args.edition == INSTRUCTOR
        else "the student editions (teachers: make lab EDITION=instructor adds the solutions)"
    )
    tell(f"working copy {course}: {edition}")
    for line in report.lines():
        tell(f"  {line}")
    tell("  your changes stay there; the repository's notebooks are not changed")
    return serve(course, lock, state_dir, lang, args, extra)


def serve(
    course: Path, lock: int, state_dir: Path, lang: str, args: argparse.Namespace, extra: list
) -> int:
    """Run JupyterLab on `course` until it stops; print its URL once it answers there.

    JupyterLab checks its port long before it binds it (extensions load in between), so two
    starts can both find a port free: the one that loses it stops, and is started again on
    another port rather than leaving a printed URL that leads nowhere.
    """
    runtime = runtime_dir(course)
    clear_runtime(runtime)
    env = server_env(secrets.token_hex(24), runtime)
    port = choose_port(args.port)
    for attempt in range(1, PORT_ATTEMPTS + 1):
        cmd = lab_command(course, port, state_dir, lang=lang, extra=tuple(extra))
        server = subprocess.Popen(cmd, env=env, pass_fds=(lock,))
        with _forwarding_signals(server):
            info = _wait_until_serving(server, course)
            if info is not None:
                url = lab_url(info, start_page(course, lang))
                tell(f"JupyterLab at {url}", "stop it with Ctrl-C")
                if not args.no_browser:
                    _open_browser(runtime, info)
                return _exit_code(server.wait())
            code = _exit_code(server.wait())
        if port_free(port) or attempt == PORT_ATTEMPTS:
            tell(f"JupyterLab stopped before it served (exit code {code}): see its messages")
            return code or 1
        taken, port = port, choose_port(0)
        tell(f"port {taken} was taken by another program meanwhile: trying port {port}")
    return 1  # not reached: the last attempt returns


def _wait_until_serving(server: subprocess.Popen, course: Path) -> dict | None:
    """Return the server's runtime record once it answers; None if it stopped first."""
    while server.poll() is None:
        info = running_server(course)
        if info is not None and info.get("pid") == server.pid:
            return info
        time.sleep(POLL)
    return None


def _open_browser(runtime: Path, info: dict) -> None:
    # The page jupyter_server writes redirects with the token, which thus stays off the
    # browser's command line.
    page = runtime / f"jpserver-{info['pid']}-open.html"
    webbrowser.open(page.as_uri() if page.is_file() else lab_url(info))


@contextlib.contextmanager
def _forwarding_signals(server: subprocess.Popen):
    """Let the server answer Ctrl-C (it asks to confirm); pass on a stop request to it."""
    forward = {signal.SIGTERM, signal.SIGHUP}
    before = {sig: signal.getsignal(sig) for sig in (*forward, signal.SIGINT)}
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the terminal sends it to the server too
    for sig in forward:
        signal.signal(sig, lambda number, _: server.send_signal(number))
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


def _exit_code(returncode: int) -> int:
    return 128 - returncode if returncode < 0 else returncode


if __name__ == "__main__":
    sys.exit(main())
