"""The teaching engine against PyTorch (float64): values, gradients, semantics, errors, printing.

Every numeric test builds the same expression in the engine and in PyTorch and compares.
Tolerance for values and gradients: rtol = 1e-12, atol = 1e-12 (both are float64; only the
order of a few floating-point operations may differ).
"""

from __future__ import annotations

import math
import operator as op
import sys

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

import autograd_lab.engine as engine
from autograd_lab import language
from autograd_lab.exercises import control_flow_f as control_flow  # the notes' f(a)
from autograd_lab.graph import autograd_graph, draw_graph

RTOL = ATOL = 1e-12


def leaves(lib, arrays):
    """The same inputs as leaves that require a gradient, in the engine or in PyTorch."""
    if lib is torch:
        return [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    return [engine.tensor(a, requires_grad=True) for a in arrays]


def assert_close(mine, reference):
    assert mine.shape == tuple(reference.shape)
    np.testing.assert_allclose(mine.numpy(), reference.detach().numpy(), rtol=RTOL, atol=ATOL)


def check_against_torch(fn, *arrays):
    """Compare fn's value and the gradients of a fixed upstream gradient, engine vs PyTorch."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    mine_in, ref_in = leaves(engine, arrays), leaves(torch, arrays)
    mine, ref = fn(engine, *mine_in), fn(torch, *ref_in)
    assert_close(mine, ref)
    # A non-constant upstream gradient catches rules that ignore it or mix up its elements.
    upstream = np.random.default_rng(0).uniform(0.5, 1.5, size=tuple(ref.shape))
    mine.backward(engine.tensor(upstream))
    ref.backward(torch.tensor(upstream))
    for m, r in zip(mine_in, ref_in, strict=True):
        if r.grad is None:
            assert m.grad is None
        else:
            assert_close(m.grad, r.grad)


V = [0.5, -1.25, 2.0]
M = [[0.5, -1.0, 1.5], [2.0, 0.25, -0.75]]
POSITIVE = [0.5, 1.25, 2.0]

UNARY = {
    "neg": lambda lib, a: -a,
    "abs": lambda lib, a: lib.abs(a),
    "abs_method": lambda lib, a: abs(a),
    "exp": lambda lib, a: lib.exp(a),
    "sin": lambda lib, a: lib.sin(a),
    "cos": lambda lib, a: a.cos(),
    "tanh": lambda lib, a: lib.tanh(a),
    "relu": lambda lib, a: lib.relu(a),
    "pow2": lambda lib, a: a**2,
    "pow3": lambda lib, a: a**3,
    "pow0": lambda lib, a: a**0,
    "sum": lambda lib, a: a.sum(),
    "sum_fn": lambda lib, a: lib.sum(a),
    "mean": lambda lib, a: a.mean(),
    "norm": lambda lib, a: a.norm(),
    "norm_fn": lambda lib, a: lib.norm(a),
    "add_number": lambda lib, a: a + 1.5,
    "radd_number": lambda lib, a: 1.5 + a,
    "sub_number": lambda lib, a: a - 2,
    "rsub_number": lambda lib, a: 2 - a,
    "mul_number": lambda lib, a: a * 3,
    "rmul_number": lambda lib, a: 3 * a,
    "div_number": lambda lib, a: a / 4,
    "rdiv_number": lambda lib, a: 4 / a,
    "rpow_number": lambda lib, a: 2**a,
}
POSITIVE_ONLY = {
    "log": lambda lib, a: lib.log(a),
    "sqrt_pow": lambda lib, a: a**0.5,
    "pow_negative": lambda lib, a: a**-1.5,
}


@pytest.mark.parametrize("name", sorted(UNARY))
@pytest.mark.parametrize("data", [V, M, 1.5], ids=["vector", "matrix", "scalar"])
def test_unary_ops_match_torch(name, data):
    check_against_torch(UNARY[name], data)


@pytest.mark.parametrize("name", sorted(POSITIVE_ONLY))
def test_ops_on_positive_inputs_match_torch(name):
    check_against_torch(POSITIVE_ONLY[name], POSITIVE)
    check_against_torch(POSITIVE_ONLY[name], [[0.25], [3.0]])


BINARY = {
    "add": lambda lib, a, b: a + b,
    "sub": lambda lib, a, b: a - b,
    "mul": lambda lib, a, b: a * b,
    "div": lambda lib, a, b: a / b,
    "pow": lambda lib, a, b: (a * a + 1) ** b,
}
# Every pair PyTorch broadcasts, including a vector against a column and a scalar.
SHAPES = [
    ("same", V, [1.5, 0.75, -2.0]),
    ("vector_matrix", V, M),
    ("matrix_vector", M, V),
    ("scalar_vector", 2.5, V),
    ("vector_scalar", V, -0.5),
    ("column_row", [[1.0], [-2.0]], V),
    ("matrix_column", M, [[1.5], [0.5]]),
]


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize(("a", "b"), [s[1:] for s in SHAPES], ids=[s[0] for s in SHAPES])
def test_binary_ops_broadcast_like_torch(name, a, b):
    check_against_torch(BINARY[name], a, b)


@pytest.mark.parametrize(
    ("name", "fn"),
    [
        ("sum_dim0", lambda lib, a: a.sum(dim=0)),
        ("sum_dim_last_keep", lambda lib, a: a.sum(dim=-1, keepdim=True)),
        ("sum_dims", lambda lib, a: a.sum(dim=(0, 1))),
        ("mean_dim1", lambda lib, a: a.mean(dim=1)),
        ("mean_dim0_keep", lambda lib, a: a.mean(dim=0, keepdim=True)),
        ("norm_dim1", lambda lib, a: a.norm(dim=1)),
        ("norm_dim0_keep", lambda lib, a: a.norm(dim=0, keepdim=True)),
        ("mean_fn_dim", lambda lib, a: lib.mean(a, dim=1)),
    ],
)
def test_reductions_along_a_dimension(name, fn):
    check_against_torch(fn, M)


@pytest.mark.parametrize(
    ("a", "b"),
    [(V, [1.0, 2.0, -3.0]), (M, V), ([1.0, -1.0], M), (M, [[1.0, 0.5], [2.0, -1.0], [0.0, 3.0]])],
    ids=["vector@vector", "matrix@vector", "vector@matrix", "matrix@matrix"],
)
def test_matmul_matches_torch(a, b):
    check_against_torch(lambda lib, x, y: x @ y, a, b)
    check_against_torch(lambda lib, x, y: lib.matmul(x, y), a, b)


def test_dot_matches_torch():
    check_against_torch(lambda lib, x, y: lib.dot(x, y), V, [1.0, 2.0, -3.0])
    check_against_torch(lambda lib, x: 2 * lib.dot(x, x), [0.0, 1.0, 2.0, 3.0])


def test_kinks_follow_torch_conventions():
    """abs, relu, norm, pow at 0 and 0 ** p: PyTorch's choice of subgradient, not nan."""
    zeros = [0.0, 0.0, 0.0]
    for fn in (UNARY["abs"], UNARY["relu"], UNARY["norm"], UNARY["pow0"], UNARY["pow2"]):
        check_against_torch(fn, zeros)
    check_against_torch(lambda lib, a, p: a**p, [0.0, 2.0, 0.0], [0.0, -1.0, 2.0])


@pytest.mark.parametrize("base", [0.0, 0, 2.0, 0.5])
def test_number_to_the_power_of_a_tensor_follows_torch_at_zero(base):
    """0 ** x at x = 0 and 1: PyTorch's gradient is 0 there (log 0 = -inf is not used)."""
    check_against_torch(lambda lib, a: base**a, [0.0, 1.0, 2.5])
    x = engine.tensor([0.0, 1.0], requires_grad=True)
    (base**x).sum().backward()
    xt = torch.tensor([0.0, 1.0], dtype=torch.float64, requires_grad=True)
    (base**xt).sum().backward()
    assert x.grad.tolist() == xt.grad.tolist()


def test_mlp_layer_matches_torch():
    x = np.arange(8.0).reshape(4, 2) / 8
    w1, b1 = [[0.5, -1.0, 0.25], [1.5, 0.5, -0.5]], [0.1, -0.2, 0.3]
    w2 = [[1.0], [-2.0], [0.5]]

    def loss(lib, w1, b1, w2):
        hidden = (lib.tensor(x) @ w1 + b1).tanh()
        return (((hidden @ w2).relu() - 0.25) ** 2).mean()

    check_against_torch(loss, w1, b1, w2)


# ----- the notes' five examples ------------------------------------------------------------------
def notes_examples(lib):
    """Run the learner's five examples; return every printed value as text."""
    x = lib.arange(4.0)
    x.requires_grad_(True)
    shown = [repr(x), repr(x.grad)]
    y = 2 * lib.dot(x, x)
    y.backward()
    shown += [repr(y), repr(x.grad), repr(x.grad == 4 * x)]
    x.grad.zero_()
    x.sum().backward()
    shown.append(repr(x.grad))
    x.grad.zero_()
    y = x * x
    y.sum().backward()
    shown.append(repr(x.grad))
    x.grad.zero_()
    y = x * x
    u = y.detach()
    (u * x).sum().backward()
    shown.append(repr(x.grad == u))
    x.grad.zero_()
    y.sum().backward()
    shown += [repr(x.grad == 2 * x), repr(x.grad)]
    for value in (-0.7648, 1.5, 600.0):
        a = lib.tensor(value, requires_grad=True)
        d = control_flow(a)
        d.backward()
        shown += [repr(a.grad), repr(a.grad == d / a)]
    return shown


def test_notes_examples_print_exactly_what_torch_prints():
    assert notes_examples(engine) == notes_examples(torch)


def test_notes_values():
    shown = notes_examples(engine)
    assert shown[:4] == [
        "tensor([0., 1., 2., 3.], requires_grad=True)",
        "None",
        "tensor(28., grad_fn=<MulBackward0>)",
        "tensor([ 0.,  4.,  8., 12.])",
    ]
    assert shown[10] == "tensor(204800.)"


# ----- graph semantics ---------------------------------------------------------------------------
def test_reuse_accumulates_every_use():
    a = engine.tensor(1.0, requires_grad=True)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad.item() == 4.0


def test_reuse_in_a_diamond_matches_torch():
    check_against_torch(lambda lib, x: (x * x + x.sin() * x) * x.exp(), V)


def test_backward_twice_accumulates_into_the_same_grad_tensor():
    x = engine.arange(4.0, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    first = x.grad
    y.backward()
    assert x.grad is first
    assert x.grad.tolist() == [0.0, 4.0, 8.0, 12.0]
    x.grad.zero_()
    assert x.grad.tolist() == [0.0, 0.0, 0.0, 0.0]


def test_grad_is_a_copy_not_an_alias_of_the_upstream_gradient():
    a = engine.tensor([1.0, 2.0], requires_grad=True)
    b = engine.tensor([3.0, 4.0], requires_grad=True)
    (a + b).backward(engine.tensor([1.0, 1.0]))
    a.grad.zero_()
    assert b.grad.tolist() == [1.0, 1.0]


def test_detach_stops_gradients_and_shares_values():
    x = engine.arange(4.0, requires_grad=True)
    y = x * x
    u = y.detach()
    assert (u.requires_grad, u.is_leaf, u.grad_fn) == (False, True, None)
    assert np.shares_memory(u.numpy(), y.numpy())
    (u * x).sum().backward()
    assert x.grad.tolist() == u.tolist()
    c = u.sum() * 2
    assert not c.requires_grad and c.grad_fn is None


def test_only_leaves_that_require_grad_get_a_grad():
    x = engine.tensor([1.0, 2.0], requires_grad=True)
    k = engine.tensor([3.0, 4.0])
    h = x * k
    (h * h).sum().backward()
    assert k.grad is None and h.grad is None
    assert x.grad.tolist() == [18.0, 64.0]


def test_leaf_backward_seeds_itself():
    x = engine.tensor(3.0, requires_grad=True)
    x.backward()
    assert x.grad.item() == 1.0


def test_vector_jacobian_product_matches_torch():
    check_against_torch(lambda lib, x: x * x, [0.0, 1.0, 2.0, 3.0])


def test_deep_chain_without_recursion_error():
    """sin(sin(...sin(x))) 100 000 times: far beyond Python's recursion limit."""
    depth = 100_000
    assert depth > 50 * sys.getrecursionlimit()
    x = engine.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(depth):
        y = y.sin()
    assert len(engine.topological_order(y)) == depth + 1
    y.backward()
    # Chain rule by hand, in plain floats: dy/dx is the product of cos at every step.
    value, slope = 0.5, 1.0
    for _ in range(depth):
        value, slope = math.sin(value), slope * math.cos(value)
    assert math.isclose(y.item(), value, rel_tol=1e-9)
    assert math.isclose(x.grad.item(), slope, rel_tol=1e-9)


def test_topological_order_is_deterministic_and_parents_first():
    def build():
        x = engine.tensor([1.0, 2.0], requires_grad=True)
        w = engine.tensor([0.5, -0.5], requires_grad=True)
        h = (x * w).tanh() + x
        return x, w, (h * h).sum() + engine.dot(h, w)

    orders = []
    for _ in range(3):
        x, w, out = build()
        order = engine.topological_order(out)
        position = {id(t): i for i, t in enumerate(order)}
        for t in order:
            assert all(position[id(p)] < position[id(t)] for p in t._parents if p.requires_grad)
        assert order[0] is x and order[-1] is out
        orders.append([t.grad_fn or ("x" if t is x else "w") for t in order])
    assert orders[0] == orders[1] == orders[2]


# ----- comparisons and control flow --------------------------------------------------------------
@pytest.mark.parametrize("compare", [op.lt, op.le, op.gt, op.ge, op.eq, op.ne])
def test_comparisons_give_boolean_tensors_like_torch(compare):
    a, b = [1.0, 2.0, 3.0], [2.0, 2.0, 2.0]
    mine = compare(engine.tensor(a, requires_grad=True), engine.tensor(b))
    ref = compare(torch.tensor(a, requires_grad=True), torch.tensor(b))
    assert repr(mine) == repr(ref)
    assert not mine.requires_grad
    assert repr(compare(engine.tensor(a), 2)) == repr(compare(torch.tensor(a), 2))


def test_bool_of_one_element_drives_python_control_flow():
    assert bool(engine.tensor(2.0) > 1) is True
    assert bool(engine.tensor([[0.0]])) is False
    assert (engine.tensor(1.0) == None) is False  # noqa: E711 - PyTorch's answer, on purpose
    for value in (-0.7648, 0.01, 1.5, 600.0, -3.0):
        a = engine.tensor(value, requires_grad=True)
        control_flow(a).backward()
        t = torch.tensor(value, dtype=torch.float64, requires_grad=True)
        control_flow(t).backward()
        assert a.grad.item() == t.grad.item()


# ----- creation and printing ---------------------------------------------------------------------
def test_creation_functions():
    assert engine.arange(4.0).tolist() == [0.0, 1.0, 2.0, 3.0]
    assert engine.arange(1, 7, 2).tolist() == [1.0, 3.0, 5.0]
    assert engine.zeros(2, 3).shape == (2, 3) and engine.ones((3,)).tolist() == [1.0] * 3
    x = engine.tensor([[1, 2]], requires_grad=True)
    assert x.numpy().dtype == np.float64 and x.requires_grad and x.is_leaf
    assert engine.ones_like(x).shape == (1, 2) and engine.zeros_like(x).tolist() == [[0.0, 0.0]]
    assert (x.dim(), x.ndim, x.numel(), len(x)) == (2, 2, 2, 1)
    data = np.array([1.0, 2.0])
    copy = engine.tensor(data)
    data[0] = 5.0
    assert copy.tolist() == [1.0, 2.0]  # tensor() copies, as torch.tensor does
    assert engine.tensor(2.5).item() == 2.5 and isinstance(engine.tensor(2).item(), float)


def test_randn_is_seeded_and_shaped():
    engine.manual_seed(3)
    first = engine.randn(size=(), requires_grad=True)
    engine.manual_seed(3)
    again = engine.randn(size=())
    assert first.item() == again.item() and first.shape == () and first.requires_grad
    assert engine.randn(2, 3).shape == (2, 3) and engine.randn((4,)).shape == (4,)


REPR_CASES = [
    [0.0, 1.0, 2.0, 3.0],
    [0.0, 4.0, 8.0, 12.0],
    [-1.0, 0.5, 2.25],
    [1.0, -2.5, 1e-5],
    1e9,
    204800.0,
    -0.0,
    [[0.5, 1.0], [-1.5, 2.0]],
    [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]],
    [float("nan"), 1.0],
    [float("inf"), 1.5],
    [0.0, 0.0],
    [float(i) for i in range(30)],
    [0.1, 1000.0],
    [0.1, 100.0],
    [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]],
    [True, False],
    [True, True],
    [[True], [False]],
]


@pytest.mark.parametrize("data", REPR_CASES, ids=[str(i) for i in range(len(REPR_CASES))])
def test_repr_reads_like_torch(data):
    """Printed like PyTorch's default float32 tensors (all these values are exact in float32)."""
    assert repr(engine.tensor(data)) == repr(torch.tensor(data))


def test_repr_suffixes_like_torch():
    def shown(lib):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 2
        return [repr(t) for t in (x, y, y.sum(), y.detach(), (x - 1).norm(), 2**x)]

    assert shown(engine) == shown(torch)


# ----- errors ------------------------------------------------------------------------------------
def test_backward_of_a_non_scalar_needs_a_gradient():
    x = engine.arange(4.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar"):
        (x * x).backward()
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\)"):
        (x * x).backward(engine.ones(3))


def test_backward_without_history_is_refused():
    with pytest.raises(RuntimeError, match="does not require grad"):
        engine.tensor(1.0).backward()


def test_bool_of_several_values_is_ambiguous():
    with pytest.raises(RuntimeError, match="more than one value is ambiguous"):
        bool(engine.tensor([1.0, 2.0]) > 0)
    with pytest.raises(RuntimeError, match="no values"):
        bool(engine.tensor([]))


@pytest.mark.parametrize(
    ("make", "error", "message"),
    [
        (lambda: engine.tensor([1.0, 2.0]) + engine.tensor([1.0, 2.0, 3.0]), ValueError, "broad"),
        (lambda: engine.dot(engine.ones(2, 2), engine.ones(2, 2)), ValueError, "1-D"),
        (lambda: engine.ones(2, 3) @ engine.ones(2, 3), ValueError, "inner sizes"),
        (lambda: engine.ones(2, 2, 2) @ engine.ones(2), ValueError, "1-D and 2-D"),
        (lambda: engine.ones(2).sum(dim=1), ValueError, "out of range"),
        (lambda: engine.ones(2).item(), ValueError, "one element"),
        (lambda: engine.tensor("abc"), TypeError, "numbers"),
        (lambda: engine.tensor([1.0]) * torch.ones(1), TypeError, "engine.tensor"),
        (lambda: engine.tensor([1.0]) ** "2", TypeError, "Python number"),
        (lambda: len(engine.tensor(1.0)), TypeError, "0-d"),
        (lambda: engine.tensor([True]).requires_grad_(), TypeError, "float"),
        (
            lambda: (engine.ones(1, requires_grad=True) * 2).requires_grad_(False),
            ValueError,
            "leaf",
        ),
        (lambda: engine.randn(2, generator=None), TypeError, "size"),
    ],
)
def test_bad_input_says_what_to_do(make, error, message):
    with pytest.raises(error, match=message):
        make()


# ----- the engine's graph, drawn with the course's graph helper ---------------------------------
def graph_programs(lib):
    """Programs from the notes, each with the names that label its tensors."""
    x = lib.arange(4.0, requires_grad=True)
    y = 2 * lib.dot(x, x)
    u = (x * x).detach()
    z = (u * x).sum()
    a = lib.tensor(-0.7648, requires_grad=True)
    d = control_flow(a)
    h = x * x + x.sin() * x
    w = (h * h).sum() + lib.dot(h, x)
    m = lib.ones(4, 2) * 0.5  # a constant matrix
    return [
        (y, {"x": x, "y": y}),
        (z, {"x": x, "u": u}),
        (d, {"a": a}),
        (x * x, None),
        (w, {"x": x, "h": h}),
        (x, {"x": x}),
        # PyTorch records these in its own way; the engine records them the same way.
        (1 / (x + 1), {"x": x}),  # a reciprocal times 1
        (x - 2, {"x": x}),  # a constant the op does not keep: "const"
        (2 - x, {"x": x}),  # one input: RsubBackward1
        (2**x, {"x": x}),  # one input: PowBackward2
        (x @ m, {"x": x}),  # vector @ matrix: unsqueeze, mm, squeeze
        (m.T @ x, {"x": x}),  # matrix @ vector: MvBackward0
        ((x + 1.5) * x.sum(dim=0) / lib.norm(x), {"x": x}),
        (x.reshape(2, 2).t().mean(dim=1), {"x": x}),
    ]


def test_engine_graph_equals_the_graph_pytorch_records():
    for (mine, mine_names), (ref, ref_names) in zip(
        graph_programs(engine), graph_programs(torch), strict=True
    ):
        mine_graph, ref_graph = engine.to_graph(mine, mine_names), autograd_graph(ref, ref_names)
        # Same ids, labels, kinds and edges; the order of the node tuple is not part of a graph.
        assert set(mine_graph.nodes) == set(ref_graph.nodes)
        assert mine_graph.edges == ref_graph.edges
        assert mine_graph.to_text() == ref_graph.to_text()


def test_engine_graph_text_and_drawing():
    x = engine.arange(4.0, requires_grad=True)
    y = 2 * engine.dot(x, x)
    tree = [
        "y  {output}",
        "└── MulBackward0",
        "    ├── DotBackward0",
        "    │   ├── x  {leaf}",
        "    │   └── x  {leaf}",
        "    └── 2  {const}",
    ]
    with language.use("en"):
        text = engine.to_graph(y, {"x": x, "y": y}).to_text()
    assert text == "\n".join(tree).format(output="[output]", leaf="[leaf]", const="[const]")
    with language.use("zh"):
        text = engine.to_graph(y, {"x": x, "y": y}).to_text()
    assert text == "\n".join(tree).format(output="[输出]", leaf="[叶子]", const="[常量]")
    # The names nobody gave are the learner's words too, as in PyTorch's graph.
    c = engine.ones(4)
    with language.use("zh"):
        assert engine.to_graph((x - c).sum()).to_text().splitlines() == [
            "输出  [输出]",
            "└── SumBackward0",
            "    └── SubBackward0",
            "        ├── 叶子 (4,)  [叶子]",
            "        └── 常量  [常量]",
        ]
        assert engine.to_graph(x).to_text() == "叶子 (4,)  [叶子]"
    with language.use("en"):
        assert engine.to_graph(x).to_text() == "leaf (4,)  [leaf]"
    ax = Figure().subplots()  # no pyplot: nothing global changes
    graph = engine.to_graph(y, {"x": x})
    assert draw_graph(graph, ax=ax) is ax
    # A box per node (output, Mul, Dot, x, 2) and an arrow per edge (x feeds Dot twice).
    assert (len(graph.nodes), len(graph.edges), len(ax.texts)) == (5, 5, 10)


def test_engine_graph_of_a_deep_chain():
    x = engine.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(5_000):
        y = y.tanh()
    graph = engine.to_graph(y)
    assert len(graph.nodes) == 5_002 and len(graph.to_text(full=True).splitlines()) == 5_002


def test_engine_graph_errors():
    with language.use("en"), pytest.raises(ValueError, match="no history"):
        engine.to_graph(engine.tensor(1.0))
    with language.use("en"), pytest.raises(TypeError, match="tensor of the course engine"):
        engine.to_graph(torch.ones(1))
    x = engine.tensor(1.0, requires_grad=True)
    with language.use("zh"), pytest.raises(TypeError, match="names 要把名字"):
        engine.to_graph(x * 2, {"x": torch.ones(1)})
