"""Start JupyterLab on the course: 127.0.0.1 only, a fresh random token, URL printed.

`make lab` runs this; the browser test builds its command with `lab_command` so that it
starts JupyterLab exactly the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".lab"  # ignored by git: user settings and workspaces of this course's lab

# Settings written before every start: the interface language, and no news/update prompts
# (the course works offline, and a prompt would cover the notebook).
LOCALES = {"en": "en", "zh": "zh_CN"}


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
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and CI machines often run as root
    return cmd + list(extra)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8888)
    parser.add_argument("--lang", choices=sorted(LOCALES), default="en")
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)

    token = secrets.token_hex(24)
    port = free_port(args.port)
    cmd = lab_command(
        ROOT / "notebooks", token, port, STATE, lang=args.lang, open_browser=not args.no_browser
    )
    print(f"autograd-lab: JupyterLab at http://127.0.0.1:{port}/lab?token={token}", flush=True)
    print("autograd-lab: stop it with Ctrl-C", flush=True)
    os.execv(cmd[0], cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main())
