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
    check_fmt,
    check_limits,
    check_mathtext,
    check_str,
    check_strings,
    check_text,
    describe,
    fail,
    is_real_number,
    one_number,
    points,
    real_array,
    refusing_numbers,
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


def _covers_data(ax, legend) -> bool:
    """Whether the drawn legend's box lies on any line of the Axes."""
    box = legend.get_window_extent()
    for line in ax.get_lines():
        path = line.get_transform().transform_path(line.get_path())
        if path.intersects_bbox(box, filled=False):
            return True
    return False


def _place_legend(ax, labels=None) -> None:
    """Draw the legend where matplotlib finds room, or above the Axes when every spot is on data.

    "best" only picks the least covered of nine spots: with periodic or space-filling curves
    (sin beside cos) all nine are on a curve, and the legend hides what the figure shows.
    """
    family = font_family()
    root = ax.figure.figure  # the whole Figure, also for an Axes on a SubFigure (matplotlib 3.9+)
    args = () if labels is None else (labels,)
    legend = ax.legend(*args, prop={"family": family}, loc="best")
    root.draw_without_rendering()  # resolves "best" and measures the texts
    if not _covers_data(ax, legend):
        return
    legend.remove()
    handles, names = ax.get_legend_handles_labels() if labels is None else (ax.get_lines(), labels)
    legend = ax.legend(
        handles[: len(names)],
        names,
        prop={"family": family},
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=len(names),
        frameon=False,
        borderaxespad=0.2,
    )
    title = ax.title
    if title.get_text():  # a title goes above the row of the legend, not under it
        root.draw_without_rendering()
        height = legend.get_window_extent().height * 72 / root.dpi
        title.set_y(1.0)
        ax.set_title(title.get_text(), pad=height + 6.0, family=family)


def _set_axes(ax, xlabel, ylabel, xlim, ylim, xscale, yscale, legend) -> None:
    family = font_family()
    ax.set_xlabel(xlabel, family=family)
    ax.set_ylabel(ylabel, family=family)
    ax.set_xscale(xscale)
    ax.set_yscale(yscale)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    if legend:
        _place_legend(ax, legend)
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
        check_mathtext(value, name)
    xlim, ylim = check_limits(xlim, "xlim"), check_limits(ylim, "ylim")
    check_choice(xscale, "xscale", SCALES)
    check_choice(yscale, "yscale", SCALES)
    fmts = check_strings(fmts, "fmts", '("-", "m--")')
    if legend is not None:
        legend = check_strings(legend, "legend", '["f(x)", "g(x)"]')
        for entry in legend:
            check_mathtext(entry, "legend")
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
    for fmt in fmts[: len(ys)]:  # the formats drawn; d2l.plot ignores the rest
        check_fmt(fmt, "fmts")
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
    with refusing_numbers():
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
    (dy_dx,) = torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y), retain_graph=True)
    _check_elementwise(y, x, dy_dx)
    return y.detach(), dy_dx


def _check_elementwise(y: torch.Tensor, x: torch.Tensor, dy_dx: torch.Tensor) -> None:
    """Refuse an f whose Jacobian is not diagonal: its "derivative" Jᵀ·1 would be wrong."""
    # For an element-wise f the Jacobian J is diagonal, so Jᵀv = dy_dx · v for every v. One
    # more backward pass with a random v (a private generator: the learner's seed is
    # untouched) tells cumsum, softmax or x - x.mean() apart from sin.
    if x.numel() < 2:
        return
    generator = torch.Generator().manual_seed(0)
    v = (1 + torch.rand(x.shape, generator=generator, dtype=torch.float64)).to(y.dtype)
    (jtv,) = torch.autograd.grad(y, x, grad_outputs=v)
    expected = dy_dx * v
    finite = torch.isfinite(expected) & torch.isfinite(jtv)
    if not torch.equal(finite, torch.isfinite(expected) | torch.isfinite(jtv)):
        fail(ValueError, "errors.f_mixes_elements")
    # the two products round differently: allow a few times the dtype's rounding
    rtol = 64 * torch.finfo(y.dtype).eps if y.is_floating_point() else 0.0
    scale = float(expected[finite].abs().max()) if bool(finite.any()) else 0.0
    close = torch.isclose(jtv[finite], expected[finite], rtol=rtol, atol=rtol * scale)
    if not bool(close.all()):
        fail(ValueError, "errors.f_mixes_elements")


def _numpy(values: torch.Tensor) -> np.ndarray:
    """Numbers for matplotlib; NumPy has no bfloat16, so low precision is widened first."""
    if values.dtype in (torch.float16, torch.bfloat16):
        values = values.to(torch.float32)
    return values.detach().numpy()


def derivative(f: Callable, x) -> torch.Tensor:
    """Return f'(x) at every point of x, by autograd, for an element-wise f."""
    check_callable(f, "f", "torch.sin")
    return _value_and_derivative(f, points(x))[1]


def curve(f: Callable, x: torch.Tensor) -> np.ndarray:
    """Return f(x) for drawing, f checked like `derivative` checks it; NaN where f is undefined."""
    check_callable(f, "f", "torch.sin")
    y = _numpy(_value_and_derivative(f, points(x))[0])
    # matplotlib leaves a gap at NaN; an infinity (1/x at 0) would reach the axis limits
    return np.where(np.isfinite(y), y, np.nan)


def tangent(f: Callable, x0: float) -> tuple[float, float]:
    """Return (f(x0), f'(x0)) by autograd: the point and the slope of the tangent line."""
    check_callable(f, "f", "torch.sin")
    x0 = one_number(x0, "x0", "tangent(f, 1.0)")
    value, slope = _value_and_derivative(f, torch.tensor(x0, dtype=torch.float64))
    value, slope = value.item(), slope.item()
    if not (np.isfinite(value) and np.isfinite(slope)):  # sqrt at -1 or 0, log at 0, 1/x at 0
        fail(ValueError, "errors.f_undefined_at", x0=f"{x0:g}", value=value, slope=slope)
    return value, slope


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
    for label in labels:
        check_mathtext(label, "labels")
    for fmt in fmts:
        check_fmt(fmt, "fmts")
    check_str(xlabel, "xlabel", '"x"')
    check_mathtext(xlabel, "xlabel")
    check_text(title, "title")
    check_mathtext(title, "title")
    figsize = check_figsize(figsize)
    xs = points(x, one_d=True, minimum=2)
    y, dy_dx = _value_and_derivative(f, xs.clone())
    xs = _numpy(xs)
    if ax is None:
        ax = _new_axes(figsize)
    family = font_family()
    ax.plot(xs, _numpy(y), fmts[0], label=labels[0])
    ax.plot(xs, _numpy(dy_dx), fmts[1], label=labels[1])
    ax.set_xlabel(xlabel, family=family)
    if title is not None:
        ax.set_title(title, family=family)
    _place_legend(ax)
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
    check_mathtext(label, "label")
    check_bool(show_f, "show_f")
    check_str(fmt, "fmt", '"r:"')
    check_fmt(fmt, "fmt")
    figsize = check_figsize(figsize)
    grid = points(x, one_d=True, minimum=2) if x is not None else None
    value, slope = tangent(f, x0)
    xs = _numpy(grid) if grid is not None else np.linspace(x0 - 2, x0 + 2, 81)
    # f on the whole grid even when it is not drawn: a tangent of an f that mixes elements
    # (cumsum) would not touch the curve f draws, so such an f is refused here
    ys = curve(f, torch.as_tensor(xs))
    if ax is None:
        ax = _new_axes(figsize)
    family = font_family()
    if show_f:
        ax.plot(xs, ys, "-", label="f(x)")
    line_label = label if label is not None else say("plotting.tangent_label", lang, x0=x0)
    ax.plot(xs, value + slope * (xs - x0), fmt, label=line_label)
    ax.plot([x0], [value], "o", color="black", markersize=4)
    ax.set_xlabel("x", family=family)
    _place_legend(ax)
    ax.grid(True)
    return ax
