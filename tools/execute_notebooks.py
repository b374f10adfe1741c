"""Re-execute notebooks in place, in a fresh kernel each, and leave clean metadata.

Stored outputs are only ever produced by this script: nobody edits them by hand.

    python tools/execute_notebooks.py                 # every notebook under notebooks/
    python tools/execute_notebooks.py notebooks/01_autograd_basics.ipynb
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# Environment every notebook is executed in: one thread count and locale, so the stored
# outputs do not depend on the machine that produced them.
EXEC_ENV = {"LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}


def notebook_paths(targets: list[str]) -> list[Path]:
    """Expand folders into the notebooks they hold, in reading order."""
    paths: list[Path] = []
    for target in targets or ["notebooks"]:
        p = Path(target)
        if p.is_dir():
            paths += sorted(q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts)
        elif p.suffix == ".ipynb" and p.exists():
            paths.append(p)
        else:
            raise SystemExit(f"not a notebook or folder: {target}")
    return paths


def clean_metadata(nb: nbformat.NotebookNode) -> None:
    """Keep only what the course needs: the kernelspec and the language name."""
    nb.metadata = nbformat.NotebookNode(
        kernelspec=nbformat.NotebookNode(KERNELSPEC),
        language_info=nbformat.NotebookNode(name="python"),
    )
    for cell in nb.cells:
        kept = {k: v for k, v in cell.metadata.items() if k in ("tags",)}
        cell.metadata = nbformat.NotebookNode(kept)


def execute(path: Path, timeout: int = 600) -> float:
    """Run one notebook top to bottom in a fresh kernel, rewrite it, return seconds taken."""
    nb = nbformat.read(path, as_version=4)
    os.environ.update(EXEC_ENV)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    clean_metadata(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="*", help="notebooks or folders (default: notebooks/)")
    args = parser.parse_args(argv)
    for path in notebook_paths(args.targets):
        print(f"executing {path} ...", end=" ", flush=True)
        seconds = execute(path)
        print(f"{seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
