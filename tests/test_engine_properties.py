"""Random expressions, the same in the engine and in PyTorch (float64): same values, same grads.

Hypothesis builds expression trees over four inputs of different shapes (a scalar, a vector,
two matrices), so broadcasting, reductions, matrix products, reuse of a subexpression and
`detach` mix freely. Each op is written once and run through both libraries.

Domains are kept where PyTorch and NumPy agree to rounding: logs and divisions see values
bounded away from 0, powers see a base in [1, 3], and nothing overflows or underflows (leaves
are 0 or in 1e-3 <= |v| <= 2, exp sees values in [-1, 1], at most 10 leaves per tree). Tiny
values are left out on purpose: norm squares its input, so below 1e-154 the square is 0, and
PyTorch itself then answers differently for one element (|x|) and for several (0).

The same trees also run in forward mode (engine.jvp against torch.func.jvp, one fixed tangent
per input), so every op's forward rule meets the same inputs as its reverse rule.

Tolerance: |engine - torch| <= 1e-9 + 1e-9 * |torch|, elementwise, for the value, for the
gradient of every input and for the tangent (float64 leaves 6 to 7 digits of slack for a
few dozen roundings).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.func
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd_lab.engine as engine

RTOL = ATOL = 1e-9
EXAMPLES = 600
SHAPES = {"s": (), "x": (3,), "w": (2, 3), "m": (3, 2)}

# Each op takes the library (engine or torch) and evaluated operands. Shapes stay in
# {(), (1,), (3,), (2, 1), (1, 3), (2, 3)}, which all broadcast against each other.
UNARY = {
    "neg": lambda lib, a: -a,
    "abs": lambda lib, a: lib.abs(a),
    "relu": lambda lib, a: a.relu(),
    "sin": lambda lib, a: lib.sin(a),
    "cos": lambda lib, a: a.cos(),
    "tanh": lambda lib, a: lib.tanh(a),
    "exp_tanh": lambda lib, a: lib.exp(a.tanh()),
    "log1p_square": lambda lib, a: lib.log(a * a + 1),
    "pow": lambda lib, a: (a.tanh() + 2) ** 1.5,
    "inverse_sqrt": lambda lib, a: (a.tanh() + 2) ** -0.5,
    "rpow": lambda lib, a: 2 ** a.tanh(),
    "affine": lambda lib, a: 3 - 0.5 * a,
    "reciprocal": lambda lib, a: 1 / (a * a + 1),
    "twice": lambda lib, a: a + a,
    "square": lambda lib, a: a * a,
    "detach_times": lambda lib, a: a.detach() * a,
    "sum": lambda lib, a: a.sum(),
    "mean": lambda lib, a: lib.mean(a),
    "norm": lambda lib, a: a.norm(),
    "sum_last": lambda lib, a: a.sum(dim=-1, keepdim=True),
    "mean_first": lambda lib, a: a.mean(dim=0, keepdim=True),
    "norm_last": lambda lib, a: a.norm(dim=-1, keepdim=True),
}
BINARY = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / (b * b + 0.5),
    "pow": lambda lib, a, b: (a.tanh() + 2) ** b.tanh(),
    "greater": lambda lib, a, b: a * (a > b) + b * (a <= b),  # max(a, b) with masks
}
# Matrix products need fixed shapes: contract the expression with the leaves w, x, m.
PRODUCT = {
    "mv_dot": lambda lib, a, v: lib.dot((v["w"] * a.tanh()) @ v["x"], v["w"].sum(dim=-1)),
    "mm": lambda lib, a, v: ((v["w"] * a.tanh()) @ v["m"]).sum(dim=-1, keepdim=True),
    "vm": lambda lib, a, v: lib.matmul(v["x"], v["m"] * a.tanh().mean()).sum(),
}

leaf = st.one_of(
    st.sampled_from(["s", "x", "w"]).map(lambda name: ("var", name)),  # m only in products
    st.floats(-2, 2).map(lambda c: ("const", c)),
)


def extend(children):
    return st.one_of(
        st.tuples(st.sampled_from(sorted(UNARY)), children).map(lambda t: ("unary", *t)),
        st.tuples(st.sampled_from(sorted(BINARY)), children, children).map(
            lambda t: ("binary", *t)
        ),
        st.tuples(st.sampled_from(sorted(PRODUCT)), children).map(lambda t: ("product", *t)),
    )


expressions = st.recursive(leaf, extend, max_leaves=10)


def values(shape):
    size = int(np.prod(shape))
    element = st.floats(-2, 2).map(lambda v: 0.0 if abs(v) < 1e-3 else v)
    return st.lists(element, min_size=size, max_size=size).map(
        lambda v: np.array(v, dtype=np.float64).reshape(shape)
    )


inputs = st.fixed_dictionaries({name: values(shape) for name, shape in SHAPES.items()})


def evaluate(expr, lib, variables):
    kind = expr[0]
    if kind == "var":
        return variables[expr[1]]
    if kind == "const":
        return expr[1]
    if kind == "unary":
        return UNARY[expr[1]](lib, as_tensor(lib, evaluate(expr[2], lib, variables)))
    if kind == "binary":
        a, b = (as_tensor(lib, evaluate(e, lib, variables)) for e in expr[2:])
        return BINARY[expr[1]](lib, a, b)
    return PRODUCT[expr[1]](lib, as_tensor(lib, evaluate(expr[2], lib, variables)), variables)


def as_tensor(lib, value):
    if isinstance(value, float):
        return lib.tensor(value) if lib is engine else torch.tensor(value, dtype=torch.float64)
    return value


def run(lib, expr, data):
    if lib is torch:
        variables = {k: torch.tensor(v, requires_grad=True) for k, v in data.items()}
    else:
        variables = {k: engine.tensor(v, requires_grad=True) for k, v in data.items()}
    out = as_tensor(lib, evaluate(expr, lib, variables))
    if out.requires_grad:
        # A fixed, non-constant upstream gradient, so every output element is weighed.
        upstream = np.linspace(0.5, 1.5, int(np.prod(out.shape))).reshape(tuple(out.shape))
        out.backward(lib.tensor(upstream))
    grads = {k: None if v.grad is None else v.grad.numpy() for k, v in variables.items()}
    return out.detach().numpy(), grads


@settings(
    max_examples=EXAMPLES,
    derandomize=True,  # the same examples on every run and every machine
    database=None,  # write nothing into the repository
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(expr=expressions, data=inputs)
def test_random_expressions_match_torch(expr, data):
    mine_value, mine_grads = run(engine, expr, data)
    ref_value, ref_grads = run(torch, expr, data)
    np.testing.assert_allclose(mine_value, ref_value, rtol=RTOL, atol=ATOL)
    assert mine_value.shape == ref_value.shape
    for name in SHAPES:
        assert (mine_grads[name] is None) == (ref_grads[name] is None), name
        if ref_grads[name] is not None:
            np.testing.assert_allclose(
                mine_grads[name], ref_grads[name], rtol=RTOL, atol=ATOL, err_msg=name
            )


def run_forward(lib, expr, data):
    """Push a fixed tangent per input through the expression: (value, tangent of the value)."""
    names = sorted(SHAPES)
    tangents = [np.linspace(-1.0, 1.5, data[n].size).reshape(data[n].shape) for n in names]

    def f(*inputs):
        return as_tensor(lib, evaluate(expr, lib, dict(zip(names, inputs, strict=True))))

    if lib is torch:
        primals = tuple(torch.tensor(data[n]) for n in names)
        out, tangent = torch.func.jvp(f, primals, tuple(torch.tensor(t) for t in tangents))
    else:
        primals = tuple(engine.tensor(data[n]) for n in names)
        out, tangent = engine.jvp(f, primals, tuple(engine.tensor(t) for t in tangents))
    return out.detach().numpy(), tangent.detach().numpy()


# torch.func compiles helpers with torch.jit.script, deprecated in 2.13: not ours to fix.
@pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")
@settings(
    max_examples=EXAMPLES // 3,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(expr=expressions, data=inputs)
def test_random_expressions_forward_mode_matches_torch_func(expr, data):
    """One rule per op serves both modes: the engine's jvp equals torch.func.jvp."""
    mine_value, mine_tangent = run_forward(engine, expr, data)
    ref_value, ref_tangent = run_forward(torch, expr, data)
    np.testing.assert_allclose(mine_value, ref_value, rtol=RTOL, atol=ATOL)
    assert mine_tangent.shape == ref_tangent.shape
    np.testing.assert_allclose(mine_tangent, ref_tangent, rtol=RTOL, atol=ATOL)
