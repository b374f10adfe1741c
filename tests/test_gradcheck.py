"""Gradient checks: autograd against central differences, and the mistakes they catch."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lab import GradCheckResult, check_grad, numerical_jacobian


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """The messages these tests match are the English ones (the default language is Chinese)."""
    monkeypatch.setenv("AUTOGRAD_LAB_LANG", "en")


F64 = torch.float64


@pytest.fixture
def x():
    return torch.arange(4.0, dtype=F64)


def test_scalar_function_of_a_vector(x):
    result = check_grad(lambda v: 2 * torch.dot(v, v), x)
    assert result.passed and bool(result)
    assert torch.equal(result.analytical, 4 * x)
    assert torch.allclose(result.numerical, 4 * x, atol=1e-6)
    assert result.max_abs_error < 1e-6
    assert (result.n_inputs, result.n_outputs) == (4, None)


def test_vector_function_gives_a_jacobian(x):
    result = check_grad(lambda v: v * v, x)
    assert result.passed
    assert result.analytical.shape == (4, 4)
    assert torch.equal(result.analytical, torch.diag(2 * x))
    assert torch.allclose(result.numerical, torch.diag(2 * x), atol=1e-6)
    assert (result.n_inputs, result.n_outputs) == (4, 4)


def test_rectangular_jacobian():
    w = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=F64)
    result = check_grad(lambda v: w @ torch.tanh(v), torch.tensor([0.1, -0.2, 0.3], dtype=F64))
    assert result.passed
    assert result.analytical.shape == result.numerical.shape == (2, 3)


def test_scalar_input():
    result = check_grad(torch.sin, torch.tensor(1.0, dtype=F64))
    assert result.passed
    assert result.analytical.item() == pytest.approx(math.cos(1.0), abs=1e-15)
    assert str(result).startswith("gradient check passed: f: ℝ → ℝ")


def test_a_wrong_gradient_fails():
    class WrongSquare(torch.autograd.Function):
        @staticmethod
        def forward(ctx, v):
            ctx.save_for_backward(v)
            return v * v

        @staticmethod
        def backward(ctx, grad):
            (v,) = ctx.saved_tensors
            return grad * v  # forgot the factor 2

    result = check_grad(WrongSquare.apply, torch.tensor([1.0, 2.0], dtype=F64))
    assert not result.passed and not bool(result)
    assert result.max_abs_error == pytest.approx(2.0, abs=1e-6)
    assert result.max_rel_error == pytest.approx(0.5, abs=1e-6)
    assert "FAILED" in repr(result)


def test_relu_at_its_kink_disagrees_with_central_differences():
    result = check_grad(torch.relu, torch.tensor([-1.0, 0.0, 1.0], dtype=F64))
    assert not result.passed
    assert result.analytical[1, 1].item() == 0.0  # PyTorch's choice at the kink
    assert result.numerical[1, 1].item() == pytest.approx(0.5)  # the symmetric difference
    # |x| is symmetric about its kink, so central differences agree with PyTorch's 0 there
    assert check_grad(torch.abs, torch.tensor([-1.0, 0.0, 1.0], dtype=F64)).passed


def test_result_prints_nicely(x):
    text = repr(check_grad(lambda v: v * v, x))
    lines = text.splitlines()
    assert lines[0] == "gradient check passed: f: ℝ^4 → ℝ^4"
    assert lines[1] == "  central differences, eps = 1e-06"
    assert lines[2].startswith("  max absolute error: ") and "e-" in lines[2]
    assert lines[4] == "  torch.autograd.gradcheck (atol=1e-05, rtol=0.001): passed"
    assert str(check_grad(lambda v: v * v, x)) == text


def test_numerical_jacobian_alone():
    jac = numerical_jacobian(lambda v: v.pow(3).sum(), torch.tensor([1.0, 2.0], dtype=F64))
    assert torch.allclose(jac, torch.tensor([3.0, 12.0], dtype=F64), atol=1e-8)


def test_input_is_not_modified_and_keeps_no_history(x):
    before = x.clone()
    check_grad(lambda v: v.exp().sum(), x)
    assert torch.equal(x, before) and x.grad is None and not x.requires_grad


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.floats(min_value=-3, max_value=3, allow_nan=False, width=64), min_size=1, max_size=5
    )
)
def test_smooth_functions_always_pass(values):
    x = torch.tensor(values, dtype=F64)
    result = check_grad(lambda v: torch.sin(v) * v.exp() + v.pow(2).sum(), x)
    assert result.passed
    assert result.max_abs_error < 1e-5


# Every mistake a learner makes at the door gets an exception that names the fix.
BAD = [
    pytest.param(3.0, torch.zeros(2, dtype=F64), TypeError, "pass the function", id="not-callable"),
    pytest.param(torch.sin, [1.0, 2.0], TypeError, "torch.tensor", id="not-a-tensor"),
    pytest.param(torch.sin, torch.arange(3), TypeError, "x.double()", id="integer-tensor"),
    pytest.param(torch.sin, torch.tensor([True]), TypeError, "floating-point", id="bool-tensor"),
    pytest.param(torch.sin, torch.zeros(2), TypeError, "use x.double\\(\\).*rounds", id="float32"),
    pytest.param(
        torch.sin, torch.zeros(2, dtype=torch.float16), TypeError, "x.double", id="float16"
    ),
    pytest.param(
        torch.sin, torch.zeros(2, dtype=torch.complex128), TypeError, "real x", id="complex"
    ),
    pytest.param(
        lambda v: v.sum().item(), torch.zeros(2, dtype=F64), TypeError, "not a tensor", id="item"
    ),
    pytest.param(
        lambda v: v.float().sum(), torch.zeros(2, dtype=F64), TypeError, "float64", id="to-float32"
    ),
    pytest.param(
        lambda v: torch.outer(v, v),
        torch.zeros(2, dtype=F64),
        ValueError,
        "reshape",
        id="matrix-out",
    ),
    pytest.param(torch.sin, torch.zeros(2, 2, dtype=F64), ValueError, "reshape", id="matrix-in"),
    pytest.param(torch.sin, torch.zeros(0, dtype=F64), ValueError, "at least one", id="empty"),
    pytest.param(
        lambda v: torch.tensor(v.sum().item(), dtype=F64),
        torch.zeros(2, dtype=F64),
        ValueError,
        "torch operations",
        id="no-history",
    ),
    pytest.param(
        lambda v: v[v > 0.5],
        torch.tensor([0.5, 1.0], dtype=F64),
        ValueError,
        "same shape near x",
        id="shape-changes",
    ),
]


@pytest.mark.parametrize(("f", "x", "error", "hint"), BAD)
def test_bad_input_names_the_fix(f, x, error, hint):
    with pytest.raises(error, match=hint):
        check_grad(f, x)


def test_float32_message_explains_the_precision():
    with pytest.raises(TypeError) as info:
        check_grad(torch.sin, torch.zeros(2))
    message = str(info.value)
    assert "1e-07" in message and "2·eps = 2e-06" in message and "6e-02" in message


@pytest.mark.parametrize("eps", [0.0, -1e-6, "1e-6"])
def test_step_must_be_positive(x, eps):
    with pytest.raises(ValueError, match="small positive step"):
        check_grad(torch.sin, x, eps=eps)


class HalfSquare(torch.autograd.Function):
    """v * v with a backward that forgets the factor 2: wrong by |v| at every point."""

    @staticmethod
    def forward(ctx, v):
        ctx.save_for_backward(v)
        return v * v

    @staticmethod
    def backward(ctx, grad):
        (v,) = ctx.saved_tensors
        return grad * v


def test_result_reports_what_was_compared_with_the_settings_given(x):
    def f(v):
        return torch.sin(v) * v

    result = check_grad(f, x, eps=1e-5, atol=1e-4, rtol=1e-2)
    assert isinstance(result, GradCheckResult)
    assert (result.eps, result.atol, result.rtol) == (1e-5, 1e-4, 1e-2)
    assert torch.allclose(result.analytical, torch.diag(torch.cos(x) * x + torch.sin(x)))
    diff = (result.analytical - result.numerical).abs()
    assert result.max_abs_error == diff.max().item() and 0 < result.max_abs_error < 1e-8
    scale = torch.maximum(result.analytical.abs(), result.numerical.abs())
    rel = torch.where(scale > 0, diff / scale, 0.0)
    assert result.max_rel_error == pytest.approx(rel.max().item(), rel=1e-12)


def test_the_tolerances_decide_the_verdict():
    """A gradient that is off by 2 fails by default, and passes only a tolerance wider than 2."""
    x = torch.tensor([1.0, 2.0], dtype=F64)
    assert not check_grad(HalfSquare.apply, x).passed
    assert not check_grad(HalfSquare.apply, x, atol=1.9, rtol=0.0).passed
    lenient = check_grad(HalfSquare.apply, x, atol=2.1, rtol=0.0)
    assert lenient.passed and lenient.max_abs_error == pytest.approx(2.0)


# --- issue 25: NaN is never agreement -------------------------------------------------------


@pytest.mark.parametrize(
    ("f", "x"),
    [
        (lambda v: v * float("nan"), torch.ones(3, dtype=F64)),  # an all-NaN Jacobian
        (torch.sqrt, -torch.ones(3, dtype=F64)),  # sqrt where it is undefined
        (lambda v: torch.sqrt(v).sum(), torch.tensor([-1.0, 1.0, 4.0], dtype=F64)),  # one NaN
    ],
    ids=["all-nan", "sqrt-negative", "one-nan"],
)
def test_a_nan_jacobian_never_looks_like_agreement(f, x):
    # Before: max relative error 0.0 for an all-NaN Jacobian (NaN > 0 is False).
    result = check_grad(f, x)
    assert not result.passed
    assert math.isnan(result.max_abs_error) and math.isnan(result.max_rel_error)
    assert "max relative error: nan" in repr(result)


def test_equal_entries_and_zeros_still_agree_exactly():
    result = check_grad(
        lambda v: v * torch.tensor([0.0, 1.0, 2.0], dtype=F64), torch.ones(3, dtype=F64)
    )
    assert result.passed and result.max_rel_error < 1e-8
