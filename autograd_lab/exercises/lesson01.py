"""The checks of the exercises at the end of lesson 01: accumulation, and vᵀJ across a split graph.

Exercise 1.1 asks for one backward pass per part of a loss, the gradients accumulating in `w.grad`
after an old gradient was cleared; the check counts the passes that reach `w` (`BackwardProbe`)
and compares `w.grad` with what those passes brought. Exercise 1.2 asks for dL/dx when only the
gradient of the loss with respect to a stage's output is known; any autograd route to the value
passes. Both checks run the answer on inputs of their own as well.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torch

from autograd_lab.exercises import sandbox
from autograd_lab.exercises.checks import failed, unanswered
from autograd_lab.exercises.feedback import right, wrong
from autograd_lab.exercises.probes import BackwardProbe, Watch
from autograd_lab.exercises.sandbox import as_tensor, close
from autograd_lab.feedback import Feedback

TOTAL_GRAD, BACKPROP_STAGE = "1.1", "1.2"

# --- exercise 1.1: a loss in parts, one backward pass each ---------------------------------------

Loss = Callable[[torch.Tensor], torch.Tensor]


def _parts_cases() -> list[tuple[torch.Tensor, torch.Tensor, tuple[Loss, ...]]]:
    """(w, the old gradient left in w.grad, the parts of the loss); the first is the one shown."""
    shown = (
        torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64),
        torch.tensor([3.0, 3.0, 3.0], dtype=torch.float64),
        (
            lambda w: (w * w).sum(),
            lambda w: w[0] * w[1],
            lambda w: 3 * w.sum(),
        ),
    )
    hidden = [
        (
            torch.tensor([[0.5, -1.0], [2.0, 1.5]], dtype=torch.float64),
            torch.tensor([[-1.0, 2.0], [0.25, 4.0]], dtype=torch.float64),
            (lambda w: torch.sin(w).sum(), lambda w: (w[0] @ w[1]) ** 2),
        ),
        (
            torch.tensor([0.25, -0.75, 1.25, 2.0], dtype=torch.float64),
            torch.tensor([1.0, -1.0, 2.0, 0.5], dtype=torch.float64),
            (
                lambda w: w.exp().sum(),
                lambda w: (w[1:] - w[:-1]).abs().sum(),
                lambda w: -w.prod(),
                lambda w: (w**3).mean(),
            ),
        ),
    ]
    return [shown, *hidden]


def _sum_gradient(w: torch.Tensor, losses: tuple[Loss, ...]) -> torch.Tensor:
    """The gradient of the sum of the parts at `w`, by autograd."""
    leaf = w.clone().requires_grad_(True)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad(sum(loss(leaf) for loss in losses), leaf)
    return grad


def _keep(kept: list[torch.Tensor], leaf: torch.Tensor) -> None:
    kept.append(leaf.grad.detach().clone())


def check_total_grad(total_grad: object) -> Feedback:
    """Check `total_grad(w, losses)`: old gradient cleared, a backward per part, w.grad returned."""
    if (verdict := unanswered(TOTAL_GRAD, total_grad, "lesson01.total_not_callable")) is not None:
        return verdict
    for values, old, losses in _parts_cases():
        expected = _sum_gradient(values, losses)
        w = values.clone().requires_grad_(True)
        w.grad = old.clone()
        probe = BackwardProbe(w)
        kept: list[torch.Tensor] = []  # w.grad after each accumulation by a backward pass
        handle = w.register_post_accumulate_grad_hook(partial(_keep, kept))

        def attempt(w=w, losses=losses, probe=probe):
            with torch.enable_grad(), probe.watching():
                return total_grad(w, list(losses))

        outcome = sandbox.run(attempt)
        probe.close()
        handle.remove()
        if not outcome.ok:
            return failed(TOTAL_GRAD, outcome, "total_grad(w, losses)")
        if probe.count == 0:
            return wrong(TOTAL_GRAD, "lesson01.total_no_backward")
        if outcome.value is None:
            return wrong(TOTAL_GRAD, "exercises.returned_none", function="total_grad")
        result = as_tensor(outcome.value)
        if result is None or result.shape != w.shape:
            return wrong(TOTAL_GRAD, "lesson01.total_shape", shape=tuple(w.shape))
        if w.grad is None or not close(result, w.grad.detach(), tol=0.0):
            return wrong(TOTAL_GRAD, "lesson01.total_not_grad")
        if not kept or not close(result, kept[-1], tol=0.0):  # not what backward left there
            return wrong(TOTAL_GRAD, "lesson01.total_by_hand")
        if len(kept) < len(losses):
            return wrong(TOTAL_GRAD, "lesson01.total_one_pass", parts=len(losses))
        if len(kept) > len(losses):
            return wrong(TOTAL_GRAD, "lesson01.total_too_many", count=len(kept))
        brought = torch.stack(probe.gradients[-len(kept) :]).sum(0)
        if close(result, old + brought, tol=1e-12):
            return wrong(TOTAL_GRAD, "lesson01.total_stale")
        if close(result, probe.gradients[-1], tol=1e-12):
            return wrong(TOTAL_GRAD, "lesson01.total_overwritten")
        if not close(result, brought, tol=1e-12):  # changed between the passes
            return wrong(TOTAL_GRAD, "lesson01.total_by_hand")
        if close(result, expected / len(losses)):
            return wrong(TOTAL_GRAD, "lesson01.total_divided")
        if not close(result, expected):
            return wrong(TOTAL_GRAD, "lesson01.total_mismatch")
    return right(TOTAL_GRAD, "lesson01.total_correct")


# --- exercise 1.2: the gradient of a stage, given the gradient at its output ---------------------

_A = torch.tensor([[1.0, -1.0, 0.5, 2.0], [0.0, 1.0, -2.0, 1.0], [1.5, 0.5, 1.0, -1.0]])
_A = _A.double()


def _stage_cases() -> list[tuple[Callable, torch.Tensor, torch.Tensor]]:
    """(stage, x, dL/dy at the stage's output); the first is the one shown."""
    x = torch.tensor([[0.5, -1.0, 2.0], [1.0, 0.25, -0.5]], dtype=torch.float64)
    return [
        (
            lambda x: torch.tanh(x @ _A),
            x,
            torch.tensor([[1.0, 0.0, -2.0, 0.5], [0.0, 3.0, 1.0, -1.0]], dtype=torch.float64),
        ),
        (
            lambda x: (x * x).sum(dim=1),
            x.flip(1),
            torch.tensor([2.0, -0.5], dtype=torch.float64),
        ),
        (
            lambda x: x.exp() * x.flip(0),
            x * 0.5,
            torch.tensor([[1.0, -1.0, 0.5], [2.0, 0.0, -3.0]], dtype=torch.float64),
        ),
    ]


def _vjp(stage: Callable, x: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    leaf = x.clone().requires_grad_(True)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad(stage(leaf), leaf, v)
    return grad


def check_backprop_stage(backprop_stage: object) -> Feedback:
    """Check `backprop_stage(x, stage, dL_dy)`, which returns dL/dx for L downstream of stage(x)."""
    if (
        verdict := unanswered(BACKPROP_STAGE, backprop_stage, "lesson01.stage_not_callable")
    ) is not None:
        return verdict
    for stage, values, v in _stage_cases():
        expected = _vjp(stage, values, v)
        x = values.clone().requires_grad_(True)
        watch = Watch(x)

        def attempt(x=x, stage=stage, v=v, watch=watch):
            with torch.enable_grad(), watch:
                return backprop_stage(x, stage, v.clone())

        outcome = sandbox.run(attempt)
        if not outcome.ok:
            return failed(BACKPROP_STAGE, outcome, "backprop_stage(x, stage, dL_dy)")
        if outcome.value is None:
            return wrong(BACKPROP_STAGE, "exercises.returned_none", function="backprop_stage")
        result = as_tensor(outcome.value)
        if result is None or result.shape != x.shape:
            return wrong(BACKPROP_STAGE, "lesson01.stage_shape", shape=tuple(x.shape))
        if close(result, expected, tol=1e-12):  # float64 throughout: autograd is exact here
            continue
        if watch.stepped or close(result, expected, tol=1e-3):  # a difference quotient
            return wrong(BACKPROP_STAGE, "lesson01.stage_difference")
        ones = _vjp(stage, values, torch.ones_like(v))
        if close(result, ones):
            return wrong(BACKPROP_STAGE, "lesson01.stage_ones")
        if v.shape == x.shape and close(result, v * ones):
            return wrong(BACKPROP_STAGE, "lesson01.stage_multiplied")
        return wrong(BACKPROP_STAGE, "lesson01.stage_mismatch")
    return right(BACKPROP_STAGE, "lesson01.stage_correct", cases=len(_stage_cases()))


# --- exercise 1.3: round forward, identity backward (a stop-gradient) ----------------------------

STRAIGHT_THROUGH = "1.3"


def _rounding_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(x, the weights v of the loss Σ v·y); the first is the one shown. No x sits at a tie."""
    return [
        (
            torch.tensor([-1.75, -0.25, 0.375, 1.625, 2.875]),
            torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0]),
        ),
        (
            torch.tensor([[0.8, -2.3, 4.1], [-0.6, 1.2, 3.7]], dtype=torch.float64),
            torch.tensor([[2.0, -1.0, 0.5], [3.0, 1.5, -2.0]], dtype=torch.float64),
        ),
    ]


def check_straight_through(st_round: object) -> Feedback:
    """Check `st_round(x)`: the value round(x), and a backward pass that passes gradients as is."""
    if (verdict := unanswered(STRAIGHT_THROUGH, st_round, "lesson01.st_not_callable")) is not None:
        return verdict
    for values, v in _rounding_cases():
        x = values.clone().requires_grad_(True)

        def attempt(x=x):
            with torch.enable_grad():
                return st_round(x)

        outcome = sandbox.run(attempt)
        if not outcome.ok:
            return failed(STRAIGHT_THROUGH, outcome, "st_round(x)")
        y = outcome.value
        if y is None:
            return wrong(STRAIGHT_THROUGH, "exercises.returned_none", function="st_round")
        if not isinstance(y, torch.Tensor):
            return wrong(STRAIGHT_THROUGH, "lesson01.st_not_tensor")
        if y.shape != x.shape or y.is_complex():
            return wrong(STRAIGHT_THROUGH, "lesson01.st_shape", shape=tuple(x.shape))
        if not close(y.detach().to(values.dtype), torch.round(values)):  # r + x - x: rounding
            return wrong(STRAIGHT_THROUGH, "lesson01.st_value")
        if not y.requires_grad:
            return wrong(STRAIGHT_THROUGH, "lesson01.st_no_graph")

        def backward(y=y, x=x, v=v):
            with torch.enable_grad():
                return torch.autograd.grad((y * v.to(y.dtype)).sum(), x, allow_unused=True)[0]

        passed = sandbox.run(backward)
        if not passed.ok:
            return failed(STRAIGHT_THROUGH, passed, "st_round(x)")
        if passed.value is None:
            return wrong(STRAIGHT_THROUGH, "lesson01.st_no_graph")
        grad = passed.value.detach()
        if close(grad, v):
            continue
        if not bool(grad.any()):
            return wrong(STRAIGHT_THROUGH, "lesson01.st_zero")
        return wrong(STRAIGHT_THROUGH, "lesson01.st_wrong_grad")
    return right(STRAIGHT_THROUGH, "lesson01.st_correct", cases=len(_rounding_cases()))
