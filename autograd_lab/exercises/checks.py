"""The checks of exercises 1-6: what the answer does, and how it was obtained.

Each check runs the learner's answer with real PyTorch (through `sandbox.run`: time-limited,
never raising) and compares what it does with autograd, on the inputs the exercise shows and on
inputs it keeps to itself. Where the exercise prescribes the method, the check watches it with
autograd's own instruments (`probes`): how many backward passes reached the input and on which
graph, whether a backward pass went through the function to differentiate, whether a derivative
"by hand" is evaluated with autograd switched off. Any method that respects the exercise passes.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from autograd_lab import torch_errors, torch_notices
from autograd_lab.exercises import reference, sandbox
from autograd_lab.exercises.feedback import join, not_attempted, right, wrong
from autograd_lab.exercises.probes import (
    AutogradUsed,
    BackwardProbe,
    Spy,
    ThreadStarted,
    Watch,
    by_hand,
    calls_of,
)
from autograd_lab.exercises.sandbox import Outcome, as_tensor, close
from autograd_lab.feedback import Feedback
from autograd_lab.language import say

# PyTorch's errors (keys of `torch_errors.ERRORS`) that name a misconception, each with the
# hint that points at it without giving the fix away.
_HINTS = {
    "backward_twice": "exercises.err_freed",
    "no_grad_fn": "exercises.err_no_graph",
    "complex_output": "exercises.err_complex",
    "not_scalar": "exercises.err_not_scalar",
    "grad_is_none": "exercises.err_none",
    "attribute_of_none": "exercises.err_none",
    "view_of_leaf_inplace": "exercises.err_inplace_leaf",
    "leaf_inplace": "exercises.err_inplace_leaf",
    "inplace_modified": "exercises.err_inplace_saved",
    "numpy_requires_grad": "exercises.err_numpy",
    "grad_shape": "exercises.err_gradient_shape",
    "unused_input": "exercises.err_unused",
}
# Errors that say autograd found no graph to differentiate.
_NO_GRAPH = ("no_grad_fn", "input_no_grad")
# Errors of a derivative "by hand" that reached for autograd, which is switched off there.
_REACHED_FOR_AUTOGRAD = (*_NO_GRAPH, "float_only")


def unanswered(number: int | str, answer: object, not_callable: str) -> Feedback | None:
    """Return the verdict on an answer that cannot be run yet (the placeholder, or not a
    function, told with the hint `not_callable`); None when it is a function to check."""
    if sandbox.is_placeholder(answer):
        return not_attempted(number)
    if not callable(answer):
        return wrong(number, not_callable)
    return None


def failed(number: int | str, outcome: Outcome, call: str, hint: str = "") -> Feedback:
    """Return the verdict for learner code that raised or did not finish: what, where, why."""
    if outcome.broken:  # not the answer's fault, as far as the check can tell: say how to recover
        return wrong(number, "exercises.session_broken")
    if outcome.timed_out:
        return wrong(number, "exercises.timeout", call=call, limit=sandbox.LIMIT)
    err = outcome.error
    if type(err) is NotImplementedError and sandbox.raised_by_learner(err):
        return not_attempted(number)  # the other placeholder: `raise NotImplementedError`
    if isinstance(err, AutogradUsed):
        return wrong(number, hint or "exercises.by_hand_autograd")
    if isinstance(err, ThreadStarted):
        return wrong(number, "exercises.by_hand_thread")
    message = say("exercises.raised", error=type(err).__name__, detail=sandbox.text_of(err))
    place = sandbox.learner_line(err)
    if place is not None:
        function, line, code = place
        message = join(message, say("exercises.raised_at", function=function, line=line, code=code))
    hint = hint or _HINTS.get(torch_errors.key_of(err), "")
    if hint:
        message = join(message, say(hint))
    return Feedback(number, "wrong", message, hint=hint or "exercises.raised")


def _call_text(name: str, *args: object) -> str:
    return f"{name}({', '.join(str(a) for a in args)})"


def _fmt(value: float) -> str:
    return f"{value:g}"


# --- exercise 1: second derivatives --------------------------------------------------------

# Element-wise functions, by name as the verdict shows it. The last ones are never shown: an
# answer that knows the shown functions' derivatives still fails there. Their derivatives are
# not written down (a formula kept in the package would be an answer to read): the check
# computes them in forward mode, a method this exercise does not accept (it wants a backward
# pass through f), so the reference gives nothing away.
_EX1_FUNCTIONS: tuple[tuple[str | None, Callable], ...] = (
    ("sin(x)", torch.sin),
    ("x³", lambda x: x**3),
    ("x·exp(x)", lambda x: x * torch.exp(x)),
    (None, lambda x: torch.exp(-x * x)),
    (None, lambda x: x**4 - 2 * x),
)


def _forward_derivatives(f: Callable, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """f'(x) and f''(x) of an element-wise f: forward mode (torch.func.jvp) applied twice."""
    torch_notices.preload_torch_internals()  # keeps PyTorch's own notice off the learner's stderr
    ones = torch.ones_like(x)

    def first(t: torch.Tensor) -> torch.Tensor:
        return torch.func.jvp(f, (t,), (ones,))[1]

    with torch.enable_grad():
        df, d2f = torch.func.jvp(first, (x,), (ones,))
    return df.detach(), d2f.detach()


def check_ex1(second_derivative: object) -> Feedback:
    """Check a function `second_derivative(f, x)` that returns f''(x) element-wise."""
    if (verdict := unanswered(1, second_derivative, "exercises.ex1_not_callable")) is not None:
        return verdict
    x = torch.linspace(-2.0, 2.0, 9, dtype=torch.float64)
    for name, f in _EX1_FUNCTIONS:
        df, d2f = _forward_derivatives(f, x)
        spy = Spy(f)
        point = x.clone()

        watch = Watch(point)

        def attempt(spy=spy, point=point, watch=watch):
            with torch.enable_grad(), watch:
                return second_derivative(spy, point)

        outcome = sandbox.run(attempt)
        if not outcome.ok:
            hint = ""
            if torch_errors.key_of(outcome.error) in _NO_GRAPH:
                hint = (
                    "exercises.ex1_input_no_grad"
                    if spy.calls_with_grad == 0
                    else "exercises.ex1_no_graph"
                )
            return failed(1, outcome, "second_derivative(f, x)", hint)
        if outcome.value is None:
            return wrong(1, "exercises.returned_none", function="second_derivative")
        result = as_tensor(outcome.value)
        if result is None or result.shape != x.shape:
            return wrong(1, "exercises.ex1_shape", shape=tuple(x.shape))
        if spy.backward_through_output == 0:
            return wrong(1, "exercises.ex1_not_autograd")
        if watch.stepped:  # f (or its derivative) evaluated at x ± h: a difference quotient
            return wrong(1, "exercises.ex1_difference")
        if close(result, d2f):
            continue
        if close(result, df):
            return wrong(1, "exercises.ex1_first_derivative")
        if close(result, df + d2f):
            return wrong(1, "exercises.ex1_accumulated")
        if name is None:
            return wrong(1, "exercises.ex1_hidden_mismatch")
        return wrong(1, "exercises.ex1_mismatch", function=name)
    return right(1, "exercises.ex1_correct", functions=len(_EX1_FUNCTIONS), points=x.numel())


# --- exercise 2: two losses on one forward pass -------------------------------------------------

# The forward passes `body(w)` a learner's answer must run once, with the weights `w` it is
# given. The first is shown in the exercise; the others are kept by the check (an answer that
# writes down the shown body's derivative by hand fails there).
_EX2_X = torch.tensor([[1.0, -0.5, 0.25], [0.5, 1.0, -1.0], [-0.25, 0.5, 0.75], [1.5, 0.0, -0.5]])


def _ex2_cases() -> tuple[tuple[str | None, Callable, torch.Tensor], ...]:
    x = _EX2_X.double()
    return (
        ("tanh(X @ w)", lambda w: torch.tanh(x @ w), torch.tensor([0.5, -1.0, 0.25])),
        (None, lambda w: torch.sin(w) * w, torch.tensor([[0.3, -1.2], [0.7, 2.0]])),
        (None, lambda w: torch.exp(x.T @ torch.sigmoid(w)), torch.tensor([0.1, -0.4, 0.9, 0.2])),
    )


def _ex2_losses(h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The exercise's two losses of one output h: (h**2).sum() and h.sum()."""
    return (h * h).sum(), h.sum()


def _ex2_reference(body: Callable, value: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    w = value.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        first, second = _ex2_losses(body(w))
        (g1,) = torch.autograd.grad(first, w, retain_graph=True)
        (g2,) = torch.autograd.grad(second, w)
    return g1, g2


def _from_passes(result: torch.Tensor, passes: list[torch.Tensor]) -> bool:
    """Whether `result` is what one backward pass, or several in a row, brought to the leaf."""
    for start in range(len(passes)):
        total = torch.zeros_like(passes[start])
        for grad in passes[start:]:
            total = total + grad
            if close(result, total):
                return True
    return False


class _Body:
    """Wrap a forward pass: count its calls, and whether one was made a small step off `w`."""

    def __init__(self, body: Callable, w: torch.Tensor):
        self.body = body
        self.w = w.detach().clone()
        self.calls = 0
        self.stepped = False

    def __call__(self, w: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        if isinstance(w, torch.Tensor) and w.shape == self.w.shape and not w.is_complex():
            gap = float((w.detach().double() - self.w).abs().max())
            self.stepped = self.stepped or 0 < gap < 0.1  # w ± h: a difference quotient
        return self.body(w)


def _pair(value: object, shape: torch.Size) -> tuple[torch.Tensor, torch.Tensor] | None:
    """The two gradients an answer returned, or None if it is not a pair of tensors of `shape`."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return None
    first, second = as_tensor(value[0]), as_tensor(value[1])
    if first is None or second is None or first.shape != shape or second.shape != shape:
        return None
    return first.detach().double(), second.detach().double()


def check_ex2(two_gradients: object) -> Feedback:
    """Check `two_gradients(body, w)`: one forward pass, the two losses' gradients apart."""
    if (verdict := unanswered(2, two_gradients, "exercises.ex2_not_callable")) is not None:
        return verdict
    for name, body, start in _ex2_cases():
        value = start.double()
        expected = _ex2_reference(body, value)
        w = value.clone().requires_grad_(True)
        probe = BackwardProbe(w)
        spy = _Body(body, w)
        watch = Watch(w)

        def attempt(w=w, spy=spy, watch=watch):
            with torch.enable_grad(), watch:
                return two_gradients(spy, w)

        outcome = sandbox.run(attempt)
        probe.close()
        if not outcome.ok:
            if torch_errors.key_of(outcome.error) == "backward_twice":
                return wrong(2, "exercises.ex2_freed")
            return failed(2, outcome, "two_gradients(body, w)")
        if watch.stepped or spy.stepped:  # the body evaluated at w ± h: a difference quotient
            return wrong(2, "exercises.ex2_difference")
        if spy.calls == 0:
            return wrong(2, "exercises.ex2_no_body")
        if spy.calls > 1:
            return wrong(2, "exercises.ex2_two_forward", calls=spy.calls)
        if outcome.value is None:
            return wrong(2, "exercises.returned_none", function="two_gradients")
        pair = _pair(outcome.value, w.shape)
        if pair is None:
            return wrong(2, "exercises.ex2_shape")
        first, second = pair
        if probe.count == 0 and not watch.autograd:
            return wrong(2, "exercises.ex2_no_backward")
        if probe.count and not all(_from_passes(g, probe.gradients) for g in pair):
            return wrong(2, "exercises.ex2_not_backward_result")
        right_first, right_second = close(first, expected[0]), close(second, expected[1])
        if right_first and right_second:
            continue
        both = expected[0] + expected[1]
        if close(first, second):
            return wrong(2, "exercises.ex2_same_tensor")
        if right_first and close(second, both):
            return wrong(2, "exercises.ex2_not_zeroed")
        if close(first, expected[1]) and close(second, expected[0]):
            return wrong(2, "exercises.ex2_swapped")
        if name is None:
            return wrong(2, "exercises.ex2_hidden_mismatch")
        return wrong(2, "exercises.ex2_mismatch")
    return right(2, "exercises.ex2_correct", bodies=len(_ex2_cases()))


# --- exercise 3: control flow with a vector input ---------------------------------------------


def _ex3_inputs() -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(5)
    inputs = [torch.randn(3, generator=gen, dtype=torch.float64) for _ in range(2)]
    inputs.append(torch.randn(2, 3, generator=gen, dtype=torch.float64))
    inputs.append(torch.randn(2, 2, 2, generator=gen, dtype=torch.float64))  # never shown
    # Both branches of the `if`: force one input with a positive and one with a negative sum.
    inputs[0] = inputs[0].abs()
    inputs[1] = -inputs[1].abs()
    return inputs


def _ex3_reference(value: torch.Tensor) -> torch.Tensor:
    a = value.clone().requires_grad_(True)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad(reference.control_flow_f(a).sum(), a)
    return grad


def _first_component_only(result: torch.Tensor, expected: torch.Tensor) -> bool:
    """Whether only d's first component was differentiated (`d[0].backward()`)."""
    got, want = result.reshape(-1).double(), expected.reshape(-1)
    return got.numel() > 1 and close(got[:1], want[:1]) and not bool(got[1:].any())


def check_ex3(grad_f: object) -> Feedback:
    """Check a function `grad_f(a)` that returns the gradient of sum(f(a)) for a tensor `a`."""
    if (verdict := unanswered(3, grad_f, "exercises.ex3_not_callable")) is not None:
        return verdict
    for index, value in enumerate(_ex3_inputs()):
        expected = _ex3_reference(value)
        a = value.clone().requires_grad_(True)
        probe = BackwardProbe(a)
        watch = Watch(a)

        def attempt(a=a, watch=watch):
            with torch.enable_grad(), watch:
                return grad_f(a)

        outcome = sandbox.run(attempt)
        probe.close()
        shape = tuple(value.shape)
        if not outcome.ok:
            hint = ""
            error = torch_errors.key_of(outcome.error)
            if error == "not_scalar":
                hint = "exercises.ex3_not_scalar"
            elif error == "grad_shape" or (index > 0 and outcome.error is not None):
                hint = "exercises.ex3_any_shape"
            return failed(3, outcome, "grad_f(a)", hint)
        if outcome.value is None:
            if probe.count == 0:
                return wrong(3, "exercises.ex3_grad_empty")
            return wrong(3, "exercises.returned_none", function="grad_f")
        result = as_tensor(outcome.value)
        if result is None or result.shape != value.shape:
            return wrong(3, "exercises.ex3_shape", shape=shape)
        if probe.count:
            # What the backward passes brought to a, not a.grad: that can be set by hand.
            if not close(result, probe.total(), tol=0.0):
                return wrong(3, "exercises.ex3_not_backward_result")
        elif not watch.autograd:  # torch.func (vjp, grad) reaches a through its own wrappers
            return wrong(3, "exercises.ex3_no_backward")
        if not close(result, expected):
            if _first_component_only(result, expected):
                return wrong(3, "exercises.ex3_one_component")
            return wrong(3, "exercises.ex3_wrong", shape=shape)
    return right(3, "exercises.ex3_correct")


# --- exercise 4: your own function with control flow -------------------------------------------

# Dyadic points avoid ties at branch boundaries a learner may pick (0, ±1, ±2); 0 itself is not
# among them (the notes' f and many loops never end there).
EX4_POINTS = tuple(x / 4 for x in range(-11, 12, 2))


_SAVED: dict[type, tuple[str, ...]] = {}
_MAX_NODES = 5000  # a longer path is told apart by its first nodes and its length


def _constants(node) -> tuple:
    """The numbers a backward node saved that do not depend on the input (e.g. the 3 of 3*a)."""
    found = []
    kind = type(node)
    if kind not in _SAVED:
        _SAVED[kind] = tuple(sorted(n for n in dir(node) if n.startswith("_saved_")))
    for name in _SAVED[kind]:
        try:
            saved = getattr(node, name)
        except Exception:  # noqa: S112 - an attribute a node cannot give back tells nothing
            continue
        if isinstance(saved, (bool, int, float)):
            found.append(saved)
        elif isinstance(saved, torch.Tensor) and not saved.requires_grad and saved.numel() == 1:
            found.append(round(saved.item(), 12) if not saved.is_complex() else str(saved))
    return tuple(found)


def graph_signature(out: object, a: torch.Tensor) -> tuple:
    """Each node of the backward graph with its inputs and constants, depth first: the path."""
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        return ("constant",)
    if out is a or out.grad_fn is None:
        return ("input",)
    names: list[object] = []
    stack = [out.grad_fn]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if len(seen) > _MAX_NODES:
            names.append(("...", len(stack)))
            break
        inputs = ",".join(
            type(fn).__name__ if fn is not None else "-" for fn, _ in node.next_functions
        )
        names.append((f"{type(node).__name__}({inputs})", _constants(node)))
        stack.extend(fn for fn, _ in reversed(node.next_functions))
    return tuple(names)


def _ex4_autograd(out: object, a: torch.Tensor) -> torch.Tensor:
    """The derivative of g at this point as autograd sees it (0 for a constant branch)."""
    if not isinstance(out, torch.Tensor) or not out.requires_grad:
        return torch.zeros((), dtype=torch.float64)
    (grad,) = torch.autograd.grad(out.reshape(()), a, allow_unused=True)
    return torch.zeros((), dtype=torch.float64) if grad is None else grad


def _at(args: tuple, point: float) -> bool:
    """Whether a call of g was made at the point itself (a formula may use g's value there)."""
    if len(args) != 1:
        return False
    value = as_tensor(args[0])
    return value is not None and value.numel() == 1 and float(value) == point


def check_ex4(g: object, dg: object) -> Feedback:
    """Check your own function `g(a)` with control flow against your formula `dg(a)`."""
    if sandbox.is_placeholder(g) or sandbox.is_placeholder(dg):
        return not_attempted(4)
    if not (callable(g) and callable(dg)):
        return wrong(4, "exercises.ex4_not_callable")
    paths = set()
    depends = False
    decisions = 0  # tensors turned into Python values inside g: what `if`/`while`/`for` do
    for point in EX4_POINTS:
        shown = _fmt(point)
        a = torch.tensor(point, dtype=torch.float64, requires_grad=True)
        probe = BackwardProbe(a)
        watch = Watch()

        def run_g(a=a, watch=watch):
            with torch.enable_grad(), watch:
                return g(a)

        outcome = sandbox.run(run_g)
        decisions += watch.decisions
        probe.close()
        if not outcome.ok:
            return failed(4, outcome, _call_text("g", shown))
        if probe.count:
            return wrong(4, "exercises.ex4_g_backward")
        out = outcome.value
        if out is None:
            return wrong(4, "exercises.returned_none", function="g")
        if (isinstance(out, torch.Tensor) and out.is_complex()) or isinstance(out, complex):
            return wrong(4, "exercises.ex4_complex", point=shown)
        if isinstance(out, torch.Tensor) and out.numel() != 1:
            return wrong(4, "exercises.ex4_not_scalar", point=shown)
        if not isinstance(out, (torch.Tensor, int, float)) or isinstance(out, bool):
            return wrong(4, "exercises.ex4_not_scalar", point=shown)
        depends = depends or (isinstance(out, torch.Tensor) and out.requires_grad)
        paths.add(graph_signature(out, a))
        auto = sandbox.run(lambda out=out, a=a: _ex4_autograd(out, a))
        if not auto.ok:
            return failed(4, auto, _call_text("g", shown))

        calls: list[tuple] = []
        here = torch.tensor(point, dtype=torch.float64)
        steps: list[bool] = []

        def run_dg(here=here, calls=calls, steps=steps):
            with by_hand(here) as watch, calls_of(g, getattr(dg, "__globals__", None)) as seen:
                try:
                    return dg(here.clone())
                finally:
                    calls.extend(seen)
                    steps.append(watch.stepped)

        by_formula = sandbox.run(run_dg)
        if not by_formula.ok:
            hint = ""
            if torch_errors.key_of(by_formula.error) in _REACHED_FOR_AUTOGRAD:
                hint = "exercises.by_hand_autograd"
            return failed(4, by_formula, _call_text("dg", shown), hint)
        if any(steps) or any(not _at(args, point) for args in calls):
            return wrong(4, "exercises.ex4_dg_difference")
        if by_formula.value is None:
            return wrong(4, "exercises.returned_none", function="dg")
        formula = as_tensor(by_formula.value)
        if formula is None or formula.numel() != 1 or formula.is_complex():
            return wrong(4, "exercises.ex4_dg_not_number", point=shown)
        formula, expected = formula.reshape(()).double(), auto.value.double()
        if not close(formula, expected, tol=1e-9):
            if close(formula, expected, tol=1e-3):
                return wrong(
                    4, "exercises.approximate", digits=sandbox.agreement_digits(formula, expected)
                )
            return wrong(4, "exercises.ex4_mismatch", point=shown)
    if not depends:
        return wrong(4, "exercises.ex4_no_dependence")
    if len(paths) < 2:
        return wrong(4, "exercises.ex4_one_path", points=len(EX4_POINTS))
    if decisions == 0:  # the graphs differ, but no Python branch looked at a (torch.where)
        return wrong(4, "exercises.ex4_python_branch")
    return right(4, "exercises.ex4_correct", points=len(EX4_POINTS), paths=len(paths))


# --- exercise 5: the derivative a backward pass leaves ----------------------------------------

# Element-wise functions and the points where the check differentiates them. sin on one period
# is the exercise's own case; the others are kept by the check: an answer that returns a
# formula (cos, a difference quotient) fails there. Their derivatives are not written down:
# the check computes them with autograd.
_EX5_FUNCTIONS: tuple[tuple[str | None, Callable], ...] = (
    ("sin(x)", torch.sin),
    (None, lambda x: x * torch.tanh(x)),
    (None, lambda x: torch.exp(-x * x / 2) + x**3 / 10),
)


def _ex5_points() -> tuple[torch.Tensor, ...]:
    shown = torch.linspace(-2 * math.pi, 2 * math.pi, 64, dtype=torch.float64)
    gen = torch.Generator().manual_seed(8)
    hidden = torch.rand(37, generator=gen, dtype=torch.float64) * 8 - 4
    return shown, hidden, hidden.flip(0)


class _Through(Spy):
    """A `Spy` that also remembers whether f was called on a tensor that is not a leaf."""

    def __init__(self, f: Callable):
        super().__init__(f)
        self.non_leaf = False

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if isinstance(x, torch.Tensor) and x.requires_grad and x.grad_fn is not None:
            self.non_leaf = True
        return super().__call__(x)


def check_ex5(derivative_by_backward: object) -> Feedback:
    """Check `derivative_by_backward(f, x)`: f'(x), the x.grad a backward pass through f left."""
    if (verdict := unanswered(5, derivative_by_backward, "exercises.ex5_not_callable")) is not None:
        return verdict
    for (name, f), x in zip(_EX5_FUNCTIONS, _ex5_points(), strict=True):
        expected = _derivative(f, x)
        spy = _Through(f)
        point = x.clone()
        watch = Watch(point)

        def attempt(spy=spy, point=point, watch=watch):
            with torch.enable_grad(), watch:
                return derivative_by_backward(spy, point)

        outcome = sandbox.run(attempt)
        call = "derivative_by_backward(f, x)"
        if not outcome.ok:
            hint = ""
            if torch_errors.key_of(outcome.error) in _NO_GRAPH and spy.calls_with_grad == 0:
                hint = "exercises.ex5_input_no_grad"
            return failed(5, outcome, call, hint)
        if watch.stepped:  # f evaluated at x ± h: a difference quotient, whatever else ran
            return wrong(5, "exercises.ex5_difference")
        if outcome.value is None:
            if spy.non_leaf:
                return wrong(5, "exercises.ex5_not_leaf")
            if spy.backward_through_output == 0:
                return wrong(5, "exercises.ex5_no_backward")
            return wrong(5, "exercises.returned_none", function="derivative_by_backward")
        result = as_tensor(outcome.value)
        if result is None or result.shape != x.shape or result.is_complex():
            return wrong(5, "exercises.ex5_shape")
        if spy.backward_through_output == 0:
            # Asking for gradients (requires_grad_) is not yet differentiating; jvp or a
            # transform is, in forward mode.
            ran = set(watch.autograd) - {"requires_grad_", "__set__", "_set_grad_enabled"}
            return wrong(5, "exercises.ex5_not_reverse" if ran else "exercises.ex5_no_backward")
        # The check's points are float64: a backward pass in float64 repeats autograd's own
        # arithmetic, while a difference quotient (whatever its step) stops some digits short.
        exact = 1e-12 if result.dtype == torch.float64 else 1e-5
        if close(result, expected, tol=exact):
            continue
        if close(result, expected, tol=1e-5):
            digits = sandbox.agreement_digits(result, expected)
            return wrong(5, "exercises.ex5_approximate", digits=digits)
        if close(result, 2 * expected, tol=1e-5):
            return wrong(5, "exercises.ex5_doubled")
        if close(result, f(x), tol=1e-5):
            return wrong(5, "exercises.ex5_values")
        if name is None and close(result, _derivative(torch.sin, x), tol=1e-5):
            return wrong(5, "exercises.ex5_formula")  # right for sin, and only for sin
        if name is None:
            return wrong(5, "exercises.ex5_hidden_mismatch")
        return wrong(5, "exercises.ex5_mismatch")
    return right(5, "exercises.ex5_correct", functions=len(_EX5_FUNCTIONS))


# --- exercise 6: the chain rule by hand -----------------------------------------------------------

_EX6_SHOWN = torch.cat([torch.linspace(-4.0, -0.5, 8), torch.linspace(0.5, 4.0, 8)]).double()
_EX6_HIDDEN = torch.tensor([-3.3, -1.7, -0.3, 0.7, 1.9, 5.5], dtype=torch.float64)


def _derivative(fn: Callable, x: torch.Tensor) -> torch.Tensor:
    """The derivative of an element-wise `fn` at the points `x`, by autograd."""
    leaf = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad(fn(leaf).sum(), leaf)
    return grad


def _ex6_slips(x: torch.Tensor) -> tuple[tuple[str, torch.Tensor], ...]:
    """The slips learners make most often, each with the rule that fixes it; `x` is float64.

    f = p·s + r with p = log(x²), s = sin(x), r = 1/x. Each slip is assembled from the pieces'
    derivatives as autograd computes them, with one rule misapplied, so the package holds no
    formula of f' (not even a nearly right one): the pieces are what the learner derives.
    """
    p, s = torch.log(x**2), torch.sin(x)
    dp = _derivative(lambda t: torch.log(t**2), x)
    ds = _derivative(torch.sin, x)
    dr = _derivative(lambda t: 1 / t, x)
    outer = _derivative(torch.log, x**2)  # log differentiated at x², the inner step forgotten
    log_x = _derivative(lambda t: torch.log(t.abs()), x)  # as if the argument were x
    return (
        ("exercises.ex6_value", reference.ex6_f(x)),
        ("exercises.ex6_inner", outer * s + p * ds + dr),
        ("exercises.ex6_log_rule", log_x * s + p * ds + dr),
        ("exercises.ex6_sign", dp * s + p * ds - dr),
        ("exercises.ex6_product", dp * ds + dr),
        ("exercises.ex6_product", dp * s + dr),
        ("exercises.ex6_product", p * ds + dr),
        ("exercises.ex6_missing_term", dp * s + p * ds),
    )


def check_ex6(df: object) -> Feedback:
    """Check `df(x)`, a hand-derived derivative of `ex6_f`, against autograd on a grid."""
    if (verdict := unanswered(6, df, "exercises.ex6_not_callable")) is not None:
        return verdict
    for x in (_EX6_SHOWN, _EX6_HIDDEN):
        steps: list[bool] = []

        def attempt(x=x, steps=steps):
            with by_hand(x) as watch:
                try:
                    return df(x.clone())
                finally:
                    steps.append(watch.stepped)

        outcome = sandbox.run(attempt)
        if not outcome.ok:
            hint = ""
            if torch_errors.key_of(outcome.error) in _REACHED_FOR_AUTOGRAD:
                hint = "exercises.by_hand_autograd"
            return failed(6, outcome, "df(x)", hint)
        if any(steps):
            return wrong(6, "exercises.by_hand_difference")
        if outcome.value is None:
            return wrong(6, "exercises.returned_none", function="df")
        result = as_tensor(outcome.value)
        if result is None or result.shape != x.shape or result.is_complex():
            return wrong(6, "exercises.ex6_shape")
        result = result.double()
        expected = _derivative(reference.ex6_f, x)  # f' asked by hand: autograd is the reference
        if close(result, expected, tol=1e-9):
            continue
        if close(result, expected, tol=1e-3):
            return wrong(
                6, "exercises.approximate", digits=sandbox.agreement_digits(result, expected)
            )
        for hint, slip in _ex6_slips(x):
            if close(result, slip, tol=1e-6):
                return wrong(6, hint)
        return wrong(6, "exercises.ex6_other")
    return right(6, "exercises.ex6_correct", points=_EX6_SHOWN.numel())
