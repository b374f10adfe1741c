"""Time and memory of `graph_text` and `draw` on graphs of 10³, 10⁴ and 10⁵ operations.

Each measurement runs in a fresh interpreter on a chain of `tanh` operations built before the
clock starts. It reports the wall time of the call (which includes walking autograd's graph),
the peak of Python allocations during a second call (tracemalloc), the process's peak resident
memory, and the size of the result (characters of the text, inches of the figure; `draw` is
measured without rendering, as a notebook would render it afterwards). A run that exceeds the
time or memory cap is stopped and reported so.

`--before REF` also measures the package as it is at a git revision (checked out into a
temporary folder), next to the working tree's.

    python benchmarks/graph_scale.py                      # the working tree, 10³ 10⁴ 10⁵
    python benchmarks/graph_scale.py --before main        # and main's code, for comparison
    python benchmarks/graph_scale.py --sizes 1000 10000 --timeout 60 --max-rss-gb 2
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000, 100_000)
CHILD = """
import json, sys, time, tracemalloc
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot
import torch
from autograd_lab import draw, graph_text
what, n = sys.argv[1], int(sys.argv[2])
y = torch.tensor(0.5, requires_grad=True)
for _ in range(n):
    y = torch.tanh(y)


def call():
    if what == "graph_text":
        return f"{len(graph_text(y)):,} chars"
    ax = draw(y)
    w, h = ax.figure.get_size_inches()
    matplotlib.pyplot.close(ax.figure)
    return f"{w:.0f} x {h:.0f} in"


# Timed without tracemalloc (it slows every allocation), then run again for the peak.
start = time.perf_counter()
size = call()
seconds = time.perf_counter() - start
tracemalloc.start()
call()
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"seconds": seconds, "peak_mb": peak / 2**20, "size": size}))
"""


def _rss_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def measure(package_root: Path, what: str, n: int, timeout: float, max_rss_kb: int) -> dict:
    """Run one measurement in a child interpreter that imports autograd_lab from package_root."""
    env = {"PYTHONPATH": str(package_root), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, what, str(n)],
        cwd=package_root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    start, peak = time.monotonic(), 0
    while child.poll() is None:
        peak = max(peak, _rss_kb(child.pid, "VmHWM"))
        if peak > max_rss_kb or time.monotonic() - start > timeout:
            child.kill()
            child.wait()
            why = "memory" if peak > max_rss_kb else "time"
            return {"stopped": f"over the {why} cap after {time.monotonic() - start:.0f} s"}
        time.sleep(0.05)
    out, err = child.communicate()
    if child.returncode != 0:
        return {"stopped": f"failed: {err.strip().splitlines()[-1] if err.strip() else '?'}"}
    result = json.loads(out.strip().splitlines()[-1])
    result["rss_mb"] = peak / 1024
    return result


def checkout(ref: str, folder: Path) -> Path:
    """The package as it is at `ref`, extracted into `folder`."""
    archive = subprocess.run(
        ["git", "archive", ref, "autograd_lab"], cwd=ROOT, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    """Measure and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--before", metavar="REF", help="also measure this git revision")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run")
    parser.add_argument("--max-rss-gb", type=float, default=3.0, help="memory cap per run")
    args = parser.parse_args(argv)
    cap = int(args.max_rss_gb * 2**20)
    with tempfile.TemporaryDirectory() as tmp:
        versions = [("after", ROOT)]
        if args.before:
            versions.insert(0, (f"before ({args.before})", checkout(args.before, Path(tmp))))
        print(f"{'code':<16}{'call':<12}{'ops':>8}{'time':>10}{'py peak':>11}{'rss':>9}  size")
        for label, root in versions:
            for what in ("graph_text", "draw"):
                stopped = False
                for n in args.sizes:
                    row = f"{label:<16}{what:<12}{n:>8,}"
                    if stopped:  # a larger graph only takes longer
                        print(f"{row}  not run (the smaller one was stopped)", flush=True)
                        continue
                    r = measure(root, what, n, args.timeout, cap)
                    if "stopped" in r:
                        stopped = True
                        print(f"{row}  {r['stopped']}", flush=True)
                        continue
                    print(
                        f"{row}{r['seconds']:>9.2f}s{r['peak_mb']:>9.1f}MB{r['rss_mb']:>7.0f}MB"
                        f"  {r['size']}",
                        flush=True,
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
