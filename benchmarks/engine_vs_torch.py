"""Time the teaching engine against PyTorch on the same programs, in one run.

(a) a scalar expression of about 10 000 recorded operations: forward + backward;
(b) one training step of a small MLP (2 -> 32 -> 32 -> 1, tanh) on a toy data set of
    128 points: forward, mean squared error, backward, SGD update.

Both run in float64 from the same initial values; the script checks that they compute the
same numbers before timing. Runs of the two are interleaved, so load on a shared machine hits
both alike. Prints the medians and the ratio engine / PyTorch for each.

    python benchmarks/engine_vs_torch.py            # 7 runs of (a), 7 x 20 steps of (b)
    python benchmarks/engine_vs_torch.py -n 15
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
import torch

import autograd_lab.engine as engine

STEPS_PER_RUN = 20
SIZES = (2, 32, 32, 1)


def leaf(lib, value):
    if lib is torch:
        return torch.tensor(value, dtype=torch.float64, requires_grad=True)
    return engine.tensor(value, requires_grad=True)


# ----- (a) a long scalar expression ---------------------------------------------------------
def scalar_expression(lib, steps: int):
    """Return (x, y): y is x pushed through `steps` rounds of mul, add and tanh (3 ops each)."""
    x = leaf(lib, 0.3)
    y = x
    for i in range(steps):
        y = (y * 1.5 + 0.1 * (i % 3)).tanh()
    return x, y


def time_scalar(lib, steps: int) -> float:
    start = time.perf_counter()
    x, y = scalar_expression(lib, steps)
    y.backward()
    return time.perf_counter() - start


# ----- (b) an MLP training step ---------------------------------------------------------------
def toy_data(n: int = 128):
    """Two noisy interleaved half circles (two moons), labels -1 and +1."""
    rng = np.random.default_rng(0)
    angle = rng.uniform(0, np.pi, n)
    upper = np.arange(n) % 2 == 0
    points = np.where(
        upper[:, None],
        np.stack([np.cos(angle), np.sin(angle)], axis=1),
        np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1),
    )
    points += rng.normal(scale=0.1, size=points.shape)
    labels = np.where(upper, 1.0, -1.0)[:, None]
    return points, labels


def initial_parameters():
    rng = np.random.default_rng(1)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:], strict=True):
        params.append(rng.normal(scale=fan_in**-0.5, size=(fan_in, fan_out)))
        params.append(np.zeros(fan_out))
    return params


def training_step(lib, params, points, labels, lr: float = 0.1) -> float:
    """One step of gradient descent on the mean squared error; return the loss before it."""
    h = points
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i < len(params) - 2:
            h = h.tanh()
    loss = ((h - labels) ** 2).mean()
    for p in params:
        p.grad = None
    loss.backward()
    with lib.no_grad():  # update the leaves in place, where no graph records it
        for p in params:
            p -= lr * p.grad
    return loss.item()


def mlp(lib):
    points, labels = toy_data()
    if lib is torch:
        points, labels = torch.tensor(points), torch.tensor(labels)
    else:
        points, labels = engine.tensor(points), engine.tensor(labels)
    return [leaf(lib, p) for p in initial_parameters()], points, labels


def time_mlp(lib) -> float:
    params, points, labels = mlp(lib)
    start = time.perf_counter()
    for _ in range(STEPS_PER_RUN):
        training_step(lib, params, points, labels)
    return (time.perf_counter() - start) / STEPS_PER_RUN


# ----- one run ---------------------------------------------------------------------------------
def check_same_numbers(steps: int) -> None:
    (xe, ye), (xt, yt) = scalar_expression(engine, steps), scalar_expression(torch, steps)
    ye.backward()
    yt.backward()
    nodes = len(engine.topological_order(ye))
    same = np.isclose(ye.item(), yt.item(), rtol=1e-9) and np.isclose(
        xe.grad.item(), xt.grad.item(), rtol=1e-9
    )
    print(f"(a) scalar expression: {nodes} nodes, same value and gradient as PyTorch: {same}")
    losses = {}
    for lib in (engine, torch):
        params, points, labels = mlp(lib)
        losses[lib] = [training_step(lib, params, points, labels) for _ in range(50)]
    same = np.allclose(losses[engine], losses[torch], rtol=1e-9)
    print(
        f"(b) MLP {'-'.join(map(str, SIZES))} on 128 points: same losses over 50 steps: {same} "
        f"(loss {losses[torch][0]:.3f} -> {losses[torch][-1]:.3f})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=7, help="runs of each (default 7)")
    parser.add_argument("--steps", type=int, default=3_333, help="rounds in (a), 3 ops each")
    args = parser.parse_args()
    torch.set_num_threads(1)  # the engine uses one core; so does PyTorch here
    print(f"torch {torch.__version__}, numpy {np.__version__}, 1 thread")
    check_same_numbers(args.steps)
    samples = {name: [] for name in ("a engine", "a torch", "b engine", "b torch")}
    for _ in range(args.runs):
        samples["a engine"].append(time_scalar(engine, args.steps))
        samples["a torch"].append(time_scalar(torch, args.steps))
        samples["b engine"].append(time_mlp(engine))
        samples["b torch"].append(time_mlp(torch))
    median = {name: statistics.median(values) for name, values in samples.items()}
    for task, label in (("a", "scalar expression, forward + backward"), ("b", "MLP step")):
        mine, ref = median[f"{task} engine"], median[f"{task} torch"]
        print(
            f"({task}) {label}: engine {mine * 1e3:.2f} ms, PyTorch {ref * 1e3:.2f} ms "
            f"(medians of {args.runs}); ratio engine / PyTorch {mine / ref:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
