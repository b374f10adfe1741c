"""Re-execute notebooks in place, in a fresh kernel each, and leave clean metadata.

Stored outputs are only ever produced by this script: nobody edits them by hand.

    python -m tools.execute_notebooks                 # every notebook of the course
    python -m tools.execute_notebooks notebooks/zh/01_autograd_basics.ipynb
    python -m tools.execute_notebooks notebooks/en     # every notebook of the course in a folder
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograd_lab.course import COURSE

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
# Environment every notebook is executed in: one thread count and locale, so the stored
# outputs do not depend on the machine that produced them.
EXEC_ENV = {"LANG": "C.UTF-8", "PYTHONHASHSEED": "0"}


def notebook_paths(targets: list[str]) -> list[Path]:
    """The course's notebooks (all of them, or those in the given folders), in reading order.

    A notebook file is named as it is; a folder stands for the course notebooks inside it.
    """
    course_files = COURSE.files()
    if not targets:
        return course_files
    paths: list[Path] = []
    for target in targets:
        p = Path(target).resolve()
        if p.is_dir():
            inside = [q for q in course_files if q.is_relative_to(p)]
            if not inside:
                raise SystemExit(f"no course notebook under {target}")
            paths += inside
        elif p.suffix == ".ipynb" and p.exists():
            paths.append(p)
        else:
            raise SystemExit(f"not a notebook or folder: {target}")
    return list(dict.fromkeys(paths))


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
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        # One stream output per cell and stream: a loaded kernel may split a cell's stdout, and
        # the twins' outputs are compared output by output.
        coalesce_streams=True,
    )
    start = time.perf_counter()
    client.execute(env=os.environ | EXEC_ENV)  # the kernel's environment, not this process's
    elapsed = time.perf_counter() - start
    clean_metadata(nb)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "targets", nargs="*", help="notebooks or folders (default: the whole course)"
    )
    args = parser.parse_args(argv)
    for path in notebook_paths(args.targets):
        print(f"executing {path} ...", end=" ", flush=True)
        seconds = execute(path)
        print(f"{seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
