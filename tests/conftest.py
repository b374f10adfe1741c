"""Shared test fixtures and paths."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"

# tools/ holds the course's command-line scripts (lab launcher, notebook runner); the tests
# exercise the same functions the Makefile calls.
sys.path.insert(0, str(ROOT / "tools"))


def all_notebooks() -> list[Path]:
    """Every course notebook, in reading order (Chinese first, then translations)."""
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
