"""The checks of the exercises at the end of lesson 07 (modes and memory), labels "7.1" and "7.2".

7.1 gives a model curve with 3 parameters evaluated at hundreds of points (a tall Jacobian,
what a Gauss–Newton fit needs) and asks for its Jacobian by the mode that fits the shape, plus
a measurement of both modes. The check compares the Jacobian with PyTorch's on parameters and a
curve of its own, and watches the mode: the curve it hands over records, each time it runs,
whether its input carries a forward-mode tangent or takes part in a reverse-mode graph, and how
long that run took. The timings are judged only for being real: both modes ran while measuring,
each number lies between the shortest run of the curve in that mode and the time the whole
measurement took. Which mode was faster is never part of a verdict (it varies from run to run).

7.2 gives a small `nn.Sequential` and asks for a forward pass that wraps part of it in
`torch.utils.checkpoint`: the check counts the tensors saved for backward with
`saved_tensors_hooks`, compares every parameter's gradient with the plain forward pass on
models and inputs of its own, and sees the wrapped layers run again during the backward pass.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import torch
import torch.autograd.forward_ad as fwAD
from torch import nn

from autograd_lab.exercises import sandbox
from autograd_lab.exercises.checks import failed, unanswered
from autograd_lab.exercises.feedback import not_attempted, right, wrong
from autograd_lab.exercises.probes import Watch
from autograd_lab.exercises.sandbox import as_tensor, close
from autograd_lab.feedback import Feedback

JACOBIAN, CHECKPOINT = "7.1", "7.2"
FORWARD, REVERSE = "forward", "reverse"
MODES = {"jacfwd": FORWARD, "jacrev": REVERSE}  # the keys `measure` returns, and their modes
_SMALL = 0.1  # a point closer than this to p, f run without autograd: a difference quotient

# --- 7.1: choose the mode by the shape -----------------------------------------------------------

T = torch.linspace(0.0, 4.0, 1000, dtype=torch.float64)  # where the notebook's curve is evaluated


def curve(p: torch.Tensor) -> torch.Tensor:
    """Return a damped oscillation with amplitude, decay and frequency p at the points T."""
    return p[0] * torch.exp(-p[1] * T) * torch.cos(p[2] * T)


_T_HIDDEN = torch.linspace(-1.0, 1.0, 800, dtype=torch.float64)


def _hidden_curve(p: torch.Tensor) -> torch.Tensor:
    return p[0] * torch.sin(p[1] * _T_HIDDEN) + p[2] * _T_HIDDEN**2


_CASES = (
    (curve, (1.5, 0.75, 6.0)),  # the notebook's curve at parameters it does not show
    (_hidden_curve, (-0.5, 2.25, 1.25)),  # a curve of the check's own, also 3 -> hundreds
)


def _mode_of(p: object) -> str | None:
    """The mode a run of the curve is part of: a tangent rides on p, or p is in a graph."""
    if not isinstance(p, torch.Tensor):
        return None
    try:
        if fwAD.unpack_dual(p).tangent is not None:
            return FORWARD
    except Exception:  # noqa: S110 - a tensor forward AD cannot unpack carries no tangent
        pass
    return REVERSE if p.requires_grad else None


class _Curve:
    """A curve that records each run: its mode and how long it took."""

    def __init__(self, f: Callable[[torch.Tensor], torch.Tensor], p: torch.Tensor):
        self.f = f
        self.p = p.detach().clone()
        self.runs: list[tuple[str | None, float]] = []
        self.stepped = False  # run at a point a small step away from p: a difference quotient

    def __call__(self, p):
        mode = _mode_of(p)
        if mode is None and isinstance(p, torch.Tensor) and p.shape == self.p.shape:
            step = float((p.detach().double() - self.p).abs().max())
            self.stepped = self.stepped or 0 < step < _SMALL
        start = time.perf_counter()
        out = self.f(p)
        self.runs.append((mode, time.perf_counter() - start))
        return out

    def modes(self) -> set[str]:
        return {mode for mode, _ in self.runs if mode is not None}

    def shortest(self, mode: str) -> float:
        return min(seconds for m, seconds in self.runs if m == mode)


def _jacobian_verdict(jacobian: Callable) -> Feedback | None:
    """Run the learner's jacobian on the check's cases; a failing verdict, or None if right."""
    for f, values in _CASES:
        p = torch.tensor(values, dtype=torch.float64)
        expected = torch.func.jacfwd(f)(p)
        spy = _Curve(f, p)
        watch = Watch(p)

        def attempt(spy=spy, p=p, watch=watch):
            with watch:
                return jacobian(spy, p.clone())

        outcome = sandbox.run(attempt)
        if not outcome.ok:
            return failed(JACOBIAN, outcome, "jacobian(f, p)")
        if outcome.value is None:
            return wrong(JACOBIAN, "exercises.returned_none", function="jacobian")
        result = as_tensor(outcome.value)
        if watch.stepped or spy.stepped:
            return wrong(JACOBIAN, "lesson07.jac_difference")
        modes = spy.modes()
        if not modes:
            return wrong(JACOBIAN, "lesson07.jac_no_mode")
        if result is None or result.shape != expected.shape:
            if result is not None and result.shape == expected.T.shape:
                return wrong(JACOBIAN, "lesson07.jac_transposed")
            return wrong(JACOBIAN, "lesson07.jac_shape", rows=expected.shape[0], cols=3)
        if not close(result, expected, tol=1e-9):
            return wrong(JACOBIAN, "lesson07.jac_wrong")
        if modes == {FORWARD, REVERSE}:
            return wrong(JACOBIAN, "lesson07.jac_both_modes")
        if modes == {REVERSE}:
            return wrong(JACOBIAN, "lesson07.jac_reverse", rows=expected.shape[0])
    return None


def _measure_verdict(measure: Callable) -> Feedback | None:
    """Run the learner's measure on the notebook's curve; a failing verdict, or None if real."""
    p = torch.tensor((1.0, 0.5, 3.0), dtype=torch.float64)
    spy = _Curve(curve, p)
    start = time.perf_counter()
    outcome = sandbox.run(lambda: measure(spy, p.clone()))
    elapsed = time.perf_counter() - start
    if not outcome.ok:
        return failed(JACOBIAN, outcome, "measure(f, p)")
    times = outcome.value
    if not isinstance(times, dict) or set(times) != set(MODES):
        return wrong(JACOBIAN, "lesson07.times_format")
    seconds = {}
    for name, value in times.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return wrong(JACOBIAN, "lesson07.times_format")
        if not math.isfinite(value) or value <= 0:
            return wrong(JACOBIAN, "lesson07.times_format")
        seconds[name] = float(value)
    modes = spy.modes()
    if not modes:
        return wrong(JACOBIAN, "lesson07.times_not_measured")
    if len(modes) < 2:
        return wrong(JACOBIAN, "lesson07.times_one_mode")
    for name, mode in MODES.items():
        if seconds[name] > elapsed:  # longer than the whole measurement: not seconds, or invented
            return wrong(JACOBIAN, "lesson07.times_units")
        if seconds[name] < spy.shortest(mode):  # shorter than the curve's own run in that mode
            return wrong(JACOBIAN, "lesson07.times_implausible", name=name)
    return None


def check_choose_mode(jacobian: object, measure: object) -> Feedback:
    """Check `jacobian(f, p)` (the mode that fits a tall Jacobian) and `measure(f, p)` (timings)."""
    if sandbox.is_placeholder(jacobian) or sandbox.is_placeholder(measure):
        return not_attempted(JACOBIAN)
    if not (callable(jacobian) and callable(measure)):
        return wrong(JACOBIAN, "lesson07.jac_not_callable")
    verdict = _jacobian_verdict(jacobian) or _measure_verdict(measure)
    if verdict is not None:
        return verdict
    return right(JACOBIAN, "lesson07.jac_correct", points=T.numel())


# --- 7.2: checkpoint part of a model -------------------------------------------------------------


def make_model(seed: int = 0) -> nn.Sequential:
    """Return the exercise's model: four Linear–Tanh blocks and a Linear head, in float64."""
    torch.manual_seed(seed)
    layers: list[nn.Module] = [nn.Linear(16, 64), nn.Tanh()]
    for _ in range(3):
        layers += [nn.Linear(64, 64), nn.Tanh()]
    layers.append(nn.Linear(64, 1))
    return nn.Sequential(*layers).double()


def _saving(block: Callable[[], object]) -> tuple[object, int]:
    """Run `block`; return its value and how many tensors were saved for backward meanwhile."""
    saved: list[int] = []

    def pack(t):
        saved.append(1)
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        value = block()
    return value, len(saved)


def _plain(seed: int, x: torch.Tensor, weights: torch.Tensor):
    """The plain forward pass: its output, tensors saved, and each parameter's gradient."""
    state = torch.random.get_rng_state()
    try:
        model = make_model(seed)
    finally:
        torch.random.set_rng_state(state)
    with torch.enable_grad():
        out, count = _saving(lambda: model(x))
        (out * weights).sum().backward()
    return out.detach(), count, [q.grad.clone() for q in model.parameters()]


def _ckpt_verdict(forward: Callable, seed: int, x: torch.Tensor) -> Feedback | None:
    weights = torch.linspace(-1.0, 1.0, x.shape[0], dtype=torch.float64).reshape(-1, 1)
    expected, plain_count, plain_grads = _plain(seed, x, weights)
    state = torch.random.get_rng_state()
    try:
        model = make_model(seed)
    finally:
        torch.random.set_rng_state(state)
    calls = {"now": "forward", "backward": 0}

    def count_call(module, args, output):
        if calls["now"] == "backward":
            calls["backward"] += 1

    hooks = [m.register_forward_hook(count_call) for m in model if isinstance(m, nn.Linear)]
    try:

        def attempt():
            with torch.enable_grad():
                return _saving(lambda: forward(model, x.clone()))

        outcome = sandbox.run(attempt)
        if not outcome.ok:
            return failed(CHECKPOINT, outcome, "forward_with_checkpoints(model, x)")
        out, count = outcome.value
        if out is None:
            return wrong(CHECKPOINT, "exercises.returned_none", function="forward_with_checkpoints")
        if not isinstance(out, torch.Tensor) or not close(out.detach(), expected, tol=1e-10):
            return wrong(CHECKPOINT, "lesson07.ckpt_output")
        calls["now"] = "backward"

        def backward():
            with torch.enable_grad():
                (out * weights).sum().backward()

        done = sandbox.run(backward)
        if not done.ok:
            if done.broken or done.timed_out:
                return failed(CHECKPOINT, done, "backward()")
            return wrong(CHECKPOINT, "lesson07.ckpt_cut")
    finally:
        for hook in hooks:
            hook.remove()
    grads = [q.grad for q in model.parameters()]
    if any(g is None for g in grads):
        return wrong(CHECKPOINT, "lesson07.ckpt_cut")
    if not all(close(g, want, tol=1e-10) for g, want in zip(grads, plain_grads, strict=True)):
        return wrong(CHECKPOINT, "lesson07.ckpt_grads")
    if count >= plain_count:
        return wrong(CHECKPOINT, "lesson07.ckpt_not_fewer", plain=plain_count, count=count)
    if calls["backward"] == 0:
        return wrong(CHECKPOINT, "lesson07.ckpt_no_recompute")
    return None


def check_checkpoint(forward_with_checkpoints: object) -> Feedback:
    """Check `forward_with_checkpoints(model, x)`: same gradients, fewer saved tensors."""
    if (
        verdict := unanswered(CHECKPOINT, forward_with_checkpoints, "lesson07.ckpt_not_callable")
    ) is not None:
        return verdict
    for seed, rows in ((7, 8), (11, 5)):  # models and inputs the notebook does not show
        x = torch.linspace(-1.0, 1.0, rows * 16, dtype=torch.float64).reshape(rows, 16)
        verdict = _ckpt_verdict(forward_with_checkpoints, seed, x)
        if verdict is not None:
            return verdict
    plain = _plain(7, x, torch.ones(rows, 1, dtype=torch.float64))[1]  # the same for every input
    return right(CHECKPOINT, "lesson07.ckpt_correct", plain=plain)
