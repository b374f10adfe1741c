"""The checks of the exercises at the end of lesson 03: the chain rule with shapes, and the graph.

Exercise 3.1 asks for the gradient of L(W) = Σ tanh(W x)² with respect to the matrix W, worked
out by hand: the answer runs with autograd unavailable (`probes.by_hand`), and autograd gives
the reference. Exercise 3.2 asks for the names of the backward nodes on the path from an output
to one leaf, read from `grad_fn` and `next_functions`; the check builds expressions of its own.
"""

from __future__ import annotations

import torch

from autograd_lab.exercises import sandbox
from autograd_lab.exercises.checks import failed, unanswered
from autograd_lab.exercises.feedback import right, wrong
from autograd_lab.exercises.probes import by_hand
from autograd_lab.feedback import Feedback
from autograd_lab.torch_errors import key_of

MATRIX_GRAD, GRAPH_PATH = "3.1", "3.2"

# --- exercise 3.1: dL/dW by hand ---------------------------------------------------------------

# Errors of a derivative "by hand" that reached for autograd, which is switched off there.
_REACHED_FOR_AUTOGRAD = ("no_grad_fn", "input_no_grad", "float_only")
_TOL = 1e-12  # float64 formulas agree to ~1e-15; a central difference gets ~1e-10 at best


def _matrix_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(W, x); the first is the one shown."""
    return [
        (
            torch.tensor([[0.5, -1.0, 0.25], [1.0, 0.5, -0.5]], dtype=torch.float64),
            torch.tensor([1.0, 2.0, -1.0], dtype=torch.float64),
        ),
        (
            torch.tensor([[0.3, -0.2, 0.1], [0.0, 0.4, -0.6], [0.7, 0.2, 0.5]]).double(),
            torch.tensor([-0.5, 1.5, 0.75], dtype=torch.float64),
        ),
        (
            torch.tensor([[0.2, -0.4], [1.1, 0.3], [-0.7, 0.6], [0.05, -1.2]]).double(),
            torch.tensor([0.8, -1.25], dtype=torch.float64),
        ),
    ]


def loss_of_w(W: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """Return L = Σ tanh(W x)², the loss of exercise 3.1."""
    return (torch.tanh(W @ x) ** 2).sum()


def _reference(W: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    leaf = W.clone().requires_grad_(True)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad(loss_of_w(leaf, x), leaf)
    return grad


def _slips(W: torch.Tensor, x: torch.Tensor) -> tuple[tuple[str, torch.Tensor], ...]:
    """The usual slips, each built from autograd's pieces with one rule misapplied."""
    u = (W @ x).requires_grad_(True)
    with torch.enable_grad():
        h = torch.tanh(u)
        (slope,) = torch.autograd.grad(h.sum(), u)  # tanh' at W x: no formula kept here
    h = h.detach()
    return (
        ("lesson03.matrix_no_tanh", (2 * h).outer(x)),
        ("lesson03.matrix_tanh_slope", (2 * h * (2 - slope)).outer(x)),
        ("lesson03.matrix_square", (h * slope).outer(x)),
    )


def check_matrix_grad(dL_dW: object) -> Feedback:  # noqa: N803 - the name the math gives it
    """Check `dL_dW(W, x)`, the gradient of Σ tanh(W x)² with respect to W, worked out by hand."""
    if (verdict := unanswered(MATRIX_GRAD, dL_dW, "lesson03.matrix_not_callable")) is not None:
        return verdict
    for W, x in _matrix_cases():
        steps: list[bool] = []

        def attempt(W=W, x=x, steps=steps):
            with by_hand(W, x) as watch:
                try:
                    return dL_dW(W.clone(), x.clone())
                finally:
                    steps.append(watch.stepped)

        outcome = sandbox.run(attempt)
        if not outcome.ok:
            hint = ""
            if key_of(outcome.error) in _REACHED_FOR_AUTOGRAD:
                hint = "exercises.by_hand_autograd"
            return failed(MATRIX_GRAD, outcome, "dL_dW(W, x)", hint)
        if any(steps):
            return wrong(MATRIX_GRAD, "exercises.by_hand_difference")
        if outcome.value is None:
            return wrong(MATRIX_GRAD, "exercises.returned_none", function="dL_dW")
        result = sandbox.as_tensor(outcome.value)
        expected = _reference(W, x)
        if result is None or result.is_complex() or result.dim() != 2:
            return wrong(MATRIX_GRAD, "lesson03.matrix_shape", shape=tuple(W.shape))
        if sandbox.close(result.T.double(), expected, tol=1e-9):
            return wrong(MATRIX_GRAD, "lesson03.matrix_transposed")
        if result.shape != W.shape:
            return wrong(MATRIX_GRAD, "lesson03.matrix_shape", shape=tuple(W.shape))
        result = result.double()
        if sandbox.close(result, expected, tol=_TOL):
            continue
        if sandbox.close(result, expected, tol=1e-3):
            digits = sandbox.agreement_digits(result, expected)
            return wrong(MATRIX_GRAD, "exercises.approximate", digits=digits)
        for hint, slip in _slips(W, x):
            if sandbox.close(result, slip, tol=1e-9):
                return wrong(MATRIX_GRAD, hint)
        return wrong(MATRIX_GRAD, "lesson03.matrix_mismatch")
    return right(MATRIX_GRAD, "lesson03.matrix_correct", cases=len(_matrix_cases()))


# --- exercise 3.2: the path from an output back to a leaf --------------------------------------


def _graph_cases() -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(output, leaf), built anew for every check; the first is the one shown."""
    a = torch.tensor([0.5, 1.0, 2.0], requires_grad=True)
    b = torch.tensor([1.0, -1.0, 3.0], requires_grad=True)
    c = torch.tensor([4.0, 5.0, 6.0])  # a constant: no node behind it
    with torch.enable_grad():
        return [
            ((torch.exp(a) * b).sum(), a),
            ((b * torch.sin(a)).mean(), a),
            (c - torch.sqrt(a), a),
            (((a * 2).relu() ** 2 + b.cos()).sum(), a),
            ((torch.log(b.abs()) + a.tanh()).prod(), b),
        ]


def _name(node: object) -> str:
    """The class name of a backward node ("MulBackward0", "AccumulateGrad")."""
    return type(node).__name__


def _paths(node: object, leaf: torch.Tensor) -> list[list[str]]:
    """Every path of node names from `node` down to the leaf's AccumulateGrad."""
    if hasattr(node, "variable"):  # a leaf's node: this leaf's, or another one's
        return [[_name(node)]] * (node.variable is leaf)
    found = []
    for child, _ in () if node is None else node.next_functions:
        found.extend([_name(node), *path] for path in _paths(child, leaf))
    return found


def _first_inputs(out: torch.Tensor) -> list[str]:
    """The names met by always following a node's first input (a walk that ignores the leaf)."""
    names, node = [], out.grad_fn
    while node is not None:
        names.append(_name(node))
        node = node.next_functions[0][0] if node.next_functions else None
    return names


def _all_nodes(out: torch.Tensor) -> list[str]:
    """Every node of the graph, depth first from the output."""
    names, stack, seen = [], [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.append(_name(node))
        stack.extend(child for child, _ in reversed(node.next_functions))
    return names


def _as_names(value: object) -> list[str] | None:
    """The learner's list or tuple of names as plain strings ("torch::autograd::" dropped)."""
    if not isinstance(value, (list, tuple)) or not all(isinstance(n, str) for n in value):
        return None
    return [n.removeprefix("torch::autograd::") for n in value]


def check_graph_path(path_to_leaf: object) -> Feedback:
    """Check `path_to_leaf(out, leaf)`: the node names from out.grad_fn down to the leaf."""
    if (verdict := unanswered(GRAPH_PATH, path_to_leaf, "lesson03.path_not_callable")) is not None:
        return verdict
    for index, (out, leaf) in enumerate(_graph_cases()):
        (expected,) = _paths(out.grad_fn, leaf)
        outcome = sandbox.run(lambda out=out, leaf=leaf: path_to_leaf(out, leaf))
        if not outcome.ok:
            return failed(GRAPH_PATH, outcome, "path_to_leaf(out, leaf)")
        if outcome.value is None:
            return wrong(GRAPH_PATH, "exercises.returned_none", function="path_to_leaf")
        names = _as_names(outcome.value)
        if names is None:
            return wrong(GRAPH_PATH, "lesson03.path_not_names")
        if names == expected:
            continue
        if any(" object at " in n or n.startswith("<") for n in names):
            return wrong(GRAPH_PATH, "lesson03.path_objects")
        if names == expected[::-1]:
            return wrong(GRAPH_PATH, "lesson03.path_reversed")
        if names == expected[:-1]:
            return wrong(GRAPH_PATH, "lesson03.path_no_leaf")
        if names == _all_nodes(out):
            return wrong(GRAPH_PATH, "lesson03.path_whole_graph")
        if names == _first_inputs(out):
            return wrong(GRAPH_PATH, "lesson03.path_first_input")
        if index > 0:
            return wrong(GRAPH_PATH, "lesson03.path_hidden")
        return wrong(GRAPH_PATH, "lesson03.path_mismatch")
    return right(GRAPH_PATH, "lesson03.path_correct", cases=len(_graph_cases()))
