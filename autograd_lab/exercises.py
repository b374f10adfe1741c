"""Instant feedback for the exercises of notebook 07.

Every check runs the learner's answer with real PyTorch and compares what it *does* with
what autograd does on a small grid of inputs, never the text of the answer. A check returns
a `Feedback`: correct (a short confirmation), wrong (a hint that does not give the answer
away) or not attempted (the placeholder `...`/`None` of the student edition is still there).

Feedback is written in the learner's language (`autograd_lab.language`: the notebook's folder,
or a `with language.use("en"):` block); every message is in its `EXERCISES` table, in each
language. A `Feedback` keeps the language it was written in.
"""

from __future__ import annotations

import html
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from autograd_lab import language

CORRECT = "correct"
WRONG = "wrong"
NOT_ATTEMPTED = "not_attempted"

LANGUAGES = language.LANGUAGES
_COLOURS = {CORRECT: "#2e7d32", WRONG: "#c62828", NOT_ATTEMPTED: "#757575"}


def get_language() -> str:
    """Return the language feedback is written in here ("zh" or "en")."""
    return language.current()


def _say(key: str, **fields: object) -> str:
    """The feedback message `key` in the current language, its `{name}` fields filled in."""
    return language.say(f"exercises.{key}", **fields)


@dataclass(frozen=True, repr=False)
class Feedback:
    """The outcome of one check: a status and the sentence shown to the learner."""

    exercise: int
    status: str
    message: str
    language: str = field(default_factory=get_language)

    @property
    def passed(self) -> bool:
        """Return True when the answer was right."""
        return self.status == CORRECT

    def _heading(self) -> str:
        label = language.say(f"exercises.label_{self.status}", self.language)
        return language.say("exercises.heading", self.language, number=self.exercise, label=label)

    def __str__(self) -> str:
        return f"{self._heading()} {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 2px 8px;">'
            f'<b style="color: {colour}">{html.escape(self._heading())}</b> '
            f"{html.escape(self.message)}</div>"
        )


def _unanswered(*answers: object) -> bool:
    return any(a is None or a is Ellipsis for a in answers)


def _not_attempted(exercise: int) -> Feedback:
    return Feedback(exercise, NOT_ATTEMPTED, _say("not_attempted"))


def _raised(exercise: int, err: Exception, hint: str = "") -> Feedback:
    first_line = str(err).strip().splitlines()[0] if str(err).strip() else ""
    text = _say("raised", error=type(err).__name__, detail=first_line)
    if hint and get_language() == "zh":
        text += f"。{hint}"
    elif hint:  # English: end the error's sentence, then give the hint
        text = text.rstrip()
        text += ("" if text.endswith((".", "!", "?")) else ".") + f" {hint}"
    return Feedback(exercise, WRONG, text)


def _as_tensor(value: object) -> torch.Tensor | None:
    """Accept what a learner may reasonably return (a tensor or a Python number)."""
    if isinstance(value, torch.Tensor):
        return value.detach()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return torch.tensor(float(value), dtype=torch.float64)
    return None


def _close(a: torch.Tensor, b: torch.Tensor, tol: float = 1e-6) -> bool:
    return a.shape == b.shape and torch.allclose(a.double(), b.double(), rtol=tol, atol=tol)


def _fmt(value: float) -> str:
    return f"{value:g}"


# --- exercise 1: second derivatives --------------------------------------------------------

# Elementwise test functions with their first and second derivatives written out, so the
# check does not lean on the very mechanism (nested autograd) the learner is asked to use.
_EX1_FUNCTIONS: tuple[tuple[str, Callable, Callable, Callable], ...] = (
    ("sin(x)", torch.sin, torch.cos, lambda x: -torch.sin(x)),
    ("x³", lambda x: x**3, lambda x: 3 * x**2, lambda x: 6 * x),
    (
        "x·exp(x)",
        lambda x: x * torch.exp(x),
        lambda x: (x + 1) * torch.exp(x),
        lambda x: (x + 2) * torch.exp(x),
    ),
)


def check_ex1(second_derivative: object) -> Feedback:
    """Check a function `second_derivative(f, x)` that returns f''(x) element-wise."""
    if _unanswered(second_derivative):
        return _not_attempted(1)
    if not callable(second_derivative):
        return Feedback(1, WRONG, _say("ex1_not_callable"))
    x = torch.linspace(-2.0, 2.0, 9, dtype=torch.float64)
    for name, f, df, d2f in _EX1_FUNCTIONS:
        try:
            result = second_derivative(f, x.clone())
        except Exception as err:
            hint = ""
            if "does not require grad" in str(err):
                hint = _say("ex1_no_graph")
            return _raised(1, err, hint)
        if _unanswered(result):
            return _not_attempted(1)
        result = _as_tensor(result)
        if result is None or result.shape != x.shape:
            return Feedback(1, WRONG, _say("ex1_shape", shape=tuple(x.shape)))
        if _close(result, df(x)):
            return Feedback(1, WRONG, _say("ex1_first_derivative", function=name))
        if not _close(result, d2f(x)):
            return Feedback(1, WRONG, _say("ex1_mismatch", function=name))
    return Feedback(
        1, CORRECT, _say("ex1_correct", functions=len(_EX1_FUNCTIONS), points=x.numel())
    )


# --- exercise 2: backward twice --------------------------------------------------------------


def check_ex2(backward_twice: object) -> Feedback:
    """Check a function `backward_twice(x)`: one graph of sum(x*x), two backward passes."""
    if _unanswered(backward_twice):
        return _not_attempted(2)
    if not callable(backward_twice):
        return Feedback(2, WRONG, _say("ex2_not_callable"))
    x = torch.arange(4.0, requires_grad=True)
    try:
        result = backward_twice(x)
    except RuntimeError as err:
        if "second time" in str(err) or "freed" in str(err):
            return Feedback(2, WRONG, _say("ex2_freed"))
        return _raised(2, err)
    except Exception as err:
        return _raised(2, err)
    if _unanswered(result):
        return _not_attempted(2)
    result = _as_tensor(result)
    (once,) = torch.autograd.grad((x * x).sum(), x)
    if result is None or result.shape != x.shape:
        return Feedback(2, WRONG, _say("ex2_shape"))
    if _close(result, once):
        return Feedback(2, WRONG, _say("ex2_once"))
    if not _close(result, 2 * once):
        return Feedback(2, WRONG, _say("ex2_neither"))
    return Feedback(2, CORRECT, _say("ex2_correct"))


# --- exercise 3: control flow with a vector input ---------------------------------------------


def control_flow_f(a: torch.Tensor) -> torch.Tensor:
    """Return the control-flow function of notebook 01 applied to `a` (torch or engine tensor)."""
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def _ex3_inputs() -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(5)
    inputs = [torch.randn(3, generator=gen, dtype=torch.float64) for _ in range(2)]
    inputs.append(torch.randn(2, 3, generator=gen, dtype=torch.float64))
    # Both branches of the `if`: force one input with a positive and one with a negative sum.
    inputs[0] = inputs[0].abs()
    inputs[1] = -inputs[1].abs()
    return inputs


def check_ex3(grad_f: object) -> Feedback:
    """Check a function `grad_f(a)` that returns the gradient of sum(f(a)) for a tensor `a`."""
    if _unanswered(grad_f):
        return _not_attempted(3)
    if not callable(grad_f):
        return Feedback(3, WRONG, _say("ex3_not_callable"))
    for value in _ex3_inputs():
        a = value.clone().requires_grad_(True)
        try:
            result = grad_f(a)
        except Exception as err:
            hint = ""
            if "implicitly created only for scalar" in str(err):
                hint = _say("ex3_not_scalar")
            return _raised(3, err, hint)
        if _unanswered(result):
            return _not_attempted(3)
        result = _as_tensor(result)
        if result is None or result.shape != value.shape:
            return Feedback(3, WRONG, _say("ex3_shape", shape=tuple(value.shape)))
        ref = value.clone().requires_grad_(True)
        d = control_flow_f(ref)
        d.sum().backward()
        if not _close(result, ref.grad):
            return Feedback(3, WRONG, _say("ex3_wrong", shape=tuple(value.shape)))
    return Feedback(3, CORRECT, _say("ex3_correct"))


# --- exercise 4: your own function with control flow -------------------------------------------

# Dyadic points avoid ties at branch boundaries a learner may pick (0, ±1, ±2).
_EX4_POINTS = tuple(x / 4 for x in range(-11, 12, 2))


def _graph_signature(out: torch.Tensor) -> tuple[str, ...]:
    """Each node of the backward graph with its inputs (None for a constant), depth first."""
    names: list[str] = []
    stack = [out.grad_fn]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        inputs = ",".join(
            type(fn).__name__ if fn is not None else "-" for fn, _ in node.next_functions
        )
        names.append(f"{type(node).__name__}({inputs})")
        stack.extend(fn for fn, _ in reversed(node.next_functions))
    return tuple(names)


def _run_traced(fn: Callable, arg: torch.Tensor) -> tuple[object, tuple[int, ...]]:
    """Call fn(arg) and record the line numbers it executes: the path its control flow took."""
    code = getattr(fn, "__code__", None)
    lines: list[int] = []

    def tracer(frame, event, _arg):
        if frame.f_code is not code:
            return None
        if event == "line":
            lines.append(frame.f_lineno)
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = fn(arg)
    finally:
        sys.settrace(previous)
    return result, tuple(lines)


def check_ex4(g: object, dg: object) -> Feedback:
    """Check your own function `g(a)` with control flow against your formula `dg(a)`."""
    if _unanswered(g, dg):
        return _not_attempted(4)
    if not (callable(g) and callable(dg)):
        return Feedback(4, WRONG, _say("ex4_not_callable"))
    paths = set()
    for point in _EX4_POINTS:
        a = torch.tensor(point, dtype=torch.float64, requires_grad=True)
        try:
            out, lines = _run_traced(g, a)
            by_hand = dg(torch.tensor(point, dtype=torch.float64))
        except Exception as err:
            return _raised(4, err)
        if _unanswered(out, by_hand):
            return _not_attempted(4)
        formula = _as_tensor(by_hand)
        if not isinstance(out, torch.Tensor) or out.numel() != 1 or out.grad_fn is None:
            return Feedback(4, WRONG, _say("ex4_not_tensor", point=_fmt(point)))
        paths.add((lines, _graph_signature(out)))
        (auto,) = torch.autograd.grad(out.sum(), a)
        if formula is None or formula.numel() != 1:
            return Feedback(4, WRONG, _say("ex4_dg_not_number", point=_fmt(point)))
        if not _close(formula.reshape(()), auto, tol=1e-5):
            return Feedback(4, WRONG, _say("ex4_mismatch", point=_fmt(point)))
    if len(paths) < 2:
        return Feedback(4, WRONG, _say("ex4_one_path", points=len(_EX4_POINTS)))
    return Feedback(4, CORRECT, _say("ex4_correct", points=len(_EX4_POINTS), paths=len(paths)))


# --- exercise 5: sin and its derivative ----------------------------------------------------------


def check_ex5(x: object, dy_dx: object) -> Feedback:
    """Check `dy_dx`, the derivative of sin computed by autograd at the points `x`."""
    if _unanswered(x, dy_dx):
        return _not_attempted(5)
    if not (isinstance(x, torch.Tensor) and isinstance(dy_dx, torch.Tensor)):
        return Feedback(5, WRONG, _say("ex5_not_tensors"))
    x, dy_dx = x.detach(), dy_dx.detach()
    if x.dim() != 1 or x.numel() < 50:
        return Feedback(5, WRONG, _say("ex5_few_points"))
    if float(x.max() - x.min()) < 2 * math.pi - 1e-6:
        return Feedback(5, WRONG, _say("ex5_short_range"))
    if dy_dx.shape != x.shape:
        return Feedback(5, WRONG, _say("ex5_shape"))
    ref_x = x.clone().requires_grad_(True)
    torch.sin(ref_x).sum().backward()
    if _close(dy_dx, torch.sin(x)):
        return Feedback(5, WRONG, _say("ex5_values"))
    if _close(dy_dx, 2 * ref_x.grad):
        return Feedback(5, WRONG, _say("ex5_doubled"))
    if not _close(dy_dx, ref_x.grad, tol=1e-5):
        return Feedback(5, WRONG, _say("ex5_mismatch"))
    return Feedback(5, CORRECT, _say("ex5_correct", points=x.numel()))


# --- exercise 6: the chain rule by hand -----------------------------------------------------------


def ex6_f(x: torch.Tensor) -> torch.Tensor:
    """Return f(x) = log(x²)·sin(x) + 1/x, the function of exercise 6."""
    return torch.log(x**2) * torch.sin(x) + 1 / x


def check_ex6(df: object) -> Feedback:
    """Check `df(x)`, a hand-derived derivative of `ex6_f`, against autograd on a grid."""
    if _unanswered(df):
        return _not_attempted(6)
    if not callable(df):
        return Feedback(6, WRONG, _say("ex6_not_callable"))
    x = torch.cat([torch.linspace(-4.0, -0.5, 8), torch.linspace(0.5, 4.0, 8)]).double()
    try:
        result = _as_tensor(df(x.clone()))
    except Exception as err:
        return _raised(6, err)
    if _unanswered(result):
        return _not_attempted(6)
    if result is None or result.shape != x.shape:
        return Feedback(6, WRONG, _say("ex6_shape"))
    ref_x = x.clone().requires_grad_(True)
    ex6_f(ref_x).sum().backward()
    if _close(result, ref_x.grad):
        return Feedback(6, CORRECT, _say("ex6_correct", points=x.numel()))
    # The two slips learners make most often, each answered with the rule that fixes it.
    forgot_inner = torch.log(x**2) * torch.cos(x) + torch.sin(x) / x - 1 / x**2
    if _close(result, forgot_inner):
        return Feedback(6, WRONG, _say("ex6_inner"))
    sign_slip = ref_x.grad + 2 / x**2
    if _close(result, sign_slip):
        return Feedback(6, WRONG, _say("ex6_sign"))
    return Feedback(6, WRONG, _say("ex6_other"))
