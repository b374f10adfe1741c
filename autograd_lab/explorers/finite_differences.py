"""The finite-difference explorer: move h on a log scale along the V of the error curve.

Forward and central differences of f at x are compared with autograd's derivative, in
float64. The V is drawn on a fixed grid of step sizes; the chosen h is marked on it and its
errors are computed on their own, exactly as a learner would write them.
"""

from __future__ import annotations

import math

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
from autograd_lab.explorers.tangent import FUNCTIONS, MENU_TEXT, _function
from autograd_lab.fonts import family
from autograd_lab.language import say, use
from autograd_lab.plotting import curve, tangent
from autograd_lab.validation import one_number

EXPONENTS = (-16.0, -1.0)  # h from 1e-16 to 1e-1
EXPONENT_STEP = 0.25
GRID = torch.tensor([10.0**e for e in np.arange(-16.0, -0.99, 0.25)], dtype=torch.float64)
# An error of exactly 0 (the difference happened to round onto the answer) has no place on a
# log axis: it is drawn at this floor instead.
FLOOR = 1e-18
# The top of the error axis is 1; larger errors (up to 1e308 for exp near its overflow) are
# drawn at CEILING, off the top, so that matplotlib's log transform never overflows.
CEILING = 10.0
EPS = torch.finfo(torch.float64).eps
MENU = {fn.f for fn in FUNCTIONS.values()}


def differences(f, x0: float, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Forward and central differences of f at x0 for each step in h, and autograd's f'(x0)."""
    # float64 throughout: a float32 h would pull x + h down to float32 (a 0-d x does not
    # decide the dtype), and its rounding error would drown the V.
    h = torch.as_tensor(h, dtype=torch.float64)
    # autograd's slope through the tangent helper: an f written with NumPy, or one undefined
    # at x0, is refused there with a clear message before any difference is taken
    exact = tangent(f, x0)[1]
    x = torch.tensor(x0, dtype=torch.float64)
    forward = (f(x + h) - f(x)) / h
    central = (f(x + h) - f(x - h)) / (2 * h)
    return forward, central, exact


def finite_difference_frame(
    h: float = 1e-4, function: str = "sin", x0: float = 1.0, *, lang: str | None = None
) -> tuple[Figure, dict]:
    """Draw the forward/central difference errors against h, the chosen h marked."""
    lang = resolve(lang)
    fn = _function(function, lang)
    h = one_number(h, "h", "1e-4", low=10.0 ** EXPONENTS[0] * 0.999, high=1.0, lang=lang)
    x0 = one_number(x0, "x0", "1.0", lang=lang)
    step = torch.tensor([h], dtype=torch.float64)
    with use(lang):  # the helpers' own refusals, in the explorer's language
        forward, central, exact = differences(fn.f, x0, step)
        if fn.f not in MENU:
            # the V evaluates f on many points at once: an f that mixes elements (cumsum, a
            # sum) would draw a wrong V without a word, so it is refused like in `derivative`
            curve(fn.f, x0 + torch.cat([GRID, -GRID]))
    err_forward = abs(forward.item() - exact)
    err_central = abs(central.item() - exact)
    # each method's name, and the h where its V bottoms out
    methods = {"explorers.fd_forward": math.sqrt(EPS), "explorers.fd_central": EPS ** (1 / 3)}
    caption = [
        say(
            "explorers.fd_values",
            lang,
            h=f"{h:.0e}",
            forward=number(err_forward),
            central=number(err_central),
            exact=number(exact),
        )
    ]
    for method, best in methods.items():
        regime = "explorers.fd_truncation" if h > best else "explorers.fd_rounding"
        caption.append(say(regime, lang, method=say(method, lang)))
    values = {
        "h": h,
        "x0": x0,
        "exact": exact,
        "forward": forward.item(),
        "central": central.item(),
        "err_forward": err_forward,
        "err_central": err_central,
        "caption": caption,
    }

    grid_forward, grid_central, _ = differences(fn.f, x0, GRID)
    fig = new_figure(5.6, 3.6)
    ax = fig.add_subplot()
    fonts = family()
    hs = GRID.numpy()
    for errors, style, method in [
        ((grid_forward - exact).abs(), "-", "explorers.fd_forward"),
        ((grid_central - exact).abs(), "--", "explorers.fd_central"),
    ]:
        # an f that overflows at x0 + h (exp near 709) has no error to draw there: a gap
        shown = torch.where(errors.isfinite(), errors.clamp(FLOOR, CEILING), torch.nan)
        ax.plot(hs, shown.numpy(), style, label=say(method, lang))
    ax.axvline(h, color="#555555", linewidth=1, linestyle=":")
    for error, marker, colour in ((err_forward, "o", "#1f77b4"), (err_central, "s", "#ff7f0e")):
        if math.isfinite(error):
            ax.plot([h], [min(max(error, FLOOR), CEILING)], marker, color=colour, markersize=6)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(FLOOR / 3, 1.0)
    ax.set_xlabel(say("explorers.fd_xlabel", lang), family=fonts)
    ax.set_ylabel(say("explorers.fd_ylabel", lang), family=fonts)
    ax.set_title(
        say("explorers.fd_title", lang, function=fn.text, x0=number(x0), h=_power(h)),
        family=fonts,
    )
    ax.grid(True, alpha=0.4)
    ax.legend(loc="lower left", prop={"family": fonts, "size": 9})
    return fig, values


def _power(h: float) -> str:
    """h as mathtext, e.g. $10^{-4}$ or $3.2 \\times 10^{-5}$."""
    exponent = math.floor(math.log10(h))
    mantissa = h / 10.0**exponent
    if abs(mantissa - 1) < 1e-9:
        return f"$10^{{{exponent}}}$"
    return f"${mantissa:.1f} \\times 10^{{{exponent}}}$"


def explore_finite_differences(
    h: float = 1e-4, function: str = "sin", x0: float = 1.0, *, lang: str | None = None
) -> Explorer:
    """A live finite-difference explorer: move h and watch both errors along the V."""
    lang = resolve(lang)
    _function(function, lang)
    h = one_number(h, "h", "1e-4", low=10.0 ** EXPONENTS[0] * 0.999, high=1e-1 * 1.001, lang=lang)
    x0 = one_number(x0, "x0", "1.0", lang=lang)
    options = tuple((MENU_TEXT[name], name) for name in FUNCTIONS)
    if not isinstance(function, str):
        # the learner's f: refused now if it cannot be drawn, not when the notebook shows it;
        # the menu holds it too (a menu without the current value cannot be built)
        finite_difference_frame(h, function, x0, lang=lang)
        options += (("f(x)", function),)
    controls = (
        Control("h", "explorers.h", "log", *EXPONENTS, EXPONENT_STEP),
        Control(
            "function",
            "explorers.function",
            "choice",
            options=options,
        ),
    )
    steps = (1e-1, 1e-3, 1e-5, 1e-8, 1e-11, 1e-14, 1e-16)
    return Explorer(
        kind="finite_differences",
        controls=controls,
        render=finite_difference_frame,
        params={"h": h, "function": function, "x0": x0},
        tour=Tour("h", steps, key=(0, 3, 6)),
        lang=lang,
    )
