"""Re-render the image-test baselines in tests/baselines/ after an intended change to a plot.

The figures are the ones tests/test_images.py renders and compares; both use `render` below,
so a baseline and the image it is compared with are made the same way.

    python tools/update_baselines.py              # every figure (make baselines)
    python tools/update_baselines.py graph_dot    # just one
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from pathlib import Path

import matplotlib as mpl
import matplotlib.style
import numpy as np
import torch
from matplotlib.figure import Figure

from autograd_lab import Graph, Node, draw, draw_graph, plot, plot_tangent, plot_with_derivative
from autograd_lab.explorers import backward_frame, tangent_frame, trace
from autograd_lab.fonts import cjk_family, course_rc

ROOT = Path(__file__).resolve().parent.parent
BASELINES = ROOT / "tests" / "baselines"
# The baselines were drawn with this font; another CJK font would change every Chinese label.
FONT = "Noto Sans CJK SC"
DPI = 80


def book_f(x):
    return 3 * x**2 - 4 * x


def plot_book_tangent(ax):
    x = np.arange(0, 3, 0.1)
    plot(x, [book_f(x), 2 * x - 3], "x", "f(x)", legend=["f(x)", "Tangent line (x=1)"], axes=ax)


def plot_sin_derivative(ax):
    x = torch.linspace(-2 * math.pi, 2 * math.pi, 100)
    plot_with_derivative(torch.sin, x, ax=ax, title="sin(x) 及其自动求导的导数")


def plot_tangent_zh(ax):
    plot_tangent(book_f, 1.0, np.arange(0, 3, 0.1), ax=ax)


def plot_relu_kink(ax):
    plot_with_derivative(torch.relu, torch.linspace(-2, 2, 81), ax=ax, title="ReLU 在 0 处的折点")


def plot_error_vs_step(ax):
    # A model of the V shape (truncation h/2 plus round-off 1e-16/h), not a measurement: the
    # figure must not depend on the machine's last bits.
    h = 10.0 ** -np.arange(1, 17)
    error = np.stack([h / 2 + 1e-16 / h, h**2 / 6 + 1e-16 / h])
    plot(
        h,
        error,
        "步长 h",
        "误差",
        legend=["前向差分", "中心差分"],
        xscale="log",
        yscale="log",
        axes=ax,
    )


def graph_dot(ax):
    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    draw(y, {"x": x, "y": y}, ax=ax, title="y = 2 * torch.dot(x, x)")


def graph_detach(ax):
    x = torch.arange(4.0, requires_grad=True)
    u = (x * x).detach()
    z = u * x
    draw(z.sum(), {"x": x, "u": u, "z": z}, ax=ax)


def graph_hand_built(ax):
    graph = Graph(
        nodes=(
            Node("z", "z = b²", "output"),
            Node("b", "b = a − y", "op"),
            Node("a", "a = ⟨x, w⟩", "op"),
            Node("x", "x", "leaf"),
            Node("w", "w", "leaf"),
            Node("y", "y", "const"),
        ),
        edges=(("b", "z"), ("a", "b"), ("y", "b"), ("x", "a"), ("w", "a")),
    )
    draw_graph(graph, ax=ax, title="手工搭建的计算图")


def explorer_tangent_kink():
    # The tangent explorer on the kink of |x|: tangent, one-sided slopes, Chinese labels.
    return tangent_frame("abs", 0.0, lang="zh")[0]


def explorer_backward_fan_out():
    # The backward stepper after its first step: b = a * a, c = b + b, the += at b.
    a = torch.tensor(1.5, requires_grad=True)
    b = a * a
    c = b + b
    return backward_frame(trace(c, {"a": a, "b": b, "c": c}), 1, lang="en")[0]


# name -> (figure size in inches, drawing function taking the Axes); an explorer's frame makes
# its own figure: size None, and the function takes nothing and returns the figure.
CASES: dict[str, tuple[tuple[float, float] | None, Callable]] = {
    "plot_book_tangent": ((4.0, 3.0), plot_book_tangent),
    "plot_sin_derivative": ((4.0, 3.0), plot_sin_derivative),
    "plot_tangent_zh": ((4.0, 3.0), plot_tangent_zh),
    "plot_relu_kink": ((4.0, 3.0), plot_relu_kink),
    "plot_error_vs_step": ((4.0, 3.0), plot_error_vs_step),
    "graph_dot": ((4.0, 3.6), graph_dot),
    "graph_detach": ((4.0, 3.6), graph_detach),
    "graph_hand_built": ((4.0, 3.6), graph_hand_built),
    "explorer_tangent_kink": (None, explorer_tangent_kink),
    "explorer_backward_fan_out": (None, explorer_backward_fan_out),
}


def render(name: str, path: Path, draw_case: Callable | None = None) -> Path:
    """Render figure `name` to a PNG at `path` (fixed size and dpi, default style, Agg)."""
    size, case = CASES[name]
    # "default" ignores any matplotlibrc of the machine; the course font is set on top.
    with mpl.style.context("default"), mpl.rc_context(course_rc()):
        if size is None:
            fig = (draw_case or case)()
        else:
            fig = Figure(figsize=size, dpi=DPI, layout="constrained")
            (draw_case or case)(fig.add_subplot())
        fig.savefig(path, dpi=DPI, metadata={"Software": None})
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"figures (default: all): {', '.join(CASES)}")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in CASES]
    if unknown:
        parser.error(f"unknown figure {', '.join(unknown)}; choose from {', '.join(CASES)}")
    if cjk_family() != FONT:
        print(f"the baselines are drawn with {FONT} (Debian: fonts-noto-cjk); install it first")
        return 1
    BASELINES.mkdir(parents=True, exist_ok=True)
    for name in args.names or CASES:
        path = render(name, BASELINES / f"{name}.png")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
