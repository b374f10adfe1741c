"""The tangent explorer: move x₀ along f and watch the tangent autograd's derivative draws.

The menu holds smooth functions and two with a kink at 0 (|x| and ReLU), where the slope on
the left differs from the slope on the right and autograd has to pick one subgradient.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure

from autograd_lab.explorers.explorer import (
    Control,
    Explorer,
    Tour,
    new_figure,
    number,
    resolve,
)
from autograd_lab.fonts import family
from autograd_lab.language import say, use
from autograd_lab.plotting import curve, derivative, tangent
from autograd_lab.validation import one_number


@dataclass(frozen=True)
class Function:
    """A function of the menu: how it is written, computed, and where its kinks are."""

    text: str  # mathtext, the same in every language
    f: Callable
    kinks: tuple[float, ...] = ()


FUNCTIONS = {
    "sin": Function(r"$\sin x$", torch.sin),
    "parabola": Function(r"$3x^2 - 4x$", lambda x: 3 * x**2 - 4 * x),
    "abs": Function(r"$|x|$", torch.abs, kinks=(0.0,)),
    "relu": Function(r"$\mathrm{ReLU}(x)$", torch.relu, kinks=(0.0,)),
}
MENU_TEXT = {"sin": "sin(x)", "parabola": "3x² − 4x", "abs": "|x|", "relu": "ReLU(x)"}
X_RANGE = (-2.0, 2.0)  # where x₀ may go
X_STEP = 0.25  # a grid through 0, so the slider lands exactly on the kink
PLOT_RANGE = (-2.5, 2.5)
# One-sided slopes are read this far from a kink (the menu's kinks are piecewise linear).
SIDE = 1e-3


def _function(function, lang: str) -> Function:
    if isinstance(function, str) and function in FUNCTIONS:
        return FUNCTIONS[function]
    if callable(function) and not isinstance(function, str):
        return Function("$f(x)$", function)
    choices = ", ".join(repr(name) for name in FUNCTIONS)
    error = ValueError if isinstance(function, str) else TypeError
    raise error(say("explorers.bad_function", lang, choices=choices, got=repr(function)))


def tangent_frame(
    function: str | Callable = "sin", x0: float = 1.0, *, lang: str | None = None
) -> tuple[Figure, dict]:
    """Draw f and its tangent at x0 (slope by autograd); return the figure and its values."""
    lang = resolve(lang)
    fn = _function(function, lang)
    x0 = one_number(x0, "x0", "1.0", lang=lang)
    with use(lang):  # the helpers' own refusals, in the explorer's language
        value, slope = tangent(fn.f, x0)
    kink = any(abs(x0 - k) < 1e-12 for k in fn.kinks)
    values = {"function": function if isinstance(function, str) else "f", "x0": x0}
    values |= {"value": value, "slope": slope, "kink": kink}
    caption = [
        say(
            "explorers.tangent_values",
            lang,
            x0=number(x0),
            value=number(value),
            slope=number(slope),
        )
    ]
    if kink:
        sides = derivative(fn.f, torch.tensor([x0 - SIDE, x0 + SIDE], dtype=torch.float64))
        left, right = sides.tolist()
        values |= {"left": left, "right": right}
        caption.append(
            say(
                "explorers.tangent_kink",
                lang,
                left=number(left),
                right=number(right),
                slope=number(slope),
            )
        )
    values["caption"] = caption

    xs = np.linspace(*PLOT_RANGE, 201)
    with use(lang):  # f on the whole range, checked element-wise like the tangent's slope
        ys = curve(fn.f, torch.tensor(xs, dtype=torch.float64))
    fig = new_figure(5.6, 3.4)
    ax = fig.add_subplot()
    fonts = family()
    ax.plot(xs, ys, "-", color="#1f77b4", label=fn.text)
    ax.plot(
        xs,
        value + slope * (xs - x0),
        "--",
        color="#d62728",
        label=say("explorers.tangent_line", lang),
    )
    if kink:  # the slopes on either side: every line between them touches f only here
        for side_slope, part in ((values["left"], xs <= x0), (values["right"], xs >= x0)):
            ax.plot(
                xs[part],
                value + side_slope * (xs[part] - x0),
                ":",
                color="#7f7f7f",
                linewidth=1.5,
                label=say("explorers.tangent_sides", lang)
                if side_slope == values["left"]
                else None,
            )
    ax.plot([x0], [value], "o", color="black", markersize=5)
    low, high = _limits(ys, value)
    pad = 0.15 * (high - low or 1.0)
    ax.set_ylim(low - pad, high + pad)
    ax.set_xlim(*PLOT_RANGE)
    ax.set_xlabel("$x$")
    ax.set_title(
        say("explorers.tangent_title", lang, function=fn.text, x0=number(x0)), family=fonts
    )
    ax.grid(True, alpha=0.4)
    ax.legend(loc="upper left", prop={"family": fonts, "size": 9})
    return fig, values


def _limits(ys: np.ndarray, value: float) -> tuple[float, float]:
    """The range of f to show: all of it, or where f is undefined somewhere, its bulk."""
    finite = ys[np.isfinite(ys)]
    if finite.size == ys.size:
        return float(ys.min()), float(ys.max())
    # Near a pole (1/x, log at 0) the few values beside it would squash the rest of the
    # curve flat: keep the values within three interquartile ranges of the middle half.
    q1, q3 = np.percentile(finite, [25, 75])
    fence = 3 * (q3 - q1)
    kept = finite[(finite >= q1 - fence) & (finite <= q3 + fence)]
    return min(float(kept.min()), value), max(float(kept.max()), value)


def explore_tangent(
    function: str | Callable = "sin", x0: float = 1.0, *, lang: str | None = None
) -> Explorer:
    """A live tangent explorer: pick a function (|x| and ReLU have a kink), move x₀."""
    lang = resolve(lang)
    _function(function, lang)
    x0 = one_number(x0, "x0", "1.0", low=X_RANGE[0], high=X_RANGE[1], lang=lang)
    options = tuple((MENU_TEXT[name], name) for name in FUNCTIONS)
    if not isinstance(function, str):
        options += (("f(x)", function),)
    controls = (
        Control("function", "explorers.function", "choice", options=options),
        Control("x0", "explorers.x0", "float", *X_RANGE, X_STEP),
    )
    grid = tuple(float(v) for v in np.arange(X_RANGE[0], X_RANGE[1] + X_STEP / 2, 0.5))
    key = (1, 4, 7)
    if not isinstance(function, str):
        # the learner's f may be undefined on part of the range (sqrt, log): its tour visits
        # only the points with a tangent, and x0 must be one of them
        with use(lang):
            tangent(function, x0)
        defined = tuple(v for v in grid if _has_tangent(function, v)) or (x0,)
        if defined != grid:
            grid, key = defined, tuple(sorted({0, len(defined) // 2, len(defined) - 1}))
    return Explorer(
        kind="tangent",
        controls=controls,
        render=tangent_frame,
        params={"function": function, "x0": x0},
        tour=Tour("x0", grid, key=key),
        lang=lang,
    )


def _has_tangent(f: Callable, x0: float) -> bool:
    """Whether f has a finite value and slope at x0."""
    try:
        tangent(f, x0)
    except ValueError:
        return False
    return True
