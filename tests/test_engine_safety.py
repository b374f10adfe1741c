"""The engine is safe where PyTorch is: version counters, no_grad, in-place updates of leaves,
and the differences probed in the engine's issue (sum over no dims, repeated dims, complex
input, printing huge tensors), each checked against real PyTorch.

Numbers are float64 on both sides; tolerance for the gradient-descent trajectories:
|engine - torch| <= 1e-12 * |torch| + 1e-12 at every step.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

import autograd_lab.engine as engine

TOL = 1e-12
LIBS = (engine, torch)


def leaf(lib, values):
    if lib is torch:
        return torch.tensor(values, dtype=torch.float64, requires_grad=True)
    return engine.tensor(values, requires_grad=True)


def const(lib, values):
    """The same values as a constant (no gradient), in the engine or in PyTorch."""
    return torch.tensor(values, dtype=torch.float64) if lib is torch else engine.tensor(values)


def outcome(run, lib):
    """Run a program; return ("ok", gradient) or ("error", type, message)."""
    try:
        return ("ok", run(lib))
    except Exception as err:  # noqa: BLE001 - the exception is the result under test
        return ("error", type(err), str(err))


# ----- the version counter ----------------------------------------------------------------------
def changed_saved_input(lib):  # mul saves both inputs
    a = leaf(lib, [1.0, 2.0, 3.0])
    y = a * a
    a.detach().zero_()  # the alias shares a's storage and its version counter
    y.sum().backward()
    return a.grad.tolist()


def changed_saved_output(lib):  # exp saves its result
    a = leaf(lib, [1.0, 2.0, 3.0])
    y = a.exp()
    with lib.no_grad():
        y.zero_()
    y.sum().backward()
    return a.grad.tolist()


def changed_constant(lib):  # a constant that mul saved
    a = leaf(lib, [1.0, 2.0, 3.0])
    c = lib.ones(3, dtype=torch.float64) if lib is torch else lib.ones(3)
    y = a * c
    c *= 2
    y.sum().backward()
    return a.grad.tolist()


def changed_unsaved_input(lib):  # add saves nothing: PyTorch lets this pass, so must we
    a = leaf(lib, [1.0, 2.0, 3.0])
    c = lib.ones(3, dtype=torch.float64) if lib is torch else lib.ones(3)
    y = a + c
    c.zero_()
    y.sum().backward()
    return a.grad.tolist()


def changed_before_use(lib):  # changing a value before the op reads it is fine
    a = leaf(lib, [1.0, 2.0, 3.0])
    c = lib.ones(3, dtype=torch.float64) if lib is torch else lib.ones(3)
    c += 1
    y = (a * c).sum()
    y.backward()
    return a.grad.tolist()


@pytest.mark.parametrize(
    "program",
    [changed_saved_input, changed_saved_output, changed_constant],
    ids=lambda f: f.__name__,
)
def test_changed_saved_value_raises_like_torch(program):
    mine, ref = outcome(program, engine), outcome(program, torch)
    assert ref[0] == "error" and ref[1] is RuntimeError  # the premise: PyTorch refuses
    assert mine[0] == "error" and mine[1] is RuntimeError, mine
    phrase = "modified by an inplace operation"
    assert phrase in ref[2] and phrase in mine[2]
    assert "is at version 1" in mine[2] and "is at version 1" in ref[2]


@pytest.mark.parametrize(
    "program", [changed_unsaved_input, changed_before_use], ids=lambda f: f.__name__
)
def test_changes_pytorch_accepts_are_accepted(program):
    assert outcome(program, engine) == outcome(program, torch)


def test_version_counts_like_torch():
    def versions(lib):
        x = leaf(lib, [1.0, 2.0])
        seen = [x._version]
        with lib.no_grad():
            x += 1
            seen.append(x._version)
            x *= 2
            x -= 1
            seen.append(x._version)
        alias = x.detach()
        alias.zero_()
        seen += [x._version, alias._version]
        y = x * 3  # a new result starts at version 0
        seen.append(y._version)
        return seen

    assert versions(engine) == versions(torch) == [0, 1, 3, 4, 4, 0]


# ----- in-place changes through a view: views share the storage and the version counter -----
VIEWS = {
    "reshape": lambda x: x.reshape(4),
    "T": lambda x: x.T,
    "unsqueeze": lambda x: x.unsqueeze(0),
    "detach_reshape": lambda x: x.detach().reshape(2, 2),
    "view_of_a_view": lambda x: x.T.unsqueeze(0),
}


def changed_through_a_view(lib, view):
    """mul saves the constant x; x is then changed through a view of it."""
    a = leaf(lib, [[1.0, 2.0], [3.0, 4.0]])
    x = const(lib, [[1.0, 1.0], [1.0, 2.0]])
    y = a * x
    v = VIEWS[view](x)
    v += 1
    return [x._version, v._version, x.tolist()], outcome(lambda lib: y.sum().backward(), lib)


@pytest.mark.parametrize("view", sorted(VIEWS))
def test_a_change_through_a_view_is_counted_and_refused_like_torch(view):
    (mine_seen, mine), (ref_seen, ref) = (changed_through_a_view(lib, view) for lib in LIBS)
    assert mine_seen == ref_seen == [1, 1, [[2.0, 2.0], [2.0, 3.0]]]
    assert ref[:2] == mine[:2] == ("error", RuntimeError)
    phrase = "modified by an inplace operation"
    assert phrase in ref[2] and phrase in mine[2] and "is at version 1" in mine[2]


def test_a_change_through_a_view_of_a_leaf_under_no_grad_is_refused_like_torch():
    def program(lib):
        w = leaf(lib, [1.0, 2.0, 3.0])
        y = (w * w).sum()  # mul saves w
        with lib.no_grad():
            v = w.unsqueeze(1)
            v *= 2
        seen = [w._version, w.tolist(), w.is_leaf]
        y.backward()
        return seen

    mine, ref = outcome(program, engine), outcome(program, torch)
    assert ref[:2] == mine[:2] == ("error", RuntimeError)
    assert "modified by an inplace operation" in mine[2]


def test_a_reshape_that_copies_shares_nothing_like_torch():
    def program(lib):
        a = leaf(lib, [[1.0, 2.0], [3.0, 4.0]])
        x = const(lib, [[1.0, 2.0], [3.0, 4.0]])
        y = a * x
        copy = x.T.reshape(4)  # not contiguous: reshape copies in both libraries
        copy += 1
        y.sum().backward()
        return [x._version, copy._version, x.tolist(), a.grad.tolist()]

    assert outcome(program, engine) == outcome(program, torch)
    assert outcome(program, torch)[1][0] == 0


def test_changing_an_expanded_tensor_in_place_is_refused_like_torch():
    def program(lib):
        e = const(lib, [1.0, 2.0]).expand(3, 2)
        e += 1

    mine, ref = outcome(program, engine), outcome(program, torch)
    assert mine == ref and ref[1] is RuntimeError


# ----- no_grad and in-place updates of leaves --------------------------------------------------
def test_no_grad_records_nothing_like_torch():
    def state(lib):
        x = leaf(lib, [1.0, 2.0])
        with lib.no_grad():
            y = x * 2 + 1
            inside = lib.is_grad_enabled()
        z = x * 2
        return [y.requires_grad, y.grad_fn is None, inside, lib.is_grad_enabled(), z.requires_grad]

    assert state(engine) == state(torch) == [False, True, False, True, True]


def test_no_grad_as_a_decorator_like_torch():
    def state(lib):
        @lib.no_grad()
        def doubled(x):
            return x * 2, lib.is_grad_enabled()

        y, inside = doubled(leaf(lib, [1.0]))
        return [y.requires_grad, inside, lib.is_grad_enabled()]

    assert state(engine) == state(torch) == [False, False, True]


def test_no_grad_is_left_on_an_exception():
    with pytest.raises(ZeroDivisionError), engine.no_grad():
        1 / 0  # noqa: B018 - the error is the point
    assert engine.is_grad_enabled()


def test_leaf_update_outside_no_grad_raises_like_torch():
    def update(lib):
        w = leaf(lib, [1.0, 2.0])
        w -= 0.1

    mine, ref = outcome(update, engine), outcome(update, torch)
    assert mine[:2] == ref[:2] == ("error", RuntimeError)
    phrase = "a leaf Variable that requires grad is being used in an in-place operation."
    assert ref[2] == phrase and mine[2].startswith(phrase)


def test_update_under_no_grad_keeps_a_leaf_like_torch():
    def step(lib):
        w = leaf(lib, [1.0, -2.0])
        (w * w).sum().backward()
        with lib.no_grad():
            w -= 0.25 * w.grad
        return [w.is_leaf, w.requires_grad, w.grad_fn is None, w.tolist(), w._version]

    assert step(engine) == step(torch) == [True, True, True, [0.5, -1.0], 1]


def fit(lib, steps: int = 25, reset: str = "zero_", lr: float = 0.01):
    """Least squares z = ||X w - y||^2 by gradient descent; return the losses."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    X = torch.tensor(x) if lib is torch else engine.tensor(x)
    Y = torch.tensor(y) if lib is torch else engine.tensor(y)
    w = leaf(lib, [0.0, 0.0, 0.0])
    losses = []
    for _ in range(steps):
        loss = ((X @ w - Y) ** 2).sum()
        loss.backward()
        with lib.no_grad():
            w -= lr * w.grad
        if reset == "zero_":
            w.grad.zero_()
        else:
            w.grad = None
        losses.append(loss.item())
    return losses


@pytest.mark.parametrize("reset", ["zero_", "None"])
def test_gradient_descent_follows_torch(reset):
    mine, ref = fit(engine, reset=reset), fit(torch, reset=reset)
    np.testing.assert_allclose(mine, ref, rtol=TOL, atol=TOL)
    assert all(b < a for a, b in zip(ref, ref[1:], strict=False))  # it learns: not two constants


def test_forgotten_zero_grad_differs_like_torch():
    def without_reset(lib):
        losses = fit(lib, steps=10, reset="zero_")[:1]
        w = leaf(lib, [0.0, 0.0, 0.0])
        for _ in range(3):
            (w * w + w).sum().backward()  # gradients pile up: 1, 2, 3 times the first
        return losses, w.grad.tolist()

    mine, ref = without_reset(engine), without_reset(torch)
    assert mine == ref and ref[1] == [3.0, 3.0, 3.0]


# ----- the probed differences -----------------------------------------------------------------
@pytest.mark.parametrize("dim", [(), []], ids=["tuple", "list"])
@pytest.mark.parametrize("name", ["sum", "mean"])
def test_reducing_over_no_dims_reduces_all_like_torch(name, dim):
    data = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]]
    results = []
    for lib in (engine, torch):
        x = leaf(lib, data)
        y = getattr(x, name)(dim=dim)
        (y * y).backward()
        results.append((tuple(y.shape), y.item(), x.grad.tolist(), type(y.grad_fn).__name__))
    mine, ref = results
    assert mine[:3] == ref[:3] and ref[0] == ()
    assert engine.tensor(data, requires_grad=True).sum(dim=()).grad_fn == "SumBackward1"


@pytest.mark.parametrize("dim", [[0, 0], (1, -1)])
def test_repeated_dims_are_refused_like_torch(dim):
    messages = []
    for lib in (engine, torch):
        with pytest.raises(RuntimeError, match="appears multiple times in the list of dims") as e:
            leaf(lib, [[1.0, 2.0], [3.0, 4.0]]).sum(dim=dim)
        messages.append(str(e.value).split(":")[0])
    assert messages[0] == messages[1]


@pytest.mark.parametrize(
    "make",
    [
        lambda: engine.tensor([1 + 2j, 3.0]),
        lambda: engine.tensor(np.array([1.0, 2.0], dtype=np.complex128)),
        lambda: engine.tensor([1.0, 2.0]) * 1j,
        lambda: engine.tensor([1.0, 2.0]) + np.complex128(1j),
    ],
    ids=["list", "array", "python_complex", "numpy_complex"],
)
def test_complex_input_is_refused_with_a_clear_type_error(make):
    with pytest.raises(TypeError, match="real numbers only"):
        make()


@pytest.mark.parametrize(
    "shape", [(1_000_000,), (30, 100), (2, 1000), (1001,), (10, 10, 11)], ids=str
)
def test_big_tensors_print_summarized_like_torch(shape):
    # Whole numbers below 2^24 are exact in PyTorch's default float32 too.
    n = int(np.prod(shape))
    mine = repr(engine.arange(float(n)).reshape(shape).detach())
    ref = repr(torch.arange(float(n)).reshape(shape))
    assert mine == ref
    assert "..." in mine and len(mine) < 5_000  # PyTorch prints 1e6 elements in 140 characters


def test_a_thousand_elements_still_print_in_full_like_torch():
    mine, ref = repr(engine.arange(1000.0)), repr(torch.arange(1000.0))
    assert mine == ref and "..." not in mine


def test_a_refused_backward_leaves_nothing_behind():
    """After the version error, grad mode is back on and a fresh pass is not polluted."""
    a = engine.tensor([1.0, 2.0, 3.0], requires_grad=True)
    u = a.exp()  # exp saves its output for its rule
    y = (u + a).sum()  # backward reaches a (through +) before it reaches exp's rule
    with engine.no_grad():
        u.zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()
    assert engine.is_grad_enabled() and a.grad is None
    ((a * 3) * a).sum().backward()  # d(3 a^2)/da = 6 a, with no share left from the failed pass
    assert a.grad.tolist() == [6.0, 12.0, 18.0]
