"""Draw the seven lecture figures (F1-F7) of the course, in each of its languages.

This module is the only code that writes into `assets/`, one folder per language:

    python -m autograd_lab.figures            # redraw every figure into assets/<lang>/
    python -m autograd_lab.figures OUT_DIR    # or into OUT_DIR/<lang>/ (the tests use this)

Each figure has one drawing function, `draw_fN(lang)`; every word it draws is looked up in
the `figures` topic of `autograd_lab.language`, so a language is one more column of words,
never another copy of a figure. Every figure is drawn on a fresh `Figure` (no pyplot state)
inside `matplotlib.rc_context(course_rc())`, and saved as PNG at a fixed dpi with no
timestamp or software tag, so redrawing on the same versions gives the same pixels.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Rectangle

from autograd_lab import language
from autograd_lab.course import ASSETS, LANGUAGES
from autograd_lab.fonts import course_rc, silence_missing_glyphs
from autograd_lab.language import say
from autograd_lab.validation import describe

DPI = 150
MEASURED_IN = "05"  # the notebook that measures the two modes, named in F7's subtitle

# Okabe-Ito colours (safe for colour-blind readers); every meaning is also carried by a
# line style, hatch or marker, so the figures survive a black-and-white printer.
BLUE = "#0072B2"  # forward pass, values
RED = "#D55E00"  # backward pass, gradients
GREEN = "#009E73"  # leaves (inputs)
ORANGE = "#E69F00"  # the output
GREY = "#8C8C8C"  # pruned or constant
INK = "#222222"
PALE = {BLUE: "#D6E6F2", RED: "#F7DCCB", GREEN: "#CCEBE2", ORANGE: "#FBEBC6", GREY: "#EEEEEE"}
FORWARD = {"color": BLUE, "linestyle": "-"}
BACKWARD = {"color": RED, "linestyle": "--"}
# Code in the figures: a monospace font first, the CJK font for the Chinese comments.
MONO = ["DejaVu Sans Mono", "Noto Sans CJK SC", "DejaVu Sans"]

Drawer = Callable[[str | None], Figure]


def _words(lang: str | None) -> Callable[..., str]:
    """Return say() bound to one language: words("figures.f1_title")."""
    lang = language.current(lang)

    def words(key: str, **fields: object) -> str:
        return language.say(key, lang, **fields)

    return words


# ----------------------------------------------------------------------------- drawing kit


def _figure(width: float, height: float) -> Figure:
    """Return an empty figure on an Agg canvas, so text can be measured before saving."""
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig


def _width(ax, text) -> float:
    """Return the drawn width of a text artist in inches (the data units of `_canvas`)."""
    box = text.get_window_extent(ax.figure.canvas.get_renderer())
    return box.width / ax.figure.dpi


def _canvas(width: float, height: float) -> tuple[Figure, object]:
    """Return a figure and one axes spanning it, in data units equal to inches."""
    fig = _figure(width, height)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    return fig, ax


def _node(ax, xy, text, kind="value", radius=0.32, fontsize=15):
    """Draw a circle for a tensor; the kind picks fill, hatch and outline."""
    styles = {
        "leaf": {"fc": PALE[GREEN], "ec": GREEN, "hatch": "///", "ls": "-"},
        "value": {"fc": "white", "ec": BLUE, "hatch": None, "ls": "-"},
        "output": {"fc": PALE[ORANGE], "ec": ORANGE, "hatch": None, "ls": "-"},
        "grad": {"fc": PALE[RED], "ec": RED, "hatch": None, "ls": "--"},
        "pruned": {"fc": "white", "ec": GREY, "hatch": None, "ls": ":"},
        "const": {"fc": PALE[GREY], "ec": GREY, "hatch": "...", "ls": "-"},
    }
    s = styles[kind]
    ax.add_patch(
        Circle(xy, radius, fc=s["fc"], ec=s["ec"], lw=2, ls=s["ls"], hatch=s["hatch"], zorder=2)
    )
    if kind == "output":  # a double ring marks the output even without colour
        ax.add_patch(Circle(xy, radius * 0.82, fc="none", ec=ORANGE, lw=1.2, zorder=3))
    color = GREY if kind == "pruned" else INK
    # a white disc under the label keeps it legible on top of the hatching
    halo = {"boxstyle": "circle,pad=0.12", "fc": "white", "ec": "none"} if s["hatch"] else None
    ax.text(
        *xy, text, ha="center", va="center", fontsize=fontsize, color=color, zorder=4, bbox=halo
    )


def _arrow(ax, start, end, style=None, shrink=24, lw=1.8, rad=0.0, **kw):
    """Draw an arrow between two points, stopping short of the circles around them."""
    style = style or FORWARD
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=16,
            lw=lw,
            shrinkA=shrink,
            shrinkB=shrink,
            connectionstyle=f"arc3,rad={rad}",
            zorder=1,
            **style,
            **kw,
        )
    )


def _box(ax, xy, width, height, color=GREY, hatch=None, ls="-", lw=1.4, round_=0.08):
    """Draw a rounded box with its lower-left corner at xy."""
    ax.add_patch(
        FancyBboxPatch(
            xy,
            width,
            height,
            boxstyle=f"round,pad=0,rounding_size={round_}",
            fc=PALE.get(color, "white"),
            ec=color,
            lw=lw,
            ls=ls,
            hatch=hatch,
            zorder=0,
        )
    )


def _matrix(ax, x, y, rows, cols, color, hatch=None, cell=0.16):
    """Draw a rows x cols block of cells, top-left corner at (x, y); return its width."""
    for i in range(rows):
        for j in range(cols):
            ax.add_patch(
                Rectangle(
                    (x + j * cell, y - (i + 1) * cell),
                    cell,
                    cell,
                    fc=PALE[color],
                    ec=color,
                    lw=0.8,
                    hatch=hatch,
                )
            )
    ax.add_patch(
        Rectangle((x, y - rows * cell), cols * cell, rows * cell, fc="none", ec=INK, lw=1.3)
    )
    return cols * cell


def _title(ax, width, height, text, sub=None):
    """Write the figure title (and an optional subtitle) centred at the top."""
    ax.text(width / 2, height - 0.32, text, ha="center", va="center", fontsize=18, weight="bold")
    if sub:
        ax.text(width / 2, height - 0.68, sub, ha="center", va="center", fontsize=11.5, color=GREY)


# ----------------------------------------------------------------------------- F1


def draw_f1(lang: str | None = None) -> Figure:
    """Draw F1: the chain rule from scalars to vectors, with the shape of every factor."""
    words = _words(lang)
    width, height = 11.0, 6.4
    fig, ax = _canvas(width, height)
    _title(ax, width, height, words("figures.f1_title"), words("figures.f1_subtitle"))
    n, k, m = 4, 3, 2
    rows = [
        (
            words("figures.f1_scalars"),
            r"$\dfrac{\partial y}{\partial x} = \dfrac{\partial y}{\partial u}\,"
            r"\dfrac{\partial u}{\partial x}$",
            (1, 1),
            (1, 1),
            (1, 1),
            "(1,1) = (1,1)(1,1)",
        ),
        (
            words("figures.f1_vector", names=r"$\mathbf{x}$"),
            r"$\dfrac{\partial y}{\partial \mathbf{x}} = "
            r"\dfrac{\partial y}{\partial u}\,\dfrac{\partial u}{\partial \mathbf{x}}$",
            (1, n),
            (1, 1),
            (1, n),
            "(1,n) = (1,1)(1,n)",
        ),
        (
            words("figures.f1_vectors", names=r"$\mathbf{u}$, $\mathbf{x}$"),
            r"$\dfrac{\partial y}{\partial \mathbf{x}} = "
            r"\dfrac{\partial y}{\partial \mathbf{u}}\,"
            r"\dfrac{\partial \mathbf{u}}{\partial \mathbf{x}}$",
            (1, n),
            (1, k),
            (k, n),
            "(1,n) = (1,k)(k,n)",
        ),
        (
            words("figures.f1_vectors", names=r"$\mathbf{y}$, $\mathbf{u}$, $\mathbf{x}$"),
            r"$\dfrac{\partial \mathbf{y}}"
            r"{\partial \mathbf{x}} = \dfrac{\partial \mathbf{y}}{\partial \mathbf{u}}\,"
            r"\dfrac{\partial \mathbf{u}}{\partial \mathbf{x}}$",
            (m, n),
            (m, k),
            (k, n),
            "(m,n) = (m,k)(k,n)",
        ),
    ]
    top = height - 1.3
    step = 1.15
    columns = (
        "figures.f1_col_case",
        "figures.f1_col_formula",
        "figures.f1_col_blocks",
        "figures.f1_col_shapes",
    )
    for x, head in zip((0.35, 2.55, 5.2, 8.35), map(words, columns), strict=True):
        ax.text(x, top + 0.05, head, ha="left", va="center", fontsize=11.5, color=GREY)
    top -= 0.1
    for i, (label, formula, result, left, right, shapes) in enumerate(rows):
        yc = top - i * step - 0.45
        if i:
            ax.plot([0.3, width - 0.3], [yc + step / 2, yc + step / 2], color="#DDDDDD", lw=0.8)
        ax.text(0.35, yc, label, ha="left", va="center", fontsize=13)
        ax.text(2.55, yc, formula, ha="left", va="center", fontsize=16)
        # the three blocks drawn to scale, vertically centred on the row
        x = 5.2
        cell = 0.16
        for block, color, hatch, sep in (
            (result, GREY, None, "="),
            (left, BLUE, "////", r"$\cdot$"),
            (right, RED, "....", None),
        ):
            r, c = block
            x += _matrix(ax, x, yc + r * cell / 2, r, c, color, hatch, cell)
            if sep:
                ax.text(x + 0.2, yc, sep, ha="center", va="center", fontsize=15)
                x += 0.4
        ax.text(8.35, yc, shapes, ha="left", va="center", fontsize=11.5, family=MONO)
    ax.text(
        0.35,
        0.3,
        words(
            "figures.f1_note",
            sizes=r"$n=4,\ k=3,\ m=2$",
            dydx=r"$\partial y/\partial \mathbf{x}$",
            x=r"$\mathbf{x}$",
        ),
        ha="left",
        va="center",
        fontsize=11,
        color="#444444",
    )
    return fig


# ----------------------------------------------------------------------------- F2


def _d(num: str, den: str) -> str:
    """Return the mathtext of the partial derivative d num / d den as a display fraction."""
    return r"$\dfrac{\partial " + num + r"}{\partial " + den + "}$"


def _chain_panel(ax, words, top, heading, given, steps, factors, values, result, shapes):
    """Draw one worked example: its decomposition on the left, the chain rule on the right."""
    _box(ax, (0.25, top - 3.05), 11.5, 2.95, GREY, round_=0.12, lw=1.0)
    head = ax.text(0.5, top - 0.38, heading, ha="left", va="center", fontsize=14.5, weight="bold")
    # the givens start at the chain-rule column, or after a heading that reaches past it
    x_given = max(4.1, 0.5 + _width(ax, head) + 0.4)
    ax.text(x_given, top - 0.38, given, ha="left", va="center", fontsize=13.5)
    ax.text(
        0.5,
        top - 0.95,
        words("figures.f2_decompose"),
        ha="left",
        va="center",
        fontsize=11.5,
        color=GREY,
    )
    for i, step in enumerate(steps):
        ax.text(0.6, top - 1.45 - 0.55 * i, step, ha="left", va="center", fontsize=14)
    ax.plot([3.3, 3.3], [top - 0.8, top - 2.85], color="#CCCCCC", lw=1)
    ax.text(
        3.6,
        top - 0.95,
        words("figures.f2_chain_rule"),
        ha="left",
        va="center",
        fontsize=11.5,
        color=GREY,
    )
    xs = [4.1, 4.75, 5.5, 6.15, 6.9, 7.55, 8.3]
    row = top - 1.45
    for x, factor in zip(xs, factors, strict=True):
        ax.text(x, row, factor, ha="center", va="center", fontsize=15)
    for x, value in zip(xs[2::2], values, strict=True):
        _arrow(ax, (x, row - 0.35), (x, row - 0.7), {"color": RED, "linestyle": "-"}, shrink=0)
        ax.text(x, row - 0.95, value, ha="center", va="center", fontsize=15, color=RED)
    ax.text(8.95, row - 0.95, result, ha="left", va="center", fontsize=15)
    ax.text(8.95, row, shapes, ha="left", va="center", fontsize=11.5, family=MONO, color=GREY)


def draw_f2(lang: str | None = None) -> Figure:
    """Draw F2: the chain rule on the squared error of one sample, and of a linear model."""
    words = _words(lang)
    width, height = 12.0, 7.8
    fig, ax = _canvas(width, height)
    _title(ax, width, height, words("figures.f2_title"))
    _chain_panel(
        ax,
        words,
        height - 0.75,
        words("figures.f2_example1"),
        r"$\mathbf{x},\mathbf{w}\in\mathbb{R}^n,\ y\in\mathbb{R},\quad "
        r"z = (\langle\mathbf{x},\mathbf{w}\rangle - y)^2$",
        [r"$a = \langle\mathbf{x},\mathbf{w}\rangle$", r"$b = a - y$", r"$z = b^2$"],
        [
            _d("z", r"\mathbf{w}"),
            "$=$",
            _d("z", "b"),
            r"$\cdot$",
            _d("b", "a"),
            r"$\cdot$",
            _d("a", r"\mathbf{w}"),
        ],
        ["$2b$", "$1$", r"$\mathbf{x}^{\top}$"],
        r"$= 2(\langle\mathbf{x},\mathbf{w}\rangle - y)\,\mathbf{x}^{\top}$",
        "(1,n)=(1,1)(1,1)(1,n)",
    )
    _chain_panel(
        ax,
        words,
        height - 3.9,
        words("figures.f2_example2"),
        r"$\mathbf{X}\in\mathbb{R}^{m\times n},\ \mathbf{w}\in\mathbb{R}^n,\ "
        r"\mathbf{y}\in\mathbb{R}^m,\quad z = \Vert\mathbf{X}\mathbf{w} - \mathbf{y}\Vert^2$",
        [
            r"$\mathbf{a} = \mathbf{X}\mathbf{w}$",
            r"$\mathbf{b} = \mathbf{a} - \mathbf{y}$",
            r"$z = \Vert\mathbf{b}\Vert^2$",
        ],
        [
            _d("z", r"\mathbf{w}"),
            "$=$",
            _d("z", r"\mathbf{b}"),
            r"$\cdot$",
            _d(r"\mathbf{b}", r"\mathbf{a}"),
            r"$\cdot$",
            _d(r"\mathbf{a}", r"\mathbf{w}"),
        ],
        [r"$2\mathbf{b}^{\top}$", r"$\mathbf{I}$", r"$\mathbf{X}$"],
        r"$= 2(\mathbf{X}\mathbf{w} - \mathbf{y})^{\top}\mathbf{X}$",
        "(1,n)=(1,m)(m,m)(m,n)",
    )
    ax.text(
        0.3,
        0.42,
        words(
            "figures.f2_note",
            w=r"$\mathbf{w}$",
            grad1=r"$2(\langle\mathbf{x},\mathbf{w}\rangle - y)\,\mathbf{x}$",
            grad2=r"$2\mathbf{X}^{\top}(\mathbf{X}\mathbf{w} - \mathbf{y})$",
        ),
        ha="left",
        va="center",
        fontsize=11.5,
        color="#444444",
    )
    return fig


# ----------------------------------------------------------------------------- F3


def _op(ax, xy, text, fontsize=13, color=GREY):
    """Draw an operation as a small square box."""
    w, h = 0.62, 0.46
    _box(ax, (xy[0] - w / 2, xy[1] - h / 2), w, h, color, round_=0.06, lw=1.6)
    ax.text(*xy, text, ha="center", va="center", fontsize=fontsize, zorder=4)


def _legend_row(ax, x, y, items, fontsize=11):
    """Draw a legend of node kinds in one row starting at (x, y)."""
    for kind, label in items:
        if kind == "op":
            _box(ax, (x - 0.16, y - 0.12), 0.32, 0.24, GREY, round_=0.04, lw=1.4)
        else:
            _node(ax, (x, y), "", kind, radius=0.15)
        text = ax.text(x + 0.28, y, label, ha="left", va="center", fontsize=fontsize)
        x += 0.28 + _width(ax, text) + 0.55


def draw_f3(lang: str | None = None) -> Figure:
    """Draw F3: the computation graph of z = (<x, w> - y)^2."""
    words = _words(lang)
    width, height = 11.0, 6.0
    fig, ax = _canvas(width, height)
    _title(
        ax,
        width,
        height,
        words("figures.f3_title"),
        words("figures.f3_subtitle", z=r"$z = (\langle\mathbf{x},\mathbf{w}\rangle - y)^2$"),
    )
    pos = {
        "x": (1.2, 4.25),
        "w": (1.2, 3.05),
        "dot": (2.9, 3.65),
        "a": (4.4, 3.65),
        "y": (4.4, 2.15),
        "sub": (5.9, 2.9),
        "b": (7.3, 2.9),
        "sq": (8.6, 2.9),
        "z": (9.9, 2.9),
    }
    for name, label in (("x", r"$\mathbf{x}$"), ("w", r"$\mathbf{w}$"), ("y", "$y$")):
        _node(ax, pos[name], label, "leaf")
    _node(ax, pos["a"], "$a$")
    _node(ax, pos["b"], "$b$")
    _node(ax, pos["z"], "$z$", "output")
    _op(ax, pos["dot"], r"$\langle\cdot,\cdot\rangle$")
    _op(ax, pos["sub"], "$-$")
    _op(ax, pos["sq"], r"$(\cdot)^2$")
    for u, v in (
        ("x", "dot"),
        ("w", "dot"),
        ("dot", "a"),
        ("a", "sub"),
        ("y", "sub"),
        ("sub", "b"),
        ("b", "sq"),
        ("sq", "z"),
    ):
        _arrow(ax, pos[u], pos[v], shrink=22)
    for name, text, dy in (
        ("a", r"$a = \langle\mathbf{x},\mathbf{w}\rangle$", 0.62),
        ("b", "$b = a - y$", 0.62),
        ("z", "$z = b^2$", 0.62),
    ):
        ax.text(pos[name][0], pos[name][1] + dy, text, ha="center", va="center", fontsize=13)
    _legend_row(
        ax,
        1.0,
        1.45,
        [
            ("leaf", words("figures.f3_leaf")),
            ("value", words("figures.f3_value")),
            ("output", words("figures.f3_output")),
            ("op", words("figures.f3_op")),
        ],
    )
    lines = [
        (words("figures.f3_symbolic"), words("figures.f3_symbolic_how")),
        (
            words("figures.f3_numerical"),
            words("figures.f3_numerical_how", quotient=r"$(f(x+h)-f(x))/h$", h="$h$"),
        ),
        (words("figures.f3_automatic"), words("figures.f3_automatic_how")),
    ]
    names = []
    for i, (name, _) in enumerate(lines):
        yy = 0.95 - 0.3 * i
        names.append(
            ax.text(
                1.0,
                yy,
                name,
                ha="left",
                va="center",
                fontsize=11.5,
                weight="bold",
                color=RED if i == 2 else INK,
            )
        )
    # the explanations start in one column, after the widest name
    x_text = max(2.1, 1.0 + max(_width(ax, name) for name in names) + 0.35)
    for i, (_, text) in enumerate(lines):
        ax.text(x_text, 0.95 - 0.3 * i, text, ha="left", va="center", fontsize=11.5)
    return fig


# ----------------------------------------------------------------------------- F4


def _code(ax, xy, lines, fontsize=10.5):
    """Write lines of code in a shaded box whose upper-left corner is at xy."""
    x, y = xy
    height = 0.3 * len(lines) + 0.2
    _box(ax, (x, y - height), 5.3, height, GREY, round_=0.08, lw=1.0)
    for i, line in enumerate(lines):
        ax.text(
            x + 0.15,
            y - 0.25 - 0.3 * i,
            line,
            ha="left",
            va="center",
            fontsize=fontsize,
            family=MONO,
        )
    return y - height


def _small_graph(ax, x0, y0, labels, kinds, ops):
    """Draw a, b -> (x2) -> (+) -> c, the graph of c = 2a + b, starting at (x0, y0)."""
    pos = {
        "a": (x0, y0 + 0.55),
        "b": (x0, y0 - 0.55),
        "mul": (x0 + 1.35, y0 + 0.55),
        "add": (x0 + 2.65, y0),
        "c": (x0 + 3.95, y0),
    }
    for name in ("a", "b", "c"):
        _node(ax, pos[name], labels[name], kinds[name], radius=0.4, fontsize=11.5)
    _op(ax, pos["mul"], ops[0], fontsize=11)
    _op(ax, pos["add"], ops[1], fontsize=11)
    for u, v in (("a", "mul"), ("mul", "add"), ("b", "add"), ("add", "c")):
        _arrow(ax, pos[u], pos[v], shrink=24)


def draw_f4(lang: str | None = None) -> Figure:
    """Draw F4: a graph declared before any data versus a graph recorded while running."""
    words = _words(lang)
    width, height = 12.0, 6.6
    fig, ax = _canvas(width, height)
    _title(
        ax, width, height, words("figures.f4_title"), words("figures.f4_subtitle", c="$c = 2a + b$")
    )
    left, right = 0.35, 6.3
    for x, head, sub in (
        (left, words("figures.f4_explicit"), words("figures.f4_explicit_who")),
        (right, words("figures.f4_implicit"), words("figures.f4_implicit_who")),
    ):
        ax.text(x, height - 1.2, head, ha="left", va="center", fontsize=14.5, weight="bold")
        ax.text(x, height - 1.58, sub, ha="left", va="center", fontsize=11, color=GREY)
    ax.plot([6.0, 6.0], [0.35, height - 1.0], color="#CCCCCC", lw=1)
    _code(
        ax,
        (left, height - 1.85),
        [
            "a = var('a')      " + words("figures.f4_code_placeholder"),
            "b = var('b')",
            "c = 2 * a + b     " + words("figures.f4_code_graph"),
            "f = compile(c)    " + words("figures.f4_code_compile"),
            "f(a=2.0, b=3.0)   " + words("figures.f4_code_feed"),
        ],
    )
    _code(
        ax,
        (right, height - 1.85),
        [
            "a = torch.tensor(2.0, requires_grad=True)",
            "b = torch.tensor(3.0, requires_grad=True)",
            "c = 2 * a + b     " + words("figures.f4_code_record"),
            "c.backward()      " + words("figures.f4_code_backward"),
        ],
    )
    _small_graph(
        ax,
        left + 0.7,
        1.95,
        {"a": "$a$ ?", "b": "$b$ ?", "c": "$c$ ?"},
        {"a": "pruned", "b": "pruned", "c": "pruned"},
        (r"$\times 2$", "$+$"),
    )
    _small_graph(
        ax,
        right + 0.7,
        1.95,
        {"a": "$a{=}2$", "b": "$b{=}3$", "c": "$c{=}7$"},
        {"a": "leaf", "b": "leaf", "c": "output"},
        (r"$\times 2$", "$+$"),
    )
    for dx, dy, name in ((1.35, 0.55, "MulBackward0"), (2.65, 0.0, "AddBackward0")):
        ax.text(
            right + 0.7 + dx,
            1.95 + dy - 0.42,
            name,
            ha="center",
            va="center",
            fontsize=9.5,
            family=MONO,
            color=GREY,
        )
    ax.text(
        left,
        0.55,
        words("figures.f4_explicit_note"),
        ha="left",
        va="center",
        fontsize=11.5,
        linespacing=1.5,
    )
    ax.text(
        right,
        0.55,
        words("figures.f4_implicit_note"),
        ha="left",
        va="center",
        fontsize=11.5,
        linespacing=1.5,
    )
    return fig


# ----------------------------------------------------------------------------- F5


def draw_f5(lang: str | None = None) -> Figure:
    """Draw F5: forward and reverse accumulation along a chain of Jacobians."""
    words = _words(lang)
    width, height = 12.0, 7.6
    fig, ax = _canvas(width, height)
    _title(
        ax,
        width,
        height,
        words("figures.f5_title"),
        words(
            "figures.f5_subtitle",
            y=r"$y = f(\mathbf{x})$",
            x=r"$\mathbf{x}\in\mathbb{R}^d$",
            y_in=r"$y\in\mathbb{R}$",
            u=r"$\mathbf{u}_1,\dots,\mathbf{u}_n$",
            space=r"$\mathbb{R}^k$",
        ),
    )
    ax.text(
        width / 2,
        height - 1.35,
        r"$\dfrac{\partial y}{\partial \mathbf{x}} = \dfrac{\partial y}{\partial \mathbf{u}_n}\,"
        r"\dfrac{\partial \mathbf{u}_n}{\partial \mathbf{u}_{n-1}}\cdots"
        r"\dfrac{\partial \mathbf{u}_2}{\partial \mathbf{u}_1}\,"
        r"\dfrac{\partial \mathbf{u}_1}{\partial \mathbf{x}}$",
        ha="center",
        va="center",
        fontsize=17,
    )
    cell = 0.22
    blocks = [  # (rows, cols, label, shape) of each Jacobian, in the order they multiply
        (1, 3, _d("y", r"\mathbf{u}_n"), "(1,k)"),
        (3, 3, _d(r"\mathbf{u}_n", r"\mathbf{u}_{n-1}"), "(k,k)"),
        None,
        (3, 3, _d(r"\mathbf{u}_2", r"\mathbf{u}_1"), "(k,k)"),
        (3, 5, _d(r"\mathbf{u}_1", r"\mathbf{x}"), "(k,d)"),
    ]
    x, ymid = 2.75, 4.35
    centres = []
    for block in blocks:
        if block is None:
            ax.text(x + 0.35, ymid, r"$\cdots$", ha="center", va="center", fontsize=20)
            x += 0.7
            continue
        r, c, label, shape = block
        w = _matrix(ax, x, ymid + r * cell / 2, r, c, GREY, None, cell)
        ax.text(x + w / 2, ymid + 0.8, label, ha="center", va="center", fontsize=14)
        ax.text(
            x + w / 2,
            ymid - 0.55 - 0.2,
            shape,
            ha="center",
            va="center",
            fontsize=11,
            family=MONO,
            color=GREY,
        )
        centres.append(x + w / 2)
        x += w + 0.8
    # reverse mode multiplies from the output side (left), forward mode from the input side
    _arrow(
        ax,
        (centres[0] - 0.4, ymid + 1.45),
        (centres[-1] + 0.4, ymid + 1.45),
        BACKWARD,
        shrink=0,
        lw=2.2,
    )
    ax.text(
        centres[-1] + 0.7,
        ymid + 1.45,
        words("figures.f5_reverse"),
        ha="left",
        va="center",
        fontsize=13,
        color=RED,
        weight="bold",
    )
    _arrow(
        ax,
        (centres[-1] + 0.4, ymid - 1.15),
        (centres[0] - 0.4, ymid - 1.15),
        FORWARD,
        shrink=0,
        lw=2.2,
    )
    ax.text(
        centres[0] - 0.7,
        ymid - 1.15,
        words("figures.f5_forward"),
        ha="right",
        va="center",
        fontsize=13,
        color=BLUE,
        weight="bold",
    )
    rows = [
        (
            words("figures.f5_forward_head"),
            BLUE,
            r"$\dfrac{\partial y}{\partial \mathbf{u}_n}\left(\dfrac{\partial \mathbf{u}_n}"
            r"{\partial \mathbf{u}_{n-1}}\left(\cdots\left(\dfrac{\partial \mathbf{u}_2}"
            r"{\partial \mathbf{u}_1}\,\dfrac{\partial \mathbf{u}_1}{\partial \mathbf{x}}"
            r"\right)\right)\right)$",
            words("figures.f5_forward_note"),
        ),
        (
            words("figures.f5_reverse_head"),
            RED,
            r"$\left(\left(\left(\dfrac{\partial y}{\partial \mathbf{u}_n}\,\dfrac{\partial "
            r"\mathbf{u}_n}{\partial \mathbf{u}_{n-1}}\right)\cdots\right)\dfrac{\partial "
            r"\mathbf{u}_2}{\partial \mathbf{u}_1}\right)\dfrac{\partial \mathbf{u}_1}"
            r"{\partial \mathbf{x}}$",
            words("figures.f5_reverse_note"),
        ),
    ]
    for i, (head, color, formula, note) in enumerate(rows):
        yy = 2.2 - 1.25 * i
        ax.text(
            0.5, yy + 0.3, head, ha="left", va="center", fontsize=12.5, weight="bold", color=color
        )
        ax.text(0.5, yy - 0.25, formula, ha="left", va="center", fontsize=14)
        ax.text(7.6, yy - 0.05, note, ha="left", va="center", fontsize=11.5, linespacing=1.5)
    return fig


# ----------------------------------------------------------------------------- F6


def draw_f6(lang: str | None = None) -> Figure:
    """Draw F6: the forward graph of example 1 beside its backward graph."""
    words = _words(lang)
    width, height = 13.6, 7.2
    fig, ax = _canvas(width, height)
    _title(
        ax,
        width,
        height,
        words("figures.f6_title"),
        words(
            "figures.f6_subtitle",
            z=r"$z = (\langle\mathbf{x},\mathbf{w}\rangle - y)^2$",
            dz_dw=r"$\partial z/\partial\mathbf{w}$",
        ),
    )
    fwd = {
        "z": (2.4, 5.5),
        "b": (2.4, 4.1),
        "y": (1.1, 2.75),
        "a": (3.3, 2.75),
        "w": (2.5, 1.35),
        "x": (4.1, 1.35),
    }
    shift = 5.0
    bwd = {k: (x + shift, y) for k, (x, y) in fwd.items()}
    ax.text(
        0.4,
        height - 1.15,
        words("figures.f6_forward"),
        fontsize=13.5,
        weight="bold",
        color=BLUE,
        va="center",
    )
    ax.text(
        5.4,
        height - 1.15,
        words("figures.f6_backward"),
        fontsize=13.5,
        weight="bold",
        color=RED,
        va="center",
    )
    ax.plot([4.95, 4.95], [0.7, height - 0.95], color="#CCCCCC", lw=1)
    labels = {
        "z": "$z$",
        "b": "$b$",
        "a": "$a$",
        "y": "$y$",
        "w": r"$\mathbf{w}$",
        "x": r"$\mathbf{x}$",
    }
    for k, xy in fwd.items():
        kind = "leaf" if k in "ywx" else ("output" if k == "z" else "value")
        _node(ax, xy, labels[k], kind, radius=0.34)
    for u, v in (("x", "a"), ("w", "a"), ("a", "b"), ("y", "b"), ("b", "z")):
        _arrow(ax, fwd[u], fwd[v], shrink=20)
    grads = {
        "z": ("z", "z"),
        "b": ("z", "b"),
        "a": ("z", "a"),
        "y": ("z", "y"),
        "w": ("z", r"\mathbf{w}"),
        "x": ("z", r"\mathbf{x}"),
    }
    for k, xy in bwd.items():
        kind = "pruned" if k in "yx" else "grad"
        num, den = grads[k]
        _node(
            ax, xy, r"$\partial " + num + r"/\partial " + den + "$", kind, radius=0.42, fontsize=11
        )
    for u, v in (("z", "b"), ("b", "a"), ("a", "w")):
        _arrow(ax, bwd[u], bwd[v], BACKWARD, shrink=24, lw=2)
    for u, v in (("b", "y"), ("a", "x")):
        _arrow(ax, bwd[u], bwd[v], {"color": GREY, "linestyle": ":"}, shrink=24)
        mx, my = (bwd[u][0] + bwd[v][0]) / 2, (bwd[u][1] + bwd[v][1]) / 2
        ax.text(mx, my, r"$\times$", ha="center", va="center", fontsize=20, color=GREY)
    # what the backward pass reads from the forward pass
    for src, dst, value in (("b", "b", "$b$"), ("x", "w", r"$\mathbf{x}$")):
        _arrow(ax, fwd[src], bwd[dst], {"color": INK, "linestyle": (0, (1, 2))}, shrink=26, lw=1.4)
        ax.text(
            (fwd[src][0] + bwd[dst][0]) / 2,
            fwd[src][1] + 0.2,
            words("figures.f6_reads", value=value),
            ha="center",
            va="bottom",
            fontsize=11,
        )
    fx = 10.0
    steps = [
        ("z", _d("z", "z") + "$= 1$"),
        ("b", _d("z", "b") + "$= 2b$"),
        (
            "a",
            _d("z", "a") + "$=$" + _d("z", "b") + r"$\cdot$" + _d("b", "a") + "$=$" + _d("z", "b"),
        ),
        (
            "w",
            _d("z", r"\mathbf{w}")
            + "$=$"
            + _d("z", "a")
            + r"$\cdot$"
            + _d("a", r"\mathbf{w}")
            + "$=$"
            + _d("z", "a")
            + r"$\cdot\,\mathbf{x}^{\top}$",
        ),
    ]
    for k, text in steps:
        ax.text(fx, bwd[k][1], text.replace("$$", ""), ha="left", va="center", fontsize=14)
    ax.text(
        0.4,
        0.38,
        words(
            "figures.f6_note",
            da_dw=r"$\partial a/\partial\mathbf{w} = \mathbf{x}^{\top}$",
            da_dx=r"$\partial a/\partial\mathbf{x}$",
            w_t=r"$\mathbf{w}^{\top}$",
            dz_dy=r"$\partial z/\partial y$",
            dz_dx=r"$\partial z/\partial\mathbf{x}$",
        ),
        ha="left",
        va="center",
        fontsize=11.5,
        color="#444444",
    )
    return fig


# ----------------------------------------------------------------------------- F7


def draw_f7(lang: str | None = None) -> Figure:
    """Draw F7: the cost of both modes in time and memory (a schematic, not a measurement)."""
    words = _words(lang)
    fig = _figure(12.0, 6.4)
    fig.text(
        0.5, 0.955, words("figures.f7_title"), ha="center", va="center", fontsize=18, weight="bold"
    )
    fig.text(
        0.5,
        0.905,
        words("figures.f7_subtitle", notebook=MEASURED_IN),
        ha="center",
        va="center",
        fontsize=11.5,
        color=GREY,
    )
    t_ax = fig.add_axes((0.07, 0.33, 0.4, 0.5))
    m_ax = fig.add_axes((0.57, 0.33, 0.4, 0.5))

    n = np.arange(1, 33)
    t_ax.plot(
        n,
        2.0 * n,
        marker="o",
        markevery=4,
        lw=2.2,
        label=words("figures.f7_time_forward"),
        **FORWARD,
    )
    t_ax.plot(
        n,
        np.full(n.shape, 3.0),
        marker="s",
        markevery=4,
        lw=2.2,
        label=words("figures.f7_time_reverse"),
        **BACKWARD,
    )
    t_ax.plot(
        n, np.ones(n.shape), color=GREY, ls=":", lw=1.8, label=words("figures.f7_time_one_pass")
    )
    t_ax.set_title(
        words("figures.f7_time_title", f=r"$f:\mathbb{R}^d\to\mathbb{R}$", d="$d$"), fontsize=13
    )
    t_ax.set_xlabel(words("figures.f7_time_xlabel", d="$d$"), fontsize=12)
    t_ax.set_ylabel(words("figures.f7_time_ylabel"), fontsize=12)
    t_ax.set_ylim(0, 66)

    length = np.arange(1, 65)
    m_ax.plot(
        length,
        length,
        marker="s",
        markevery=8,
        lw=2.2,
        label=words("figures.f7_memory_reverse"),
        **BACKWARD,
    )
    m_ax.plot(
        length,
        2 * np.sqrt(length),
        marker="^",
        markevery=8,
        lw=2.2,
        color=GREEN,
        ls="-.",
        label=words("figures.f7_memory_checkpoint", segments=r"$\sqrt{n}$"),
    )
    # On a chain the live values at any moment are one intermediate result, so forward mode
    # carries one tangent of that size: flat in n (one unit here, whatever the width).
    m_ax.plot(
        length,
        np.ones(length.shape),
        marker="o",
        markevery=8,
        lw=2.2,
        label=words("figures.f7_memory_forward"),
        **FORWARD,
    )
    m_ax.set_title(words("figures.f7_memory_title", n="$n$"), fontsize=13)
    m_ax.set_xlabel(words("figures.f7_memory_xlabel", n="$n$"), fontsize=12)
    m_ax.set_ylabel(words("figures.f7_memory_ylabel"), fontsize=12)
    m_ax.set_ylim(0, 66)

    for ax in (t_ax, m_ax):
        ax.grid(True, color="#E5E5E5", lw=0.8)
        ax.spines[["top", "right"]].set_visible(False)
        ax.legend(loc="upper left", fontsize=10.5, frameon=False)
    o = r"\mathcal{O}"
    rows = [
        (
            words("figures.f7_reverse"),
            words("figures.f7_reverse_time", cost=f"${o}(n)$"),
            words("figures.f7_reverse_memory", cost=f"${o}(n)$"),
        ),
        (
            words("figures.f7_forward"),
            words("figures.f7_forward_time", per_input=f"${o}(n)$", d="$d$", total=rf"${o}(n\,d)$"),
            words("figures.f7_forward_memory", cost=f"${o}(1)$"),
        ),
        (
            words("figures.f7_checkpoint"),
            words("figures.f7_checkpoint_time"),
            words("figures.f7_checkpoint_memory", cost=rf"${o}(\sqrt{{n}})$"),
        ),
    ]
    y = 0.19
    for name, time_cost, memory in rows:
        lines = memory.count("\n") + 1
        y -= 0.0225 * (lines - 1)  # a two-line entry is centred on its row
        fig.text(0.08, y, name, ha="left", va="center", fontsize=11.5, weight="bold")
        fig.text(0.2, y, time_cost, ha="left", va="center", fontsize=11.5)
        fig.text(0.55, y, memory, ha="left", va="center", fontsize=11.5, linespacing=1.4)
        y -= 0.0225 * (lines - 1) + 0.05
    return fig


# ----------------------------------------------------------------------------- builder

FIGURES: dict[str, Drawer] = {
    "f1_chain_rule": draw_f1,
    "f2_chain_rule_examples": draw_f2,
    "f3_computation_graph": draw_f3,
    "f4_explicit_vs_implicit": draw_f4,
    "f5_two_modes": draw_f5,
    "f6_reverse_accumulation": draw_f6,
    "f7_complexity": draw_f7,
}


def draw(name: str, lang: str | None = None) -> Figure:
    """Draw the figure `name` (e.g. "f5_two_modes") in one language, with the course style."""
    _check_name(name)  # said in the learner's language; `lang` is the figure's
    lang = language.current(lang)
    with mpl.rc_context(course_rc()):
        return FIGURES[name](lang)


def _check_name(name: object) -> None:
    if not isinstance(name, str) or name not in FIGURES:
        choices = ", ".join(FIGURES)
        raise ValueError(say("figure_files.unknown_figure", None, got=repr(name), choices=choices))


def save(fig: Figure, path: str | os.PathLike) -> Path:
    """Write a figure as PNG the way the builder does; return the path."""
    if not isinstance(fig, Figure):
        raise TypeError(say("figure_files.not_figure", None, got=describe(fig)))
    if (
        not isinstance(path, str | os.PathLike)
        or Path(path).suffix.lower() != ".png"
        or not Path(path).parent.is_dir()
    ):
        got = repr(str(path)) if isinstance(path, str | os.PathLike) else describe(path)
        error = ValueError if isinstance(path, str | os.PathLike) else TypeError
        raise error(say("figure_files.bad_path", None, got=got))
    # The font family is resolved when the text is drawn, so the course style must hold here
    # too; and no timestamp or version tag goes into the file: same versions, same bytes.
    with mpl.rc_context(course_rc()):
        fig.savefig(path, dpi=DPI, metadata={"Software": None}, facecolor="white")
    return Path(path)


def figure_path(name: str, lang: str, root: str | os.PathLike = ASSETS) -> Path:
    """Where the builder puts figure `name` in language `lang`: root/<lang>/<name>.png."""
    lang = language.check(lang)
    _check_name(name)  # said in the learner's language; `lang` is the figure's
    return Path(root) / lang / f"{name}.png"


def build_figures(
    out_dir: str | os.PathLike = ASSETS, languages: tuple[str, ...] = LANGUAGES
) -> list[Path]:
    """Draw every lecture figure in every language into out_dir/<lang>/; return the paths."""
    if not isinstance(out_dir, str | os.PathLike):
        raise TypeError(say("figure_files.out_dir_type", None, got=type(out_dir).__name__))
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ValueError(say("figure_files.out_dir_file", None, path=out))
    if isinstance(languages, str):
        raise TypeError(say("figure_files.languages_type", None, example=repr(languages)))
    for lang in languages:
        language.check(lang)
    paths = []
    with warnings.catch_warnings():
        silence_missing_glyphs()  # without a CJK font the labels become boxes, but still draw
        for lang in languages:
            for name in FIGURES:
                path = figure_path(name, lang, out)
                path.parent.mkdir(parents=True, exist_ok=True)
                paths.append(save(draw(name, lang), path))
    return paths


def main(argv: list[str] | None = None) -> int:
    """Redraw the figures from the command line (`make figures`)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out_dir",
        nargs="?",
        type=Path,
        default=ASSETS,
        help="folder to write into, one subfolder per language (default: assets/)",
    )
    parser.add_argument(
        "--lang", choices=LANGUAGES, action="append", help="only this language (repeatable)"
    )
    args = parser.parse_args(argv)
    for path in build_figures(args.out_dir, tuple(args.lang or LANGUAGES)):
        try:
            shown = path.relative_to(Path.cwd())
        except ValueError:
            shown = path
        print(f"wrote {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
