"""Time nbval on course notebooks against an import-only floor, in one run.

The floor is a notebook that only imports torch and matplotlib.pyplot: the cost of starting
a kernel and importing the stack, which no course notebook can beat. Prints medians and
the ratio notebook / floor for each notebook.

    python benchmarks/nbval_floor.py                                  # the first notebook
    python benchmarks/nbval_floor.py notebooks/zh/03_chain_rule_and_graphs.ipynb -n 5
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

from autograd_lab.course import COURSE, ROOT

DEFAULT = COURSE.files()[:1]


def write_floor(folder: Path) -> Path:
    nb = new_notebook(cells=[new_code_cell("import matplotlib.pyplot as plt\nimport torch")])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells[0].execution_count = 1
    path = folder / "floor.ipynb"
    nbformat.write(nb, path)
    return path


def nbval_seconds(notebook: Path) -> float:
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--nbval-current-env",
        str(notebook),
    ]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("-n", "--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        floor = write_floor(Path(tmp))
        times: dict[Path, list[float]] = {p: [] for p in [floor, *args.notebooks]}
        for _ in range(args.repeat):  # interleaved, so drift hits every notebook alike
            for path in times:
                times[path].append(nbval_seconds(path))
        floor_median = statistics.median(times.pop(floor))
    print(f"import-only floor: {floor_median:.2f} s (median of {args.repeat})")
    for path, seconds in times.items():
        median = statistics.median(seconds)
        print(f"{path.name}: {median:.2f} s  ratio {median / floor_median:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
