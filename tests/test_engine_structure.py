"""The engine is one lesson: its modules import one another without a cycle, and there is one
backward loop, `engine.backpropagate`, which `backward()`, `engine.grad` and the backward
stepper all run.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import numpy as np
import pytest
import torch

import autograd_lab.engine as engine
from autograd_lab.engine import core, fast
from autograd_lab.explorers import backward as stepper
from autograd_lab.explorers.backward import trace

PACKAGE = "autograd_lab.engine"
FOLDER = Path(engine.__file__).parent


def import_graph() -> dict[str, set[str]]:
    """Map each module of the engine to the engine modules it imports (anywhere in the file)."""
    modules = {path.stem for path in FOLDER.glob("*.py")}
    graph = {}
    for name in modules:
        imported = set()
        for node in ast.walk(ast.parse((FOLDER / f"{name}.py").read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from autograd_lab.engine import core` imports the module core
                targets = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
            else:
                continue
            for target in targets:
                if target.startswith(PACKAGE + "."):
                    module = target.removeprefix(PACKAGE + ".").split(".")[0]
                    if module in modules and module != name:
                        imported.add(module)
        graph[name] = imported
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import cycle as a path of modules, or None (depth-first search, colours)."""
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = "open"
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target] if target in path else [target]
            if target not in state:
                found = visit(target, [*path, target])
                if found:
                    return found
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state:
            found = visit(module, [module])
            if found:
                return found
    return None


def test_the_engine_imports_without_a_cycle():
    graph = import_graph()
    assert cycle(graph) is None, cycle(graph)
    # The lesson reads alone: core.py imports none of the modules that build on it.
    assert graph["core"] <= {"errors", "fast", "surface"}, graph["core"]
    assert "core" in graph["arrays"] and "core" in graph["inplace"], "the graph was read"


def test_the_cycle_finder_finds_a_cycle():
    found = cycle({"core": {"arrays", "errors"}, "arrays": {"inplace"}, "inplace": {"core"}})
    assert found == ["arrays", "inplace", "core", "arrays"]
    assert cycle({"core": {"errors"}, "errors": set()}) is None


def fan_out():
    a = engine.tensor(1.5, requires_grad=True)
    b = a * a
    c = (b + b) * 2.0 + b.sin()
    return c, {"a": a, "b": b, "c": c}


def as_numbers(steps):
    """Steps with their gradients and shares as float lists, to compare two passes."""
    return [
        (id(node), np.asarray(grad).tolist(), [np.asarray(s).tolist() for s in shares])
        for node, grad, shares in steps
    ]


def steps_with_constants_dropped(steps):
    for node, grad, shares in steps:
        kept = [s if p.requires_grad else None for p, s in zip(node._parents, shares, strict=True)]
        yield node, grad, kept


@pytest.fixture
def recorded_passes(monkeypatch):
    """Record every pass of engine.backpropagate, whoever runs it."""
    passes = []
    real = core.backpropagate

    def recording(*args, **kwargs):
        steps = []
        passes.append(steps)
        for step in real(*args, **kwargs):
            steps.append(step)
            yield step

    # The package re-exports it; the engine's own modules look it up in core.
    monkeypatch.setattr(core, "backpropagate", recording)
    monkeypatch.setattr(engine, "backpropagate", recording)
    return passes


def test_backward_grad_and_the_stepper_run_the_same_generator(recorded_passes):
    c, names = fan_out()
    c.backward()
    engine.grad(c, names["a"])
    recorded = trace(c, names)
    assert len(recorded_passes) == 3, "each of the three ran engine.backpropagate once"
    backward_steps, grad_steps, stepper_steps = map(as_numbers, recorded_passes)
    assert backward_steps == grad_steps == stepper_steps
    # What the stepper shows is those steps: each operation's gradient and the shares it
    # hands on (a constant's share dropped), in the same order ...
    ops = [
        (np.asarray(grad).tolist(), [np.asarray(s).tolist() for s in shares if s is not None])
        for node, grad, shares in steps_with_constants_dropped(recorded_passes[2])
        if not node.is_leaf
    ]
    shown = [
        (s.arriving.tolist(), [g.tolist() for _, g in s.sends if g is not None])
        for s in recorded.steps
    ]
    assert shown == ops and len(ops) == 5  # a * a, b + b, * 2.0, sin b, the last +
    # ... and what backward() added up: a.grad = d(2(b + b) + sin b)/da = (4 + cos b) 2a.
    a = names["a"]
    assert a.grad.item() == pytest.approx((4 + np.cos(1.5 * 1.5)) * 2 * 1.5, rel=1e-12)
    assert recorded.leaf_grads()[next(iter(recorded.leaves))].item() == a.grad.item()


def test_the_stepper_has_no_backward_loop_of_its_own():
    source = inspect.getsource(stepper._trace_engine)
    assert "engine.backpropagate(" in source
    assert "vjp" not in source and "topological_order" not in source and "_rule" not in source


def test_a_step_is_what_pytorch_computes_at_that_node():
    """Each operation's yielded gradient and shares equal what PyTorch's node receives and
    passes on (read with hooks), for the same program in float64."""
    x = engine.tensor([0.5, -1.0], requires_grad=True)
    w = engine.tensor([[2.0, 1.0], [0.5, -3.0]], requires_grad=True)
    y = ((w @ x).tanh() * x).sum()
    xt = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
    wt = torch.tensor([[2.0, 1.0], [0.5, -3.0]], dtype=torch.float64, requires_grad=True)
    yt = ((wt @ xt).tanh() * xt).sum()
    seen, todo, hooked = {}, [yt.grad_fn], set()

    def record(name):
        def hook(shares, grad):
            seen[name] = (grad, shares)  # returns None: the gradients are left as they are

        return hook

    while todo:
        fn = todo.pop()
        if fn is None or fn in hooked or type(fn).__name__ == "AccumulateGrad":
            continue
        hooked.add(fn)
        fn.register_hook(record(fn.name()))
        todo.extend(parent for parent, _ in fn.next_functions)
    yt.backward()
    mine = {
        node.grad_fn: (grad, shares)
        for node, grad, shares in engine.backpropagate(y)
        if not node.is_leaf
    }
    assert (
        sorted(mine)
        == sorted(seen)
        == ["MulBackward0", "MvBackward0", "SumBackward0", "TanhBackward0"]
    )
    for name, (grad, shares) in mine.items():
        (ref_grad,), ref_shares = seen[name]
        np.testing.assert_allclose(grad, ref_grad.numpy(), rtol=1e-12, atol=1e-12)
        assert len(shares) == len(ref_shares)
        for share, ref in zip(shares, ref_shares, strict=True):
            np.testing.assert_allclose(share, ref.numpy(), rtol=1e-12, atol=1e-12)


SPECIAL = [0.0, -0.0, 1e-300, -2.5, 0.5, 3.0, 709.0, 710.0, -800.0, np.inf, -np.inf, np.nan]


@pytest.mark.parametrize(
    ("name", "plain"),
    [
        ("exp", np.exp),
        ("log", np.log),
        ("sin", np.sin),
        ("cos", np.cos),
        ("tanh", np.tanh),
        ("relu", lambda x: np.maximum(x, 0.0) + 0.0),
        ("sign", np.sign),
    ],
)
def test_a_speed_path_gives_what_its_numpy_expression_gives(name, plain):
    fast_function = getattr(fast, name)
    with np.errstate(all="ignore"):
        for x in SPECIAL:
            one, reference = fast_function(np.float64(x)), plain(np.float64(x))
            assert type(one) is np.float64
            # Equal up to the last bit (math and NumPy may round differently), same specials.
            np.testing.assert_allclose(one, reference, rtol=4e-16, atol=0)
            assert np.signbit(one) == np.signbit(reference) or np.isnan(reference), x
        array = np.array(SPECIAL)
        np.testing.assert_array_equal(fast_function(array), plain(array))


def test_vjp_on_values_is_the_rule_on_the_values():
    a, b = engine.tensor([1.0, 2.0], requires_grad=True), engine.tensor(3.0)
    for out in (a * b, a.sin(), a / b):
        g = np.array([0.5, -1.0])
        expected = out._rule.vjp(g, *[p.data for p in out._parents], out.data)
        got = fast.vjp_on_values(out._rule, g, out._parents, out)
        assert len(got) == len(expected)
        for share, reference in zip(got, expected, strict=True):
            np.testing.assert_array_equal(share, reference)
