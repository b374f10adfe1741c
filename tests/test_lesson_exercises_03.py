"""The bank of answers to the exercises at the end of lesson 03: every wrong or lazy answer a
learner would write gets its own hint, every answer left unwritten is told so, and at least two
right methods pass, in both languages. The table lands in build/exercise-bank/lesson03.md.
"""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch

from autograd_lab.exercises import lesson03
from tests.bank import LANGUAGES, Bank

# --- exercise 3.1: dL_dW(W, x) for L = Σ tanh(W x)², by hand ------------------------------------


def dw_reference(W, x):
    h = torch.tanh(W @ x)
    dL_du = 2 * h * (1 - h**2)
    return torch.outer(dL_du, x)


def dw_cosh(W, x):
    u = W @ x
    return (2 * torch.tanh(u) / torch.cosh(u) ** 2)[:, None] * x[None, :]


def dw_numpy(W, x):
    u = W.numpy() @ x.numpy()
    h = np.tanh(u)
    return np.outer(2 * h * (1 - h * h), x.numpy())


def dw_placeholder(W, x): ...


def dw_transposed(W, x):
    h = torch.tanh(W @ x)
    return torch.outer(x, 2 * h * (1 - h**2))


def dw_no_tanh(W, x):
    return torch.outer(2 * torch.tanh(W @ x), x)


def dw_sign(W, x):
    h = torch.tanh(W @ x)
    return torch.outer(2 * h * (1 + h**2), x)


def dw_no_two(W, x):
    h = torch.tanh(W @ x)
    return torch.outer(h * (1 - h**2), x)


def dw_vector(W, x):
    h = torch.tanh(W @ x)
    return 2 * h * (1 - h**2)  # dL/du, the last link forgotten


def dw_autograd(W, x):
    W = W.clone().requires_grad_(True)
    (torch.tanh(W @ x) ** 2).sum().backward()
    return W.grad


def dw_autograd_grad(W, x):
    W = W.detach().requires_grad_()
    return torch.autograd.grad((torch.tanh(W @ x) ** 2).sum(), W)[0]


def dw_torch_func(W, x):
    return torch.func.grad(lambda m: (torch.tanh(m @ x) ** 2).sum())(W)


def dw_difference(W, x):
    h = 1e-6

    def L(m):
        return (torch.tanh(m @ x) ** 2).sum()

    grad = torch.zeros_like(W)
    for i in range(W.shape[0]):
        for j in range(W.shape[1]):
            step = torch.zeros_like(W)
            step[i, j] = h
            grad[i, j] = (L(W + step) - L(W - step)) / (2 * h)
    return grad


def dw_uniform_difference(W, x):
    h = 1e-6
    return ((torch.tanh((W + h) @ x) ** 2).sum() - (torch.tanh(W @ x) ** 2).sum()) / h


def dw_thread(W, x):
    box = []

    def work():
        m = W.detach().clone().requires_grad_(True)
        (torch.tanh(m @ x) ** 2).sum().backward()
        box.append(m.grad)

    worker = threading.Thread(target=work)
    worker.start()
    worker.join()
    return box[0]


def dw_reshaped(W, x):
    h = torch.tanh(W @ x)
    return torch.outer(x, 2 * h * (1 - h**2)).reshape(W.shape)  # the right shape, not the layout


def dw_copied(W, x):
    return torch.tensor([[-0.2143, -0.4286, 0.2143], [0.0525, 0.1049, -0.0525]], dtype=W.dtype)


def dw_float32(W, x):
    W, x = W.float(), x.float()
    h = torch.tanh(W @ x)
    return torch.outer(2 * h * (1 - h**2), x)


# --- exercise 3.2: path_to_leaf(out, leaf) ------------------------------------------------------


def path_recursive(out, leaf):
    def down(node):
        if node is None:
            return None
        if getattr(node, "variable", None) is leaf:
            return [type(node).__name__]
        for child, _ in node.next_functions:
            rest = down(child)
            if rest is not None:
                return [type(node).__name__, *rest]
        return None

    return down(out.grad_fn)


def path_stack(out, leaf):
    stack = [(out.grad_fn, [])]
    while stack:
        node, before = stack.pop()
        if node is None:
            continue
        names = [*before, node.name().removeprefix("torch::autograd::")]
        if hasattr(node, "variable") and node.variable is leaf:
            return names
        stack.extend((child, names) for child, _ in node.next_functions)
    return []


def path_placeholder(out, leaf): ...


def path_reversed(out, leaf):
    return path_recursive(out, leaf)[::-1]


def path_no_leaf(out, leaf):
    return path_recursive(out, leaf)[:-1]


def path_objects(out, leaf):
    found = []

    def down(node):
        if node is None:
            return False
        if getattr(node, "variable", None) is leaf:
            found.append(str(node))
            return True
        for child, _ in node.next_functions:
            if down(child):
                found.append(str(node))
                return True
        return False

    down(out.grad_fn)
    return found[::-1]


def path_everything(out, leaf):
    names, stack, seen = [], [out.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        names.append(type(node).__name__)
        stack.extend(child for child, _ in reversed(node.next_functions))
    return names


def path_first_input(out, leaf):
    names, node = [], out.grad_fn
    while node is not None:
        names.append(type(node).__name__)
        node = node.next_functions[0][0] if node.next_functions else None
    return names


def path_hard_coded(out, leaf):
    return ["SumBackward0", "MulBackward0", "ExpBackward0", "AccumulateGrad"]


def path_forward_ops(out, leaf):
    return ["exp", "mul", "sum"]


def path_string(out, leaf):
    return " -> ".join(path_recursive(out, leaf))


def path_loops(out, leaf):
    node = out.grad_fn
    names = []
    while True:  # never moves on
        names.append(type(node).__name__)
        names = names[-1:]


def path_only_grad_fn(out, leaf):
    return [type(out.grad_fn).__name__]


M, P = lesson03.check_matrix_grad, lesson03.check_graph_path

BANK = [
    ("3.1", "placeholder ...", lambda: M(dw_placeholder), "exercises.not_attempted"),
    ("3.1", "not a function", lambda: M(torch.zeros(2, 3)), "lesson03.matrix_not_callable"),
    ("3.1", "x ⊗ g (transposed)", lambda: M(dw_transposed), "lesson03.matrix_transposed"),
    ("3.1", "tanh' left out", lambda: M(dw_no_tanh), "lesson03.matrix_no_tanh"),
    ("3.1", "1 + tanh²", lambda: M(dw_sign), "lesson03.matrix_tanh_slope"),
    ("3.1", "the 2 of the square left out", lambda: M(dw_no_two), "lesson03.matrix_square"),
    ("3.1", "dL/du returned", lambda: M(dw_vector), "lesson03.matrix_shape"),
    ("3.1", "backward()", lambda: M(dw_autograd), "exercises.by_hand_autograd"),
    ("3.1", "torch.autograd.grad", lambda: M(dw_autograd_grad), "exercises.by_hand_autograd"),
    ("3.1", "torch.func.grad", lambda: M(dw_torch_func), "exercises.by_hand_autograd"),
    ("3.1", "autograd in a thread", lambda: M(dw_thread), "exercises.by_hand_thread"),
    ("3.1", "difference per entry", lambda: M(dw_difference), "exercises.approximate"),
    ("3.1", "uniform difference", lambda: M(dw_uniform_difference), "exercises.by_hand_difference"),
    ("3.1", "x ⊗ g reshaped to W's shape", lambda: M(dw_reshaped), "lesson03.matrix_mismatch"),
    ("3.1", "the printed values copied in", lambda: M(dw_copied), "exercises.approximate"),
    ("3.1", "computed in float32", lambda: M(dw_float32), "exercises.approximate"),
    ("3.2", "placeholder ...", lambda: P(path_placeholder), "exercises.not_attempted"),
    ("3.2", "not a function", lambda: P(["MulBackward0"]), "lesson03.path_not_callable"),
    ("3.2", "leaf first", lambda: P(path_reversed), "lesson03.path_reversed"),
    ("3.2", "AccumulateGrad left out", lambda: P(path_no_leaf), "lesson03.path_no_leaf"),
    ("3.2", "str(node)", lambda: P(path_objects), "lesson03.path_objects"),
    ("3.2", "every node of the graph", lambda: P(path_everything), "lesson03.path_whole_graph"),
    ("3.2", "always the first input", lambda: P(path_first_input), "lesson03.path_first_input"),
    ("3.2", "the shown path typed in", lambda: P(path_hard_coded), "lesson03.path_hidden"),
    ("3.2", "forward operations", lambda: P(path_forward_ops), "lesson03.path_mismatch"),
    ("3.2", "one string", lambda: P(path_string), "lesson03.path_not_names"),
    ("3.2", "a loop that never ends", lambda: P(path_loops), "exercises.timeout"),
    ("3.2", "out.grad_fn only", lambda: P(path_only_grad_fn), "lesson03.path_mismatch"),
]

RIGHT = [
    ("3.1", "outer product of dL/du and x", lambda: M(dw_reference)),
    ("3.1", "1/cosh², broadcasting", lambda: M(dw_cosh)),
    ("3.1", "NumPy", lambda: M(dw_numpy)),
    ("3.2", "recursive", lambda: P(path_recursive)),
    ("3.2", "a stack of paths, node.name()", lambda: P(path_stack)),
]

BANK_OF = Bank("lesson03", known_right=lambda: M(dw_reference))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check", "hint"), BANK_OF.wrong_params(BANK))
def test_wrong_answer_gets_its_own_hint(exercise, name, check, hint, language):
    words = ("1 - ", "1 -", "outer", "cosh") if exercise == "3.1" else ("AccumulateGrad",)
    BANK_OF.expect_wrong(exercise, name, check, hint, language, answer_words=words)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check"), BANK_OF.right_params(RIGHT))
def test_right_answer_passes(exercise, name, check, language):
    BANK_OF.expect_right(exercise, name, check, language)


def test_the_bank_covers_every_exercise():
    for number in ("3.1", "3.2"):
        wrong = [r for r in BANK if r[0] == number and not r[3].endswith("not_attempted")]
        assert len(wrong) >= 5, number
        assert len([r for r in RIGHT if r[0] == number]) >= 2, f"{number}: one right way only"


@pytest.fixture(scope="module", autouse=True)
def _table_of_verdicts():
    """Once the module's tests ran, write the table of every verdict they saw (not a test)."""
    yield
    BANK_OF.write_table()
