"""Plot functions and the derivatives autograd computes for them.

`plot` is call-compatible with the book's `d2l.plot`, so the book's plotting code runs with
only the import changed. Every helper draws on the Axes it is given (or on a new figure) and
returns that Axes; nothing here changes matplotlib's global state or calls `plt.show()`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch

from autograd_lab.fonts import family as font_family
from autograd_lab.language import say
from autograd_lab.validation import (
    check_axes,
    check_bool,
    check_callable,
    check_choice,
    check_figsize,
    check_limits,
    check_str,
    check_strings,
    check_text,
    describe,
    fail,
    is_real_number,
    one_number,
    points,
    real_array,
)

if TYPE_CHECKING:  # pyplot is imported only when a helper has to create a figure
    from matplotlib.axes import Axes

FMTS = ("-", "m--", "g-.", "r:")
SCALES = ("linear", "log", "symlog", "logit")


def _new_axes(figsize) -> Axes:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def _is_scalar(v) -> bool:
    return is_real_number(v) or (isinstance(v, (torch.Tensor, np.ndarray)) and v.ndim == 0)


def _series(values, what: str) -> list[np.ndarray]:
    """Split `values` into 1-D series the way d2l.plot does: rows of 2-D data, items of a list."""
    if isinstance(values, (list, tuple)) and len(values) > 0 and not all(map(_is_scalar, values)):
        series = [real_array(v, what).reshape(-1) for v in values]
    else:
        arr = real_array(values, what)
        if arr.ndim > 2 or arr.ndim == 0:
            fail(ValueError, "errors.plot_ndim", name=what, shape=tuple(arr.shape))
        series = [arr] if arr.ndim == 1 else list(arr)
    if not series or any(len(s) == 0 for s in series):
        fail(ValueError, "errors.empty", name=what, minimum=1)
    return series


def _set_axes(ax, xlabel, ylabel, xlim, ylim, xscale, yscale, legend) -> None:
    family = font_family()
    ax.set_xlabel(xlabel, family=family)
    ax.set_ylabel(ylabel, family=family)
    ax.set_xscale(xscale)
    ax.set_yscale(yscale)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    if legend:
        ax.legend(legend, prop={"family": family})
    ax.grid(True)


def plot(
    X,
    Y=None,
    xlabel=None,
    ylabel=None,
    legend=None,
    xlim=None,
    ylim=None,
    xscale="linear",
    yscale="linear",
    fmts=FMTS,
    figsize=(3.5, 2.5),
    axes=None,
) -> Axes:
    """Plot one or several curves, like the book's d2l.plot; return the Axes."""
    check_axes(axes, "axes")
    for value, name in ((xlabel, "xlabel"), (ylabel, "ylabel")):
        check_text(value, name)
    xlim, ylim = check_limits(xlim, "xlim"), check_limits(ylim, "ylim")
    check_choice(xscale, "xscale", SCALES)
    check_choice(yscale, "yscale", SCALES)
    fmts = check_strings(fmts, "fmts", '("-", "m--")')
    if legend is not None:
        legend = check_strings(legend, "legend", '["f(x)", "g(x)"]')
    figsize = check_figsize(figsize)
    xs = _series(X, "X")
    if Y is None:  # plot the values of X against their index, as d2l.plot does
        xs, ys = [np.empty(0)] * len(xs), xs
    else:
        ys = _series(Y, "Y")
    if len(xs) == 1 and len(ys) > 1:
        xs = xs * len(ys)
    if len(xs) != len(ys):
        fail(ValueError, "errors.plot_series", xs=len(xs), ys=len(ys))
    if len(ys) > len(fmts):
        fail(ValueError, "errors.plot_formats", curves=len(ys), fmts=len(fmts))
    if legend is not None and len(legend) > len(ys):
        fail(ValueError, "errors.plot_legend", legend=len(legend), curves=len(ys))
    for x, y in zip(xs, ys, strict=True):
        if len(x) and len(x) != len(y):
            fail(ValueError, "errors.plot_lengths", nx=len(x), ny=len(y))
    if axes is None:
        axes = _new_axes(figsize)
    axes.cla()  # as in d2l.plot, which redraws the same axes in animations
    for x, y, fmt in zip(xs, ys, fmts, strict=False):
        if len(x) == 0:
            axes.plot(y, fmt)
        else:
            axes.plot(x, y, fmt)
    _set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
    return axes


# Messages of PyTorch and NumPy when f computes with NumPy or math on a tensor.
NOT_TORCH = ("numpy", "python scalar", "only one element tensors", "converted to python")


def _value_and_derivative(f: Callable, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """f(x) and f'(x) for checked points x (a fresh tensor) and a checked callable f."""
    x = x.requires_grad_(True)
    try:
        # A recorded copy: the identity then has a history, and an f working in place is fine.
        y = f(x.clone())
    except (TypeError, ValueError, RuntimeError) as err:
        text = str(err).lower()
        if any(hint in text for hint in NOT_TORCH):
            fail(TypeError, "errors.f_numpy", detail=f"{type(err).__name__}: {err}")
        if "in-place" in text or "inplace" in text:
            fail(ValueError, "errors.f_in_place", detail=str(err).splitlines()[0])
        raise  # a mistake inside f itself: the learner's own traceback shows it best
    if not isinstance(y, torch.Tensor):
        fail(TypeError, "errors.f_not_tensor", got=describe(y))
    if y.is_complex():
        fail(TypeError, "errors.f_complex")
    if y.shape != x.shape:
        fail(ValueError, "errors.f_elementwise", got=tuple(y.shape), expected=tuple(x.shape))
    if y.grad_fn is None:
        fail(ValueError, "errors.f_no_history")
    (dy_dx,) = torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y))
    return y.detach(), dy_dx


def derivative(f: Callable, x) -> torch.Tensor:
    """Return f'(x) at every point of x, by autograd, for an element-wise f."""
    check_callable(f, "f", "torch.sin")
    return _value_and_derivative(f, points(x))[1]


def tangent(f: Callable, x0: float) -> tuple[float, float]:
    """Return (f(x0), f'(x0)) by autograd: the point and the slope of the tangent line."""
    check_callable(f, "f", "torch.sin")
    x0 = one_number(x0, "x0", "tangent(f, 1.0)")
    value, slope = _value_and_derivative(f, torch.tensor(x0, dtype=torch.float64))
    return value.item(), slope.item()


def plot_with_derivative(
    f: Callable,
    x,
    ax: Axes | None = None,
    *,
    labels: Sequence[str] = ("f(x)", "f'(x)"),
    xlabel: str = "x",
    title: str | None = None,
    fmts: Sequence[str] = ("-", "m--"),
    figsize=(3.5, 2.5),
) -> Axes:
    """Draw f and its derivative computed by autograd on the points x; return the Axes."""
    check_callable(f, "f", "torch.sin")
    check_axes(ax)
    for value, name in ((labels, "labels"), (fmts, "fmts")):
        entries = check_strings(value, name, '("f(x)", "f\'(x)")')
        if len(entries) != 2:
            fail(ValueError, "errors.two_entries", name=name, got=describe(value))
    check_str(xlabel, "xlabel", '"x"')
    check_text(title, "title")
    figsize = check_figsize(figsize)
    xs = points(x, one_d=True, minimum=2)
    y, dy_dx = _value_and_derivative(f, xs.clone())
    xs = xs.numpy()
    if ax is None:
        ax = _new_axes(figsize)
    family = font_family()
    ax.plot(xs, y.numpy(), fmts[0], label=labels[0])
    ax.plot(xs, dy_dx.numpy(), fmts[1], label=labels[1])
    ax.set_xlabel(xlabel, family=family)
    if title is not None:
        ax.set_title(title, family=family)
    ax.legend(prop={"family": family})
    ax.grid(True)
    return ax


def plot_tangent(
    f: Callable,
    x0: float,
    x=None,
    ax: Axes | None = None,
    *,
    label: str | None = None,
    show_f: bool = True,
    fmt: str = "r:",
    figsize=(3.5, 2.5),
    lang: str | None = None,
) -> Axes:
    """Draw the tangent line of f at x0 (slope by autograd), and f itself; return the Axes."""
    check_callable(f, "f", "torch.sin")
    x0 = one_number(x0, "x0", "plot_tangent(f, 1.0)")
    check_axes(ax)
    check_text(label, "label")
    check_bool(show_f, "show_f")
    check_str(fmt, "fmt", '"r:"')
    figsize = check_figsize(figsize)
    grid = points(x, one_d=True, minimum=2) if x is not None else None
    value, slope = tangent(f, x0)
    xs = grid.numpy() if grid is not None else np.linspace(x0 - 2, x0 + 2, 81)
    if ax is None:
        ax = _new_axes(figsize)
    family = font_family()
    if show_f:
        curve = _value_and_derivative(f, torch.as_tensor(xs).clone())[0]
        ax.plot(xs, curve.numpy(), "-", label="f(x)")
    line_label = label if label is not None else say("plotting.tangent_label", lang, x0=x0)
    ax.plot(xs, value + slope * (xs - x0), fmt, label=line_label)
    ax.plot([x0], [value], "o", color="black", markersize=4)
    ax.set_xlabel("x", family=family)
    ax.legend(prop={"family": family})
    ax.grid(True)
    return ax
