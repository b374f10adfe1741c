"""Plot functions and the derivatives autograd computes for them.

`plot` is call-compatible with the book's `d2l.plot`, so the book's plotting code runs with
only the import changed. Every helper draws on the Axes it is given (or on a new figure) and
returns that Axes; nothing here changes matplotlib's global state or calls `plt.show()`.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import torch

from autograd_lab.fonts import course_rc
from autograd_lab.language import say

if TYPE_CHECKING:  # pyplot is imported only when a helper has to create a figure
    from matplotlib.axes import Axes

FMTS = ("-", "m--", "g-.", "r:")


def _family() -> list[str]:
    # Given explicitly to every text we create: a font list stored in the artist still holds
    # when the figure is drawn later, outside any rc_context.
    return course_rc()["font.sans-serif"]


def _new_axes(figsize) -> Axes:
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize)
    return ax


def _to_numpy(values, what: str) -> np.ndarray:
    """Turn a tensor (even one that requires grad), an array or a list into a NumPy array."""
    if isinstance(values, torch.Tensor):
        # plotting only needs the numbers: detach for the user instead of failing
        return values.detach().cpu().numpy()
    try:
        return np.asarray(
            [v.detach().cpu().item() if isinstance(v, torch.Tensor) else v for v in values]
            if isinstance(values, (list, tuple))
            else values,
            dtype=float,
        )
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{what} must be numbers: a list, a NumPy array or a tensor, got "
            f"{type(values).__name__} ({err})"
        ) from None


def _is_scalar(v) -> bool:
    return isinstance(v, numbers.Number) or (
        isinstance(v, (torch.Tensor, np.ndarray)) and v.ndim == 0
    )


def _series(values, what: str) -> list[np.ndarray]:
    """Split `values` into 1-D series the way d2l.plot does: rows of 2-D data, items of a list."""
    if isinstance(values, (torch.Tensor, np.ndarray)):
        arr = _to_numpy(values, what)
        if arr.ndim == 1:
            return [arr]
        if arr.ndim == 2:
            return list(arr)
        raise ValueError(
            f"{what} has shape {tuple(arr.shape)}: pass one curve as a 1-D tensor, "
            "several as a list of them (or as the rows of a 2-D tensor)"
        )
    if isinstance(values, (list, tuple)):
        if len(values) == 0:
            raise ValueError(f"{what} is empty: pass at least one point to plot")
        if all(_is_scalar(v) for v in values):
            return [_to_numpy(values, what)]
        return [_to_numpy(v, what).reshape(-1) for v in values]
    raise TypeError(
        f"{what} must be a list, a NumPy array or a tensor, got {type(values).__name__}"
    )


def _set_axes(ax, xlabel, ylabel, xlim, ylim, xscale, yscale, legend) -> None:
    family = _family()
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
    xs = _series(X, "X")
    if Y is None:  # plot the values of X against their index
        xs, ys = [np.empty(0)] * len(xs), xs
    else:
        ys = _series(Y, "Y")
    if len(xs) == 1 and len(ys) > 1:
        xs = xs * len(ys)
    if len(xs) != len(ys):
        raise ValueError(
            f"got {len(xs)} x-series for {len(ys)} y-series: pass one X shared by all curves, "
            "or one X per curve"
        )
    if len(ys) > len(fmts):
        raise ValueError(
            f"{len(ys)} curves but only {len(fmts)} formats: pass fmts=(...) with one format "
            "string per curve"
        )
    if legend is not None and len(legend) > len(ys):
        raise ValueError(f"{len(legend)} legend entries for {len(ys)} curves: give one per curve")
    if axes is None:
        axes = _new_axes(figsize)
    axes.cla()  # as in d2l.plot, which redraws the same axes in animations
    for x, y, fmt in zip(xs, ys, fmts, strict=False):
        if len(x) == 0:
            axes.plot(y, fmt)
        elif len(x) != len(y):
            raise ValueError(
                f"x has {len(x)} points but y has {len(y)}: evaluate f on the same x you plot"
            )
        else:
            axes.plot(x, y, fmt)
    _set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
    return axes


def _points(x) -> torch.Tensor:
    """A fresh floating-point tensor of the points, detached from any history."""
    if isinstance(x, torch.Tensor):
        x = x.detach()
        return x.clone() if x.is_floating_point() else x.to(torch.get_default_dtype())
    return torch.as_tensor(_to_numpy(x, "x"), dtype=torch.float64)


def _value_and_derivative(f: Callable, x) -> tuple[torch.Tensor, torch.Tensor]:
    if not callable(f):
        raise TypeError(
            f"f must be a function of a tensor, got {type(f).__name__}: pass the function "
            "itself, e.g. torch.sin or lambda x: 3 * x**2 - 4 * x, not its value"
        )
    x = _points(x).requires_grad_(True)
    try:
        y = f(x)
    except (TypeError, RuntimeError) as err:
        if "numpy" in str(err).lower() or "python scalar" in str(err).lower():
            raise TypeError(
                "f must compute with torch operations so autograd can follow it: write "
                f"torch.sin(x), not np.sin(x) or math.sin(x) ({err})"
            ) from err
        raise
    if not isinstance(y, torch.Tensor):
        raise TypeError(
            f"f returned {type(y).__name__}, not a tensor: build the result with torch "
            "operations, e.g. torch.sin(x) instead of math.sin(x)"
        )
    if y.shape != x.shape:
        raise ValueError(
            f"f must act element-wise: f(x) has shape {tuple(y.shape)} but x has shape "
            f"{tuple(x.shape)}; drop reductions such as .sum() (for a gradient of a scalar "
            "function use torch.autograd.grad)"
        )
    if y.grad_fn is None:
        raise ValueError(
            "f(x) has no autograd history: f must compute from x with torch operations "
            "(.item(), .numpy(), .detach() or torch.tensor(...) inside f cut the graph)"
        )
    (dy_dx,) = torch.autograd.grad(y, x, grad_outputs=torch.ones_like(y))
    return y.detach(), dy_dx


def derivative(f: Callable, x) -> torch.Tensor:
    """Return f'(x) at every point of x, by autograd, for an element-wise f."""
    return _value_and_derivative(f, x)[1]


def tangent(f: Callable, x0: float) -> tuple[float, float]:
    """Return (f(x0), f'(x0)) by autograd: the point and the slope of the tangent line."""
    if not _is_scalar(x0):
        raise TypeError(f"x0 must be one number, got {type(x0).__name__}: e.g. tangent(f, 1.0)")
    value, slope = _value_and_derivative(f, torch.tensor(float(x0), dtype=torch.float64))
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
    if len(labels) != 2 or len(fmts) != 2:
        raise ValueError("labels and fmts each need two entries: one for f, one for f'")
    y, dy_dx = _value_and_derivative(f, x)
    xs = _points(x).numpy()
    if ax is None:
        ax = _new_axes(figsize)
    family = _family()
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
    value, slope = tangent(f, x0)
    xs = _points(x).numpy() if x is not None else np.linspace(x0 - 2, x0 + 2, 81)
    if ax is None:
        ax = _new_axes(figsize)
    family = _family()
    if show_f:
        ax.plot(xs, _value_and_derivative(f, xs)[0].numpy(), "-", label="f(x)")
    line_label = label if label is not None else say("plotting.tangent_label", lang, x0=x0)
    ax.plot(xs, value + slope * (xs - x0), fmt, label=line_label)
    ax.plot([x0], [value], "o", color="black", markersize=4)
    ax.set_xlabel("x", family=family)
    ax.legend(prop={"family": family})
    ax.grid(True)
    return ax
