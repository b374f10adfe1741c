"""The checks of "Check yourself" at the end of lesson 02: a step size, and the slope at kinks.

2.1 asks for the step of a central difference in float32 (the lesson chose one in float64):
the check judges it with the lesson's error model, truncation h²/6·|f'''| plus rounding
ε·|f|/h, and names the rule a wrong step came from. 2.2 asks what PyTorch reports at the kinks
of a function the lesson did not show: the check asks PyTorch itself (a release that changes a
convention changes the expected value with it) and compares the answer with the slopes that
the usual misconceptions give (one side of the kink, a difference quotient).
"""

from __future__ import annotations

import math

import torch

from autograd_lab.exercises import sandbox
from autograd_lab.exercises.feedback import not_attempted, right, wrong
from autograd_lab.exercises.sandbox import as_tensor, close
from autograd_lab.feedback import Feedback

# --- 2.1: a central-difference step for float32 -------------------------------------------------

EPS32 = torch.finfo(torch.float32).eps
EPS64 = torch.finfo(torch.float64).eps
X0 = 1.0  # f = exp at x0 = 1: f = f' = f''' = e
_WORSE = 5.0  # a step is good if its modelled error is within this factor of the best one


def _model_error(h: float) -> float:
    """The central difference's error for exp at 1 in float32: truncation plus rounding."""
    e = math.exp(X0)
    return h * h / 6 * e + EPS32 * e / h


def _best_error() -> float:
    return _model_error((3 * EPS32) ** (1 / 3))


def _near(h: float, rule: float) -> bool:
    """Whether `h` is within a factor 3 of the step a rule gives."""
    return abs(math.log10(h / rule)) < math.log10(3)


def check_step(h32: object) -> Feedback:
    """Check a step `h32` for a float32 central difference of exp at 1."""
    if sandbox.is_placeholder(h32):
        return not_attempted("2.1")
    value = as_tensor(h32)
    if value is None or value.numel() != 1 or value.is_complex():
        return wrong("2.1", "lesson02.step_not_number")
    h = float(value)
    if not math.isfinite(h) or h <= 0:
        return wrong("2.1", "lesson02.step_positive")
    if _model_error(h) <= _WORSE * _best_error():
        digits = -math.log10(_model_error(h) / math.exp(X0))
        return right("2.1", "lesson02.step_correct", h=f"{h:.1e}", digits=f"{digits:.1f}")
    if _near(h, EPS64 ** (1 / 3)):
        return wrong("2.1", "lesson02.step_float64")
    if _near(h, math.sqrt(EPS32)) or _near(h, math.sqrt(EPS64)):
        return wrong("2.1", "lesson02.step_forward_rule")
    if h < (3 * EPS32) ** (1 / 3):
        return wrong("2.1", "lesson02.step_too_small")
    return wrong("2.1", "lesson02.step_too_large")


# --- 2.2: what PyTorch reports at the kinks of a new function ------------------------------

POINTS = (0.0, 0.5, 1.0)


def kinked(x: torch.Tensor) -> torch.Tensor:
    """The function of exercise 2.2: relu(x) + maximum(x, 1 - x), kinks at 0 and 1/2."""
    return torch.relu(x) + torch.maximum(x, 1 - x)


def _slopes(fn, points: torch.Tensor) -> torch.Tensor:
    x = points.clone().requires_grad_(True)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad(fn(x).sum(), x)
    return grad


def _one_sided(points: torch.Tensor, side: float) -> torch.Tensor:
    """Each kink's slope on one side (side = +1: right, -1: left), by autograd just beside it."""
    return _slopes(kinked, points + side * 1e-3)


def _central(points: torch.Tensor) -> torch.Tensor:
    h = 1e-6
    with torch.no_grad():
        return (kinked(points + h) - kinked(points - h)) / (2 * h)


def check_kink(slopes: object) -> Feedback:
    """Check the three derivatives PyTorch reports for `kinked` at 0, 0.5 and 1."""
    if sandbox.is_placeholder(slopes):
        return not_attempted("2.2")
    got = as_tensor(slopes)
    if got is None or got.numel() != len(POINTS) or got.is_complex():
        return wrong("2.2", "lesson02.kink_shape", count=len(POINTS))
    got = got.reshape(-1).double()
    if bool(torch.isnan(got).any()):
        return wrong("2.2", "lesson02.kink_nan")
    points = torch.tensor(POINTS, dtype=torch.float64)
    actual = _slopes(kinked, points)
    if close(got, actual):
        return right("2.2", "lesson02.kink_correct")
    if close(got, _central(points), tol=1e-4):
        return wrong("2.2", "lesson02.kink_difference")
    if close(got, _one_sided(points, 1.0)) or close(got, _one_sided(points, -1.0)):
        return wrong("2.2", "lesson02.kink_one_side")
    wrong_at = [i for i in range(len(POINTS)) if not close(got[i], actual[i])]
    if wrong_at == [1]:  # only at the tie of maximum
        return wrong("2.2", "lesson02.kink_tie")
    if wrong_at == [0]:  # only at the kink of relu
        return wrong("2.2", "lesson02.kink_relu")
    return wrong("2.2", "lesson02.kink_wrong")
