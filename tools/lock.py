"""Re-resolve requirements.lock: install pyproject's dependencies in a scratch venv, freeze it."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = """\
# Exact versions installed by `make lab` / `make test` (stored notebook outputs depend on them).
# torch 2.13.0 is the CPU build; regenerate with `make lock` after changing pyproject.toml.
"""


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        venv.create(tmp, with_pip=True)
        py = str(Path(tmp) / "bin" / "python")
        pip = [py, "-m", "pip", "--disable-pip-version-check", "-q"]
        # torch is pinned first: any other request would pull a multi-GB CUDA build.
        subprocess.run([*pip, "install", "torch==2.13.0"], check=True)
        subprocess.run([*pip, "install", "setuptools", f"{ROOT}[course,test]"], check=True)
        frozen = subprocess.run(
            [py, "-m", "pip", "freeze", "--all", "--exclude", "autograd-lab", "--exclude", "pip"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    lines = [ln.replace("+cpu", "") for ln in frozen.splitlines() if ln and "==" in ln]
    (ROOT / "requirements.lock").write_text(HEADER + "\n".join(sorted(lines, key=str.lower)) + "\n")
    print(f"requirements.lock: {len(lines)} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
