"""The bank of answers to the exercises at the end of lesson 06 (6.1 a new engine op, 6.2 shares of
the gradient): each wrong or lazy answer gets its own hint, each right one passes, in zh and en.
The table lands in build/exercise-bank/lesson06.md (tests/bank.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from autograd_lab import engine
from autograd_lab.engine import core
from autograd_lab.exercises import lesson06
from tests.bank import LANGUAGES, Bank

# --- 6.1: sigmoid as a new op ---------------------------------------------------------------------


def sigmoid_reference(x):
    def vjp(g, a, out):
        return (g * out * (1 - out),)

    rule = core.Rule("SigmoidBackward0", vjp, saves=(1,))
    return core._apply(rule, 1 / (1 + np.exp(-x.data)), x)


def sigmoid_from_input(x):
    # The rule reads the input and uses the engine's exp, which runs on arrays and tensors alike.
    def vjp(g, a, out):
        e = core.exp(-a)
        return (g * e / ((1 + e) * (1 + e)),)

    rule = core.Rule("SigmoidBackward0", vjp, saves=(0,))
    return core._apply(rule, 0.5 * (1 + np.tanh(x.data / 2)), x)


def sigmoid_composed(x):
    return 1 / (1 + (-x).exp())


def sigmoid_not_recorded(x):
    return engine.tensor(1 / (1 + np.exp(-x.data)))


def sigmoid_ignores_g(x):
    rule = core.Rule("SigmoidBackward0", lambda g, a, out: (out * (1 - out),), saves=(1,))
    return core._apply(rule, 1 / (1 + np.exp(-x.data)), x)


def sigmoid_rule_of_exp(x):
    rule = core.Rule("SigmoidBackward0", lambda g, a, out: (g * out,), saves=(1,))
    return core._apply(rule, 1 / (1 + np.exp(-x.data)), x)


def _s(v):
    return 1 / (1 + np.exp(-v))


def sigmoid_central_difference(x):
    h = 1e-5
    rule = core.Rule("SigmoidBackward0", lambda g, a, out: (g * (_s(a + h) - _s(a - h)) / (2 * h),))
    return core._apply(rule, _s(x.data), x)


def sigmoid_difference_through_engine(x):
    # A difference quotient of the engine's own exp: runs in second order too.
    h = 1e-6

    def vjp(g, a, out):
        return (g * (1 / (1 + core.exp(-(a + h))) - out) / h,)

    return core._apply(core.Rule("SigmoidBackward0", vjp, saves=(0, 1)), _s(x.data), x)


def sigmoid_torch_autograd(x):
    def vjp(g, a, out):
        t = torch.tensor(np.asarray(a), requires_grad=True)
        (d,) = torch.autograd.grad(torch.sigmoid(t).sum(), t)
        return (g * d.numpy(),)

    return core._apply(core.Rule("SigmoidBackward0", vjp, saves=(0,)), _s(x.data), x)


def sigmoid_in_place_g(x):
    def vjp(g, a, out):
        g *= out * (1 - out)
        return (g,)

    return core._apply(core.Rule("SigmoidBackward0", vjp, saves=(1,)), _s(x.data), x)


def sigmoid_numpy_only(x):
    return core._apply(
        core.Rule("SigmoidBackward0", lambda g, a, out: (g * _s(a) * (1 - _s(a)),), saves=(0,)),
        _s(x.data),
        x,
    )


def sigmoid_not_tuple(x):
    rule = core.Rule("SigmoidBackward0", lambda g, a, out: g * out * (1 - out), saves=(1,))
    return core._apply(rule, _s(x.data), x)


def sigmoid_wrong_value(x):
    rule = core.Rule("SigmoidBackward0", lambda g, a, out: (g * out * (1 - out),), saves=(1,))
    return core._apply(rule, 1 / (1 + np.exp(x.data)), x)


def sigmoid_not_implemented(x):
    raise NotImplementedError


def sigmoid_placeholder(x): ...


# --- 6.2: shares of the gradient -----------------------------------------------------------------


def shares_reference(root):
    counts = {}
    for node in engine.topological_order(root):
        for parent in node._parents:
            if parent.requires_grad:
                counts[parent] = counts.get(parent, 0) + 1
    return counts


def shares_from_backpropagate(root):
    counts = {}
    for node, _grad, _shares in engine.backpropagate(root):
        for parent in node._parents:
            if parent.requires_grad:
                counts[parent] = counts.get(parent, 0) + 1
    return counts


def shares_own_stack(root):
    counts, seen, stack = {}, {id(root)}, [root]
    while stack:
        node = stack.pop()
        for parent in node._parents:
            if not parent.requires_grad:
                continue
            counts[parent] = counts.get(parent, 0) + 1
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return counts


def shares_parents(root):
    return {node: len(node._parents) for node in engine.topological_order(root) if node._parents}


def shares_distinct(root):
    counts = {}
    for node in engine.topological_order(root):
        for parent in set(node._parents):
            if parent.requires_grad:
                counts[parent] = counts.get(parent, 0) + 1
    return counts


def shares_constants_too(root):
    counts = {}
    for node in engine.topological_order(root):
        for parent in node._parents:
            counts[parent] = counts.get(parent, 0) + 1
    return counts


def shares_with_root(root):
    counts = shares_reference(root)
    counts[root] = 1
    return counts


def shares_by_paths(root):
    counts = {}

    def walk(node):
        for parent in node._parents:
            if parent.requires_grad:
                counts[parent] = counts.get(parent, 0) + 1
                walk(parent)

    walk(root)
    return counts


def shares_recursive_visited(root):
    counts, seen = {}, set()

    def walk(node):
        for parent in node._parents:
            if parent.requires_grad:
                counts[parent] = counts.get(parent, 0) + 1
                if id(parent) not in seen:
                    seen.add(id(parent))
                    walk(parent)

    walk(root)
    return counts


def shares_by_name(root):
    return {repr(node): n for node, n in shares_reference(root).items()}


def shares_as_list(root):
    return list(shares_reference(root).values())


def shares_placeholder(root): ...


BANK = [
    (
        "6.1",
        "placeholder",
        lambda: lesson06.check_sigmoid_op(sigmoid_placeholder),
        "exercises.not_attempted",
    ),
    (
        "6.1",
        "raise NotImplementedError",
        lambda: lesson06.check_sigmoid_op(sigmoid_not_implemented),
        "exercises.not_attempted",
    ),
    ("6.1", "not a function", lambda: lesson06.check_sigmoid_op(0.5), "lesson06.op_not_callable"),
    (
        "6.1",
        "composed of exp, + and /",
        lambda: lesson06.check_sigmoid_op(sigmoid_composed),
        "lesson06.op_composed",
    ),
    (
        "6.1",
        "value wrapped, nothing recorded",
        lambda: lesson06.check_sigmoid_op(sigmoid_not_recorded),
        "lesson06.op_not_recorded",
    ),
    (
        "6.1",
        "rule ignores g",
        lambda: lesson06.check_sigmoid_op(sigmoid_ignores_g),
        "lesson06.op_ignores_g",
    ),
    (
        "6.1",
        "rule of exp copied",
        lambda: lesson06.check_sigmoid_op(sigmoid_rule_of_exp),
        "lesson06.op_rule_wrong",
    ),
    (
        "6.1",
        "central difference in the rule",
        lambda: lesson06.check_sigmoid_op(sigmoid_central_difference),
        "lesson06.op_difference",
    ),
    (
        "6.1",
        "difference quotient on engine tensors",
        lambda: lesson06.check_sigmoid_op(sigmoid_difference_through_engine),
        "lesson06.op_difference",
    ),
    (
        "6.1",
        "rule asks torch.autograd",
        lambda: lesson06.check_sigmoid_op(sigmoid_torch_autograd),
        "lesson06.op_autograd",
    ),
    (
        "6.1",
        "g changed in place",
        lambda: lesson06.check_sigmoid_op(sigmoid_in_place_g),
        "lesson06.op_shared_gradient",
    ),
    (
        "6.1",
        "NumPy-only rule (no second order)",
        lambda: lesson06.check_sigmoid_op(sigmoid_numpy_only),
        "lesson06.op_second_order",
    ),
    (
        "6.1",
        "share not in a tuple",
        lambda: lesson06.check_sigmoid_op(sigmoid_not_tuple),
        "lesson06.op_not_tuple",
    ),
    (
        "6.1",
        "sign of the exponent wrong",
        lambda: lesson06.check_sigmoid_op(sigmoid_wrong_value),
        "lesson06.op_value",
    ),
    (
        "6.2",
        "placeholder",
        lambda: lesson06.check_shares(shares_placeholder),
        "exercises.not_attempted",
    ),
    (
        "6.2",
        "counts each node's parents",
        lambda: lesson06.check_shares(shares_parents),
        "lesson06.shares_parents",
    ),
    (
        "6.2",
        "distinct inputs (a * a once)",
        lambda: lesson06.check_shares(shares_distinct),
        "lesson06.shares_duplicate",
    ),
    (
        "6.2",
        "constants counted",
        lambda: lesson06.check_shares(shares_constants_too),
        "lesson06.shares_constants",
    ),
    (
        "6.2",
        "root given a share",
        lambda: lesson06.check_shares(shares_with_root),
        "lesson06.shares_root",
    ),
    (
        "6.2",
        "recursion over every path",
        lambda: lesson06.check_shares(shares_by_paths),
        "lesson06.shares_paths",
    ),
    (
        "6.2",
        "recursion with a visited set",
        lambda: lesson06.check_shares(shares_recursive_visited),
        "lesson06.shares_recursion",
    ),
    ("6.2", "names as keys", lambda: lesson06.check_shares(shares_by_name), "lesson06.shares_keys"),
    (
        "6.2",
        "a list of counts",
        lambda: lesson06.check_shares(shares_as_list),
        "lesson06.shares_not_dict",
    ),
]

RIGHT = [
    ("6.1", "reference: rule on the output", lambda: lesson06.check_sigmoid_op(sigmoid_reference)),
    ("6.1", "rule on the input, engine exp", lambda: lesson06.check_sigmoid_op(sigmoid_from_input)),
    ("6.2", "reference: topological_order", lambda: lesson06.check_shares(shares_reference)),
    ("6.2", "the steps of backpropagate", lambda: lesson06.check_shares(shares_from_backpropagate)),
    ("6.2", "an explicit stack of its own", lambda: lesson06.check_shares(shares_own_stack)),
]

BANK_OF = Bank("lesson06", known_right=lambda: lesson06.check_shares(shares_reference))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check", "hint"), BANK_OF.wrong_params(BANK))
def test_wrong_answer_gets_its_own_hint(exercise, name, check, hint, language):
    BANK_OF.expect_wrong(exercise, name, check, hint, language, answer_words=("1 - out",))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check"), BANK_OF.right_params(RIGHT))
def test_right_answer_passes(exercise, name, check, language):
    BANK_OF.expect_right(exercise, name, check, language)


def test_the_bank_covers_each_exercise():
    for label in ("6.1", "6.2"):
        wrong = [r for r in BANK if r[0] == label and not r[3].endswith("not_attempted")]
        assert len(wrong) >= 5, label
        assert len({r[3] for r in wrong}) >= 5, f"{label}: five different hints at least"
        assert len([r for r in RIGHT if r[0] == label]) >= 2, label


def test_the_check_leaves_the_engine_as_it_was():
    lesson06.check_sigmoid_op(sigmoid_reference)
    assert core._grad_enabled and not core._forward_mode
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]


@pytest.fixture(scope="module", autouse=True)
def _table_of_verdicts():
    """Once the module's tests ran, write the table of every verdict they saw (not a test)."""
    yield
    BANK_OF.write_table()
