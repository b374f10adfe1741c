"""The checks of the exercises at the end of lesson 06 (the course engine), labels "6.1" and "6.2".

6.1 asks for a new operation of the engine, `sigmoid(x)`: one recorded node with its own local
rule, built the way core.py builds its ops (`Rule` and `_apply`). The check compares value and
gradient with PyTorch on inputs it keeps to itself, with a weighted output (a rule that ignores
the gradient it receives fails), with the node's gradient shared by a second node (a rule that
changes that gradient in place fails), and in second order (the rule must run on engine tensors
too, as `create_graph=True` needs). It watches how the rule computes: a step off the input
(`a + h`, a difference quotient) and any use of PyTorch's autograd are refused.

6.2 asks how many shares of the gradient each tensor of a graph receives in a backward pass:
the accumulation of lesson 06, counted on graphs the learner does not see (a constant and a
`detach`, a chain deeper than Python's recursion limit, a graph with 2^30 paths).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import numpy as np
import torch

from autograd_lab import engine
from autograd_lab.engine import core
from autograd_lab.exercises import sandbox
from autograd_lab.exercises.checks import failed, unanswered
from autograd_lab.exercises.feedback import right, wrong
from autograd_lab.exercises.probes import Watch
from autograd_lab.exercises.sandbox import close
from autograd_lab.feedback import Feedback

SIGMOID, SHARES = "6.1", "6.2"

# --- 6.1: a new operation, sigmoid ---------------------------------------------------------------

# The engine's own rules: an answer whose node carries one of them is a composition, not a new op.
# (A new rule that borrows an existing grad_fn name is still a new rule.)
_ENGINE_RULES = tuple(rule for rule in vars(core).values() if isinstance(rule, core.Rule))
_SMALL = 0.1  # a step below this off the input, inside a rule, is a difference quotient's h

# Inputs: the ones the notebook shows, then the check's own (a matrix, values far out).
_INPUTS = (
    np.array([-2.0, 0.0, 0.5, 3.0]),
    np.array([[-4.5, -1.25, 0.75], [2.5, 7.0, -0.375]]),
)


class _StepWatch(np.ndarray):
    """An input array that records a small step off itself (`a + h`) while a rule runs."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        plain = tuple(i.view(np.ndarray) if isinstance(i, _StepWatch) else i for i in inputs)
        if _StepWatch.armed and method == "__call__" and ufunc in (np.add, np.subtract):
            for mine, step in ((inputs[0], plain[-1]), (inputs[-1], plain[0])):
                if mine is _StepWatch.watched and _small_uniform(step):
                    _StepWatch.stepped = True
        if "out" in kwargs:
            kwargs["out"] = tuple(o.view(np.ndarray) for o in kwargs["out"])
        return getattr(ufunc, method)(*plain, **kwargs)


_StepWatch.armed = False
_StepWatch.stepped = False
_StepWatch.watched = None


def _small_uniform(value) -> bool:
    array = np.asarray(value.data if isinstance(value, core.Tensor) else value, dtype=float)
    if array.size == 0 or not np.all(array == array.flat[0]):
        return False
    return 0 < abs(float(array.flat[0])) < _SMALL


def _torch(values: np.ndarray, requires_grad: bool = True) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)


def _reference(values: np.ndarray, weights: np.ndarray, tangent: np.ndarray):
    """Value, weighted gradient, shared-gradient case and second order of torch.sigmoid."""
    with torch.enable_grad():
        x = _torch(values)
        value = torch.sigmoid(x)
        w = torch.from_numpy(weights)
        (first,) = torch.autograd.grad((value * w).sum(), x, create_graph=True)
        (second,) = torch.autograd.grad((first * torch.from_numpy(tangent)).sum(), x)
        (shared,) = torch.autograd.grad(((torch.sigmoid(x) + torch.sigmoid(0.5 * x)) * w).sum(), x)
        (local,) = torch.autograd.grad(torch.sigmoid(x).sum(), x)
    return (t.detach().numpy() for t in (value, first, shared, second, local))


def _steps_off(node: core.Tensor, x: core.Tensor) -> bool:
    """Whether the recorded backward pass below `node` took a small step off `x` (x + h)."""
    seen, stack = set(), [node]
    while stack:
        t = stack.pop()
        if id(t) in seen:
            continue
        seen.add(id(t))
        if t._rule is not None and t._rule.name in ("AddBackward0", "SubBackward0"):
            a, b = t._parents
            if (a is x and _small_uniform(b)) or (b is x and _small_uniform(a)):
                return True
        stack.extend(t._parents)
    return False


def _first_order(sigmoid: Callable, values: np.ndarray, weights: np.ndarray):
    """Run backward on (sigmoid(x) * w).sum() with x.data watched; return x.grad's values."""
    x = engine.tensor(values, requires_grad=True)
    x.data = values.copy().view(_StepWatch)
    _StepWatch.watched, _StepWatch.stepped = x.data, False
    out = sigmoid(x)
    _StepWatch.armed = True
    try:
        (out * engine.tensor(weights)).sum().backward()
    finally:
        _StepWatch.armed = False
    return None if x.grad is None else np.asarray(x.grad.data, dtype=float)


def _shared(sigmoid: Callable, values: np.ndarray, weights: np.ndarray):
    """x.grad of ((sigmoid(x) + sigmoid(0.5 x)) * w).sum(): two nodes get one gradient object."""
    x = engine.tensor(values, requires_grad=True)
    ((sigmoid(x) + sigmoid(0.5 * x)) * engine.tensor(weights)).sum().backward()
    return None if x.grad is None else np.asarray(x.grad.data, dtype=float)


def _second_order(sigmoid: Callable, values: np.ndarray, weights: np.ndarray, tangent):
    """The gradient of <d/dx (sigmoid(x) * w).sum(), v>, and whether a step off x was taken."""
    x = engine.tensor(values, requires_grad=True)
    (first,) = engine.grad((sigmoid(x) * engine.tensor(weights)).sum(), x, create_graph=True)
    stepped = _steps_off(first, x)
    (second,) = engine.grad((first * engine.tensor(tangent)).sum(), x)
    return np.asarray(second.data, dtype=float), stepped


def check_sigmoid_op(sigmoid: object) -> Feedback:
    """Check `sigmoid(x)`, a new engine op with its own backward rule, against PyTorch."""
    if (verdict := unanswered(SIGMOID, sigmoid, "lesson06.op_not_callable")) is not None:
        return verdict
    for values in _INPUTS:
        weights = np.linspace(-1.5, 2.0, values.size).reshape(values.shape)
        tangent = np.linspace(0.5, -1.0, values.size).reshape(values.shape)
        value, first, shared, second, local = _reference(values, weights, tangent)
        watch = Watch()
        x = engine.tensor(values, requires_grad=True)

        def forward(x=x, watch=watch):
            with watch:
                return sigmoid(x)

        outcome = sandbox.run(forward)
        if not outcome.ok:
            return failed(SIGMOID, outcome, "sigmoid(x)")
        out = outcome.value
        if not isinstance(out, core.Tensor):
            return wrong(SIGMOID, "lesson06.op_not_tensor")
        if out.shape != values.shape or not close(
            torch.from_numpy(np.asarray(out.data)), torch.from_numpy(value), tol=1e-12
        ):
            return wrong(SIGMOID, "lesson06.op_value")
        if watch.autograd:
            return wrong(SIGMOID, "lesson06.op_autograd")
        if out._rule is None:
            return wrong(SIGMOID, "lesson06.op_not_recorded")
        borrowed = any(out._rule is rule for rule in _ENGINE_RULES)
        if borrowed or len(out._parents) != 1 or out._parents[0] is not x:
            return wrong(SIGMOID, "lesson06.op_composed")

        def backward(values=values, weights=weights, watch=watch):
            with watch:
                return _first_order(sigmoid, values, weights)

        outcome = sandbox.run(backward)
        stepped = _StepWatch.stepped
        if watch.autograd:
            return wrong(SIGMOID, "lesson06.op_autograd")
        if not outcome.ok:
            return _rule_failed(outcome)
        if stepped:
            return wrong(SIGMOID, "lesson06.op_difference")
        grad = outcome.value
        if grad is None or grad.shape != values.shape:
            return wrong(SIGMOID, "lesson06.op_rule_shape")
        if not np.allclose(grad, first, rtol=1e-10, atol=1e-12):
            if np.allclose(grad, local, rtol=1e-10, atol=1e-12):
                return wrong(SIGMOID, "lesson06.op_ignores_g")
            if np.allclose(grad, first, rtol=1e-3, atol=1e-4):
                return wrong(SIGMOID, "lesson06.op_difference")
            return wrong(SIGMOID, "lesson06.op_rule_wrong")

        outcome = sandbox.run(
            lambda values=values, weights=weights: _shared(sigmoid, values, weights)
        )
        if not outcome.ok:
            return _rule_failed(outcome)
        if outcome.value is None or not np.allclose(outcome.value, shared, rtol=1e-10, atol=1e-12):
            return wrong(SIGMOID, "lesson06.op_shared_gradient")

        def twice(values=values, weights=weights, tangent=tangent, watch=watch):
            with watch:
                return _second_order(sigmoid, values, weights, tangent)

        outcome = sandbox.run(twice)
        if watch.autograd:
            return wrong(SIGMOID, "lesson06.op_autograd")
        if not outcome.ok:
            if outcome.broken or outcome.timed_out:
                return failed(SIGMOID, outcome, "engine.grad(..., create_graph=True)")
            return wrong(SIGMOID, "lesson06.op_second_order")
        result, stepped = outcome.value
        if stepped:
            return wrong(SIGMOID, "lesson06.op_difference")
        if not np.allclose(result, second, rtol=1e-9, atol=1e-12):
            return wrong(SIGMOID, "lesson06.op_second_order")
    return right(SIGMOID, "lesson06.op_correct")


def _rule_failed(outcome) -> Feedback:
    """The verdict for a backward pass that raised inside the learner's rule."""
    error = outcome.error
    if isinstance(error, (TypeError, ValueError)) and "zip()" in sandbox.text_of(error):
        return wrong(SIGMOID, "lesson06.op_not_tuple")
    if isinstance(error, TypeError) and "iteration over a 0-d array" in sandbox.text_of(error):
        return wrong(SIGMOID, "lesson06.op_not_tuple")
    return failed(SIGMOID, outcome, "y.backward()", "lesson06.op_rule_raised")


# --- 6.2: how many shares each tensor receives ---------------------------------------------------


def _graph_shown() -> tuple[core.Tensor, dict[str, core.Tensor]]:
    """The notebook's graph: d = ((exp(a*a) + a*a) * a).sum()."""
    a = engine.tensor([1.0, 2.0], requires_grad=True)
    b = a * a
    e = b.exp()
    c = e + b
    m = c * a
    return m.sum(), {"a": a, "b": b, "e": e, "c": c, "m": m}


def _graph_constants() -> tuple[core.Tensor, dict]:
    """A constant, a detach and a tensor used three times by one op chain."""
    p = engine.tensor([0.5, -1.0, 2.0], requires_grad=True)
    q = engine.tensor([3.0, 1.0, 2.0])
    s = p * q + p.detach() * p
    t = s.tanh() * s + s
    return t.sum(), {"p": p, "s": s}


def _graph_deep() -> tuple[core.Tensor, dict]:
    """A chain of 3000 sines: deeper than Python's recursion limit."""
    x = engine.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(3000):
        y = y.sin()
    return y, {"x": x}


def _graph_paths() -> tuple[core.Tensor, dict]:
    """v = v + v thirty times: 31 tensors, 2^30 paths from the output to x."""
    x = engine.tensor(1.0, requires_grad=True)
    v = x
    for _ in range(30):
        v = v + v
    return v, {"x": x}


GRAPHS = (_graph_shown, _graph_constants, _graph_deep, _graph_paths)


def _received(root: core.Tensor) -> dict:
    """How many shares each tensor receives, counted in the engine's own backward pass."""
    received: Counter = Counter()
    for node, _, shares in core.backpropagate(root):
        received.update(p for p, _ in zip(node._parents, shares, strict=True) if p.requires_grad)
    return dict(received)


def _count(root: core.Tensor, distinct: bool = False, constants: bool = False) -> dict:
    """A learner's slip of the count: each input once per node, or constants counted too."""
    received: Counter = Counter()
    for node in core.topological_order(root):
        inputs = {id(p): p for p in node._parents}.values() if distinct else node._parents
        received.update(p for p in inputs if constants or p.requires_grad)
    return dict(received)


def _paths(root: core.Tensor) -> dict:
    """How many paths lead from root to each tensor (what a recursive walk counts)."""
    paths = {root: 1}
    for node in reversed(core.topological_order(root)):
        for p in (q for q in node._parents if q.requires_grad):
            paths[p] = paths.get(p, 0) + paths[node]
    paths.pop(root)
    return paths


def _parents_count(root: core.Tensor) -> dict:
    return {n: len(n._parents) for n in core.topological_order(root) if n._parents}


def _as_counts(value: object) -> dict | None:
    """The learner's answer as {tensor: count} with zero counts dropped; None if not that."""
    if not isinstance(value, dict):
        return None
    found = {}
    for key, count in value.items():
        if not isinstance(key, core.Tensor):
            return None
        if isinstance(count, (bool, np.bool_)) or not isinstance(count, (int, np.integer)):
            try:
                if float(count) != int(count):
                    return None
                count = int(count)
            except Exception:  # a value that is no whole number, however it fails to say so
                return None
        if count:
            found[key] = int(count)
    return found


def _same(a: dict, b: dict) -> bool:
    return {id(k): v for k, v in a.items()} == {id(k): v for k, v in b.items() if v}


def check_shares(shares: object) -> Feedback:
    """Check `shares(root)`: how many shares of the gradient each tensor below root receives."""
    if (verdict := unanswered(SHARES, shares, "lesson06.shares_not_callable")) is not None:
        return verdict
    for index, make in enumerate(GRAPHS):
        root, _ = make()
        outcome = sandbox.run(lambda root=root: shares(root))
        if not outcome.ok:
            if isinstance(outcome.error, RecursionError):
                return wrong(SHARES, "lesson06.shares_recursion")
            if outcome.timed_out and index == len(GRAPHS) - 1:
                return wrong(SHARES, "lesson06.shares_paths")
            return failed(SHARES, outcome, "shares(root)")
        if outcome.value is None:
            return wrong(SHARES, "exercises.returned_none", function="shares")
        if not isinstance(outcome.value, dict):
            return wrong(SHARES, "lesson06.shares_not_dict")
        counts = _as_counts(outcome.value)
        if counts is None:
            return wrong(SHARES, "lesson06.shares_keys")
        expected = _received(root)
        if _same(counts, expected):
            continue
        if root in counts and _same({k: v for k, v in counts.items() if k is not root}, expected):
            return wrong(SHARES, "lesson06.shares_root")
        slips = (
            ("lesson06.shares_duplicate", _count(root, distinct=True)),
            ("lesson06.shares_constants", _count(root, constants=True)),
            ("lesson06.shares_paths", _paths(root)),
            ("lesson06.shares_parents", _parents_count(root)),
        )
        for hint, slip in slips:
            if _same(counts, slip):
                return wrong(SHARES, hint)
        if index > 0:
            return wrong(SHARES, "lesson06.shares_hidden")
        return wrong(SHARES, "lesson06.shares_wrong")
    return right(SHARES, "lesson06.shares_correct", graphs=len(GRAPHS))
