"""The gradient-descent explorer: choose a learning rate and a number of steps, watch the path.

Two losses: a 1-D parabola, and Example 2 of the lecture, z = ‖Xw − y‖², with two parameters
(fitting a line w₀ + w₁·t to three points), drawn as contours. Every gradient comes from
autograd. A learning rate above 2/λ_max (λ_max the largest curvature of the loss) makes every
step overshoot by more than it gains: the path leaves the valley and the loss grows; the
frame draws that and says so.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure

from autograd_lab.explorers.explorer import (
    Control,
    Explorer,
    Tour,
    check_number,
    family,
    new_figure,
    number,
    resolve,
)
from autograd_lab.language import say

MAX_STEPS = 50
# Example 2 with two parameters: X has a column of ones and the times t = 0, 1, 2.
X = torch.tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], dtype=torch.float64)
Y = torch.tensor([1.0, 2.0, 2.0], dtype=torch.float64)


def loss_1d(w: torch.Tensor) -> torch.Tensor:
    """The 1-D loss L(w) = (w − 2)²."""
    return ((w - 2.0) ** 2).sum()


def loss_2d(w: torch.Tensor) -> torch.Tensor:
    """Example 2 with two parameters: z = ‖Xw − y‖²."""
    return ((X @ w - Y) ** 2).sum()


@dataclass(frozen=True)
class Loss:
    """A loss of the explorer: its function, start, curvature and slider range."""

    f: object
    start: tuple[float, ...]
    curvature: float  # λ_max, the largest eigenvalue of the Hessian
    lr: tuple[float, float, float, float]  # low, high, step, default
    steps: int  # default number of steps
    text: str  # mathtext, the same in every language


LOSSES = {
    "1d": Loss(loss_1d, (-1.0,), 2.0, (0.05, 1.1, 0.05, 0.1), 10, r"$L(w) = (w - 2)^2$"),
    "2d": Loss(
        loss_2d,
        (-1.0, 2.5),
        float(torch.linalg.eigvalsh(2 * X.T @ X).max()),
        (0.01, 0.16, 0.01, 0.05),
        20,
        r"$z = \|Xw - y\|^2$",
    ),
}


def descend(loss: str, lr: float, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """Run `steps` steps of gradient descent (gradients by autograd); return path and losses."""
    spec = LOSSES[loss]
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


def _check(loss, lr, steps, lang: str) -> tuple[str, float, int]:
    if loss not in LOSSES:
        choices = ", ".join(repr(name) for name in LOSSES)
        raise ValueError(say("explorers.bad_loss", lang, choices=choices, got=repr(loss)))
    lr = check_number("lr", lr, lang, "0.05", low=0.0, high=10.0)
    if isinstance(steps, bool) or not isinstance(steps, numbers.Integral):
        raise TypeError(say("explorers.bad_steps", lang, high=MAX_STEPS, got=repr(steps)))
    if not 0 <= steps <= MAX_STEPS:
        raise ValueError(say("explorers.bad_steps", lang, high=MAX_STEPS, got=repr(steps)))
    return loss, lr, int(steps)


def descent_frame(
    lr: float = 0.05, steps: int = 20, loss: str = "2d", *, lang: str | None = None
) -> tuple[Figure, dict]:
    """Draw the gradient-descent path on the loss and the loss per step."""
    lang = resolve(lang)
    loss, lr, steps = _check(loss, lr, steps, lang)
    spec = LOSSES[loss]
    path, losses = descend(loss, lr, steps)
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
    if loss == "1d":
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
        w0, w1 = np.meshgrid(np.linspace(-3.0, 5.0, 161), np.linspace(-3.0, 4.0, 141))
        grid = torch.tensor(np.stack([w0, w1], axis=-1), dtype=torch.float64)
        z = ((grid @ X.T - Y) ** 2).sum(-1).numpy()
        best = torch.linalg.lstsq(X, Y).solution.numpy()
        left.contour(w0, w1, z, levels=np.geomspace(0.3, 200, 12), colors="#9aa9bd", linewidths=0.8)
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
        left.set_xlim(-3.0, 5.0)
        left.set_ylim(-3.0, 4.0)
        left.set_xlabel("$w_0$")
        left.set_ylabel("$w_1$")
    left.plot(
        [path[0, 0]],
        [path[0, 1] if loss == "2d" else losses[0]],
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
    *,
    lang: str | None = None,
) -> Explorer:
    """A live gradient-descent explorer on the 1-D loss or Example 2 in 2-D."""
    lang = resolve(lang)
    if loss not in LOSSES:
        _check(loss, 0.1, 1, lang)
    spec = LOSSES[loss]
    low, high, step, default = spec.lr
    lr = default if lr is None else lr
    steps = spec.steps if steps is None else steps
    loss, lr, steps = _check(loss, lr, steps, lang)
    controls = (
        Control("loss", "loss", "choice", options=(("loss_1d", "1d"), ("loss_2d", "2d"))),
        Control("lr", "lr", "float", low, high, step),
        Control("steps", "steps", "int", 0, MAX_STEPS),
    )

    def adjust(name: str, value, params: dict) -> tuple[dict, dict]:
        # A new loss brings its own range of learning rates: the other one's would diverge
        # at once (1-D) or barely move (2-D).
        if name != "loss":
            return params, {}
        low, high, step, default = LOSSES[value].lr
        params |= {"lr": default, "steps": LOSSES[value].steps}
        return params, {"lr": {"low": low, "high": high, "step": step}}

    # The tour: from slow, to fast, to just past the limit where the path diverges.
    rates = {"1d": (0.1, 0.3, 0.5, 0.8, 1.0, 1.05), "2d": (0.02, 0.05, 0.1, 0.13, 0.14, 0.15)}
    return Explorer(
        kind="gradient_descent",
        controls=controls,
        render=descent_frame,
        params={"lr": lr, "steps": steps, "loss": loss},
        tour=Tour("lr", rates[loss], key=(0, 3, 5)),
        lang=lang,
        adjust=adjust,
    )
