"""What `import autograd_lab` costs next to the stack it builds on, in fresh interpreters.

Each sample is one new Python process importing either the course package or
`torch, matplotlib.pyplot` (what every notebook imports anyway). The two are interleaved so
that load on a shared machine hits both alike. Prints the medians and their ratio (target
<= 1.2).

    python benchmarks/import_cost.py          # 9 runs of each
    python benchmarks/import_cost.py -n 15
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

TARGET = 1.2
STATEMENTS = {
    "import autograd_lab": "import autograd_lab",
    "import torch, matplotlib.pyplot": "import torch, matplotlib.pyplot",
}


def seconds(statement: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", statement], check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=9, help="runs of each (default 9)")
    args = parser.parse_args()
    for statement in STATEMENTS.values():  # warm the file cache before timing anything
        seconds(statement)
    samples: dict[str, list[float]] = {label: [] for label in STATEMENTS}
    for _ in range(args.runs):
        for label, statement in STATEMENTS.items():
            samples[label].append(seconds(statement))
    medians = {label: statistics.median(times) for label, times in samples.items()}
    for label, median in medians.items():
        print(f"{label:<34} median {median:.3f} s over {args.runs} fresh interpreters")
    package, stack = medians.values()
    ratio = package / stack
    verdict = "within" if ratio <= TARGET else "ABOVE"
    print(f"ratio autograd_lab / (torch + pyplot): {ratio:.2f} ({verdict} the target {TARGET})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
