"""Start a student's server on the hub with the course's JupyterLab settings, then JupyterLab.

JupyterHub runs this as the student (jupyterhub_config.py's `c.Spawner.cmd`): it writes the
settings `make lab` writes (tools/lab.py's writer: no news prompt, no update check, the
interface language) into the student's own settings folder, then becomes
`jupyterhub-singleuser` with the arguments it was given. The language (`--ui`) is set at a
student's first start only: a choice made later in JupyterLab stays.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# tools/ is not part of the installed package: this file runs from the hub's clone of the course.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.lab import LOCALES, TRANSLATION, write_settings  # noqa: E402


def settings_dir() -> Path:
    """Return the folder JupyterLab reads this user's settings from."""
    from jupyter_core.paths import jupyter_config_dir

    explicit = os.environ.get("JUPYTERLAB_SETTINGS_DIR")
    return Path(explicit) if explicit else Path(jupyter_config_dir()) / "lab" / "user-settings"


def main(argv: list[str]) -> None:
    """Write the settings, then replace this process with the single-user server."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ui", choices=sorted(LOCALES), default="en")
    args, rest = parser.parse_known_args(argv)
    folder = settings_dir()
    first_start = not (folder / TRANSLATION).exists()
    write_settings(folder, args.ui if first_start else None)
    server = [sys.executable, "-m", "jupyterhub.singleuser", *rest]
    os.execv(sys.executable, server)


if __name__ == "__main__":
    main(sys.argv[1:])
