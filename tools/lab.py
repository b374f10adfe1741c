"""Start JupyterLab on the course: 127.0.0.1 only, a fresh random token, URL printed.

`make lab` runs this; the browser test runs it too (with its own folders), and other code
can build the same command line with `lab_command`.

JupyterLab serves a working copy of the course (`.lab/course/`: the notebooks and the figures
they link to), so running cells never rewrites the notebooks whose stored outputs the tests
check, and a learner's edits survive a restart.

    python tools/lab.py                 # what `make lab` runs
    python tools/lab.py --lang zh       # Chinese interface (`make lab LANG=zh`)
    python tools/lab.py --no-browser --port 0 --course-dir DIR --state-dir DIR \\
        --LabApp.expose_app_in_browser=True   # extra `--Class.trait=value` go to JupyterLab
"""

from __future__ import annotations

import argparse
import hashlib
import json
import locale
import os
import secrets
import shutil
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".lab"  # ignored by git: user settings, workspaces and the working copy
COURSE_FOLDERS = ("notebooks", "assets")  # notebooks link figures as ../assets/...
MANIFEST = ".course-manifest.json"
SKIPPED_PARTS = {".ipynb_checkpoints", "__pycache__"}

# Settings written before every start: the interface language, and no news/update prompts
# (the course works offline, and a prompt would cover the notebook).
LOCALES = {"en": "en", "zh": "zh_CN"}
# Tried in order when the environment's locale is unusable (`make lab LANG=zh` exports LANG=zh).
FALLBACK_LOCALES = ("C.UTF-8", "C.utf8", "en_US.UTF-8")
LOCALE_VARS = ("LC_ALL", "LC_CTYPE", "LANG")


def write_settings(settings_dir: Path, lang: str) -> None:
    """Write the translation and notification settings JupyterLab reads at start."""
    if lang not in LOCALES:
        raise ValueError(f"lang must be one of {sorted(LOCALES)}, got {lang!r}")
    files = {
        "@jupyterlab/translation-extension/plugin.jupyterlab-settings": {"locale": LOCALES[lang]},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for rel, content in files.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_course(dest: Path, source: Path = ROOT) -> list[str]:
    """Copy the notebooks and assets into `dest`, keep a learner's edits; return updated paths."""
    manifest_path = dest / MANIFEST
    manifest = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
    updated = []
    for folder in COURSE_FOLDERS:
        for src in sorted((source / folder).rglob("*")):
            rel = src.relative_to(source)
            if not src.is_file() or SKIPPED_PARTS & set(rel.parts):
                continue
            key, target, digest = rel.as_posix(), dest / rel, _sha256(src)
            # A copy still equal to what we last copied is untouched: refresh it when the
            # course changed. A copy the learner edited is theirs and stays as it is.
            untouched = target.is_file() and _sha256(target) == manifest.get(key)
            if not target.exists() or (untouched and digest != manifest[key]):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, target)
                manifest[key] = digest
                updated.append(key)
    dest.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", "utf-8")
    return updated


def _usable(name: str) -> bool:
    current = locale.setlocale(locale.LC_CTYPE)
    try:
        locale.setlocale(locale.LC_CTYPE, name)
    except locale.Error:
        return False
    finally:
        locale.setlocale(locale.LC_CTYPE, current)
    return True


def launch_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """Return a copy of the environment whose locale variables all name installed locales."""
    env = dict(os.environ if environ is None else environ)
    bad = [var for var in LOCALE_VARS if env.get(var) and not _usable(env[var])]
    if bad:
        fallback = next((name for name in FALLBACK_LOCALES if _usable(name)), None)
        for var in bad:
            if fallback is None:
                del env[var]
            else:
                env[var] = fallback
    return env


def free_port(preferred: int) -> int:
    """Return `preferred` if nothing listens on it on 127.0.0.1, else a free port."""
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise RuntimeError("no free port on 127.0.0.1")


def lab_command(
    root_dir: Path,
    token: str,
    port: int,
    state_dir: Path,
    lang: str = "en",
    open_browser: bool = True,
    extra: tuple[str, ...] = (),
) -> list[str]:
    """Build the `jupyter lab` command line the course is served with."""
    write_settings(state_dir / "user-settings", lang)
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
        f"--IdentityProvider.token={token}",
        f"--LabApp.user_settings_dir={state_dir / 'user-settings'}",
        f"--LabApp.workspaces_dir={state_dir / 'workspaces'}",
        f"--ServerApp.open_browser={open_browser}",
    ]
    if (root_dir / "notebooks").is_dir():  # open the file browser where the lessons are
        cmd.append("--ContentsManager.preferred_dir=notebooks")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI machines often run as root
    return cmd + list(extra)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Other options of the form --Class.trait=value are passed to JupyterLab.",
    )
    parser.add_argument("--port", type=int, default=8888, help="0 picks a free port")
    parser.add_argument("--lang", choices=sorted(LOCALES), default="en")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--course-dir", type=Path, default=STATE / "course")
    parser.add_argument("--state-dir", type=Path, default=STATE)
    args, extra = parser.parse_known_args(argv)
    unknown = [a for a in extra if not (a.startswith("--") and "." in a.split("=")[0])]
    if unknown:
        parser.error(
            f"unrecognized arguments: {' '.join(unknown)} (JupyterLab options look "
            "like --ServerApp.some_trait=value)"
        )

    course = args.course_dir.resolve()
    updated = copy_course(course)
    token = secrets.token_hex(24)
    port = free_port(args.port)
    cmd = lab_command(
        course,
        token,
        port,
        args.state_dir.resolve(),
        lang=args.lang,
        open_browser=not args.no_browser,
        extra=tuple(extra),
    )
    print(f"autograd-lab: working copy {course} (copied or refreshed: {len(updated)} files;")
    print("  your edits stay there, the repository's notebooks are not changed)")
    print(f"autograd-lab: JupyterLab at http://127.0.0.1:{port}/lab?token={token}", flush=True)
    print("autograd-lab: stop it with Ctrl-C", flush=True)
    os.execve(cmd[0], cmd, launch_env())
    return 0


if __name__ == "__main__":
    sys.exit(main())
