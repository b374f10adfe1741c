"""Check the course's claims about speed, which the notebooks show but never compare.

A notebook's stored outputs are compared exactly on every test run, so they hold only what is
exact (counts, shapes, values). What a claim says about time is measured here instead, with
the margins the notebooks' text gives, each timing the fastest (or the median) of several runs
on one thread:

- 04 §8: on the course engine, reverse mode is over 5x faster than forward mode on a wide
  Jacobian (2 x 200), and forward mode over 5x faster on a tall one (200 x 2);
- 05 §4: forward mode's cost grows with the number of inputs d (d = 16 over 4x d = 1), reverse
  mode beats it by over 10x at d = 16 and costs a few forward passes (median under 10);
- 05 §4: a jvp doing next to nothing costs over 2 forward passes, over half of the JVP at d = 1;
- 05 §4: jacrev over 2x faster than jacfwd on a wide J (4 x 2048), jacfwd over 2x faster on a
  tall J (2048 x 4), within 10x of each other on the two shapes in between;
- 06 §5: a second derivative costs more than 1.3 times the first;
- 02 §3: forward + backward of sin on 10^6 points costs a small multiple of the forward pass
  (between 1.5 and 4 times: "two to three times here"), and more for a tiny input (over 4 times).

Timings need a quiet machine: run this by hand, not in the test suite. Prints one line per claim
with the measured ratio and its verdict; exits with status 1 if a claim does not hold.

    python benchmarks/timing_claims.py
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
import torch
from torch.func import jacfwd, jacrev, jvp

import autograd_lab.engine as engine


def fastest(fn, repeat: int = 5) -> float:
    """The fastest of a few runs: the one least disturbed by other programs."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def median(fn, repeat: int = 21) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def engine_modes() -> list[tuple[str, float, bool]]:
    """Notebook 06: forward over reverse mode on the engine, wide and tall."""

    def times(rows: int, cols: int) -> tuple[float, float]:
        a = engine.arange(rows * cols).reshape(rows, cols) / (rows * cols)
        x = engine.arange(cols) / cols

        def f(v):
            return (a @ v).tanh()

        assert np.allclose(engine.jacfwd(f)(x).numpy(), engine.jacrev(f)(x).numpy())
        return fastest(lambda: engine.jacfwd(f)(x)), fastest(lambda: engine.jacrev(f)(x))

    wide, tall = times(2, 200), times(200, 2)
    return [
        ("04 engine, wide 2 x 200: jacfwd / jacrev > 5", wide[0] / wide[1], wide[0] > 5 * wide[1]),
        ("04 engine, tall 200 x 2: jacrev / jacfwd > 5", tall[1] / tall[0], tall[1] > 5 * tall[0]),
    ]


torch.manual_seed(0)
M = torch.randn(8192, 16)


def loss(x: torch.Tensor) -> torch.Tensor:
    h = torch.tanh(M[:, : len(x)] @ x)
    return (h * h).sum()


def modes_in_forward_passes() -> list[tuple[str, float, bool]]:
    """Notebook 07: the cost of the whole gradient, in forward passes, for d = 1 ... 16."""

    def forward_mode_grad(x):
        return torch.stack([jvp(loss, (x,), (e,))[1] for e in torch.eye(len(x))])

    def reverse_mode_grad(x):
        x = x.clone().requires_grad_(True)
        loss(x).backward()
        return x.grad

    forward_cost, reverse_cost = [], []
    for d in (1, 2, 4, 8, 16):
        x = torch.linspace(-1, 1, d)
        one_pass = fastest(lambda x=x: loss(x), 15)
        forward_cost.append(fastest(lambda x=x: forward_mode_grad(x), 3) / one_pass)
        reverse_cost.append(fastest(lambda x=x: reverse_mode_grad(x), 15) / one_pass)
    x1, t = torch.linspace(-1, 1, 1), torch.tensor(1.0)
    one_pass = median(lambda: loss(x1))
    jvp_of_loss = median(lambda: jvp(loss, (x1,), (torch.ones(1),)))
    jvp_of_nothing = median(lambda: jvp(lambda v: v * 2, (t,), (t,)))
    growth, gap = forward_cost[-1] / forward_cost[0], forward_cost[-1] / reverse_cost[-1]
    reverse = statistics.median(reverse_cost)
    return [
        ("05 forward mode, cost at d=16 / at d=1 > 4", growth, growth > 4),
        ("05 at d=16, forward / reverse mode > 10", gap, gap > 10),
        ("05 reverse mode, median forward passes < 10", reverse, reverse < 10),
        ("05 a jvp of nothing, in forward passes > 2", jvp_of_nothing / one_pass,
         jvp_of_nothing > 2 * one_pass),
        ("05 a jvp of nothing / the jvp at d=1 > 0.5", jvp_of_nothing / jvp_of_loss,
         jvp_of_nothing > 0.5 * jvp_of_loss),
        ("05 at d=1, forward / reverse mode > 1", forward_cost[0] / reverse_cost[0],
         forward_cost[0] > reverse_cost[0]),
    ]  # fmt: skip


def jacobian_shapes() -> list[tuple[str, float, bool]]:
    """Notebook 07: jacfwd against jacrev from a wide to a tall Jacobian."""

    def times(m: int, d: int) -> tuple[float, float]:
        W = torch.linspace(-1, 1, m * d).reshape(m, d)

        def g(v):
            return torch.tanh(W @ v)

        v = torch.linspace(-1, 1, d)
        assert torch.allclose(jacfwd(g)(v), jacrev(g)(v))
        return median(lambda: jacfwd(g)(v), 7), median(lambda: jacrev(g)(v), 7)

    wide, tall = times(4, 2048), times(2048, 4)
    middle = [t_rev / t_fwd for t_fwd, t_rev in (times(64, 128), times(128, 64))]
    return [
        ("05 wide J 4 x 2048: jacfwd / jacrev > 2", wide[0] / wide[1], wide[0] > 2 * wide[1]),
        ("05 tall J 2048 x 4: jacrev / jacfwd > 2", tall[1] / tall[0], tall[1] > 2 * tall[0]),
        ("05 middle shapes: largest gap < 10", max(max(middle), 1 / min(middle)),
         all(0.1 < r < 10 for r in middle)),
    ]  # fmt: skip


def second_derivative() -> list[tuple[str, float, bool]]:
    """Notebook 05: a second derivative against the first, on 400 000 points."""
    points = torch.linspace(-2, 2, 400_000, dtype=torch.float64, requires_grad=True)

    def first():
        torch.autograd.grad((points.sin() * points.exp()).sum(), points)

    def second():
        (d1,) = torch.autograd.grad((points.sin() * points.exp()).sum(), points, create_graph=True)
        torch.autograd.grad(d1.sum(), points)

    ratio = fastest(second) / fastest(first)
    return [("06 second / first derivative > 1.3", ratio, ratio > 1.3)]


def autograd_cost() -> list[tuple[str, float, bool]]:
    """Notebook 02: forward + backward over forward, for 10^6 points and for 10."""

    def ratio(n: int) -> float:
        points = torch.linspace(-3, 3, n)

        def both():
            torch.sin(points.clone().requires_grad_(True)).sum().backward()

        repeat = 15 if n > 1000 else 201
        return fastest(both, repeat) / fastest(lambda: torch.sin(points).sum(), repeat)

    large, tiny = ratio(10**6), ratio(10)
    return [
        ("02 forward + backward / forward, 10^6 points, in 1.5-4", large, 1.5 < large < 4),
        ("02 forward + backward / forward, 10 points > 4", tiny, tiny > 4),
    ]


def main() -> int:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # several threads on a busy machine wait for each other
    try:
        claims = engine_modes() + modes_in_forward_passes() + jacobian_shapes()
        claims += second_derivative() + autograd_cost()
    finally:
        torch.set_num_threads(threads)
    width = max(len(name) for name, _, _ in claims)
    for name, ratio, holds in claims:
        print(f"{name:<{width}}  measured {ratio:8.2f}  {'holds' if holds else 'FAILS'}")
    failed = [name for name, _, holds in claims if not holds]
    print(f"{len(claims) - len(failed)} of {len(claims)} claims hold")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
