"""Time the teaching engine against micrograd on the same random scalar expression, in one run.

micrograd (Karpathy's ~100-line scalar engine) is installed from PyPI into a temporary folder
when the script starts and imported from there; nothing of it is kept or committed. Both
engines build the same expression from the same seeded program (about 950 micrograd nodes:
sums, products, differences, ReLUs, squares, scalings and quotients over 8 inputs, values
reused, the last 40 summed at the end), then run backward. The script checks that both
compute the same value and gradients, then times forward + backward, the two engines
interleaved so that load on a shared machine hits both alike, and prints the medians and the
ratio, once with Python's garbage collector as it runs by default and once with it kept out
of the timed region (as timeit does).

    python benchmarks/engine_vs_micrograd.py          # 21 runs each
    python benchmarks/engine_vs_micrograd.py -n 51
"""

from __future__ import annotations

import argparse
import gc
import importlib
import math
import random
import statistics
import subprocess
import sys
import tempfile
import time

import autograd_lab.engine as engine

OPS = ("add", "mul", "sub", "relu", "square", "scale", "div")


def program(steps: int, inputs: int = 8, seed: int = 0):
    """Return (input values, steps): each step is (op, i, j, c) over earlier values i, j.

    Steps are drawn at random and kept only if the value they produce is 0 or between 1e-2
    and 1e2 in size: no overflow, and no underflow (NumPy handles an underflowing float64
    operation on a slow path, which would time the floating-point unit, not the engines).
    """
    rng = random.Random(seed)
    values = [rng.uniform(0.5, 1.5) * rng.choice((-1, 1)) for _ in range(inputs)]
    body = []
    while len(body) < steps:
        k = len(values)
        # One operand among the last few values, one anywhere: long chains and wide reuse.
        step = (
            rng.choice(OPS),
            rng.randrange(max(0, k - 8), k),
            rng.randrange(k),
            rng.uniform(-2, 2),
        )
        value = apply(step, values)
        if value == 0 or 1e-2 <= abs(value) <= 1e2:
            body.append(step)
            values.append(value)
    return values[:inputs], body


def apply(step, nodes):
    """Run one step of the program on earlier nodes (floats, or either engine's values)."""
    op, i, j, c = step
    a, b = nodes[i], nodes[j]
    if op == "add":
        return a + b
    if op == "mul":
        return a * b
    if op == "sub":
        return a - b
    if op == "relu":
        return a.relu() if hasattr(a, "relu") else max(a, 0.0)
    if op == "square":
        return a**2
    if op == "scale":
        return a * c
    return a / (b * b + 1)


def build(leaf, values, body):
    """Evaluate the program with `leaf` making the inputs; return (inputs, output)."""
    xs = [leaf(v) for v in values]
    nodes = list(xs)
    for step in body:
        nodes.append(apply(step, nodes))
    out = nodes[-1]
    for node in nodes[-40:-1]:  # use the last values too, so little of the graph is dead
        out = out + node
    return xs, out


def install_micrograd(folder: str):
    """pip-install micrograd into `folder` and import it from there."""
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    done = subprocess.run(
        [*command, "--target", folder, "micrograd"], capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"could not install micrograd from PyPI:\n{done.stderr}")
    sys.path.insert(0, folder)
    return importlib.import_module("micrograd.engine").Value


def micrograd_nodes(out) -> int:
    seen, stack = set(), [out]
    while stack:
        v = stack.pop()
        if v not in seen:
            seen.add(v)
            stack.extend(v._prev)
    return len(seen)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=21, help="runs of each (default 21)")
    parser.add_argument("--steps", type=int, default=700, help="steps of the random program")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        Value = install_micrograd(folder)
        values, body = program(args.steps)

        def run_micrograd():
            xs, out = build(Value, values, body)
            out.backward()
            return out.data, [x.grad for x in xs], out

        def run_engine():
            xs, out = build(lambda v: engine.tensor(v, requires_grad=True), values, body)
            out.backward()
            return out.item(), [0 if x.grad is None else x.grad.item() for x in xs], out

        (mv, mg, mout), (ev, eg, eout) = run_micrograd(), run_engine()
        same = math.isclose(mv, ev, rel_tol=1e-12) and all(
            math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for a, b in zip(mg, eg, strict=True)
        )
        # micrograd sorts recursively: its graph must stay below Python's recursion limit.
        nodes = micrograd_nodes(mout)
        depth_ok = nodes < sys.getrecursionlimit()
        print(
            f"random expression: {nodes} micrograd nodes, "
            f"{len(engine.topological_order(eout))} engine nodes; same value and gradients: "
            f"{same}; micrograd's nodes below the recursion limit: {depth_ok}"
        )
        # Two ways to time, interleaved: with the garbage collector running as Python runs it
        # by default (micrograd's closures form reference cycles, which give the collector
        # work), and with it kept out of the timed region, as timeit does. Either way the
        # previous run's garbage is collected before the clock starts, and each graph is
        # freed after the clock stops.
        times = {(name, gc_on): [] for name in ("micrograd", "engine") for gc_on in (True, False)}
        for _ in range(args.runs):
            for gc_on in (True, False):
                for name, run in (("micrograd", run_micrograd), ("engine", run_engine)):
                    gc.collect()
                    if not gc_on:
                        gc.disable()
                    start = time.perf_counter()
                    result = run()
                    times[name, gc_on].append(time.perf_counter() - start)
                    gc.enable()
                    del result
        for gc_on, label in ((True, "collector on (default)"), (False, "collector off (timeit)")):
            mine = statistics.median(times["engine", gc_on])
            peer = statistics.median(times["micrograd", gc_on])
            print(
                f"forward + backward, {label}: engine {mine * 1e3:.2f} ms, micrograd "
                f"{peer * 1e3:.2f} ms (medians of {args.runs}); ratio engine / micrograd "
                f"{mine / peer:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
