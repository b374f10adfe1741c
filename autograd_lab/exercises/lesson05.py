"""The checks of lesson 05's exercises: find the NaN (5.1), a Function of your own (5.2).

Both run the learner's answer with real PyTorch (through `sandbox.run`: time-limited, never
raising) on the computation the notebook shows and on others it keeps to itself.

- 5.1 hands `find_nan(loss, x)` computations whose gradient comes out NaN and compares the name
  it returns with the backward node that anomaly mode blames. The computation is wrapped so
  the check sees whether it ran at all and whether anomaly mode was on while it ran or while
  its backward pass started: the exercise names `detect_anomaly` as the method.
- 5.2 takes a class `SiLU` (x·sigmoid(x)) in the `setup_context` style and runs it through a
  subclass whose `backward` counts its calls and watches them (`probes.Watch`): the gradient
  must come from the learner's backward, worked out there, not from autograd or a difference
  quotient. Values and gradients are compared in float64 with weights that are not all ones,
  then under `torch.func.grad` and `torch.func.vmap`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import torch

from autograd_lab import torch_errors
from autograd_lab.exercises import sandbox
from autograd_lab.exercises.checks import failed, unanswered
from autograd_lab.exercises.feedback import not_attempted, right, wrong
from autograd_lab.exercises.probes import Watch
from autograd_lab.exercises.sandbox import as_tensor, close
from autograd_lab.feedback import Feedback

FIND_NAN, SILU = "5.1", "5.2"

# --- 5.1: find the NaN -----------------------------------------------------------------------


def nan_loss(x: torch.Tensor) -> torch.Tensor:
    """The computation exercise 5.1 shows: sin(2x)/(2x) with its value 1 at 0 put in by where."""
    h = x * 2.0
    r = torch.where(h == 0, torch.ones_like(h), torch.sin(h) / h)
    return (r**2).sum()


# The shown computation first, then others the learner never sees, each with its input.
_NAN_CASES: tuple[tuple[bool, Callable, torch.Tensor], ...] = (
    (True, nan_loss, torch.tensor([0.0, 1.0, 2.0])),
    (False, lambda x: torch.where(x > 0, torch.log(x), 0.0).sum(), torch.tensor([0.0, 2.0])),
    (
        False,
        lambda x: (3 * torch.where(x < 1, torch.acos(x), 0.0)).sum(),
        torch.tensor([1.0, 0.5, -0.5]),
    ),
    (
        False,
        lambda x: torch.where(x > 0, x**0.5, 0.0).mean(),
        torch.tensor([[4.0, 0.0], [1.0, 9.0]]),
    ),
    (
        False,
        lambda x: torch.where(x < 50, torch.exp(x), 0.0).sum(),
        torch.tensor([1000.0, 1.0], dtype=torch.float64),
    ),
)
_NODE_IN_MESSAGE = re.compile(r"Function '(\w+)' returned nan")


class _Recorded:
    """Wrap a computation: count its calls, note whether anomaly mode watched it."""

    def __init__(self, loss: Callable[[torch.Tensor], torch.Tensor]):
        self.loss = loss
        self.calls = 0
        self.anomaly = False
        self.output_node = ""

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        self.anomaly = self.anomaly or torch.is_anomaly_enabled()
        out = self.loss(x)
        if isinstance(out, torch.Tensor) and out.grad_fn is not None:
            self.output_node = out.grad_fn.name()
            out.register_hook(self._backward_started)
        return out

    def _backward_started(self, grad: torch.Tensor) -> None:
        self.anomaly = self.anomaly or torch.is_anomaly_enabled()


def _blamed_node(loss: Callable, x: torch.Tensor) -> str:
    """The backward node anomaly mode names for this computation (the check's own run)."""
    leaf = x.clone().requires_grad_(True)
    with warnings.catch_warnings(), torch.enable_grad():
        warnings.simplefilter("ignore")  # anomaly mode's own notices are not the learner's
        try:
            with torch.autograd.detect_anomaly():
                loss(leaf).backward()
        except RuntimeError as error:
            found = _NODE_IN_MESSAGE.search(str(error))
            if found:
                return found.group(1)
    raise AssertionError("every computation of exercise 5.1 must give a NaN gradient")


def _without_number(name: str) -> str:
    return re.sub(r"\d+$", "", name)


def _forward_name(node: str) -> str:
    """The forward operation a node belongs to, as a learner might write it: 'div' for Div..."""
    return _without_number(node).removesuffix("Backward").lower()


def check_find_nan(find_nan: object) -> Feedback:
    """Check `find_nan(loss, x)`: the name of the backward node that produced the NaN."""
    if (verdict := unanswered(FIND_NAN, find_nan, "lesson05.nan_not_callable")) is not None:
        return verdict
    first_answer = None
    for shown, loss, value in _NAN_CASES:
        expected = _blamed_node(loss, value)
        recorded = _Recorded(loss)
        x = value.clone().requires_grad_(True)

        def attempt(recorded=recorded, x=x):
            with torch.enable_grad():
                return find_nan(recorded, x)

        outcome = sandbox.run(attempt)
        if not outcome.ok:
            if torch_errors.key_of(outcome.error) == "nan_backward":
                return wrong(FIND_NAN, "lesson05.nan_uncaught")
            return failed(FIND_NAN, outcome, "find_nan(loss, x)")
        if recorded.calls == 0:
            return wrong(FIND_NAN, "lesson05.nan_not_run")
        if not recorded.anomaly:
            return wrong(FIND_NAN, "lesson05.nan_no_anomaly")
        if outcome.value is None:
            return wrong(FIND_NAN, "exercises.returned_none", function="find_nan")
        if not isinstance(outcome.value, str):
            return wrong(FIND_NAN, "lesson05.nan_not_text")
        name = outcome.value.strip()
        first_answer = name if first_answer is None else first_answer
        if _without_number(name) == _without_number(expected):
            continue
        if expected in name:
            return wrong(FIND_NAN, "lesson05.nan_whole_message")
        if name == recorded.output_node:
            return wrong(FIND_NAN, "lesson05.nan_output_node")
        if name.lower().removeprefix("torch.") == _forward_name(expected):
            return wrong(FIND_NAN, "lesson05.nan_forward_name")
        if not shown and name == first_answer:
            return wrong(FIND_NAN, "lesson05.nan_constant")
        return wrong(FIND_NAN, "lesson05.nan_mismatch")
    return right(FIND_NAN, "lesson05.nan_correct", cases=len(_NAN_CASES))


# --- 5.2: a custom Function in the setup_context style ---------------------------------------

_SILU_POINTS = (
    torch.tensor([-3.0, -0.5, 0.0, 0.5, 3.0], dtype=torch.float64),
    torch.tensor([[-7.25, -1.9, 0.3], [1.1, 4.6, 12.0]], dtype=torch.float64),  # never shown
)


def _weights(shape: torch.Size) -> torch.Tensor:
    """The gradient handed to backward: not all ones, so a forgotten grad_output shows."""
    n = torch.Size(shape).numel()
    return torch.linspace(0.5, 2.0, n, dtype=torch.float64).reshape(shape)


def _silu_reference(x: torch.Tensor, weights: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    leaf = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        y = leaf * torch.sigmoid(leaf)
        (grad,) = torch.autograd.grad(y, leaf, weights)
    return y.detach(), grad


def _overrides(cls: type, name: str) -> bool:
    return getattr(cls, name, None) is not getattr(torch.autograd.Function, name)


def _is_untouched(answer: object) -> bool:
    """The placeholder of the student edition: a Function subclass whose body is `...`."""
    if sandbox.is_placeholder(answer):
        return True
    if not (isinstance(answer, type) and issubclass(answer, torch.autograd.Function)):
        return False
    return not any(_overrides(answer, n) for n in ("forward", "setup_context", "backward"))


class _Backwards:
    """The learner's Function with a backward that counts and watches its calls."""

    def __init__(self, cls: type, x: torch.Tensor):
        self.calls = 0
        self.watches: list[Watch] = []
        self.watching = False
        probe = self

        class Probe(cls):
            @staticmethod
            def backward(ctx, *grads):
                probe.calls += 1
                if not probe.watching:
                    return cls.backward(ctx, *grads)
                watch = Watch(x)
                probe.watches.append(watch)
                with watch:
                    return cls.backward(ctx, *grads)

        Probe.__name__ = Probe.__qualname__ = cls.__name__
        self.function = Probe

    @property
    def autograd(self) -> bool:
        return any(w.autograd for w in self.watches)

    @property
    def stepped(self) -> bool:
        return any(w.stepped for w in self.watches)


def check_silu(SiLU: object) -> Feedback:  # noqa: N803 - the learner's class, by its name
    """Check a Function `SiLU` (setup_context style): values, its own backward, torch.func."""
    if _is_untouched(SiLU):
        return not_attempted(SILU)
    if not (isinstance(SiLU, type) and issubclass(SiLU, torch.autograd.Function)):
        return wrong(SILU, "lesson05.fn_not_function")
    if not _overrides(SiLU, "forward"):
        return wrong(SILU, "lesson05.fn_no_forward")
    if not _overrides(SiLU, "setup_context"):
        return wrong(SILU, "lesson05.fn_ctx_style")
    if not _overrides(SiLU, "backward"):
        return wrong(SILU, "lesson05.fn_no_backward")
    for points in _SILU_POINTS:
        verdict = _check_autograd(SiLU, points)
        if verdict is not None:
            return verdict
    return _check_torch_func(SiLU) or right(SILU, "lesson05.fn_correct")


def _check_autograd(cls: type, points: torch.Tensor) -> Feedback | None:
    """Values and the gradient of one backward pass; None when both are right."""
    weights = _weights(points.shape)
    value, grad = _silu_reference(points, weights)
    x = points.clone().requires_grad_(True)
    backwards = _Backwards(cls, points)
    outcome = sandbox.run(lambda: backwards.function.apply(x))
    if not outcome.ok:
        return failed(SILU, outcome, "SiLU.apply(x)")
    out = outcome.value
    if not isinstance(out, torch.Tensor) or out.shape != points.shape:
        return wrong(SILU, "lesson05.fn_shape")
    if out.dtype != torch.float64:
        return wrong(SILU, "lesson05.fn_dtype")
    if not close(out.detach(), value, tol=1e-12):
        return wrong(SILU, "lesson05.fn_value")
    if not out.requires_grad:
        return wrong(SILU, "lesson05.fn_no_graph")
    backwards.watching = True

    def backward_pass():
        with torch.enable_grad():
            return torch.autograd.grad(out, x, weights)[0]

    outcome = sandbox.run(backward_pass)
    if not outcome.ok:
        return failed(SILU, outcome, "torch.autograd.grad(SiLU.apply(x), x, v)")
    if backwards.calls == 0:
        return wrong(SILU, "lesson05.fn_backward_not_used")
    if backwards.autograd:
        return wrong(SILU, "lesson05.fn_backward_autograd")
    if backwards.stepped:
        return wrong(SILU, "lesson05.fn_backward_difference")
    result = as_tensor(outcome.value)
    if result is None or result.shape != points.shape:
        return wrong(SILU, "lesson05.fn_grad_shape")
    if close(result, grad, tol=1e-10):
        return None
    if close(result, grad / weights, tol=1e-10):
        return wrong(SILU, "lesson05.fn_grad_output")
    if close(result, weights * torch.sigmoid(points), tol=1e-10):
        return wrong(SILU, "lesson05.fn_product_rule")
    return wrong(SILU, "lesson05.fn_grad_wrong")


def _check_torch_func(cls: type) -> Feedback | None:
    """The same Function under torch.func.grad and vmap(grad); None when both agree."""
    points = _SILU_POINTS[0]
    weights = _weights(points.shape)
    _, grad = _silu_reference(points, weights)
    backwards = _Backwards(cls, points)
    function = backwards.function

    def under_grad():
        return torch.func.grad(lambda t: (function.apply(t) * weights).sum())(points.clone())

    outcome = sandbox.run(under_grad)
    if not outcome.ok:
        return failed(SILU, outcome, "torch.func.grad(...)", "lesson05.fn_func_failed")
    result = as_tensor(outcome.value)
    if backwards.calls == 0:
        return wrong(SILU, "lesson05.fn_backward_not_used")
    if result is None or not close(result, grad, tol=1e-10):
        return wrong(SILU, "lesson05.fn_func_mismatch")

    def under_vmap():
        return torch.func.vmap(torch.func.grad(function.apply))(points.clone())

    outcome = sandbox.run(under_vmap)
    if not outcome.ok:
        message = sandbox.text_of(outcome.error) if outcome.error is not None else ""
        if "vmap" in message and not outcome.timed_out and not outcome.broken:
            return wrong(SILU, "lesson05.fn_no_vmap_rule")
        return failed(SILU, outcome, "torch.func.vmap(torch.func.grad(SiLU.apply))(x)")
    result = as_tensor(outcome.value)
    if result is None or not close(result, grad / weights, tol=1e-10):
        return wrong(SILU, "lesson05.fn_func_mismatch")
    return None
