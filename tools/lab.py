"""Start JupyterLab on a working copy of the course: 127.0.0.1 only, a private token.

`make lab` runs this; the browser test runs it too (with its own folders).

    python -m tools.lab                          # what `make lab` runs: the student editions
    python -m tools.lab --edition instructor     # `make lab EDITION=instructor`: with solutions
    python -m tools.lab --lang zh                # Chinese interface (`make lab LANG=zh`)
    python -m tools.lab --reset notebooks/zh/03_chain_rule_and_graphs.ipynb   # `make lab RESET=…`
    python -m tools.lab --no-browser --port 0 --course-dir DIR --state-dir DIR \\
        --LabApp.expose_app_in_browser=True   # extra `--Class.trait=value` go to JupyterLab

The working copy (`.lab/course/`) holds exactly the course's files for one edition, at the
paths they have in the repository (`notebooks/<lang>/…`, `notebooks/<lang>/student/…`,
`assets/<lang>/…`), so relative image links keep working. Running cells there never rewrites
the notebooks whose stored outputs the tests check. What a start does with each file:

- missing: copied from the course;
- the learner did not change its cells' sources (running it changes only outputs): updated
  when the course changed it (its outputs are then the course's stored ones again);
- the learner edited it and the course changed it: the learner's copy stays as it is and the
  new version is put beside it as `NAME.course-update.ipynb`; the start message names both;
- no longer part of the course (a renamed lesson): removed if untouched, kept if edited.

One server runs per working copy: `.autograd-lab/server.json` in it (mode 0600) records its
pid, port and URL; a second start prints that URL and exits. The token reaches JupyterLab
through the environment (`JUPYTER_TOKEN`), never through the command line, which every local
user can read in /proc.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import hashlib
import json
import locale
import os
import re
import secrets
import shutil
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograd_lab.course import COURSE, IMAGE_LINK, INSTRUCTOR, STUDENT, Course, language_of

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".lab"  # ignored by git: user settings, workspaces and the working copy
PRIVATE = ".autograd-lab"  # inside the working copy: what this tool knows about it
STATE_FILE = "state.json"
LOCK_FILE = "server.json"
LEGACY_MANIFEST = ".course-manifest.json"  # the state file of earlier versions of this tool
UPDATE_SUFFIX = ".course-update"
BACKUP_SUFFIX = ".backup"
STATE_VERSION = 1

# Settings JupyterLab reads at start: the interface language, and no news/update prompts
# (the course works offline, and a prompt would cover the notebook).
LOCALES = {"en": "en", "zh": "zh_CN"}
TRANSLATION = "@jupyterlab/translation-extension/plugin.jupyterlab-settings"
NOTIFICATION = "@jupyterlab/apputils-extension/notification.jupyterlab-settings"
NOTIFICATION_DEFAULTS = {"fetchNews": "false", "checkForUpdates": False}
# Tried in order when the environment's locale is unusable (`make lab LANG=zh` exports LANG=zh).
FALLBACK_LOCALES = ("C.UTF-8", "C.utf8", "en_US.UTF-8")
LOCALE_VARS = ("LC_ALL", "LC_CTYPE", "LANG")
TOKEN_VAR = "JUPYTER_TOKEN"
MAX_PORT = 65535


class LabError(Exception):
    """A problem the learner can fix; main prints it without a traceback."""


def say(*lines: str) -> None:
    """Print lines of the start message."""
    for line in lines:
        print(f"autograd-lab: {line}", flush=True)


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
    """The SHA-256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content(path: Path) -> str:
    """A digest of what a learner writes: each cell's type, id and source (not outputs, counts).

    Running a notebook changes its outputs and execution counts only, so a notebook that was
    run but not edited has the same content as the course file it was copied from. For a file
    that is not a notebook (or not readable as one) the digest of its bytes is used.
    """
    if path.suffix != ".ipynb":
        return digest(path)
    nb = _read_json(path)
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        return digest(path)
    summary = [
        [c.get("cell_type"), c.get("id"), _text(c.get("source", ""))]
        for c in cells
        if isinstance(c, dict)
    ]
    return hashlib.sha256(json.dumps(summary, ensure_ascii=False).encode()).hexdigest()


def beside(path: Path, suffix: str) -> Path:
    """`03_x.ipynb` -> `03_x<suffix>.ipynb` in the same folder."""
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


def load_state(dest: Path) -> tuple[dict[str, dict], str | None]:
    """Read what was last copied into `dest`: ({path: record}, a message if it had to be rebuilt).

    A record holds the `digest` and `content` of the course file as it was copied. A missing
    or unreadable state file gives an empty state (and says so): `sync` then rebuilds it from
    the files on disk.
    """
    path = dest / PRIVATE / STATE_FILE
    legacy = dest / LEGACY_MANIFEST
    if not path.exists():
        if legacy.is_file():
            return _legacy_state(dest, legacy), None
        if any(dest.glob("notebooks/**/*.ipynb")):
            return {}, f"no state file in {dest / PRIVATE}: rebuilt it from the files on disk"
        return {}, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        if data.get("version") != STATE_VERSION or not all(
            isinstance(k, str) and isinstance(v, dict) and {"digest", "content"} <= set(v)
            for k, v in files.items()
        ):
            raise ValueError("unexpected layout")
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError, AttributeError) as err:
        return (
            {},
            f"the state file {path} was unreadable ({err}): rebuilt it from the files on disk",
        )
    return files, None


def _legacy_state(dest: Path, manifest: Path) -> dict[str, dict]:
    """Turn an earlier version's manifest (path -> digest of the copied bytes) into records."""
    state = {}
    for rel, copied in _read_json(manifest).items():
        target = dest / rel
        # An untouched file's bytes are what was copied; its content is then its own.
        if isinstance(copied, str) and target.is_file() and digest(target) == copied:
            state[rel] = {"digest": copied, "content": content(target)}
        elif isinstance(copied, str):
            state[rel] = {"digest": copied, "content": None}  # edited (or gone)
    return state


def save_state(dest: Path, files: dict[str, dict]) -> None:
    """Write the state file atomically."""
    data = {"version": STATE_VERSION, "files": dict(sorted(files.items()))}
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    write_atomically(_private_dir(dest) / STATE_FILE, text.encode("utf-8"))


# --- bringing the working copy up to date -----------------------------------------------------


@dataclass
class SyncReport:
    """What a sync did, file by file (paths relative to the working copy)."""

    copied: list[str] = field(default_factory=list)  # new in the working copy
    updated: list[str] = field(default_factory=list)  # replaced by the course's new version
    offered: list[tuple[str, str]] = field(default_factory=list)  # (edited copy, update beside)
    removed: list[str] = field(default_factory=list)  # untouched, and no longer in the course
    kept: list[tuple[str, str | None]] = field(default_factory=list)  # (edited, its new name)
    rebuilt: str | None = None  # why the state file was rebuilt, if it was

    def lines(self) -> list[str]:
        """The start message's lines about the working copy."""
        out = [self.rebuilt] if self.rebuilt else []
        if self.copied:
            out.append(f"copied {len(self.copied)} course files")
        out += [
            f"updated {rel} (the course changed it; you had not edited it)" for rel in self.updated
        ]
        out += [
            f"kept your edited {rel}; the course's current version is beside it: {new}"
            for rel, new in self.offered
        ]
        out += [f"removed {rel} (no longer in the course, not edited)" for rel in self.removed]
        for rel, now in self.kept:
            where = f"; the lesson is now {now}" if now else ""
            out.append(f"kept your edited {rel} (no longer in the course{where})")
        return out


def _install(src: Path, target: Path) -> None:
    write_atomically(target, src.read_bytes())


def _record(src: Path) -> dict:
    return {"digest": digest(src), "content": content(src)}


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
    """Bring the working copy `dest` up to date with the course, keeping the learner's edits."""
    _make_folder(dest)
    wanted = course_files(course, edition)
    state, rebuilt = load_state(dest)
    report = SyncReport(rebuilt=rebuilt)
    new_state: dict[str, dict] = {}
    for rel, src in wanted.items():
        target = dest / rel
        _make_folder(target.parent)
        if target.exists() and not target.is_file():
            raise LabError(f"{target} is a folder, but the course has a file there: move it away")
        fresh = _record(src)
        old = state.get(rel)
        if not target.exists():
            _install(src, target)
            report.copied.append(rel)
        elif (mine := content(target)) == fresh["content"]:
            # Same cells as the course's version: refresh outputs only if never saved since.
            if old and old["digest"] != fresh["digest"] and digest(target) == old["digest"]:
                _install(src, target)
        elif old is not None and mine == old["content"]:
            _install(src, target)  # run but not edited: the new lesson replaces it
            report.updated.append(rel)
        elif old is None or old["content"] != fresh["content"]:
            # Edited by the learner (or unknown after a lost state file) and different from
            # the course: theirs stays, the course's version goes beside it.
            update = beside(target, UPDATE_SUFFIX)
            if not update.is_file() or digest(update) != fresh["digest"]:
                _install(src, update)
                report.offered.append((rel, update.relative_to(dest).as_posix()))
        new_state[rel] = fresh
    for rel, old in sorted(state.items()):
        if rel in wanted:
            continue
        target = dest / rel
        if not target.is_file():
            continue
        if old.get("content") is not None and content(target) == old["content"]:
            target.unlink()
            report.removed.append(rel)
        else:
            report.kept.append((rel, _renamed_to(rel, wanted)))
    save_state(dest, new_state)
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
    state[rel] = _record(wanted[rel])
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


def _alive(pid: int) -> bool:
    """Whether `pid` is a running JupyterLab (or this tool about to become one)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True  # no /proc here: trust the pid
    return b"jupyterlab" in cmdline or b"tools.lab" in cmdline or b"lab.py" in cmdline


def running_server(dest: Path) -> dict | None:
    """The record of the server already running on `dest`, or None (a stale record is removed)."""
    lock = dest / PRIVATE / LOCK_FILE
    try:
        record = json.loads(lock.read_text(encoding="utf-8"))
        pid = int(record["pid"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        record, pid = None, None
    if record is not None and pid is not None and pid != os.getpid() and _alive(pid):
        return record
    with contextlib.suppress(FileNotFoundError):
        lock.unlink()
    if record is not None:
        say(f"the last server (pid {record.get('pid')}, {lock}) has stopped: starting a new one")
    return None


def claim(dest: Path, port: int, url: str) -> bool:
    """Record this process as the working copy's server (mode 0600); False if another holds it."""
    lock = _private_dir(dest) / LOCK_FILE
    data = json.dumps({"pid": os.getpid(), "port": port, "url": url, "started": time.time()})
    try:
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(data + "\n")
    return True


# --- ports, locale, settings ------------------------------------------------------------------


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
    """`preferred` if it is free, else a free port (saying which and why); 0 picks any."""
    if preferred and port_free(preferred):
        return preferred
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    if preferred:
        say(f"port {preferred} is used by another program: using port {port} instead")
    return port


def _usable(name: str) -> bool:
    current = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, name)
    except locale.Error:
        return False
    finally:
        locale.setlocale(locale.LC_CTYPE, current)
    return True


def launch_env(environ: dict[str, str] | None = None, token: str | None = None) -> dict[str, str]:
    """Return the server's environment: locale variables that name installed locales, the token."""
    env = dict(os.environ if environ is None else environ)
    bad = [var for var in LOCALE_VARS if env.get(var) and not _usable(env[var])]
    if bad:
        fallback = next((name for name in FALLBACK_LOCALES if _usable(name)), None)
        for var in bad:
            if fallback is None:
                del env[var]
            else:
                env[var] = fallback
    if token is not None:
        env[TOKEN_VAR] = token
    return env


def _read_settings(path: Path) -> dict | None:
    """A settings file's values; None if it exists but is not plain JSON (leave it alone)."""
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        # JupyterLab's settings editor writes JSON with // comments: drop whole-line ones.
        data = json.loads(
            "\n".join(x for x in text.splitlines() if not x.lstrip().startswith("//"))
        )
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def write_settings(settings_dir: Path, lang: str | None) -> str:
    """Write the course's JupyterLab settings where the learner has set none; return the language.

    `lang` (an explicit `--lang`) sets the interface language; without it the learner's own
    choice stays, and a first start is English.
    """
    if lang is not None and lang not in LOCALES:
        raise LabError(f"lang must be one of {sorted(LOCALES)}, got {lang!r}")
    translation = settings_dir / TRANSLATION
    current = _read_settings(translation)
    if lang is not None and current is not None and current.get("locale") != LOCALES[lang]:
        _write_settings(translation, {**current, "locale": LOCALES[lang]})
        current = {**current, "locale": LOCALES[lang]}
    chosen = (current or {}).get("locale", LOCALES[lang or "en"])
    notification = settings_dir / NOTIFICATION
    current = _read_settings(notification)
    if current is not None and not set(NOTIFICATION_DEFAULTS) <= set(current):
        _write_settings(notification, {**NOTIFICATION_DEFAULTS, **current})
    return next((k for k, v in LOCALES.items() if v == chosen), "en")


def _write_settings(path: Path, values: dict) -> None:
    write_atomically(path, (json.dumps(values, indent=2) + "\n").encode("utf-8"))


def lab_command(
    root_dir: Path,
    port: int,
    state_dir: Path,
    lang: str = "en",
    open_browser: bool = True,
    extra: tuple[str, ...] = (),
) -> list[str]:
    """Build the `jupyter lab` command line (the token goes in the environment, not here)."""
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
        f"--LabApp.user_settings_dir={state_dir / 'user-settings'}",
        f"--LabApp.workspaces_dir={state_dir / 'workspaces'}",
        f"--ServerApp.open_browser={open_browser}",
    ]
    lessons = root_dir / "notebooks" / lang
    if lessons.is_dir():  # open the file browser on the lessons in the interface language
        cmd.append(f"--ContentsManager.preferred_dir=notebooks/{lang}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI machines often run as root
    return cmd + list(extra)


# --- the command ------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, list[str]]:
    """Parse the command line; `--Class.trait=value` options are kept for JupyterLab."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.lab",
        description=__doc__.splitlines()[0],
        epilog="Other options of the form --Class.trait=value are passed to JupyterLab.",
    )
    parser.add_argument("--port", type=port_number, default=8888, help="0 picks a free port")
    parser.add_argument("--lang", choices=sorted(LOCALES), default=None)
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
    """Bring the working copy up to date and replace this process by JupyterLab."""
    args, extra = parse_args(argv)
    try:
        return _start(args, extra)
    except LabError as err:
        print(f"autograd-lab: {err}", file=sys.stderr)
        return 2


def _start(args: argparse.Namespace, extra: list[str]) -> int:
    course = args.course_dir.resolve()
    _make_folder(course)
    if args.reset:
        backup = reset(course, args.reset)
        saved = f"; your copy was saved as {backup.relative_to(course)}" if backup else ""
        say(f"reset {_working_path(course, args.reset)} to the course's version{saved}")
        say("if it is open in JupyterLab, reload it there (File > Reload Notebook from Disk)")
        return 0
    running = running_server(course)
    if running:
        say(
            f"JupyterLab already runs on this working copy (pid {running['pid']}): "
            f"{running['url']}",
            "open that address, or stop that server (Ctrl-C in its terminal) to start anew",
        )
        return 0
    port = choose_port(args.port)
    token = secrets.token_hex(24)
    url = f"http://127.0.0.1:{port}/lab?token={token}"
    if not claim(course, port, url):
        running = running_server(course) or {"url": "(starting)", "pid": "?"}
        say(
            f"JupyterLab already runs on this working copy (pid {running['pid']}): {running['url']}"
        )
        return 0
    try:
        report = sync(course, edition=args.edition)
        state_dir = args.state_dir.resolve()
        lang = write_settings(state_dir / "user-settings", args.lang)
        cmd = lab_command(
            course, port, state_dir, lang=lang, open_browser=not args.no_browser, extra=tuple(extra)
        )
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            (course / PRIVATE / LOCK_FILE).unlink()
        raise
    edition = (
        "the instructor editions (with solutions) as well as the student editions"
        if args.edition == INSTRUCTOR
        else "the student editions (teachers: make lab EDITION=instructor adds the solutions)"
    )
    say(f"working copy {course}: {edition}")
    for line in report.lines():
        say(f"  {line}")
    say("  your edits stay there; the repository's notebooks are not changed")
    say(f"JupyterLab at {url}")
    say("stop it with Ctrl-C")
    # exec keeps this pid, the one the lock file names, for the server itself.
    os.execve(cmd[0], cmd, launch_env(token=token))
    return 0


if __name__ == "__main__":
    sys.exit(main())
