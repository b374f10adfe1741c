"""The bank of answers to the exercises at the end of lesson 01: every wrong or lazy answer a
learner would write gets its own hint, every answer left unwritten is told so, and at least two
right methods pass, in both languages. The table lands in build/exercise-bank/lesson01.md.
"""

from __future__ import annotations

import pytest
import torch

from autograd_lab.exercises import lesson01
from tests.bank import LANGUAGES, Bank

# --- exercise 1.1: total_grad(w, losses) ---------------------------------------------------------


def total_reference(w, losses):
    w.grad.zero_()
    for loss in losses:
        loss(w).backward()
    return w.grad


def total_set_to_none(w, losses):
    w.grad = None
    for loss in losses:
        loss(w).backward()
    return w.grad


def total_placeholder(w, losses):
    # Write your code here.
    ...


def total_todo(w, losses):
    raise NotImplementedError


def total_stale(w, losses):
    for loss in losses:  # the old gradient is still in w.grad
        loss(w).backward()
    return w.grad


def total_zero_each(w, losses):
    for loss in losses:
        w.grad.zero_()  # zeroed before every part: only the last one is left
        loss(w).backward()
    return w.grad


def total_summed(w, losses):
    w.grad.zero_()
    sum(loss(w) for loss in losses).backward()  # one pass for everything
    return w.grad


def total_mean(w, losses):
    w.grad.zero_()
    for loss in losses:
        (loss(w) / len(losses)).backward()  # the micro-batch rule, where it does not apply
    return w.grad


def total_autograd_grad(w, losses):
    grads = [torch.autograd.grad(loss(w), w)[0] for loss in losses]
    return sum(grads)  # returned, but w.grad never changed


def total_set_by_hand(w, losses):
    grads = [torch.autograd.grad(loss(w), w)[0] for loss in losses]
    w.grad = sum(grads)  # a gradient set by hand is not what backward left
    return w.grad


def total_twice(w, losses):
    w.grad.zero_()
    for loss in losses:
        loss(w).backward()
    losses[0](w).backward()  # the first part once more
    return w.grad


def total_fresh_leaf(w, losses):
    v = w.detach().clone().requires_grad_(True)  # a new tensor, not the w asked about
    for loss in losses:
        loss(v).backward()
    return v.grad


def total_copied(w, losses):
    return torch.tensor([2.0 + 3 - 2.0, -4.0 + 3 + 1.0, 1.0 + 3], dtype=torch.float64)


def total_old_only(w, losses):
    return w.grad


def total_grad_none(w, losses):
    for loss in losses:
        loss(w).backward()
    w.grad = None
    return torch.zeros_like(w)


def total_forgot_return(w, losses):
    w.grad.zero_()
    for loss in losses:
        loss(w).backward()


# --- exercise 1.2: backprop_stage(x, stage, dL_dy) -----------------------------------------------


def stage_reference(x, stage, dL_dy):
    y = stage(x)
    y.backward(dL_dy)
    return x.grad


def stage_autograd_grad(x, stage, dL_dy):
    return torch.autograd.grad(stage(x), x, grad_outputs=dL_dy)[0]


def stage_weighted_sum(x, stage, dL_dy):
    (stage(x) * dL_dy).sum().backward()
    return x.grad


def stage_torch_func(x, stage, dL_dy):
    _, pullback = torch.func.vjp(stage, x)
    return pullback(dL_dy)[0]


def stage_jacobian(x, stage, dL_dy):
    jac = torch.autograd.functional.jacobian(stage, x)
    return torch.tensordot(dL_dy, jac, dims=dL_dy.dim())


def stage_placeholder(x, stage, dL_dy): ...


def stage_ones(x, stage, dL_dy):
    stage(x).sum().backward()
    return x.grad


def stage_no_v(x, stage, dL_dy):
    stage(x).backward()
    return x.grad


def stage_product_afterwards(x, stage, dL_dy):
    stage(x).sum().backward()
    return x.grad * dL_dy


def stage_return_v(x, stage, dL_dy):
    return dL_dy


def stage_difference(x, stage, dL_dy):
    h = 1e-6
    grad = torch.zeros_like(x)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            step = torch.zeros_like(x)
            step[i, j] = h
            up = (stage(x.detach() + step) * dL_dy).sum()
            down = (stage(x.detach() - step) * dL_dy).sum()
            grad[i, j] = (up - down) / (2 * h)
    return grad


def stage_uniform_difference(x, stage, dL_dy):
    h = 1e-6
    return ((stage(x + h) - stage(x - h)) / (2 * h)).sum()


def stage_detached(x, stage, dL_dy):
    y = stage(x.detach())
    y.backward(dL_dy)
    return x.grad


def stage_copied(x, stage, dL_dy):
    y = stage(x)
    y.backward(dL_dy)
    shown = x.grad.clone()
    return torch.tensor(shown.tolist(), dtype=torch.float64) * 0 + _SHOWN_1_2


def stage_y_grad(x, stage, dL_dy):
    y = stage(x)
    y.backward(dL_dy)
    return y.grad  # y is not a leaf: nothing is kept there


def stage_transposed_v(x, stage, dL_dy):
    y = stage(x)
    y.backward(dL_dy.T)
    return x.grad


# --- exercise 1.3: st_round(x) -------------------------------------------------------------------


def st_reference(x):
    return x + (torch.round(x) - x).detach()


def st_detach_both(x):
    return torch.round(x).detach() + x - x.detach()


class _RoundStraightThrough(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return torch.round(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, grad):
        return grad


def st_function(x):
    return _RoundStraightThrough.apply(x)


def st_placeholder(x): ...


def st_plain_round(x):
    return torch.round(x)


def st_all_detached(x):
    return torch.round(x).detach()


def st_no_grad(x):
    with torch.no_grad():
        return torch.round(x)


def st_wrong_value(x):
    return x + torch.round(x).detach()


def st_cancelled(x):
    return x - (x - torch.round(x))  # the value is right, the gradient goes through round


def st_scaled(x):
    return x * (torch.round(x) / x).detach()


def st_inplace(x):
    return x.round_()


def st_list(x):
    return torch.round(x).tolist()


def st_floor(x):
    return x + (torch.floor(x) - x).detach()


def st_doubled(x):
    return 2 * x + (torch.round(x) - 2 * x).detach()


def _shown_value():
    stage, x, v = lesson01._stage_cases()[0]
    return lesson01._vjp(stage, x, v)


_SHOWN_1_2 = _shown_value()

T, S = lesson01.check_total_grad, lesson01.check_backprop_stage
R = lesson01.check_straight_through

BANK = [
    ("1.1", "placeholder ...", lambda: T(total_placeholder), "exercises.not_attempted"),
    ("1.1", "raise NotImplemented", lambda: T(total_todo), "exercises.not_attempted"),
    ("1.1", "not a function", lambda: T(torch.zeros(3)), "lesson01.total_not_callable"),
    ("1.1", "old gradient kept", lambda: T(total_stale), "lesson01.total_stale"),
    ("1.1", "zeroed before every part", lambda: T(total_zero_each), "lesson01.total_overwritten"),
    ("1.1", "one backward of the summed loss", lambda: T(total_summed), "lesson01.total_one_pass"),
    ("1.1", "each part divided by their count", lambda: T(total_mean), "lesson01.total_divided"),
    ("1.1", "autograd.grad, returned", lambda: T(total_autograd_grad), "lesson01.total_not_grad"),
    ("1.1", "w.grad set by hand", lambda: T(total_set_by_hand), "lesson01.total_by_hand"),
    ("1.1", "one part back-propagated twice", lambda: T(total_twice), "lesson01.total_too_many"),
    ("1.1", "a fresh leaf instead of w", lambda: T(total_fresh_leaf), "lesson01.total_no_backward"),
    ("1.1", "the shown value copied in", lambda: T(total_copied), "lesson01.total_no_backward"),
    ("1.1", "the old w.grad returned", lambda: T(total_old_only), "lesson01.total_no_backward"),
    ("1.1", "zeros returned", lambda: T(total_grad_none), "lesson01.total_not_grad"),
    ("1.1", "forgot to return", lambda: T(total_forgot_return), "exercises.returned_none"),
    ("1.2", "placeholder ...", lambda: S(stage_placeholder), "exercises.not_attempted"),
    ("1.2", "not a function", lambda: S(3.0), "lesson01.stage_not_callable"),
    ("1.2", "v all ones (sum)", lambda: S(stage_ones), "lesson01.stage_ones"),
    ("1.2", "backward() with no v", lambda: S(stage_no_v), "exercises.err_not_scalar"),
    ("1.2", "ones, then times dL_dy", lambda: S(stage_product_afterwards), "exercises.raised"),
    ("1.2", "dL_dy returned", lambda: S(stage_return_v), "lesson01.stage_shape"),
    ("1.2", "difference per entry", lambda: S(stage_difference), "lesson01.stage_difference"),
    ("1.2", "uniform difference", lambda: S(stage_uniform_difference), "lesson01.stage_shape"),
    ("1.2", "stage of x.detach()", lambda: S(stage_detached), "exercises.err_no_graph"),
    ("1.2", "the shown value copied in", lambda: S(stage_copied), "lesson01.stage_mismatch"),
    ("1.2", "y.grad returned", lambda: S(stage_y_grad), "exercises.returned_none"),
    ("1.2", "dL_dy transposed", lambda: S(stage_transposed_v), "exercises.err_gradient_shape"),
    ("1.3", "placeholder ...", lambda: R(st_placeholder), "exercises.not_attempted"),
    ("1.3", "torch.round itself", lambda: R(torch.round), "lesson01.st_zero"),
    ("1.3", "torch.round(x)", lambda: R(st_plain_round), "lesson01.st_zero"),
    ("1.3", "round, detached", lambda: R(st_all_detached), "lesson01.st_no_graph"),
    ("1.3", "round under no_grad", lambda: R(st_no_grad), "lesson01.st_no_graph"),
    ("1.3", "x + round(x).detach()", lambda: R(st_wrong_value), "lesson01.st_value"),
    ("1.3", "x - (x - round(x))", lambda: R(st_cancelled), "lesson01.st_zero"),
    ("1.3", "x · (round(x)/x).detach()", lambda: R(st_scaled), "lesson01.st_wrong_grad"),
    ("1.3", "2x + (round(x) - 2x).detach()", lambda: R(st_doubled), "lesson01.st_wrong_grad"),
    ("1.3", "x.round_() on the leaf", lambda: R(st_inplace), "exercises.err_inplace_leaf"),
    ("1.3", "a list", lambda: R(st_list), "lesson01.st_not_tensor"),
    ("1.3", "floor instead of round", lambda: R(st_floor), "lesson01.st_value"),
    ("1.3", "a number", lambda: R(3.0), "lesson01.st_not_callable"),
]

RIGHT = [
    ("1.1", "zero_(), one backward per part", lambda: T(total_reference)),
    ("1.1", "w.grad = None first", lambda: T(total_set_to_none)),
    ("1.2", "y.backward(dL_dy)", lambda: S(stage_reference)),
    ("1.2", "torch.autograd.grad with grad_outputs", lambda: S(stage_autograd_grad)),
    ("1.2", "(y * dL_dy) summed, backward", lambda: S(stage_weighted_sum)),
    ("1.2", "torch.func.vjp", lambda: S(stage_torch_func)),
    ("1.2", "the whole Jacobian, contracted", lambda: S(stage_jacobian)),
    ("1.3", "x + (round(x) - x).detach()", lambda: R(st_reference)),
    ("1.3", "round(x).detach() + x - x.detach()", lambda: R(st_detach_both)),
    ("1.3", "an autograd.Function", lambda: R(st_function)),
]

BANK_OF = Bank("lesson01", known_right=lambda: T(total_reference))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check", "hint"), BANK_OF.wrong_params(BANK))
def test_wrong_answer_gets_its_own_hint(exercise, name, check, hint, language):
    BANK_OF.expect_wrong(exercise, name, check, hint, language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check"), BANK_OF.right_params(RIGHT))
def test_right_answer_passes(exercise, name, check, language):
    BANK_OF.expect_right(exercise, name, check, language)


def test_the_bank_covers_every_exercise():
    for number in ("1.1", "1.2", "1.3"):
        wrong = [r for r in BANK if r[0] == number and not r[3].endswith("not_attempted")]
        assert len(wrong) >= 5, number
        assert len([r for r in RIGHT if r[0] == number]) >= 2, f"{number}: one right way only"


@pytest.fixture(scope="module", autouse=True)
def _table_of_verdicts():
    """Once the module's tests ran, write the table of every verdict they saw (not a test)."""
    yield
    BANK_OF.write_table()
