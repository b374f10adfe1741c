"""Forward mode, whole Jacobians and higher-order derivatives, engine vs PyTorch (float64).

Each function is written once and run through both libraries: the engine's jvp / jacfwd /
jacrev / grad(create_graph=True) / hvp against torch.func.jvp / jacfwd / jacrev,
torch.autograd.grad(create_graph=True) and torch.autograd.functional.hvp.
Tolerance: rtol = atol = 1e-12.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.func

import autograd_lab.engine as engine

TOL = 1e-12
# torch.func compiles helpers with torch.jit.script, deprecated in 2.13: not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")
X = [0.5, -1.25, 2.0]
V = [1.0, 0.5, -2.0]
W = [[0.5, -1.0, 1.5], [2.0, 0.25, -0.75]]


def t(lib, values, requires_grad=False):
    if lib is torch:
        return torch.tensor(values, dtype=torch.float64, requires_grad=requires_grad)
    return engine.tensor(values, requires_grad=requires_grad)


def close(mine, ref):
    assert tuple(mine.shape) == tuple(ref.shape)
    np.testing.assert_allclose(mine.numpy(), ref.detach().numpy(), rtol=TOL, atol=TOL)


# Vector functions R^3 -> R^m, each written once for both libraries.
FUNCTIONS = {
    "elementwise": lambda lib, x: (x * x).sin() * x.exp() / (1 + x * x) - 2 ** x.tanh(),
    "relu_abs_log": lambda lib, x: (x.relu() + abs(x) + 1).log() * x.cos(),
    "powers": lambda lib, x: (x * x + 1) ** 1.5 + x**3 - 1 / (x * x + 2),
    "tensor_power": lambda lib, x: (x * x + 1) ** x.tanh(),
    "matrix": lambda lib, x: (t(lib, W) @ x).tanh() * x.sum(),
    "reductions": lambda lib, x: x * x.norm() + x.mean() - (x - x.sum(dim=0, keepdim=True)),
    "dot_scalar": lambda lib, x: lib.dot(x, x.sin()) + x.norm(),
    "vector_matrix": lambda lib, x: x @ t(lib, [[1.0, 2.0], [0.5, -1.0], [3.0, 0.25]]),
    "broadcast": lambda lib, x: (x.reshape(3, 1) * t(lib, [1.0, -2.0])).sum(dim=1),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_jvp_matches_torch_func(name):
    f = FUNCTIONS[name]
    mine_out, mine_tangent = engine.jvp(lambda x: f(engine, x), (t(engine, X),), (t(engine, V),))
    ref_out, ref_tangent = torch.func.jvp(lambda x: f(torch, x), (t(torch, X),), (t(torch, V),))
    close(mine_out, ref_out)
    close(mine_tangent, ref_tangent)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("mode", ["jacfwd", "jacrev"])
def test_jacobians_match_torch_func(name, mode):
    f = FUNCTIONS[name]
    mine = getattr(engine, mode)(lambda x: f(engine, x))(t(engine, X))
    ref = getattr(torch.func, mode)(lambda x: f(torch, x))(t(torch, X))
    close(mine, ref)


def test_both_modes_agree_and_shape_is_outputs_by_inputs():
    f = FUNCTIONS["matrix"]
    forward = engine.jacfwd(lambda x: f(engine, x))(t(engine, X))
    reverse = engine.jacrev(lambda x: f(engine, x))(t(engine, X))
    assert forward.shape == reverse.shape == (2, 3)
    np.testing.assert_allclose(forward.numpy(), reverse.numpy(), rtol=TOL, atol=TOL)


def test_jacobian_of_a_second_argument_and_of_a_matrix():
    def f(lib, w, x):
        return (w @ x).tanh()

    for mode in ("jacfwd", "jacrev"):
        mine = getattr(engine, mode)(lambda w, x: f(engine, w, x), argnums=0)(
            t(engine, W), t(engine, X)
        )
        ref = getattr(torch.func, mode)(lambda w, x: f(torch, w, x), argnums=0)(
            t(torch, W), t(torch, X)
        )
        close(mine, ref)  # (2,) outputs by (2, 3) inputs


def test_lecture_example_1_both_modes():
    """z = (<x, w> - y)^2: dz/dx = 2 (<x, w> - y) w, by both modes, equals PyTorch's."""

    def z(lib, x):
        w, y = t(lib, [1.0, 2.0, 3.0]), 4.0
        return (lib.dot(x, w) - y) ** 2

    x = [1.0, 0.0, 2.0]
    ref = torch.func.jacrev(lambda v: z(torch, v))(t(torch, x))
    close(engine.jacrev(lambda v: z(engine, v))(t(engine, x)), ref)
    close(engine.jacfwd(lambda v: z(engine, v))(t(engine, x)), ref)
    assert ref.tolist() == [6.0, 12.0, 18.0]


# ----- higher order ----------------------------------------------------------------------------
SCALARS = {
    "sin_cubed": lambda lib, x: (x.sin() ** 3).sum(),
    "log_exp": lambda lib, x: ((x * x).exp() + 1).log().sum() * x.tanh().mean(),
    "quotient": lambda lib, x: (x / (1 + x * x)).sum() + x.norm() ** 3,
    "matrix": lambda lib, x: ((t(lib, W) @ x).tanh() ** 2).sum() + lib.dot(x, x) ** 2,
    "powers": lambda lib, x: ((x * x + 1) ** x.cos()).sum() + (2**x).sum(),
    "relu_abs": lambda lib, x: (lib.relu(x) + lib.abs(x) + x * x.relu()).sum(),
}


@pytest.mark.parametrize("name", sorted(SCALARS))
def test_second_derivatives_match_torch(name):
    """The gradient from create_graph=True differentiates again like PyTorch's."""
    f = SCALARS[name]
    results = []
    for lib, grad in ((engine, engine.grad), (torch, torch.autograd.grad)):
        x = t(lib, X, requires_grad=True)
        (g,) = grad(f(lib, x), x, create_graph=True)
        assert g.requires_grad
        # A Hessian-vector product (reverse over reverse), then the Hessian's first row.
        (hv,) = grad((g * t(lib, V)).sum(), x, retain_graph=True)
        (row,) = grad((g * t(lib, [1.0, 0.0, 0.0])).sum(), x)
        results.append((g, hv, row))
    for mine, ref in zip(*results, strict=True):
        close(mine, ref)


def test_second_derivative_of_relu_plus_abs_is_zero_like_torch():
    """Their gradients are piecewise constant: PyTorch differentiates them again to zeros
    (at the kink too), it does not refuse."""
    results = []
    for lib, grad in ((engine, engine.grad), (torch, torch.autograd.grad)):
        x = t(lib, [-1.0, 0.0, 2.0], requires_grad=True)
        (g,) = grad((lib.relu(x) + lib.abs(x)).sum(), x, create_graph=True)
        (h,) = grad(g.sum(), x)
        results.append((g, h, g.requires_grad))
    (g, h, records), (g_ref, h_ref, records_ref) = results
    close(g, g_ref)
    close(h, h_ref)
    assert records == records_ref is True and h.tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("name", sorted(SCALARS))
def test_hvp_matches_torch(name):
    f = SCALARS[name]
    mine_out, mine_hv = engine.hvp(lambda x: f(engine, x), t(engine, X), t(engine, V))
    ref_out, ref_hv = torch.autograd.functional.hvp(lambda x: f(torch, x), t(torch, X), t(torch, V))
    close(mine_out, ref_out)
    close(mine_hv, ref_hv)


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
def test_backward_with_create_graph_matches_torch():
    def second(lib):
        x = t(lib, [0.5, 1.5], requires_grad=True)
        ((x**3).sum() + (x * x.sin()).sum()).backward(create_graph=True)
        first = x.grad
        x.grad = None
        first.sum().backward()
        return first, x.grad

    for mine, ref in zip(second(engine), second(torch), strict=True):
        close(mine, ref)


def test_third_derivative_of_a_scalar():
    def third(lib, grad):
        x = t(lib, 0.7, requires_grad=True)
        y = x.sin() * x.exp()
        (d1,) = grad(y, x, create_graph=True)
        (d2,) = grad(d1, x, create_graph=True)
        (d3,) = grad(d2, x)
        return d1, d2, d3

    for mine, ref in zip(
        third(engine, engine.grad), third(torch, torch.autograd.grad), strict=True
    ):
        close(mine, ref)


def newton(lib, grad, x0: float, steps: int):
    """Minimise f(x) = x^4 - 3x^2 + x with Newton's method; return the iterates."""
    x = t(lib, x0, requires_grad=True)
    iterates = [x.item()]
    for _ in range(steps):
        f = x**4 - 3 * x**2 + x
        (d1,) = grad(f, x, create_graph=True)
        (d2,) = grad(d1, x)
        x = (x - d1 / d2).detach().requires_grad_()
        iterates.append(x.item())
    return iterates


def test_newton_steps_match_torch():
    mine, ref = newton(engine, engine.grad, 2.0, 6), newton(torch, torch.autograd.grad, 2.0, 6)
    np.testing.assert_allclose(mine, ref, rtol=TOL, atol=TOL)
    x = ref[-1]
    assert abs(4 * x**3 - 6 * x + 1) < 1e-12  # converged to a critical point


def test_grad_leaves_dot_grad_alone_and_checks_its_inputs():
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    k = engine.tensor([1.0, 2.0])
    y = (x * x).sum()
    (g,) = engine.grad(y, x)
    assert x.grad is None and g.tolist() == [2.0, 4.0]
    with pytest.raises(RuntimeError, match="does not require grad"):
        engine.grad(y, k)
    z = engine.tensor(3.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="allow_unused=True"):
        engine.grad(y, (x, z))
    assert engine.grad(y, (x, z), allow_unused=True)[1] is None


def test_jvp_refuses_a_tangent_of_the_wrong_shape():
    with pytest.raises(ValueError, match="its own shape"):
        engine.jvp(lambda x: x * 2, (engine.ones(3),), (engine.ones(2),))
