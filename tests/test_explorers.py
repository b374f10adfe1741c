"""The explorers (autograd_lab.explorers): every frame's numbers, checked against autograd.

Each explorer's pure `*_frame` function is called over a grid of parameters. Its values must
equal what a learner computes directly (torch.autograd.grad, the difference quotients, a
hand-written gradient-descent loop, x.grad after backward()), and its picture must show
those same numbers. The widgets are driven in-process (ipywidgets needs no browser for
that); tests/test_browser_explorers.py drives them in a real JupyterLab.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import autograd_lab.engine as engine
from autograd_lab import language
from autograd_lab.explorers import (
    backward_frame,
    descend,
    descent_frame,
    explore_backward,
    explore_finite_differences,
    explore_gradient_descent,
    explore_tangent,
    finite_difference_frame,
    png,
    tangent_frame,
    trace,
)
from autograd_lab.explorers.backward import _node_order
from autograd_lab.explorers.descent import LOSSES, X, Y
from autograd_lab.explorers.finite_differences import differences
from autograd_lab.explorers.tangent import FUNCTIONS
from autograd_lab.graph import autograd_graph
from tests.helpers import CJK

X0S = [float(v) for v in np.arange(-2.0, 2.01, 0.25)]


@pytest.fixture(autouse=True)
def english():
    with language.use("en"):
        yield


# --- tangent ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_tangent_slope_is_autograds_derivative_at_every_point(name):
    f = FUNCTIONS[name].f
    for x0 in X0S:
        fig, values = tangent_frame(name, x0)
        x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        (slope,) = torch.autograd.grad(f(x), x)
        assert values["slope"] == slope.item(), (name, x0)
        assert values["value"] == f(x.detach()).item()
        # The picture draws that line: through (x0, f(x0)) with that slope.
        xs, ys = fig.axes[0].lines[1].get_data()
        assert np.allclose(ys, values["value"] + values["slope"] * (xs - x0))
        assert values["kink"] == (name in ("abs", "relu") and x0 == 0.0)


@pytest.mark.parametrize(("name", "left", "right"), [("abs", -1.0, 1.0), ("relu", 0.0, 1.0)])
def test_at_a_kink_the_frame_shows_both_sides_and_autograds_pick(name, left, right):
    _, values = tangent_frame(name, 0.0)
    assert (values["left"], values["right"]) == (left, right)
    assert values["slope"] == 0.0  # PyTorch's subgradient at 0 for both
    assert left <= values["slope"] <= right
    assert "kink" in " ".join(values["caption"])
    _, smooth = tangent_frame(name, 0.5)
    assert "kink" not in " ".join(smooth["caption"])


def test_tangent_takes_a_learners_own_function():
    _, values = tangent_frame(lambda x: x**3, 2.0)
    assert values["slope"] == 12.0 and values["value"] == 8.0


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"function": "cos"}, ValueError, "one of 'sin'"),
        ({"function": 3}, TypeError, "one of 'sin'"),
        ({"function": "abs", "x0": "1"}, TypeError, "x0 is the text"),
        ({"function": "abs", "x0": float("nan")}, ValueError, "x0 contains NaN"),
        ({"function": "abs", "x0": [0.0, 1.0]}, TypeError, "x0 must be one number"),
        ({"function": "sin", "x0": True}, TypeError, "x0 is the boolean"),
    ],
)
def test_tangent_refuses_bad_input_at_the_door(kwargs, error, words):
    with pytest.raises(error, match=words):
        tangent_frame(**kwargs)


def test_explore_tangent_checks_its_range():
    with pytest.raises(ValueError, match="between -2.0 and 2.0"):
        explore_tangent("sin", x0=5.0)


# --- finite differences ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sin", "parabola"])
@pytest.mark.parametrize("exponent", range(-16, 0))
def test_finite_difference_errors_match_a_direct_computation(name, exponent):
    f = FUNCTIONS[name].f
    h = 10.0**exponent
    fig, values = finite_difference_frame(h, name, x0=1.0)
    x = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    (exact,) = torch.autograd.grad(f(x), x)
    x = x.detach()
    step = torch.tensor([h], dtype=torch.float64)
    forward = (f(x + step) - f(x)) / step
    central = (f(x + step) - f(x - step)) / (2 * step)
    assert values["exact"] == exact.item()
    assert values["err_forward"] == abs(forward.item() - exact.item())
    assert values["err_central"] == abs(central.item() - exact.item())
    # The marks sit at h on the picture, at the errors (floored where an error is exactly 0).
    marks = [line for line in fig.axes[0].lines if len(line.get_xdata()) == 1]
    assert [m.get_xdata()[0] for m in marks] == [h, h]
    assert marks[0].get_ydata()[0] == max(values["err_forward"], 1e-18)


def test_the_v_has_its_bottom_in_the_middle():
    forward, central, exact = differences(torch.sin, 1.0, 10.0 ** -torch.arange(1.0, 17.0))
    err_f, err_c = (forward - exact).abs(), (central - exact).abs()
    assert 1e-10 < 10.0 ** -(int(err_f.argmin()) + 1) < 1e-6
    assert err_f.min() < min(err_f[0], err_f[-1]) and err_c.min() < min(err_c[0], err_c[-1])


def test_finite_difference_caption_names_the_regime():
    _, large = finite_difference_frame(1e-2)
    _, small = finite_difference_frame(1e-13)
    assert all("truncation" in line for line in large["caption"][1:])
    assert all("rounding" in line for line in small["caption"][1:])


@pytest.mark.parametrize(
    ("h", "error"), [(0.0, ValueError), (-1e-3, ValueError), ("1e-4", TypeError), (2.0, ValueError)]
)
def test_finite_differences_refuse_a_bad_step(h, error):
    with pytest.raises(error, match="^h (should|is the text)"):
        finite_difference_frame(h)


# --- gradient descent -----------------------------------------------------------------------


def hand_loop(loss: str, lr: float, steps: int) -> np.ndarray:
    """Gradient descent as a learner writes it, with the gradient worked out by hand."""
    w = torch.tensor(LOSSES[loss].start, dtype=torch.float64)
    path = [w.clone()]
    for _ in range(steps):
        grad = 2 * (w - 2.0) if loss == "1d" else 2 * X.T @ (X @ w - Y)
        w = w - lr * grad
        path.append(w.clone())
    return torch.stack(path).numpy()


@pytest.mark.parametrize("loss", ["1d", "2d"])
@pytest.mark.parametrize("steps", [0, 1, 5, 20])
def test_descent_path_equals_a_hand_loop(loss, steps):
    low, high, step, _ = LOSSES[loss].lr
    for lr in np.arange(low, high + step / 2, step * 3):
        fig, values = descent_frame(float(lr), steps, loss)
        expected = hand_loop(loss, float(lr), steps)
        assert values["path"].shape == expected.shape
        assert np.allclose(values["path"], expected, rtol=1e-12, atol=1e-12), (loss, lr)
        drawn = fig.axes[0].lines[1 if loss == "1d" else 0]  # the path, as drawn
        assert np.allclose(drawn.get_xdata(), expected[:, 0])


def test_descent_limit_is_two_over_the_largest_curvature():
    assert descent_frame(0.1, 5, "1d")[1]["limit"] == 1.0
    hessian = 2 * X.T @ X
    limit = descent_frame(0.05, 5, "2d")[1]["limit"]
    assert math.isclose(limit, 2 / torch.linalg.eigvalsh(hessian).max().item())


@pytest.mark.parametrize(
    ("loss", "lr", "diverges"),
    [
        ("2d", 0.05, False),
        ("2d", 0.13, False),
        ("2d", 0.15, True),
        ("1d", 0.9, False),
        ("1d", 1.05, True),
    ],
)
def test_divergence_is_visible_and_stated(loss, lr, diverges):
    fig, values = descent_frame(lr, 20, loss)
    assert values["diverged"] is diverges
    assert bool(values["losses"][-1] > values["losses"][0]) is diverges
    text = " ".join(values["caption"])
    assert ("Diverges" in text) is diverges and ("Converges" in text) is not diverges
    assert fig.axes[1].get_title().count("learning rate") == 1
    red = fig.axes[1].title.get_color() == "#d62728"
    assert red is diverges


def test_a_learning_rate_at_the_limit_bounces():
    _, values = descent_frame(1.0, 6, "1d")
    assert values["path"][:, 0].tolist() == [-1.0, 5.0, -1.0, 5.0, -1.0, 5.0, -1.0]
    assert "bounce" in " ".join(values["caption"])


def test_descend_uses_autograd_not_a_formula():
    path, losses = descend("2d", 0.05, 3)
    assert losses[0] == ((X @ torch.tensor([-1.0, 2.5], dtype=torch.float64) - Y) ** 2).sum()
    assert len(path) == len(losses) == 4


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"steps": 2.5}, TypeError, "whole number"),
        ({"steps": -1}, ValueError, "whole number"),
        ({"steps": 51}, ValueError, "whole number"),
        ({"loss": "3d"}, ValueError, "one of '1d', '2d'"),
        ({"loss": ["2d"]}, TypeError, "one of '1d', '2d'"),
        ({"lr": "fast"}, TypeError, "lr is the text"),
        ({"lr": -0.1}, ValueError, "between"),
    ],
)
def test_descent_refuses_bad_input_at_the_door(kwargs, error, words):
    with pytest.raises(error, match=words):
        descent_frame(**kwargs)


def own_data():
    torch.manual_seed(0)
    X = torch.randn(6, 2, dtype=torch.float64)
    y = X @ torch.tensor([2.0, -1.0], dtype=torch.float64) + 0.1 * torch.randn(
        6, dtype=torch.float64
    )
    return X, y


@pytest.mark.parametrize("steps", [0, 3, 25])
def test_descent_on_a_learners_own_data_equals_a_hand_loop(steps):
    X, y = own_data()
    explorer = explore_gradient_descent("2d", lr=0.05, steps=steps, X=X, y=y)
    limit = 2 / torch.linalg.eigvalsh(2 * X.T @ X).max().item()
    for lr in explorer.tour.values:
        fig, values = explorer.frame(lr=lr)
        w = torch.zeros(2, dtype=torch.float64)
        path = [w.clone()]
        for _ in range(steps):
            w = w - lr * 2 * X.T @ (X @ w - y)
            path.append(w.clone())
        assert np.allclose(values["path"], torch.stack(path).numpy(), rtol=1e-12, atol=1e-12)
        assert math.isclose(values["limit"], limit)
        if steps == 25:
            assert values["diverged"] is (lr > limit), (lr, limit)
    assert max(explorer.tour.values) > limit > min(explorer.tour.values), "the tour crosses it"


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"X": torch.zeros(6, 3), "y": torch.zeros(6)}, ValueError),
        ({"X": torch.zeros(6, 2), "y": torch.zeros(5)}, ValueError),
        ({"X": "data", "y": torch.zeros(6)}, TypeError),
        ({"X": torch.full((3, 2), float("nan")), "y": torch.zeros(3)}, ValueError),
    ],
)
def test_descent_refuses_data_of_the_wrong_shape(kwargs, error):
    with pytest.raises(error, match="shape \\(m, 2\\)"):
        descent_frame(**kwargs)


def test_descent_refuses_a_start_that_is_not_two_numbers():
    with pytest.raises(ValueError, match="start should"):
        descent_frame(X=torch.eye(2), y=torch.ones(2), start=(1.0, 2.0, 3.0))


# --- the backward stepper -------------------------------------------------------------------


def example_1(lib):
    x = lib.arange(4.0, requires_grad=True)
    w = lib.tensor([1.0, -1.0, 0.5, 2.0], requires_grad=True)
    z = (lib.dot(x, w) - lib.tensor(3.0)) ** 2
    return z, {"x": x, "w": w}


def fan_out(lib):
    a = lib.tensor(1.5, requires_grad=True)
    b = a * a
    return b + b, {"a": a, "b": b}


def dot_twice(lib):
    x = lib.arange(4.0, requires_grad=True)
    return 2 * lib.dot(x, x), {"x": x}


def broadcast(lib):
    w = lib.tensor([[1.0], [2.0]], requires_grad=True)
    x = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
    return (w * x).sum(), {"w": w, "x": x}


def control_flow(lib):
    a = lib.tensor(-0.7648, requires_grad=True)
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    c = b if b.sum() > 0 else 100 * b
    return c.sum(), {"a": a}


def chain(lib):
    x = lib.tensor([0.5, -1.0], requires_grad=True)
    y = lib.tensor([2.0, 1.0], requires_grad=True)
    u = lib.tanh(x * y)
    return (u * x + lib.exp(y)).sum(), {"x": x, "y": y, "u": u}


PROGRAMS = [example_1, fan_out, dot_twice, broadcast, control_flow, chain]
LIBRARIES = {"torch": torch, "engine": engine}


def leaves_after_backward(program, lib) -> dict[str, np.ndarray]:
    out, names = program(lib)
    out.backward()
    return {name: np.asarray(t.grad.numpy(), dtype=float) for name, t in names.items() if t.is_leaf}


def run_order(program) -> list[str]:
    """The order PyTorch's engine runs the graph's nodes in a plain y.backward()."""
    out, _ = program(torch)
    seen, order, stack = set(), [], [out.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen or type(fn).__name__ == "AccumulateGrad":
            continue
        seen.add(fn)
        fn.register_prehook(lambda grads, fn=fn: order.append(type(fn).__name__))
        stack.extend(parent for parent, _ in fn.next_functions)
    out.backward()
    return order


@pytest.mark.parametrize("lib", sorted(LIBRARIES))
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_stepper_ends_with_the_leaves_grad(program, lib):
    out, names = program(LIBRARIES[lib])
    recorded = trace(out, names)
    labels = recorded.labels()
    finals = {labels[leaf]: grad for leaf, grad in recorded.leaf_grads().items()}
    expected = leaves_after_backward(program, LIBRARIES[lib])
    assert set(finals) == set(expected)
    for name, grad in expected.items():
        assert np.allclose(finals[name], grad, rtol=1e-6, atol=1e-6), (name, finals[name], grad)
    # The last frame shows exactly these values, and the first shows none yet.
    _, last = backward_frame(recorded, len(recorded.steps))
    shown = {labels[k]: v for k, v in last["leaves"].items()}
    assert shown.keys() == expected.keys()
    for name, grad in expected.items():
        assert np.allclose(shown[name], grad, rtol=1e-6, atol=1e-6), (name, shown[name], grad)
    _, first = backward_frame(recorded, 0)
    assert all(v is None for v in first["leaves"].values())


@pytest.mark.parametrize("lib", sorted(LIBRARIES))
@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_stepper_runs_every_operation_once_in_topological_order(program, lib):
    out, names = program(LIBRARIES[lib])
    recorded = trace(out, names)
    graph = recorded.graph
    ops = [n.id for n in graph.nodes if n.kind == "op"]
    ran = [step.node for step in recorded.steps]
    assert sorted(ran) == sorted(ops), "each operation runs exactly once"
    position = {node: i for i, node in enumerate(ran)}
    for src, dst in graph.edges:  # a node runs only after every operation that consumed it
        if src in position and dst in position:
            assert position[dst] < position[src], (graph.to_text(), src, dst)
    labels = recorded.labels()
    ran_ops = [labels[node].split(" → ")[0] for node in ran]
    if lib == "torch":
        assert ran_ops == run_order(program), "the order PyTorch itself runs them in"
    else:
        order = [u.grad_fn for u in reversed(engine.topological_order(out)) if not u.is_leaf]
        assert ran_ops == order, "the engine's own topological order, reversed"


@pytest.mark.parametrize("program", PROGRAMS, ids=lambda p: p.__name__)
def test_engine_and_pytorch_steppers_agree(program):
    torch_trace = trace(*program(torch))
    engine_trace = trace(*program(engine))

    # The same operations (PyTorch cannot name a constant the engine shows by value, and
    # writes 100 * b with its operands swapped), the same gradients arriving at each.
    def ops(recorded):
        labels = recorded.labels()
        return sorted((labels[step.node], float(np.sum(step.arriving))) for step in recorded.steps)

    assert [label for label, _ in ops(torch_trace)] == [label for label, _ in ops(engine_trace)]
    assert np.allclose([g for _, g in ops(torch_trace)], [g for _, g in ops(engine_trace)])
    torch_leaves = {torch_trace.labels()[k]: v for k, v in torch_trace.leaf_grads().items()}
    engine_leaves = {engine_trace.labels()[k]: v for k, v in engine_trace.leaf_grads().items()}
    assert torch_leaves.keys() == engine_leaves.keys()
    for name, grad in torch_leaves.items():
        assert np.allclose(grad, engine_leaves[name], rtol=1e-6)


def test_the_fan_out_adds_with_plus_equals():
    recorded = trace(*fan_out(torch))
    _, first = backward_frame(recorded, 1)
    text = "\n".join(first["caption"])
    assert "+= 1 (fan-out" in text and "now 2" in text
    _, second = backward_frame(recorded, 2)
    assert "a.grad += 3 (fan-out: one more share, now 6)" in "\n".join(second["caption"])
    assert second["caption"][-1] == "a.grad = 6"


def test_the_running_node_is_drawn_highlighted():
    recorded = trace(*example_1(torch))
    for k in range(1, len(recorded.steps) + 1):
        fig, values = backward_frame(recorded, k)
        boxes = fig.axes[0].texts[: len(recorded.graph.nodes)]
        order = _node_order(recorded.graph)
        labels = recorded.labels()
        assert [b.get_text() for b in boxes] == [labels[n] for n in order]
        red = [
            n for n, b in zip(order, boxes, strict=True) if b.get_bbox_patch().get_linewidth() == 3
        ]
        assert red == [values["running"]]


def test_stepping_changes_nothing_the_learner_owns():
    z, names = example_1(torch)
    first = trace(z, names)
    second = trace(z, names)  # hooks left behind would record every step twice
    assert len(second.steps) == len(first.steps)
    assert names["x"].grad is None and names["w"].grad is None, "nothing accumulated"
    z.backward()  # the graph is still there for the learner's own backward
    assert torch.equal(names["w"].grad, 2 * (torch.dot(names["x"], names["w"]) - 3) * names["x"])


def test_stepper_default_is_example_1():
    recorded = trace()
    z, names = example_1(torch)
    assert autograd_graph(z, {**names, "z": z}).to_text() == recorded.graph.to_text()


@pytest.mark.parametrize(
    ("make", "error", "words"),
    [
        (lambda: [1.0, 2.0], TypeError, "PyTorch tensor or an autograd_lab.engine"),
        (lambda: torch.arange(3.0, requires_grad=True) * 2, ValueError, "scalar"),
        (lambda: torch.arange(3.0).sum(), ValueError, "no history"),
        (lambda: engine.tensor(2.0) * 3, ValueError, "no history"),
    ],
)
def test_stepper_refuses_bad_input_at_the_door(make, error, words):
    with pytest.raises(error, match=words):
        trace(make())


def test_stepper_explains_a_freed_graph():
    x = torch.arange(3.0, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    with pytest.raises(ValueError, match="freed by an earlier backward"):
        trace(y)


@pytest.mark.parametrize(("step", "error"), [(-1, ValueError), (99, ValueError), (1.5, TypeError)])
def test_stepper_refuses_a_step_outside_the_pass(step, error):
    with pytest.raises(error, match="step should"):
        backward_frame(trace(), step)


# --- the widgets, driven in-process ----------------------------------------------------------


EXPLORERS = {
    "tangent": lambda: explore_tangent("abs", x0=1.0),
    "finite_differences": lambda: explore_finite_differences(h=1e-4),
    "gradient_descent": lambda: explore_gradient_descent("2d"),
    "backward": lambda: explore_backward(*fan_out(torch)),
}
MOVES = {
    "tangent": ("x0", 0.0),
    "finite_differences": ("h", 1e-10),
    "gradient_descent": ("lr", 0.15),
    "backward": ("step", 2),
}


@pytest.mark.parametrize("kind", sorted(EXPLORERS))
def test_moving_a_control_updates_the_values_line(kind):
    explorer = EXPLORERS[kind]()
    box = explorer.widget()
    name, value = MOVES[kind]
    control = next(
        c
        for c in box.children
        if c.description == explorer.setting(name, value).split(" = ")[0].split(":")[0]
    )
    readout = box.children[-1]
    before = readout.value
    control.value = value
    assert readout.value != before
    _, expected = explorer.frame()
    assert explorer.params[name] == value
    assert readout.value == "<br>".join(
        line.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
        .replace("  ", "&nbsp;&nbsp;")
        for line in expected["caption"]
    )
    assert repr(box) == language.say("explorers.controls", "en")


def test_switching_the_loss_brings_its_learning_rates():
    explorer = explore_gradient_descent("2d")
    box = explorer.widget()
    menu, lr = box.children[0], box.children[1]
    menu.value = "1d"
    assert (lr.min, lr.max, lr.value) == (0.05, 1.1, 0.1)
    assert explorer.params == {
        "lr": 0.1,
        "steps": 10,
        "loss": "1d",
        "X": None,
        "y": None,
        "start": None,
    }


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(EXPLORERS))
def test_handout_frames_are_the_tour_of_one_control(kind):
    explorer = EXPLORERS[kind]()
    frames = explorer.handout_frames()
    tour = explorer.tour
    assert len(frames["frames"]) == len(tour.values) and frames["key"] == list(tour.key)
    assert 0 <= frames["start"] < len(tour.values)
    assert all(0 <= k < len(tour.values) for k in frames["key"])
    for value, frame in zip(tour.values, frames["frames"], strict=True):
        assert frame["caption"] == explorer.frame(**{tour.control: value})[1]["caption"]
        assert frame["setting"] == explorer.setting(tour.control, value)
    assert frames["title"] == explorer.title


def test_frames_are_deterministic_and_speak_the_language():
    first = png(tangent_frame("abs", 0.0)[0])
    assert png(tangent_frame("abs", 0.0)[0]) == first
    _, zh = tangent_frame("abs", 0.0, lang="zh")
    _, en = tangent_frame("abs", 0.0, lang="en")
    assert all(CJK.search(line) for line in zh["caption"])
    assert not any(CJK.search(line) for line in en["caption"])
    with language.use("zh"):
        explorer = explore_backward()
    assert CJK.search(explorer.title) and CJK.search(repr(explorer.widget()))


@pytest.mark.parametrize("lib", sorted(LIBRARIES))
def test_the_stepper_names_unnamed_nodes_in_its_language(lib):
    library = LIBRARIES[lib]
    x = library.arange(3.0, requires_grad=True)
    y = (x * x).sum()
    with language.use("zh"):  # a Chinese notebook asking for an English stepper, and back
        english = set(trace(y, lang="en").labels().values())
    with language.use("en"):
        chinese = set(trace(y, lang="zh").labels().values())
    assert {"output", "leaf (3,)"} <= english and not any(map(CJK.search, english))
    assert {"输出", "叶子 (3,)"} <= chinese


def test_a_moved_slider_no_longer_matches_the_baseline(tmp_path):
    """The explorer baselines (tools/update_baselines.py) notice a frame one step off."""
    from matplotlib.testing.compare import compare_images

    from tools.update_baselines import BASELINES, render

    def next_step():
        a = torch.tensor(1.5, requires_grad=True)
        b = a * a
        return backward_frame(trace(b + b, {"a": a, "b": b, "c": b + b}), 2, lang="en")[0]

    moved = render("explorer_backward_fan_out", tmp_path / "moved.png", draw_case=next_step)
    result = compare_images(
        str(BASELINES / "explorer_backward_fan_out.png"), str(moved), tol=1.0, in_decorator=True
    )
    assert result is not None and result["rms"] > 1.0


def test_the_engine_stepper_refuses_a_value_changed_in_place_as_backward_does():
    a = engine.tensor([1.0, 2.0], requires_grad=True)
    u = a.exp()
    y = (u * 1).sum()
    with engine.no_grad():
        u.zero_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        trace(y, {"a": a, "y": y})


@pytest.mark.parametrize("lib", sorted(LIBRARIES))
def test_the_stepper_draws_a_graph_too_large_to_draw_whole(lib):
    library = LIBRARIES[lib]
    x = library.tensor(0.3, requires_grad=True)
    y = x
    for _ in range(30):  # more levels than a drawing shows: draw_graph summarizes it
        y = y.tanh()
    recorded = trace(y, {"x": x})
    for step in (0, 3, len(recorded.steps)):
        fig, values = backward_frame(recorded, step)
        assert values["caption"]
    assert len(_node_order(recorded.graph)) < len(recorded.graph.nodes)


# --- issue 25: input that used to break a frame, or to be silently changed ----------------------


@pytest.mark.parametrize(
    ("f", "slope"),
    [(torch.sqrt, 0.5), (torch.log, 1.0), (lambda x: 1 / x, -1.0)],
    ids=["sqrt", "log", "reciprocal"],
)
def test_tangent_frame_draws_f_where_it_is_defined(f, slope):
    fig, values = tangent_frame(f, 1.0)
    assert values["slope"] == slope and values["value"] == f(torch.tensor(1.0)).item()
    png(fig)  # used to raise matplotlib's "Axis limits cannot be NaN or Inf"
    ax = fig.axes[0]
    xs, ys = (np.asarray(v, dtype=float) for v in ax.get_lines()[0].get_data())
    with np.errstate(all="ignore"):
        expected = f(torch.tensor(xs, dtype=torch.float64)).numpy()
    defined = np.isfinite(expected)
    assert 0 < defined.sum() < len(xs), "f is undefined on part of the range"
    np.testing.assert_allclose(ys[defined], expected[defined])
    assert np.isnan(ys[~defined]).all(), "a gap where f is undefined, not a line to infinity"
    low, high = ax.get_ylim()
    assert np.isfinite([low, high]).all() and low < values["value"] < high
    # the bulk of the curve is in view: the limits are not set by the values beside a pole
    inside = (ys[defined] >= low) & (ys[defined] <= high)
    assert inside.mean() > 0.9 and high - low < 15


def test_descent_on_data_at_the_row_cap_equals_a_hand_loop_in_modest_memory():
    # Before: the contour grid met every row at once, 22,701 × m float64 numbers (959 MB at
    # 2,000 rows; at 100,000 rows the kernel was killed). Measured in a fresh process: the
    # peak RSS must grow by less than 150 MB from a 3-row frame to a frame at the cap.
    script = """
import resource, torch
from autograd_lab.explorers import descent_frame
from autograd_lab.explorers.descent import MAX_ROWS

def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

g = torch.Generator().manual_seed(0)
descent_frame(0.05, 20, X=torch.eye(3, 2, dtype=torch.float64), y=torch.ones(3))
before = peak()
X = torch.randn(MAX_ROWS, 2, generator=g, dtype=torch.float64)
y = X @ torch.tensor([2.0, -1.0], dtype=torch.float64)
lr = 0.05 / MAX_ROWS
fig, values = descent_frame(lr, 5, X=X, y=y)
w = torch.zeros(2, dtype=torch.float64)
for _ in range(5):
    w = w - lr * 2 * X.T @ (X @ w - y)
assert torch.allclose(torch.from_numpy(values["path"][-1]), w, rtol=1e-9, atol=1e-12)
print(peak() - before)
"""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, check=False
    )
    assert run.returncode == 0, run.stderr
    grown = float(run.stdout.split()[-1])
    assert grown < 150, f"peak RSS grew by {grown:.0f} MB"


def test_descent_contours_are_the_loss_on_the_grid():
    # The contours come from XᵀX now, not from Xw at every grid point: the same lines as
    # matplotlib draws from the loss computed directly on the frame's grid.
    from matplotlib.figure import Figure

    X, y = own_data()
    fig, _ = descent_frame(0.05, 3, X=X, y=y)
    left = fig.axes[0]
    drawn = left.collections[0]
    w0, w1 = np.meshgrid(np.linspace(*left.get_xlim(), 161), np.linspace(*left.get_ylim(), 141))
    grid = torch.tensor(np.stack([w0, w1], axis=-1), dtype=torch.float64)
    z = ((grid @ X.T - y) ** 2).sum(-1).numpy()
    direct = Figure().add_subplot().contour(w0, w1, z, levels=drawn.levels)
    # the top level is the grid's largest value: a contour of single corner points, either way
    for ours, theirs in zip(drawn.allsegs[:-1], direct.allsegs[:-1], strict=True):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("f", [torch.sqrt, torch.log], ids=["sqrt", "log"])
def test_tangent_explorer_tours_only_where_f_has_a_tangent(f):
    explorer = explore_tangent(f, 1.0)
    frames = explorer.handout_frames()  # before: matplotlib's error at the tour's x0 = -2
    assert explorer.tour.values == (0.5, 1.0, 1.5, 2.0)
    assert len(frames["frames"]) == 4 and frames["key"] == [0, 2, 3]
    assert explore_tangent(lambda x: x**3).tour.key == (1, 4, 7)  # a full tour, unchanged
    with pytest.raises(ValueError, match="no finite value and slope at x0 = -1"):
        explore_tangent(f, -1.0)


def _text_boxes(fig):
    """Every text of a drawn figure with its on-screen box (the rounded patch when it has one)."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from autograd_lab.fonts import course_rc

    with mpl.rc_context(course_rc()):
        renderer = FigureCanvasAgg(fig).get_renderer()
        fig.draw(renderer)
        for ax in fig.axes:
            for text in [*ax.texts, ax.title]:
                patch = text.get_bbox_patch()
                box = (patch or text).get_window_extent(renderer)
                yield text.get_text(), box


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_backward_frames_clip_no_text(lang):
    recorded = trace(lang=lang)
    for step in (0, len(recorded.steps)):
        fig, _ = backward_frame(recorded, step, lang=lang)
        width, height = fig.bbox.width, fig.bbox.height
        boxes = list(_text_boxes(fig))
        assert any(".grad" in text for text, _ in boxes)  # the leaves' box is among them
        for text, box in boxes:
            inside = box.x0 >= 0 and box.y0 >= 0 and box.x1 <= width and box.y1 <= height
            assert inside, f"step {step}: {text!r} reaches outside the figure ({box})"


# --- issue 22 item 5 and issue 25: sharp frames, the same frame in every process ---------------


@pytest.mark.parametrize("kind", sorted(EXPLORERS))
def test_frames_are_rendered_at_twice_the_pixels_and_shown_at_their_layout_size(kind):
    from autograd_lab.explorers.explorer import DENSITY, DPI, shown_size

    explorer = EXPLORERS[kind]()
    fig, _ = explorer.frame()
    image = png(fig)
    width, height = fig.get_size_inches() * DPI
    pixels = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    assert DENSITY == 2 and pixels == (round(2 * width), round(2 * height))
    assert shown_size(image) == (round(width), round(height))
    frames = explorer.handout_frames()["frames"]
    assert all(frame["width"] == round(width) for frame in frames)


def test_the_least_squares_fit_is_lapacks_and_the_same_on_every_call():
    from autograd_lab.explorers.descent import fit

    for data_X, data_y in [
        (X, Y),
        (torch.tensor([[1.0, 0.5], [2.0, -1.0], [0.0, 3.0], [1.0, 1.0]]), torch.arange(4.0)),
        (torch.ones(3, 2), torch.tensor([1.0, 2.0, 3.0])),  # parallel columns: the shortest w
    ]:
        data_X, data_y = data_X.double(), data_y.double()
        lapack = torch.linalg.lstsq(data_X, data_y.unsqueeze(1)).solution.squeeze(1)
        solved = fit(data_X, data_y)
        assert torch.allclose(torch.tensor(solved.best, dtype=torch.float64), lapack, rtol=1e-12)
        top = torch.linalg.eigvalsh(2 * data_X.T @ data_X).max().item()
        assert solved.curvature == pytest.approx(top, rel=1e-12)
        # fresh copies at other addresses: LAPACK's answer moved by 2 ulp between such calls
        assert all(fit(data_X.clone(), data_y.clone()) == solved for _ in range(50))


@pytest.mark.slow
def test_the_descent_frame_is_the_same_picture_in_processes_with_other_thread_counts():
    import subprocess
    import sys

    code = (
        "import hashlib, torch, sys; torch.set_num_threads(int(sys.argv[1]));"
        "from autograd_lab.explorers import descent_frame;"
        "from autograd_lab.explorers.explorer import png;"
        "print([hashlib.sha1(png(descent_frame(lr, 20, lang='en')[0])).hexdigest()"
        " for lr in (0.05, 0.14, 0.15)])"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code, str(threads)],
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        ).stdout
        for threads in (1, 2, 1)
    }
    assert len(runs) == 1, runs


def test_descent_takes_bfloat16_and_integer_data():
    exact = descent_frame(0.05, 5, X=X, y=Y)[1]["path"]
    for data_X, data_y in [
        (X.to(torch.bfloat16), Y.to(torch.bfloat16)),  # these few values are exact in bfloat16
        (torch.tensor([[1, 0], [1, 1], [1, 2]]), torch.tensor([1, 2, 2])),
    ]:
        assert np.array_equal(descent_frame(0.05, 5, X=data_X, y=data_y)[1]["path"], exact)


def test_a_step_that_overflows_leaves_a_gap_in_the_v_and_no_warning():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        png(finite_difference_frame(1e-2, torch.exp, 709.0)[0])  # errors up to 1e307
        fig, values = finite_difference_frame(1e-1, torch.exp, 709.7)  # exp(709.8) is inf
        png(fig)
    assert math.isinf(values["forward"]) and math.isinf(values["err_forward"])


def test_a_learners_function_is_in_the_finite_difference_menu():
    explorer = explore_finite_differences(1e-4, torch.exp)
    menu = next(c for c in explorer.controls if c.name == "function")
    assert menu.options[-1] == ("f(x)", torch.exp)
    assert explorer.frame()[1]["exact"] == pytest.approx(math.e)
