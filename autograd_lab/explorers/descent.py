"""The gradient-descent explorer: choose a learning rate and a number of steps, watch the path.

Two losses: a 1-D parabola, and Example 2 of the lecture, z = ‖Xw − y‖², with two parameters
(fitting a line w₀ + w₁·t to three points, or the learner's own X and y), drawn as contours.
Every gradient comes from autograd. A learning rate above 2/λ_max (λ_max the largest curvature
of the loss) makes every step overshoot by more than it gains: the path leaves the valley and
the loss grows; the frame draws that and says so.
"""

from __future__ import annotations

import math
import numbers
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
from autograd_lab.language import say
from autograd_lab.validation import check_storage, one_number

MAX_STEPS = 50
# The learner's data is drawn as contours of its loss; the loss on the grid is computed from
# XᵀX and Xᵀy, so memory does not grow with the rows, but X itself and the least-squares fit
# do: a cap keeps a frame within a few hundred MB (measured: see tests/test_explorers.py).
MAX_ROWS = 100_000
# The largest curvature the learner's data may give: beyond these the contours and the steps
# over- or underflow float64 (X of about 1e-200 or 1e200), or the learning rates that converge
# lie far from any a slider can hold.
CURVATURE = (1e-8, 1e12)
# How far from 0 a start may lie: the first step's loss must stay a float64 number.
MAX_START = 1e6
MAX_LR = 10.0
# Example 2 with two parameters: X has a column of ones and the times t = 0, 1, 2.
X = torch.tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], dtype=torch.float64)
Y = torch.tensor([1.0, 2.0, 2.0], dtype=torch.float64)


@dataclass(frozen=True)
class Loss:
    """A loss of the explorer: its function, start, curvature and slider range."""

    f: object
    start: tuple[float, ...]
    curvature: float  # λ_max, the largest eigenvalue of the Hessian
    lr: tuple[float, float, float, float]  # low, high, step, default
    steps: int  # default number of steps
    text: str  # mathtext, the same in every language
    data: tuple[torch.Tensor, torch.Tensor] | None = None  # X and y of a 2-D loss


@dataclass(frozen=True)
class Fit:
    """The least-squares picture of X (m, 2) and y: XᵀX, the best w, the loss there, λ_max."""

    gram: tuple[float, float, float]  # (XᵀX)₀₀, (XᵀX)₀₁, (XᵀX)₁₁
    best: tuple[float, float]
    floor: float
    curvature: float


def fit(X: torch.Tensor, Y: torch.Tensor) -> Fit:
    """Solve least squares for two parameters exactly the same way in every process.

    LAPACK's lstsq on the same 3×2 X gave two answers 2 ulp apart from call to call (about one
    call in three, at any thread count), which moved the contours by a fraction of a pixel and
    changed the frame's PNG. Here every sum is math.fsum (correctly rounded, whatever the order)
    and the 2×2 system is solved by formula.
    """
    a, b = (X[:, k].detach().to(torch.float64).numpy() for k in (0, 1))
    y = Y.detach().to(torch.float64).numpy()
    with np.errstate(all="ignore"):  # numbers near 1e200 overflow: refused by the caller
        products = (a * a, a * b, b * b, a * y, b * y)
    if not all(np.isfinite(p).all() for p in products):
        return Fit((math.inf,) * 3, (0.0, 0.0), math.inf, math.inf)
    g00, g01, g11, c0, c1 = (math.fsum(p) for p in products)
    det = g00 * g11 - g01 * g01
    if det > 1e-12 * g00 * g11:
        best = ((g11 * c0 - g01 * c1) / det, (g00 * c1 - g01 * c0) / det)
    elif g00 + g11 > 0:  # the columns are parallel: XᵀX = s·uuᵀ, the shortest best w is Xᵀy / s
        best = (c0 / (g00 + g11), c1 / (g00 + g11))
    else:  # X underflows to zero when squared (1e-200): the loss is flat, refused by the caller
        best = (0.0, 0.0)
    residual = a * best[0] + b * best[1] - y
    # the largest eigenvalue of 2XᵀX, by the formula for a symmetric 2×2 matrix
    curvature = g00 + g11 + math.hypot(g00 - g11, 2 * g01)
    return Fit((g00, g01, g11), best, math.fsum(residual * residual), curvature)


def quadratic(X: torch.Tensor, Y: torch.Tensor, start, lr=None) -> Loss:
    """Example 2 with two parameters, z = ‖Xw − y‖², for the data X (m, 2) and y (m,)."""
    curvature = fit(X, Y).curvature
    if lr is None:  # a slider from slow to just past divergence, in round steps
        limit = 2 / curvature
        step = float(10.0 ** np.floor(np.log10(limit / 10)))
        high = float(np.ceil(1.15 * limit / step) * step)
        lr = (step, high, step, float(max(np.round(0.35 * limit / step), 1) * step))
    return Loss(
        lambda w: ((X @ w - Y) ** 2).sum(),
        tuple(float(v) for v in start),
        curvature,
        lr,
        20,
        r"$z = \|Xw - y\|^2$",
        (X, Y),
    )


LOSSES = {
    "1d": Loss(
        lambda w: ((w - 2.0) ** 2).sum(),
        (-1.0,),
        2.0,
        (0.05, 1.1, 0.05, 0.1),
        10,
        r"$L(w) = (w - 2)^2$",
    ),
    "2d": quadratic(X, Y, (-1.0, 2.5), lr=(0.01, 0.16, 0.01, 0.05)),
}


def _data(X, y, lang: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The learner's X (m, 2) and y (m,) as float64 tensors, or a clear error."""
    arrays = []
    for name, value in (("X", X), ("y", y)):
        if isinstance(value, torch.Tensor):
            check_storage(value, name, lang)
            value = value.detach().cpu()
            # NumPy has no bfloat16: every real dtype goes through float64 on the torch side
            value = (value if value.is_complex() else value.to(torch.float64)).numpy()
        if np.iscomplexobj(value) or (
            isinstance(value, (list, tuple)) and np.iscomplexobj(np.asarray(value, dtype=object))
        ):  # NumPy would drop the imaginary part with only a warning
            raise TypeError(say("explorers.complex_data", lang, name=name))
        try:
            arrays.append(torch.as_tensor(np.asarray(value, dtype=np.float64)))
        except (TypeError, ValueError, OverflowError):
            raise TypeError(say("explorers.bad_data", lang, got=type(value).__name__)) from None
    X, y = arrays
    if X.ndim != 2 or X.shape[1] != 2 or tuple(y.shape) != (X.shape[0],) or not X.shape[0]:
        shapes = f"X {tuple(X.shape)}, y {tuple(y.shape)}"
        raise ValueError(say("explorers.bad_data", lang, got=shapes))
    if X.shape[0] > MAX_ROWS:
        raise ValueError(say("explorers.too_much_data", lang, rows=X.shape[0], limit=MAX_ROWS))
    if not (torch.isfinite(X).all() and torch.isfinite(y).all()):
        raise ValueError(say("explorers.bad_data", lang, got="inf/nan"))
    if not X.any():
        raise ValueError(say("explorers.zero_data", lang))
    curvature = fit(X, y).curvature
    if not CURVATURE[0] <= curvature <= CURVATURE[1]:  # also inf and NaN
        low, high = (f"{c:.0e}" for c in CURVATURE)
        got = f"{curvature:.3g}"
        raise ValueError(say("explorers.bad_scale", lang, curvature=got, low=low, high=high))
    return X, y


def problem(loss: str = "2d", X=None, y=None, start=None, *, lang: str | None = None) -> Loss:
    """The loss to descend: "1d", or "2d" (Example 2 with two parameters, or on your X and y)."""
    lang = resolve(lang)
    if not isinstance(loss, str) or loss not in LOSSES:
        choices = ", ".join(repr(name) for name in LOSSES)
        error = ValueError if isinstance(loss, str) else TypeError
        raise error(say("explorers.bad_loss", lang, choices=choices, got=repr(loss)))
    if loss == "1d" or (X is None and y is None and start is None):
        return LOSSES[loss]
    X, y = _data(LOSSES["2d"].data[0] if X is None else X, Y if y is None else y, lang)
    start = (0.0, 0.0) if start is None else start
    got = repr(start) if len(repr(start)) <= 60 else type(start).__name__
    try:
        start = tuple(float(v) for v in np.ravel(np.asarray(start, dtype=np.float64)))
    except (TypeError, ValueError, OverflowError):
        start = (start,)
    if len(start) != 2 or not all(np.isfinite(start) & (np.abs(start) <= MAX_START)):
        raise ValueError(say("explorers.bad_start", lang, limit=f"{MAX_START:.0e}", got=got))
    return quadratic(X, y, start)


def descend(loss, lr: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Run `steps` steps of gradient descent (gradients by autograd); return path and losses."""
    lang = resolve(None)
    spec = loss if isinstance(loss, Loss) else problem(loss, lang=lang)
    lr, steps = _check(lr, steps, lang, spec)
    w = torch.tensor(spec.start, dtype=torch.float64)
    path, losses = [w.clone()], []
    for _ in range(steps):
        w = w.detach().requires_grad_(True)
        value = spec.f(w)
        (grad,) = torch.autograd.grad(value, w)
        losses.append(value.item())
        w = w.detach() - lr * grad
        path.append(w.clone())
    losses.append(spec.f(w.detach()).item())
    return torch.stack(path).numpy(), np.array(losses)


def _check(lr, steps, lang: str, spec: Loss) -> tuple[float, int]:
    # a flat loss (small X) converges with large rates: its slider reaches past its limit 2/λ
    high = max(MAX_LR, 3 / spec.curvature)
    lr = one_number(lr, "lr", "0.05", low=0.0, high=high, lang=lang)
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(say("explorers.bad_steps", lang, high=MAX_STEPS, got=repr(steps)))
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(say("explorers.bad_steps", lang, high=MAX_STEPS, got=repr(steps)))
    return lr, int(steps)


def descent_frame(
    lr: float = 0.05,
    steps: int = 20,
    loss: str = "2d",
    X=None,
    y=None,
    start=None,
    *,
    lang: str | None = None,
) -> tuple[Figure, dict]:
    """Draw the gradient-descent path on the loss and the loss per step (X, y: your own data)."""
    lang = resolve(lang)
    spec = problem(loss, X, y, start, lang=lang)
    lr, steps = _check(lr, steps, lang, spec)
    path, losses = descend(spec, lr, steps)
    limit = 2 / spec.curvature
    diverged = bool(steps > 0 and losses[-1] > losses[0])
    if abs(lr - limit) < 1e-9:
        verdict = say("explorers.gd_edge", lang, limit=number(limit))
    elif lr > limit:
        verdict = say("explorers.gd_diverges", lang, limit=number(limit))
    else:
        verdict = say("explorers.gd_converges", lang, limit=number(limit))
    caption = [
        say(
            "explorers.gd_values",
            lang,
            lr=number(lr),
            steps=steps,
            loss=number(losses[-1]),
            start=number(losses[0]),
        ),
        verdict,
    ]
    values = {
        "loss": loss,
        "start": spec.start,
        "lr": lr,
        "steps": steps,
        "path": path,
        "losses": losses,
        "limit": limit,
        "diverged": diverged,
        "caption": caption,
    }

    fig = new_figure(7.2, 3.4)
    left, right = fig.subplots(1, 2, width_ratios=(1.35, 1))
    fonts = family()
    if spec.data is None:
        ws = np.linspace(-4.0, 8.0, 241)
        left.plot(ws, (ws - 2.0) ** 2, "-", color="#1f77b4", label=spec.text)
        left.plot(
            path[:, 0],
            losses,
            "o-",
            color="#d62728",
            markersize=3,
            linewidth=1,
            label=say("explorers.gd_path", lang),
        )
        left.set_xlim(-4.0, 8.0)
        left.set_ylim(-1.0, 37.0)
        left.set_xlabel("$w$")
    else:
        data_X, data_y = spec.data
        solved = fit(data_X, data_y)
        best = np.array(solved.best)
        if spec is LOSSES["2d"]:
            (x_low, x_high), (y_low, y_high) = (-3.0, 5.0), (-3.0, 4.0)
        else:  # a window around the minimum that holds the start with room to spare
            reach = float(np.abs(np.asarray(spec.start) - best).max()) * 1.5 + 1.0
            (x_low, x_high), (y_low, y_high) = ((c - reach, c + reach) for c in best)
        w0, w1 = np.meshgrid(np.linspace(x_low, x_high, 161), np.linspace(y_low, y_high, 141))
        floor = solved.floor
        # ‖Xw − y‖² = floor + (w − w*)ᵀ XᵀX (w − w*) at the least-squares w*: the grid needs
        # only the 2×2 XᵀX, where Xw over the grid would take grid points × rows of memory
        g00, g01, g11 = solved.gram
        d0, d1 = w0 - best[0], w1 - best[1]
        z = floor + g00 * d0**2 + 2 * g01 * d0 * d1 + g11 * d1**2
        levels = floor + np.geomspace(0.3, max(float(z.max()) - floor, 1.0), 12)
        left.contour(w0, w1, z, levels=levels, colors="#9aa9bd", linewidths=0.8)
        left.plot(
            path[:, 0],
            path[:, 1],
            "o-",
            color="#d62728",
            markersize=3,
            linewidth=1,
            label=say("explorers.gd_path", lang),
        )
        left.plot(
            [best[0]],
            [best[1]],
            "*",
            color="black",
            markersize=9,
            label=say("explorers.gd_minimum", lang),
        )
        left.set_xlim(x_low, x_high)
        left.set_ylim(y_low, y_high)
        left.set_xlabel("$w_0$")
        left.set_ylabel("$w_1$")
    left.plot(
        [path[0, 0]],
        [path[0, 1] if spec.data is not None else losses[0]],
        "s",
        color="#2ca02c",
        markersize=6,
        label=say("explorers.gd_start", lang),
    )
    left.set_title(spec.text, family=fonts)
    left.legend(loc="upper right", prop={"family": fonts, "size": 8})
    left.grid(True, alpha=0.3)

    right.semilogy(
        np.arange(len(losses)),
        np.maximum(losses, 1e-30),
        "o-",
        markersize=3,
        color="#d62728" if diverged else "#1f77b4",
    )
    right.set_xlabel(say("explorers.gd_step_axis", lang), family=fonts)
    right.set_ylabel(say("explorers.gd_loss_axis", lang), family=fonts)
    right.set_xlim(-0.5, max(steps, 1) + 0.5)
    right.grid(True, alpha=0.3)
    right.set_title(
        say("explorers.gd_title", lang, lr=number(lr), steps=steps),
        family=fonts,
        color="#d62728" if diverged else "black",
    )
    return fig, values


def explore_gradient_descent(
    loss: str = "2d",
    lr: float | None = None,
    steps: int | None = None,
    X=None,
    y=None,
    start=None,
    *,
    lang: str | None = None,
) -> Explorer:
    """A live gradient-descent explorer: the 1-D loss, or Example 2 in 2-D (on your X and y)."""
    lang = resolve(lang)
    spec = problem(loss, X, y, start, lang=lang)
    own = {"X": X, "y": y, "start": start}
    low, high, step, default = spec.lr
    lr, steps = _check(
        default if lr is None else lr, spec.steps if steps is None else steps, lang, spec
    )
    controls = (
        Control(
            "loss",
            "explorers.loss",
            "choice",
            options=(
                (say("explorers.loss_1d", lang), "1d"),
                (say("explorers.loss_2d", lang), "2d"),
            ),
        ),
        Control("lr", "explorers.lr", "float", low, high, step),
        Control("steps", "explorers.steps", "int", 0, MAX_STEPS),
    )

    def adjust(name: str, value, params: dict) -> tuple[dict, dict]:
        # A new loss brings its own range of learning rates: the other one's would diverge
        # at once (1-D) or barely move (2-D).
        if name != "loss":
            return params, {}
        chosen = problem(value, **own, lang=lang)
        low, high, step, default = chosen.lr
        params |= {"lr": default, "steps": chosen.steps}
        return params, {"lr": {"low": low, "high": high, "step": step}}

    # The tour: from slow, to fast, to past the limit 2/λ_max where the path diverges.
    if spec is LOSSES["1d"]:
        rates = (0.1, 0.3, 0.5, 0.8, 1.0, 1.05)
    elif spec is LOSSES["2d"]:
        rates = (0.02, 0.05, 0.1, 0.13, 0.14, 0.15)
    else:
        limit = 2 / spec.curvature
        shares = (0.15, 0.35, 0.7, 0.9, 1.1, 1.2)  # the last two past the limit
        rates = tuple(sorted({float(np.round(limit * k / step) * step) for k in shares}))
    return Explorer(
        kind="gradient_descent",
        controls=controls,
        render=descent_frame,
        params={"lr": lr, "steps": steps, "loss": loss, **own},
        tour=Tour("lr", rates, key=(0, len(rates) - 3, len(rates) - 1)),
        lang=lang,
        adjust=adjust,
    )
