"""Bad input to every public helper: a clear TypeError/ValueError at the door, never raw or silent.

Each case of the table is one call a learner could make. It must raise the expected exception
type with a message of ours (an `errors.*` sentence of the catalogs) that contains the expected
hint, raised by autograd_lab's own code (the traceback's last frame is in the package), and
the same call in Chinese must say it in Chinese.
"""

from __future__ import annotations

import functools
import math
import re
import string
import subprocess
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

import autograd_lab
from autograd_lab import (
    Graph,
    Node,
    autograd_graph,
    check_grad,
    derivative,
    draw,
    draw_graph,
    engine,
    figures,
    graph_text,
    numerical_jacobian,
    plot,
    plot_tangent,
    plot_with_derivative,
    tangent,
)
from autograd_lab import language as lang
from autograd_lab.explorers import (
    backward_frame,
    descend,
    descent_frame,
    explore_backward,
    explore_finite_differences,
    explore_gradient_descent,
    explore_tangent,
    finite_difference_frame,
    tangent_frame,
    trace,
)
from autograd_lab.graph import layers
from tests.helpers import CJK

matplotlib.use("Agg")
PACKAGE = Path(autograd_lab.__file__).resolve().parent
F64 = torch.float64


@dataclass(frozen=True)
class Case:
    id: str
    call: object  # a function of no arguments making the bad call
    error: type[Exception]
    hint: str  # a regular expression the English message contains


CASES: list[Case] = []


def case(id_: str, call, error, hint: str) -> None:
    CASES.append(Case(id_, call, error, hint))


def ax():
    return Figure().add_subplot()


def x64(*values):
    return torch.tensor(values, dtype=F64)


GOOD_X = torch.linspace(-1.0, 1.0, 5)
XG = torch.tensor([1.0, 2.0], requires_grad=True)  # has a graph: Y below

# --- points: what every helper that takes x, X or Y refuses -----------------------------------
BAD_POINTS = [
    ("none", None, TypeError, "is None: pass"),
    ("number-as-text", "1.5", TypeError, "the text '1.5'"),
    ("word", "abc", TypeError, "not a string"),
    ("bool", True, TypeError, "boolean"),
    ("complex-tensor", torch.tensor([1 + 2j, 3j]), TypeError, "complex"),
    ("complex-list", [1 + 2j, 2.0], TypeError, "complex"),
    ("complex-array", np.array([1j, 2.0]), TypeError, "complex"),
    ("none-inside", [1.0, None], TypeError, "is None"),
    ("text-inside", [1.0, "2"], TypeError, "not a string"),
    ("bool-tensor", torch.tensor([True, False]), TypeError, "boolean"),
    ("bool-array", np.array([True, False]), TypeError, "boolean"),
    ("text-array", np.array(["1", "2"]), TypeError, "not a string"),
    ("nan", [1.0, math.nan], ValueError, "NaN or infinity \\(1 of 2"),
    ("inf-tensor", torch.tensor([1.0, math.inf, -math.inf]), ValueError, "2 of 3"),
    ("nan-array", np.array([math.nan]), ValueError, "NaN or infinity"),
    ("empty-list", [], ValueError, "empty"),
    ("empty-tensor", torch.tensor([]), ValueError, "empty"),
    ("dict", {"a": 1.0}, TypeError, "real numbers: a list"),
    ("set", {1.0, 2.0}, TypeError, "real numbers: a list"),
    ("ragged", [[1.0, 2.0], [3.0]], ValueError, "different lengths"),
    ("object", object(), TypeError, "real numbers: a list"),
]
for name, bad, error, hint in BAD_POINTS:
    case(f"derivative-x-{name}", lambda b=bad: derivative(torch.sin, b), error, hint)
    case(
        f"plot_with_derivative-x-{name}",
        lambda b=bad: plot_with_derivative(torch.sin, b, ax=ax()),
        error,
        hint,
    )  # noqa: E501
    if name not in ("none", "ragged"):  # plot_tangent's x=None is its default range
        case(
            f"plot_tangent-x-{name}",
            lambda b=bad: plot_tangent(torch.sin, 0.0, b, ax=ax()),
            error,
            hint,
        )  # noqa: E501
    if name != "ragged":  # ragged curves are several curves to plot
        case(f"plot-X-{name}", lambda b=bad: plot(b, axes=ax()), error, hint)
        if name != "none":  # Y=None plots X against its index, as in d2l
            case(f"plot-Y-{name}", lambda b=bad: plot([0.0, 1.0], b, axes=ax()), error, hint)

# Shapes a curve cannot have.
for helper, call in [
    ("plot_with_derivative", lambda b: plot_with_derivative(torch.sin, b, ax=ax())),
    ("plot_tangent", lambda b: plot_tangent(torch.sin, 0.0, b, ax=ax())),
]:
    case(f"{helper}-x-2d", lambda c=call: c(torch.zeros(3, 4)), ValueError, "shape \\(3, 4\\).*1-D")
    case(
        f"{helper}-x-0d",
        lambda c=call: c(torch.tensor(1.0)),
        ValueError,
        "shape \\(\\): pass a 1-D",
    )
    case(f"{helper}-x-one-point", lambda c=call: c([1.0]), ValueError, "1 point.*at least 2")
case("plot-X-3d", lambda: plot(torch.zeros(2, 2, 2), axes=ax()), ValueError, "1-D tensor, several")
case("plot-X-0d", lambda: plot(torch.tensor(1.0), axes=ax()), ValueError, "shape \\(\\)")

# --- functions: what every helper that takes f refuses ----------------------------------------
BAD_F = [
    ("none", None, TypeError, "must be a function.*NoneType"),
    ("number", 3.0, TypeError, "pass the function itself"),
    ("text", "sin", TypeError, "pass the function itself"),
    ("value", torch.sin(GOOD_X), TypeError, "pass the function itself"),
    ("class", float, TypeError, "pass the function itself"),
    ("math-sin", math.sin, TypeError, "not np.sin\\(x\\) or math.sin\\(x\\)"),
    ("numpy-sin", np.sin, TypeError, "not np.sin\\(x\\) or math.sin\\(x\\)"),
    ("returns-list", lambda v: v.tolist(), TypeError, "returned list .*, not a tensor"),
    ("returns-float", lambda v: v.detach().sum().item(), TypeError, "returned float .*, not a"),
    ("complex-out", lambda v: v * 1j, TypeError, "complex"),
    # float() on a tensor with a history: autograd cannot follow the number it gives
    ("to-number", lambda v: float(v.sum()), TypeError, "turned a tensor into a Python number"),
    ("cut-by-number", lambda v: v * float(v.sum()), TypeError, "into a Python number"),
]
ELEMENTWISE_F = [
    ("sum", lambda v: v.sum(), ValueError, "element-wise"),
    ("detached", lambda v: v.detach() * 2, ValueError, "no autograd history.*constant"),
    ("new-tensor", lambda v: torch.tensor(v.tolist()), ValueError, "no autograd history"),
]
for name, bad, error, hint in BAD_F + ELEMENTWISE_F:
    case(f"derivative-f-{name}", lambda b=bad: derivative(b, GOOD_X), error, hint)
    case(
        f"plot_with_derivative-f-{name}",
        lambda b=bad: plot_with_derivative(b, GOOD_X, ax=ax()),
        error,
        hint,
    )  # noqa: E501
for name, bad, error, hint in BAD_F[:5] + ELEMENTWISE_F[1:]:
    case(f"tangent-f-{name}", lambda b=bad: tangent(b, 1.0), error, hint)
    case(f"plot_tangent-f-{name}", lambda b=bad: plot_tangent(b, 1.0, ax=ax()), error, hint)
case("tangent-f-math-sin", lambda: tangent(math.sin, 1.0), TypeError, "into a Python number")
case(
    "tangent-f-cut-by-number",
    lambda: tangent(lambda t: t * float(t), 1.0),
    TypeError,
    "not np.sin\\(x\\) or math.sin\\(x\\) \\(f turned a tensor into a Python number",
)

# --- one number: x0 ---------------------------------------------------------------------------
BAD_X0 = [
    ("none", None, TypeError, "is None"),
    ("text", "1.5", TypeError, "the text '1.5'"),
    ("bool", True, TypeError, "boolean"),
    ("complex", 1 + 2j, TypeError, "complex"),
    ("list", [1.0, 2.0], TypeError, "one number, got list"),
    ("vector", torch.tensor([1.0]), TypeError, "one number.*shape \\(1,\\)"),
    ("array", np.array([1.0, 2.0]), TypeError, "one number"),
    ("nan", math.nan, ValueError, "NaN or infinity"),
    ("inf", math.inf, ValueError, "NaN or infinity"),
    ("complex-tensor", torch.tensor(1j), TypeError, "complex"),
    ("bool-tensor", torch.tensor(True), TypeError, "boolean"),
]
for name, bad, error, hint in BAD_X0:
    case(f"tangent-x0-{name}", lambda b=bad: tangent(torch.sin, b), error, hint)
    case(f"plot_tangent-x0-{name}", lambda b=bad: plot_tangent(torch.sin, b, ax=ax()), error, hint)

# --- plotting options -------------------------------------------------------------------------
BAD_AXES = [("text", "x"), ("number", 3), ("figure", Figure()), ("list", [])]
for name, bad in BAD_AXES:
    case(f"plot-axes-{name}", lambda b=bad: plot([1.0, 2.0], axes=b), TypeError, "matplotlib Axes")
    case(
        f"plot_with_derivative-ax-{name}",
        lambda b=bad: plot_with_derivative(torch.sin, GOOD_X, ax=b),
        TypeError,
        "matplotlib Axes",
    )  # noqa: E501
    case(
        f"plot_tangent-ax-{name}",
        lambda b=bad: plot_tangent(torch.sin, 0.0, ax=b),
        TypeError,
        "matplotlib Axes",
    )  # noqa: E501
    case(f"draw-ax-{name}", lambda b=bad: draw(XG * 2, ax=b), TypeError, "matplotlib Axes")
BAD_FIGSIZE = [
    ("number", 3, TypeError),
    ("zero", (0, 2), ValueError),
    ("one", (3.0,), ValueError),
    ("text", ("a", 2), ValueError),
    ("nan", (math.nan, 2), ValueError),
    ("negative", (-1, 2), ValueError),
]
for name, bad, error in BAD_FIGSIZE:
    case(
        f"plot-figsize-{name}", lambda b=bad: plot([1.0, 2.0], figsize=b), error, "figsize must be"
    )
    case(
        f"plot_with_derivative-figsize-{name}",
        lambda b=bad: plot_with_derivative(torch.sin, GOOD_X, figsize=b),
        error,
        "figsize",
    )  # noqa: E501
    case(
        f"plot_tangent-figsize-{name}",
        lambda b=bad: plot_tangent(torch.sin, 0.0, figsize=b),
        error,
        "figsize",
    )  # noqa: E501
for name, bad, error in [
    ("equal", (1, 1), ValueError),
    ("text", (0, "a"), ValueError),
    ("number", 5, TypeError),
    ("three", (0, 1, 2), ValueError),
    ("inf", (0, math.inf), ValueError),
]:
    case(
        f"plot-xlim-{name}",
        lambda b=bad: plot([1.0, 2.0], xlim=b, axes=ax()),
        error,
        "xlim must be a pair",
    )  # noqa: E501
    case(
        f"plot-ylim-{name}",
        lambda b=bad: plot([1.0, 2.0], ylim=b, axes=ax()),
        error,
        "ylim must be a pair",
    )  # noqa: E501
for name, bad in [("cubic", "cubic"), ("none", None), ("number", 10)]:
    case(
        f"plot-xscale-{name}",
        lambda b=bad: plot([1.0, 2.0], xscale=b, axes=ax()),
        ValueError,
        "xscale must be one of linear",
    )  # noqa: E501
    case(
        f"plot-yscale-{name}",
        lambda b=bad: plot([1.0, 2.0], yscale=b, axes=ax()),
        ValueError,
        "yscale must be one of",
    )  # noqa: E501
case(
    "plot-legend-text",
    lambda: plot([1.0, 2.0], legend="ab", axes=ax()),
    TypeError,
    "legend must be a list of strings",
)  # noqa: E501
case(
    "plot-legend-numbers",
    lambda: plot([1.0, 2.0], legend=[1], axes=ax()),
    TypeError,
    "list of strings",
)  # noqa: E501
case(
    "plot-legend-too-many",
    lambda: plot([1.0, 2.0], legend=["a", "b"], axes=ax()),
    ValueError,
    "one per curve",
)  # noqa: E501
case(
    "plot-fmts-text",
    lambda: plot([1.0, 2.0], fmts="-", axes=ax()),
    TypeError,
    "fmts must be a list of strings",
)  # noqa: E501
case(
    "plot-fmts-too-few",
    lambda: plot([1.0, 2.0], [[1, 2]] * 5, axes=ax()),
    ValueError,
    "one format string per curve",
)  # noqa: E501
case(
    "plot-xlabel-number",
    lambda: plot([1.0, 2.0], xlabel=3, axes=ax()),
    TypeError,
    "xlabel must be a string",
)  # noqa: E501
case(
    "plot-lengths",
    lambda: plot([1, 2, 3], [1, 2], axes=ax()),
    ValueError,
    "evaluate f on the same x",
)  # noqa: E501
case(
    "plot-series",
    lambda: plot([[1, 2], [3, 4]], [[1, 2], [3, 4], [5, 6]], axes=ax()),
    ValueError,
    "one X per curve",
)  # noqa: E501
for name, kwargs, error, hint in [
    ("labels-one", {"labels": ("f",)}, ValueError, "labels needs two entries"),
    ("labels-text", {"labels": "ab"}, TypeError, "labels must be a list of strings"),
    ("labels-numbers", {"labels": (1, 2)}, TypeError, "labels must be a list of strings"),
    ("fmts-three", {"fmts": ("-", "--", ":")}, ValueError, "fmts needs two entries"),
    ("title-number", {"title": 3}, TypeError, "title must be a string"),
    ("xlabel-none", {"xlabel": None}, TypeError, "xlabel must be a string"),
]:
    case(
        f"plot_with_derivative-{name}",
        lambda k=kwargs: plot_with_derivative(torch.sin, GOOD_X, ax=ax(), **k),
        error,
        hint,
    )  # noqa: E501
for name, kwargs, error, hint in [
    ("label-number", {"label": 3}, TypeError, "label must be a string"),
    ("show_f-text", {"show_f": "yes"}, TypeError, "show_f must be True or False"),
    ("show_f-one", {"show_f": 1}, TypeError, "show_f must be True or False"),
    ("fmt-none", {"fmt": None}, TypeError, "fmt must be a string"),
    ("lang-fr", {"lang": "fr"}, ValueError, "unknown language 'fr'"),
]:
    case(
        f"plot_tangent-{name}",
        lambda k=kwargs: plot_tangent(torch.sin, 0.0, ax=ax(), **k),
        error,
        hint,
    )  # noqa: E501

# --- gradient checks --------------------------------------------------------------------------
BAD_GC_X = [
    ("list", [1.0, 2.0], TypeError, "must be a torch.Tensor, got list"),
    ("none", None, TypeError, "must be a torch.Tensor, got NoneType"),
    ("array", np.array([1.0]), TypeError, "must be a torch.Tensor"),
    ("integer", torch.arange(3), TypeError, "only floating-point.*x.double"),
    ("bool", torch.tensor([True]), TypeError, "floating-point"),
    ("float32", torch.zeros(2), TypeError, "use x.double\\(\\).*rounds"),
    ("float16", torch.zeros(2, dtype=torch.float16), TypeError, "x.double"),
    ("complex", torch.zeros(2, dtype=torch.complex128), TypeError, "real x"),
    ("matrix", torch.zeros(2, 2, dtype=F64), ValueError, "reshape\\(-1\\)"),
    ("empty", torch.zeros(0, dtype=F64), ValueError, "at least one number"),
    ("nan", x64(1.0, math.nan), ValueError, "NaN or infinity"),
    ("inf", x64(math.inf), ValueError, "NaN or infinity"),
]
BAD_STEP = [
    ("true", True, TypeError),
    ("zero", 0.0, ValueError),
    ("negative", -1e-6, ValueError),
    ("text", "1e-6", ValueError),
    ("none", None, TypeError),
    ("nan", math.nan, ValueError),
    ("inf", math.inf, ValueError),
    ("tensor", torch.tensor([1e-6]), TypeError),
]
BAD_GC_F = [
    ("none", None, TypeError, "must be a function"),
    ("value", 3.0, TypeError, "pass the function itself"),
    ("item", lambda v: v.sum().item(), TypeError, "not a tensor"),
    ("to-float32", lambda v: v.float().sum(), TypeError, "float64"),
    ("matrix-out", lambda v: torch.outer(v, v), ValueError, "return y.reshape"),
    ("shape-changes", lambda v: v[v > 1.0], ValueError, "same shape near x"),
    ("numpy", lambda v: np.sin(v), TypeError, "not np.sin"),
    ("math", lambda v: math.sin(v), TypeError, "not np.sin"),
    ("complex-out", lambda v: v * 1j, TypeError, "complex"),
    ("empty-out", lambda v: v[:0], ValueError, "f\\(x\\) is empty \\(shape \\(0,\\)\\)"),
    ("cut-by-number", lambda v: v * float(v.sum()), TypeError, "into a Python number"),
]
GC_X = x64(1.0, 2.0)
for name, bad, error, hint in BAD_GC_X:
    case(f"check_grad-x-{name}", lambda b=bad: check_grad(torch.sin, b), error, hint)
    case(
        f"numerical_jacobian-x-{name}", lambda b=bad: numerical_jacobian(torch.sin, b), error, hint
    )  # noqa: E501
for name, bad, error in BAD_STEP:
    case(
        f"check_grad-eps-{name}",
        lambda b=bad: check_grad(torch.sin, GC_X, eps=b),
        error,
        "eps must be a small positive step",
    )  # noqa: E501
    case(
        f"numerical_jacobian-eps-{name}",
        lambda b=bad: numerical_jacobian(torch.sin, GC_X, eps=b),
        error,
        "small positive step",
    )  # noqa: E501
for which in ("atol", "rtol"):
    for name, bad, error in [
        ("text", "a", TypeError),
        ("negative", -1.0, ValueError),
        ("none", None, TypeError),
        ("nan", math.nan, ValueError),
        ("true", True, TypeError),
    ]:
        case(
            f"check_grad-{which}-{name}",
            lambda b=bad, w=which: check_grad(torch.sin, GC_X, **{w: b}),
            error,
            f"{which} must be a non-negative number",
        )  # noqa: E501
for name, bad, error, hint in BAD_GC_F:
    case(f"check_grad-f-{name}", lambda b=bad: check_grad(b, GC_X), error, hint)
    # Without autograd, np.sin and float() on a tensor give numbers, and the right ones.
    if name not in ("numpy", "cut-by-number"):
        case(f"numerical_jacobian-f-{name}", lambda b=bad: numerical_jacobian(b, GC_X), error, hint)
case(
    "check_grad-f-no-history",
    lambda: check_grad(lambda v: torch.tensor(v.sum().item(), dtype=F64), GC_X),
    ValueError,
    "nothing to check",
)  # noqa: E501

# --- graphs -----------------------------------------------------------------------------------
BAD_TENSOR = [
    ("none", None, TypeError, "needs a torch.Tensor, got NoneType"),
    ("number", 3.0, TypeError, "needs a torch.Tensor"),
    ("list", [1.0], TypeError, "needs a torch.Tensor"),
    ("array", np.ones(2), TypeError, "needs a torch.Tensor"),
    ("no-history", torch.ones(2), ValueError, "no autograd history.*requires_grad=True"),
    ("detached", (XG * 2).detach(), ValueError, "detach\\(\\)"),
]
BAD_NAMES = [
    ("list", [XG], TypeError, 'names must be a dict like {"x": x}'),
    ("text", "x", TypeError, "names must be a dict"),
    ("value-number", {"x": 3}, TypeError, "names must map strings to tensors"),
    ("key-number", {1: XG}, TypeError, "got 1: a Tensor"),
]
Y = XG * 2
for func in (graph_text, autograd_graph, draw):
    for name, bad, error, hint in BAD_TENSOR:
        case(f"{func.__name__}-tensor-{name}", lambda b=bad, f=func: f(b), error, hint)
    for name, bad, error, hint in BAD_NAMES:
        case(f"{func.__name__}-names-{name}", lambda b=bad, f=func: f(Y, b), error, hint)
case(
    "graph_text-full-text",
    lambda: graph_text(Y, full="yes"),
    TypeError,
    "full must be True or False",
)  # noqa: E501
case("draw-title-number", lambda: draw(Y, title=3, ax=ax()), TypeError, "title must be a string")
case("draw-lang-fr", lambda: draw(Y, ax=ax(), lang="fr"), ValueError, "unknown language")

A, B = Node("a", "a", "leaf"), Node("b", "b", "op")
CYCLE = Graph(nodes=(A, B), edges=(("a", "b"), ("b", "a")))
GOOD_GRAPH = Graph(nodes=(A, B), edges=(("a", "b"),))
for name, bad, error, hint in [
    ("none", None, TypeError, "draw_graph needs a Graph, got NoneType"),
    ("tensor", Y, TypeError, "for a tensor use draw\\(y\\)"),
    ("dict", {"nodes": ()}, TypeError, "needs a Graph"),
    ("cycle", CYCLE, ValueError, "cycle \\(through"),
]:
    case(f"draw_graph-graph-{name}", lambda b=bad: draw_graph(b, ax=ax()), error, hint)
case("draw_graph-ax-text", lambda: draw_graph(GOOD_GRAPH, ax="x"), TypeError, "matplotlib Axes")
case(
    "draw_graph-title-number",
    lambda: draw_graph(GOOD_GRAPH, ax=ax(), title=1),
    TypeError,
    "title must be",
)  # noqa: E501
case(
    "draw_graph-lang-fr",
    lambda: draw_graph(GOOD_GRAPH, ax=ax(), lang="fr"),
    ValueError,
    "unknown language",
)  # noqa: E501
case("Graph-to_text-cycle", lambda: CYCLE.to_text(), ValueError, "cycle")
case("Graph-str-cycle", lambda: str(CYCLE), ValueError, "cycle")
case("Graph-tree_order-cycle", lambda: CYCLE.to_text(full=True), ValueError, "cycle")
case(
    "Graph-to_text-full-text", lambda: GOOD_GRAPH.to_text(full="no"), TypeError, "full must be True"
)  # noqa: E501
case("Graph-inputs-unknown", lambda: GOOD_GRAPH.inputs("zz"), ValueError, "no node str 'zz'")
case("Graph-inputs-number", lambda: GOOD_GRAPH.inputs(3), ValueError, "no node int 3")
case("layers-tensor", lambda: layers(Y), TypeError, "layers needs a Graph")
for name, kwargs, error, hint in [
    ("nodes-none", {"nodes": None, "edges": ()}, TypeError, "nodes must be a tuple of Node"),
    ("nodes-text", {"nodes": "ab", "edges": ()}, TypeError, "nodes must be a tuple of Node"),
    ("nodes-numbers", {"nodes": (1, 2), "edges": ()}, TypeError, "tuple of Node"),
    ("nodes-empty", {"nodes": (), "edges": ()}, ValueError, "no nodes"),
    ("edges-none", {"nodes": (A,), "edges": None}, TypeError, "edges must be a tuple of"),
    ("edges-number", {"nodes": (A,), "edges": 5}, TypeError, "edges must be a tuple"),
    ("edge-single", {"nodes": (A,), "edges": (("a",),)}, ValueError, "pair of node ids"),
    ("edge-unknown", {"nodes": (A,), "edges": (("a", "zz"),)}, ValueError, "among a"),
    ("edge-number", {"nodes": (A,), "edges": (1,)}, ValueError, "edge int 1 must be a pair"),
    ("edge-text", {"nodes": (A, B), "edges": ("ab",)}, ValueError, "must be a pair"),
    ("ids-repeated", {"nodes": (A, Node("a", "c", "op")), "edges": ()}, ValueError, "unique"),
]:
    case(f"Graph-{name}", lambda k=kwargs: Graph(**k), error, hint)
for name, args, error, hint in [
    ("id-number", (1, "a", "op"), TypeError, "id and label must be strings"),
    ("label-none", ("a", None, "op"), TypeError, "id and label must be strings"),
    ("kind-unknown", ("a", "a", "tensor"), ValueError, "kind must be one of op, leaf"),
    ("kind-number", ("a", "a", 3), TypeError, "kind must be one of"),
]:
    case(f"Node-{name}", lambda a=args: Node(*a), error, hint)


# --- issue 25, "Bad input: helpers": each of its cases, one entry of the table ------------------
# An f that mixes elements: its Jacobian is not diagonal, so Jᵀ·1 is no derivative.
MIXES = "must act element-wise.*mixes elements"
for name, f in [
    ("cumsum", lambda t: t.cumsum(0)),
    ("softmax", lambda t: t.softmax(0)),
    ("minus-mean", lambda t: t - t.mean()),
    ("reversed", lambda t: t.flip(0) ** 2),
]:
    case(f"derivative-f-{name}", lambda f=f: derivative(f, GOOD_X), ValueError, MIXES)
    case(
        f"plot_with_derivative-f-{name}",
        lambda f=f: plot_with_derivative(f, GOOD_X, ax=ax()),
        ValueError,
        MIXES,
    )
    # the tangent's slope at one point cannot tell; the curve around it can
    case(f"plot_tangent-f-{name}", lambda f=f: plot_tangent(f, 0.5, ax=ax()), ValueError, MIXES)
    case(
        f"plot_tangent-f-{name}-not-shown",
        lambda f=f: plot_tangent(f, 0.5, ax=ax(), show_f=False),
        ValueError,
        MIXES,
    )
# Where f has no tangent (x0 outside its domain, or a vertical slope), none is drawn.
UNDEFINED = "no finite value and slope at x0"
for name, f, x0 in [
    ("sqrt-negative", torch.sqrt, -1.0),
    ("sqrt-zero", torch.sqrt, 0.0),
    ("log-zero", torch.log, 0.0),
    ("reciprocal-zero", lambda x: 1 / x, 0.0),
]:
    case(f"tangent-{name}", lambda f=f, x0=x0: tangent(f, x0), ValueError, UNDEFINED)
    case(
        f"plot_tangent-{name}",
        lambda f=f, x0=x0: plot_tangent(f, x0, ax=ax()),
        ValueError,
        UNDEFINED,
    )
    case(f"tangent_frame-{name}", lambda f=f, x0=x0: tangent_frame(f, x0), ValueError, UNDEFINED)
# Tensors without ordinary numbers in them.
SPARSE = "sparse tensor.*to_dense\\(\\)"
META = "meta device.*no numbers"
for name, bad, hint in [
    ("sparse", GOOD_X.to_sparse(), SPARSE),
    ("meta", torch.ones(5, device="meta"), META),
]:
    case(f"derivative-x-{name}", lambda b=bad: derivative(torch.sin, b), TypeError, hint)
    case(f"plot-X-{name}", lambda b=bad: plot(b, axes=ax()), TypeError, hint)
    case(
        f"plot_with_derivative-x-{name}",
        lambda b=bad: plot_with_derivative(torch.sin, b, ax=ax()),
        TypeError,
        hint,
    )
    case(
        f"check_grad-x-{name}",
        lambda b=bad: check_grad(torch.sin, b.to(F64)),
        TypeError,
        hint,
    )
    case(
        f"numerical_jacobian-x-{name}",
        lambda b=bad: numerical_jacobian(torch.sin, b.to(F64)),
        TypeError,
        hint,
    )
for name, bad, hint in [
    ("sparse", torch.eye(2).to_sparse(), SPARSE),
    ("meta", torch.ones(2, 2, device="meta"), META),
]:
    case(
        f"descent_frame-X-{name}",
        lambda b=bad: descent_frame(X=b, y=torch.ones(2)),
        TypeError,
        hint,
    )
case(
    "tangent-x0-meta", lambda: tangent(torch.sin, torch.tensor(1.0, device="meta")), TypeError, META
)
# A number too large for any float.
HUGE = 10**400
TOO_LARGE = "too large for any floating-point number"
case("tangent-x0-huge", lambda: tangent(torch.sin, HUGE), ValueError, TOO_LARGE)
case("plot_tangent-x0-huge", lambda: plot_tangent(torch.sin, HUGE, ax=ax()), ValueError, TOO_LARGE)
case("tangent_frame-x0-huge", lambda: tangent_frame("sin", HUGE), ValueError, TOO_LARGE)
case(
    "finite_difference_frame-x0-huge",
    lambda: finite_difference_frame(1e-4, "sin", HUGE),
    ValueError,
    TOO_LARGE,
)
case("descent_frame-lr-huge", lambda: descent_frame(HUGE), ValueError, TOO_LARGE)
case("plot-X-huge", lambda: plot([1.0, HUGE], axes=ax()), ValueError, "NaN or infinity \\(1 of 2")
case(
    "descent_frame-X-huge",
    lambda: descent_frame(X=[[1.0, HUGE]], y=[1.0]),
    TypeError,
    "shape \\(m, 2\\)",
)
case(
    "descent_frame-start-huge",
    lambda: descent_frame(X=torch.eye(2), y=torch.ones(2), start=(HUGE, 0.0)),
    ValueError,
    "start should be two finite numbers",
)
# Format strings matplotlib cannot read, refused before anything is drawn.
BAD_FMT = "'zz' in fmts? is not a matplotlib format string.*\"r:\""
case("plot-fmts-zz", lambda: plot(GOOD_X, GOOD_X, fmts=["zz"], axes=ax()), ValueError, BAD_FMT)
case(
    "plot_with_derivative-fmts-zz",
    lambda: plot_with_derivative(torch.sin, GOOD_X, fmts=["-", "zz"], ax=ax()),
    ValueError,
    BAD_FMT,
)
case(
    "plot_tangent-fmt-zz",
    lambda: plot_tangent(torch.sin, 0.5, fmt="zz", ax=ax()),
    ValueError,
    BAD_FMT,
)
# Labels whose $...$ matplotlib cannot typeset (it would fail only when the figure is shown).
MATHTEXT = "cannot typeset the formula.*write the dollar signs as \\\\\\$"
for name, call in [
    ("plot-xlabel", lambda: plot(GOOD_X, GOOD_X, xlabel="$\\frac{1}{$", axes=ax())),
    ("plot-ylabel", lambda: plot(GOOD_X, GOOD_X, ylabel="$\\foo$", axes=ax())),
    ("plot-legend", lambda: plot(GOOD_X, GOOD_X, legend=["$x^$"], axes=ax())),
    (
        "plot_with_derivative-title",
        lambda: plot_with_derivative(torch.sin, GOOD_X, title="$\\foo$", ax=ax()),
    ),
    (
        "plot_with_derivative-labels",
        lambda: plot_with_derivative(torch.sin, GOOD_X, labels=("$f$", "$f'(x)^$"), ax=ax()),
    ),
    (
        "plot_with_derivative-xlabel",
        lambda: plot_with_derivative(torch.sin, GOOD_X, xlabel="$x_$", ax=ax()),
    ),
    ("plot_tangent-label", lambda: plot_tangent(torch.sin, 0.5, label="$\\sqrt{x$", ax=ax())),
]:
    case(f"{name}-bad-mathtext", call, ValueError, MATHTEXT)
# The finite-difference explorer with f written in NumPy, or f where h belongs.
case(
    "finite_difference_frame-f-np-sin",
    lambda: finite_difference_frame(1e-4, np.sin),
    TypeError,
    "torch operations.*not np.sin",
)
case(
    "finite_difference_frame-h-np-sin",
    lambda: finite_difference_frame(np.sin),
    TypeError,
    "h must be one number",
)
# The descent explorer's data: all zero, complex, too many rows.
case(
    "descent_frame-X-zero",
    lambda: descent_frame(X=torch.zeros(3, 2), y=torch.ones(3)),
    ValueError,
    "X is all zero.*at least one non-zero",
)
for name, bad in [
    ("tensor", torch.eye(3, 2, dtype=torch.complex128) * (1 + 1j)),
    ("array", np.eye(3, 2) * (1 + 1j)),
    ("list", [[1 + 1j, 0.0], [0.0, 1.0], [1.0, 1.0]]),
]:
    case(
        f"descent_frame-X-complex-{name}",
        lambda b=bad: descent_frame(X=b, y=torch.ones(3)),
        TypeError,
        "X is complex.*X.real",
    )
case(
    "descent_frame-y-complex",
    lambda: descent_frame(X=torch.eye(3, 2), y=torch.ones(3) * 1j),
    TypeError,
    "y is complex",
)
case(
    "descent_frame-X-too-many-rows",
    lambda: descent_frame(X=torch.ones(100_001, 2), y=torch.ones(100_001)),
    ValueError,
    "100001 rows; this explorer draws at most 100000.*X\\[:100000\\]",
)


# --- issue 25 (robust): the explorers' other entry points -------------------------------------
XS = torch.tensor([1.0, 2.0], requires_grad=True)
SCALAR = (XS * XS).sum()  # a scalar with a history: what a learner passes for a trace
TRACE = trace(SCALAR, {"x": XS})
NEEDS_TRACE = "backward_frame needs a recorded backward pass.*trace\\(y\\)"
for name, bad in [
    ("tensor", SCALAR),
    ("engine-tensor", (engine.tensor([1.0, 2.0], requires_grad=True) ** 2).sum()),
    ("none", None),
    ("number", 3.0),
    ("graph", TRACE.graph),
]:
    case(f"backward_frame-trace-{name}", lambda b=bad: backward_frame(b), TypeError, NEEDS_TRACE)
STEP = "step should be a whole number from 0 to 2"
for name, bad, error in [
    ("past-the-end", 3, ValueError),
    ("negative", -1, ValueError),
    ("huge", 10**400, ValueError),
    ("float", 1.0, TypeError),
    ("text", "1", TypeError),
    ("bool", True, TypeError),
    ("tensor", torch.tensor(1), TypeError),
    ("none", None, TypeError),
]:
    case(f"backward_frame-step-{name}", lambda b=bad: backward_frame(TRACE, b), error, STEP)
for name, bad, error, hint in [
    ("list", [1.0], TypeError, "Expected a PyTorch tensor or an autograd_lab.engine tensor"),
    ("vector", XS * 2, ValueError, "should be a scalar.*\\(2,\\)"),
    ("leaf-vector", XS, ValueError, "should be a scalar"),
    ("no-history", torch.tensor(1.0), ValueError, "no history"),
    ("integer", torch.tensor(3), ValueError, "no history"),
]:
    case(f"trace-tensor-{name}", lambda b=bad: trace(b), error, hint)
    case(f"explore_backward-tensor-{name}", lambda b=bad: explore_backward(b), error, hint)
case("trace-names-list", lambda: trace(SCALAR, [XS]), TypeError, "names must be a dict")
# descend, the descent explorer's own loop, takes what descent_frame takes
for name, args, error, hint in [
    ("loss-3d", ("3d", 0.1, 5), ValueError, "loss should be one of '1d', '2d'; got '3d'"),
    ("loss-none", (None, 0.1, 5), TypeError, "loss should be one of"),
    ("lr-text", ("2d", "a", 5), TypeError, "lr is the text 'a'"),
    ("lr-nan", ("2d", math.nan, 5), ValueError, "NaN or infinity"),
    ("lr-negative", ("2d", -0.1, 5), ValueError, "lr should lie between 0.0 and 10.0"),
    ("steps-negative", ("2d", 0.1, -1), ValueError, "steps should be a whole number from 0 to 50"),
    ("steps-huge", ("2d", 0.1, 10**7), ValueError, "from 0 to 50; got 10000000"),
    ("steps-float", ("2d", 0.1, 2.5), TypeError, "steps should be a whole number"),
]:
    case(f"descend-{name}", lambda a=args: descend(*a), error, hint)
# data whose curvature under- or overflows float64 (or leaves no slider a sensible range)
SCALE = "X's numbers are too small or too large for this explorer.*X / X.abs\\(\\).max\\(\\)"
for name, factor in [("tiny", 1e-200), ("small", 1e-6), ("huge", 1e200), ("large", 1e8)]:
    bad_X = torch.eye(2, dtype=F64) * factor
    case(
        f"descent_frame-X-scale-{name}",
        lambda b=bad_X: descent_frame(X=b, y=torch.ones(2)),
        ValueError,
        SCALE,
    )
    case(
        f"explore_gradient_descent-X-scale-{name}",
        lambda b=bad_X: explore_gradient_descent(X=b, y=torch.ones(2)),
        ValueError,
        SCALE,
    )
case(
    "descent_frame-X-scale-overflow-both-signs",  # XᵀX would hold +inf and -inf
    lambda: descent_frame(X=torch.tensor([[1e200, -1e200], [1e200, 1e200]], dtype=F64), y=[1, 1]),
    ValueError,
    SCALE,
)
for name, bad in [("far", (1e300, 0.0)), ("three", (1.0, 2.0, 3.0)), ("text", "ab")]:
    case(
        f"descent_frame-start-{name}",
        lambda b=bad: descent_frame(X=torch.eye(2), y=torch.ones(2), start=b),
        ValueError,
        "start should be two finite numbers between -1e\\+06 and 1e\\+06",
    )
# the finite-difference explorer draws its V on many points at once: f must be element-wise
for name, f in [("sum", lambda t: t.sum()), ("cumsum", lambda t: t.cumsum(0))]:
    case(
        f"finite_difference_frame-f-{name}",
        lambda f=f: finite_difference_frame(1e-4, f),
        ValueError,
        "must act element-wise",
    )
    case(
        f"explore_finite_differences-f-{name}",
        lambda f=f: explore_finite_differences(1e-4, f),
        ValueError,
        "must act element-wise",
    )
case(
    "explore_finite_differences-f-np-sin",
    lambda: explore_finite_differences(1e-4, np.sin),
    TypeError,
    "torch operations.*not np.sin",
)
case(
    "explore_finite_differences-f-sqrt-at-0",
    lambda: explore_finite_differences(1e-4, torch.sqrt, 0.0),
    ValueError,
    UNDEFINED,
)
# a gradient check of many inputs would run for minutes, or hold a Jacobian beyond the memory
TOO_LARGE_CHECK = "this helper checks at most 1000 inputs and 1,000,000 Jacobian entries"
for name, f, n in [
    ("inputs", torch.sin, 1001),
    ("inputs-huge", torch.sin, 100_000),
    ("entries", lambda v: torch.outer(v, torch.ones(5000, dtype=F64)).reshape(-1), 500),
]:
    bad_x = torch.zeros(n, dtype=F64)
    case(f"check_grad-x-{name}", lambda f=f, b=bad_x: check_grad(f, b), ValueError, TOO_LARGE_CHECK)
    case(
        f"numerical_jacobian-x-{name}",
        lambda f=f, b=bad_x: numerical_jacobian(f, b),
        ValueError,
        TOO_LARGE_CHECK,
    )
# the lecture figures: a name, a figure, a path
UNKNOWN_FIGURE = "unknown figure .*: one of f1_chain_rule"
for name, bad in [("typo", "f9"), ("none", None), ("number", 1)]:
    case(f"figures.draw-name-{name}", lambda b=bad: figures.draw(b), ValueError, UNKNOWN_FIGURE)
    case(
        f"figures.figure_path-name-{name}",
        lambda b=bad: figures.figure_path(b, "en"),
        ValueError,
        UNKNOWN_FIGURE,
    )
for name, bad in [("none", None), ("axes", ax()), ("tensor", GOOD_X)]:
    case(
        f"figures.save-fig-{name}",
        lambda b=bad: figures.save(b, "figure.png"),
        TypeError,
        "save needs a matplotlib Figure",
    )
BAD_PATH = "path must be the path of a .png file"
for name, bad, error in [
    ("none", None, TypeError),
    ("number", 3, TypeError),
    ("no-folder", "no/such/folder/figure.png", ValueError),
    ("svg", "figure.svg", ValueError),
    ("no-suffix", "figure", ValueError),
]:
    case(
        f"figures.save-path-{name}",
        lambda b=bad: figures.save(Figure(), b),
        error,
        BAD_PATH,
    )
case(
    "Explorer-setting-unknown",
    lambda: explore_tangent().setting("h", 1.0),
    ValueError,
    "no control named 'h'; its controls are function, x0",
)

# The course engine's graph and the graph's own rows.
case(
    "to_graph-torch-tensor",
    lambda: engine.to_graph(torch.ones(2, requires_grad=True).sum()),
    TypeError,
    "to_graph needs a tensor of the course engine",
)
case(
    "to_graph-no-history",
    lambda: engine.to_graph(engine.tensor([1.0, 2.0])),
    ValueError,
    "no history",
)
case(
    "to_graph-names",
    lambda: engine.to_graph(engine.tensor(2.0, requires_grad=True) * 3, {"x": 3}),
    TypeError,
    "names must map strings to engine tensors",
)
case(
    "level_rows-none",
    lambda: autograd_lab.graph.level_rows(None, {}, 1),
    TypeError,
    "level_rows needs a Graph",
)


IDS = [c.id for c in CASES]
assert len(IDS) == len(set(IDS)), "duplicate case ids"


@functools.cache  # ~800 templates, looked up twice per case: compile each once
def _template_regex(template: str) -> re.Pattern:
    parts = []
    for literal, field, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if field is not None:
            parts.append(".*?")
    return re.compile("".join(parts), re.S)


def ours(message: str, language: str) -> bool:
    """Whether `message` is one of the package's sentences in `language`."""
    templates = list(lang.sentences(language).values())
    templates.append("unknown language {lang!r}: choose one of {choices}")  # language.check
    return any(_template_regex(t).fullmatch(message) for t in templates)


def raised(c: Case, language: str) -> pytest.ExceptionInfo:
    with lang.use(language), pytest.raises(Exception) as info:
        c.call()
    return info


def test_the_table_is_large():
    assert len(CASES) >= 150, len(CASES)


@pytest.mark.parametrize("c", CASES, ids=IDS)
def test_bad_input_is_refused_at_the_door(c):
    info = raised(c, "en")
    assert info.type is c.error, f"{info.type.__name__}: {info.value}"
    message = str(info.value)
    assert re.search(c.hint, message), message
    assert ours(message, "en"), f"not one of our messages: {message}"
    last = Path(traceback.extract_tb(info.tb)[-1].filename).resolve()
    assert PACKAGE in last.parents, f"raised in {last}, not by autograd_lab"
    chinese = raised(c, "zh")
    assert chinese.type is c.error
    if "unknown language" not in message:  # language.check names the codes, in English
        assert CJK.search(str(chinese.value)) and ours(str(chinese.value), "zh"), chinese.value


# --- nothing silently wrong: the issue's examples, checked on what comes out ---------------------


def test_numerical_jacobian_leaves_the_callers_x_alone_when_f_works_in_place():
    x = x64(1.0, 2.0)
    jac = numerical_jacobian(lambda v: v.mul_(3), x)
    assert torch.equal(x, x64(1.0, 2.0))
    assert torch.allclose(jac, 3 * torch.eye(2, dtype=F64))
    result = check_grad(lambda v: v.mul_(3), x)
    assert result.passed and torch.equal(x, x64(1.0, 2.0))


def test_the_identity_has_derivative_one():
    x = torch.linspace(-1, 1, 5)
    assert torch.equal(derivative(lambda v: v, x), torch.ones(5))
    assert tangent(lambda v: v, 2.0) == (2.0, 1.0)
    assert check_grad(lambda v: v, x64(1.0, 2.0)).passed


def test_an_in_place_f_gives_the_right_derivative():
    x = torch.linspace(-1, 1, 5)
    assert torch.allclose(derivative(lambda v: v.mul_(2).sin_(), x), 2 * torch.cos(2 * x))
    assert torch.equal(x, torch.linspace(-1, 1, 5))


def test_plot_tangent_takes_a_zero_d_x0_that_requires_grad():
    x0 = torch.tensor(1.0, requires_grad=True)
    axes = plot_tangent(torch.sin, x0, ax=ax())
    (_, y_t) = axes.get_lines()[1].get_data()
    assert len(y_t) == 81 and x0.grad is None
    assert tangent(torch.sin, x0) == pytest.approx((math.sin(1), math.cos(1)))


def test_one_number_keeps_to_its_range_in_the_language_asked_for():
    from autograd_lab.validation import one_number

    assert one_number(np.float32(0.5), "lr", "0.05", low=0.0, high=1.0, lang="en") == 0.5
    with pytest.raises(ValueError, match=r"^lr should lie between 0.0 and 1.0; got 2\.$"):
        one_number(torch.tensor(2.0), "lr", "0.05", low=0.0, high=1.0, lang="en")
    with pytest.raises(TypeError) as refused:
        one_number(torch.zeros(2), "lr", "0.05", lang="zh")
    assert lang.say(
        "errors.describe_tensor", "zh", kind="Tensor", shape=(2,), dtype=torch.float32
    ) in str(refused.value)


def test_plot_accepts_the_d2l_inputs():
    axes = plot(torch.arange(5), [torch.arange(5.0) ** 2, torch.arange(5.0)], axes=ax())
    assert len(axes.get_lines()) == 2
    plot(np.arange(3), np.array([[1, 2, 3], [4, 5, 6]]), legend=["a", "b"], axes=axes)
    assert len(axes.get_lines()) == 2


def test_use_course_style_outside_ipython_writes_no_ipython_history(tmp_path):
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "MPLCONFIGDIR": str(tmp_path / "mpl")}
    code = "from autograd_lab.fonts import use_course_style; use_course_style()"
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
    assert not (tmp_path / ".ipython").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["mpl"]


# --- graphs of any size: linear text, and a summary above what a person can read -------------


def chain(n: int) -> torch.Tensor:
    y = torch.tensor(0.5, requires_grad=True)
    for _ in range(n):
        y = torch.tanh(y)
    return y


def wide(n: int) -> torch.Tensor:
    x = torch.ones(n, requires_grad=True)
    return torch.stack([x[i] * i for i in range(n)]).sum()


@pytest.mark.slow
def test_a_large_graph_is_summarized_and_says_so():
    with lang.use("en"):
        text = graph_text(chain(20_000))
    lines = text.splitlines()
    assert lines[:3] == [
        "level 0: output  [output]",
        "level 1: TanhBackward0",
        "level 2: TanhBackward0",
    ]
    assert lines[-1] == "level 20001: leaf ()  [leaf]" and len(lines) == 7
    assert "19996 nodes in 19996 levels left out: the graph has 20002 nodes in 20002 levels" in text
    with lang.use("zh"):
        text = graph_text(chain(20_000))
    assert "省略了中间 19996 层" in text
    assert text.splitlines()[0].endswith(" 输出  [输出]")
    assert text.splitlines()[-1].endswith(" 叶子 ()  [叶子]")


def test_a_wide_graph_summarizes_each_level():
    with lang.use("en"):
        text = graph_text(wide(300))
    assert "MulBackward0, MulBackward0" in text and "292 more" in text
    assert max(map(len, text.splitlines())) < 400


def test_full_text_grows_linearly():
    sizes = {n: len(graph_text(chain(n), full=True)) for n in (2_000, 8_000)}
    assert sizes[8_000] < 4.5 * sizes[2_000]  # quadratic growth would give 16 times
    with lang.use("en"):
        deepest = graph_text(chain(2_000), full=True).splitlines()[-1]
    assert deepest.endswith("[2001] leaf ()  [leaf]") and len(deepest) < 250
    with lang.use("zh"):
        deepest = graph_text(chain(2_000), full=True).splitlines()[-1]
    assert deepest.endswith("[2001] 叶子 ()  [叶子]") and len(deepest) < 250


def test_drawing_a_large_graph_draws_a_summary():
    with lang.use("en"):
        axes = draw(chain(10_000))
    figure = axes.figure
    width, height = figure.get_size_inches()
    assert width < 20 and height < 10
    texts = [t.get_text() for t in axes.texts]
    assert len(texts) <= 2 * (3 + 3) * 10 + 1
    assert any("levels left out" in t for t in texts)
    import matplotlib.pyplot as plt

    plt.close(figure)


def test_drawing_a_small_graph_is_complete():
    x = torch.arange(4.0, requires_grad=True)
    axes = draw(2 * torch.dot(x, x), {"x": x}, ax=ax())
    assert not any("left out" in t.get_text() for t in axes.texts)
