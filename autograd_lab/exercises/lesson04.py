"""The checks of the exercises at the end of lesson 04 (autograd in practice), items 4.1-4.3.

4.1 fixes an in-place change that the version counter refuses, 4.2 freezes the first layer of a
small `nn.Sequential` and trains the rest, 4.3 accumulates a gradient over micro-batches. Each
check runs the answer with real PyTorch through `sandbox.run` (time-limited, never raising), on
the inputs the exercise shows and on inputs of its own, and compares what it does with what
autograd does. Where the exercise names the method (a backward pass, an optimizer, accumulation
in `.grad`), the check watches it with autograd's own instruments (hooks, `BackwardProbe`).
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import torch

from autograd_lab import torch_errors
from autograd_lab.exercises import sandbox
from autograd_lab.exercises.checks import failed, unanswered
from autograd_lab.exercises.feedback import right, wrong
from autograd_lab.exercises.probes import BackwardProbe, Watch
from autograd_lab.exercises.sandbox import as_tensor, close
from autograd_lab.feedback import Feedback

FIX, FREEZE, ACCUMULATE = "4.1", "4.2", "4.3"


# --- 4.1: an in-place change the backward pass needs ------------------------------------------


def centred(x: torch.Tensor) -> torch.Tensor:
    """The exercise's broken function: `sigmoid` saves h, and h is then changed in place."""
    h = torch.sigmoid(x)  # sigmoid saves its output h for the backward pass
    h -= 0.5  # centre it around 0: an in-place change of the saved h
    return (h * x).sum()


def _fix_inputs() -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(4)
    shown = torch.tensor([-2.0, -0.5, 0.0, 1.0, 3.0], dtype=torch.float64)
    return [
        shown,
        2 * torch.randn(6, generator=gen, dtype=torch.float64),  # never shown
        torch.randn(2, 3, generator=gen, dtype=torch.float64),  # never shown
    ]


def _fix_expected(x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, tuple]:
    """The value and gradient the function means, and the gradients of the usual slips."""
    sig = torch.sigmoid(x)
    leaf = x.clone().requires_grad_(True)
    with torch.enable_grad():
        value = ((torch.sigmoid(leaf) - 0.5) * leaf).sum()
        (grad,) = torch.autograd.grad(value, leaf)
    # The path through sigmoid cut (detach, no_grad): only the outer factor x is differentiated.
    cut = sig - 0.5
    # The change hidden from the version counter (.data): sigmoid's backward uses the changed h.
    hidden = (sig - 0.5) * (1 - (sig - 0.5)) * x + (sig - 0.5)
    slips = (("lesson04.fix_cut", cut), ("lesson04.fix_hidden", hidden))
    return value.detach(), grad, slips


def check_fix_inplace(fixed: object) -> Feedback:
    """Check `fixed(x)`: the value of `centred(x)`, with a backward pass that runs and is right."""
    if (verdict := unanswered(FIX, fixed, "lesson04.fix_not_callable")) is not None:
        return verdict
    for x in _fix_inputs():
        value, expected, slips = _fix_expected(x)
        leaf = x.clone().requires_grad_(True)

        def attempt(leaf=leaf):
            with torch.enable_grad():
                return fixed(leaf)

        outcome = sandbox.run(attempt)
        if not outcome.ok:
            hint = ""
            if torch_errors.key_of(outcome.error) == "backward_twice":
                hint = "lesson04.fix_backward_inside"
            return failed(FIX, outcome, "fixed(x)", hint)
        out = outcome.value
        if out is None:
            return wrong(FIX, "exercises.returned_none", function="fixed")
        if not isinstance(out, torch.Tensor) or out.numel() != 1 or out.is_complex():
            return wrong(FIX, "lesson04.fix_not_scalar")
        if not out.requires_grad:
            return wrong(FIX, "lesson04.fix_no_graph")
        if not close(out.detach().reshape(()).double(), value, tol=1e-9):
            return wrong(FIX, "lesson04.fix_value")

        def backward(out=out, leaf=leaf):
            with torch.enable_grad():
                return torch.autograd.grad(out.reshape(()), leaf, allow_unused=True)[0]

        differentiated = sandbox.run(backward)
        if not differentiated.ok:
            key = torch_errors.key_of(differentiated.error)
            if key == "inplace_modified":
                return wrong(FIX, "lesson04.fix_still_inplace")
            if key == "backward_twice":
                return wrong(FIX, "lesson04.fix_backward_inside")
            return failed(FIX, differentiated, "torch.autograd.grad(fixed(x), x)")
        grad = differentiated.value
        if grad is None:
            return wrong(FIX, "lesson04.fix_no_graph")
        if close(grad, expected, tol=1e-9):
            continue
        for hint, slip in slips:
            if close(grad, slip, tol=1e-9):
                return wrong(FIX, hint)
        return wrong(FIX, "lesson04.fix_wrong_grad")
    return right(FIX, "lesson04.fix_correct", inputs=len(_fix_inputs()))


# --- 4.2: freeze the first layer, train the rest ---------------------------------------------


def _freeze_cases() -> list[tuple[torch.nn.Sequential, torch.Tensor, torch.Tensor, int, float]]:
    """(model, X, y, steps, lr): the case the exercise shows, then two it keeps to itself."""
    torch_state = torch.get_rng_state()
    try:
        torch.manual_seed(0)
        shown = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
        wider = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
        deeper = torch.nn.Sequential(
            torch.nn.Linear(2, 3),
            torch.nn.Tanh(),
            torch.nn.Linear(3, 3),
            torch.nn.Tanh(),
            torch.nn.Linear(3, 1),
        )
    finally:
        torch.set_rng_state(torch_state)  # the learner's random numbers stay as they were
    gen = torch.Generator().manual_seed(42)
    X1 = torch.arange(8.0, dtype=torch.float64).reshape(4, 2) / 4
    y1 = torch.tensor([[1.0], [0.0], [1.0], [0.0]], dtype=torch.float64)
    X2 = torch.randn(5, 3, generator=gen, dtype=torch.float64)
    y2 = torch.randn(5, 2, generator=gen, dtype=torch.float64)
    X3 = torch.randn(6, 2, generator=gen, dtype=torch.float64)
    y3 = torch.randn(6, 1, generator=gen, dtype=torch.float64)
    return [
        (shown.double(), X1, y1, 3, 0.1),
        (wider.double(), X2, y2, 4, 0.05),
        (deeper.double(), X3, y3, 2, 0.2),
    ]


def _trained(model, X, y, steps: int, lr: float, zero: bool = True) -> torch.nn.Sequential:
    """A copy of `model` with its first layer frozen, after `steps` steps of SGD.

    Computed the long way (the gradients of the trainable parameters by `autograd.grad`, the
    update by hand), so that the package holds the result, not an answer to copy.
    """
    model = copy.deepcopy(model)
    first = {id(p) for p in model[0].parameters()}
    trainable = [p for p in model.parameters() if id(p) not in first]
    for p in model[0].parameters():
        p.requires_grad = False
    total = [torch.zeros_like(p) for p in trainable]  # what .grad would hold (never zeroed)
    for _ in range(steps):
        with torch.enable_grad():
            grads = torch.autograd.grad(torch.square(model(X) - y).mean(), trainable)
        total = [g if zero else t + g for t, g in zip(total, grads, strict=True)]
        with torch.no_grad():
            for p, g in zip(trainable, total, strict=True):
                p.add_(g, alpha=-lr)
    return model


# Autograd entry points that only switch a flag (freezing itself): no gradient comes from them.
_SWITCHES = {"requires_grad_", "__set__", "_set_grad_enabled"}


def _params(module: torch.nn.Module) -> list[torch.Tensor]:
    return list(module.parameters())


def _same(a: list[torch.Tensor], b: list[torch.Tensor], tol: float = 1e-9) -> bool:
    if len(a) != len(b):
        return False
    return all(close(p.detach(), q.detach(), tol=tol) for p, q in zip(a, b, strict=True))


def check_freeze(fine_tune: object) -> Feedback:
    """Check `fine_tune(model, X, y, steps, lr)`: first layer frozen, the rest trained by SGD."""
    if (verdict := unanswered(FREEZE, fine_tune, "lesson04.freeze_not_callable")) is not None:
        return verdict
    for model, X, y, steps, lr in _freeze_cases():
        pristine = copy.deepcopy(model)
        reference = _trained(model, X, y, steps, lr)
        first = [p.detach().clone() for p in _params(model[0])]
        rest = [p for layer in list(model)[1:] for p in layer.parameters()]
        before = [p.detach().clone() for p in rest]
        arrived = [0]

        def count(grad, arrived=arrived):
            arrived[0] += 1

        handles = [p.register_hook(count) for p in rest]

        watch = Watch()

        def attempt(model=model, X=X, y=y, steps=steps, lr=lr, watch=watch):
            with torch.enable_grad(), watch:
                return fine_tune(model, X.clone(), y.clone(), steps, lr)

        outcome = sandbox.run(attempt)
        for handle in handles:
            handle.remove()
        if not outcome.ok:
            return failed(FREEZE, outcome, "fine_tune(model, X, y, steps, lr)")
        frozen = _params(model[0])
        changed = not _same(frozen, first, tol=0.0)
        if any(p.requires_grad for p in frozen):
            if changed and not model[0].training:
                return wrong(FREEZE, "lesson04.freeze_eval")
            if changed:
                return wrong(FREEZE, "lesson04.freeze_changed")
            return wrong(FREEZE, "lesson04.freeze_flag")
        if changed:
            return wrong(FREEZE, "lesson04.freeze_by_hand")
        if any(p.grad is not None for p in frozen):
            return wrong(FREEZE, "lesson04.freeze_grad")
        if not all(p.requires_grad for p in rest):
            return wrong(FREEZE, "lesson04.freeze_too_much")
        if _same(rest, before, tol=0.0):
            return wrong(FREEZE, "lesson04.freeze_not_trained")
        # torch.func reaches copies of the parameters, not the hooked tensors: seen by `watch`.
        if arrived[0] == 0 and not set(watch.autograd) - _SWITCHES:
            return wrong(FREEZE, "lesson04.freeze_no_backward")
        if _same(rest, _params(reference)[len(frozen) :]):
            continue
        unzeroed = _trained(pristine, X, y, steps, lr, zero=False)
        if _same(rest, _params(unzeroed)[len(frozen) :]):
            return wrong(FREEZE, "lesson04.freeze_no_zero")
        return wrong(FREEZE, "lesson04.freeze_mismatch", steps=steps, lr=lr)
    return right(FREEZE, "lesson04.freeze_correct", models=len(_freeze_cases()))


# --- 4.3: a gradient accumulated over micro-batches ---------------------------------------------


def logistic_loss(w: torch.Tensor, X: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The mean logistic loss of labels y = ±1: the exercise's loss over the whole batch."""
    return torch.nn.functional.softplus(-y * (X @ w)).mean()


def _accumulate_cases() -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor, int]]:
    """(w, X, y, k): the case the exercise shows, then cases it keeps to itself."""
    gen = torch.Generator().manual_seed(7)
    cases = []
    for n, d, k in ((6, 2, 3), (12, 3, 4), (8, 2, 2)):
        X = torch.randn(n, d, generator=gen, dtype=torch.float64)
        y = torch.where(torch.randn(n, generator=gen) > 0, 1.0, -1.0).double()
        w = torch.randn(d, generator=gen, dtype=torch.float64)
        cases.append((w, X, y, k))
    return cases


def _loss_gradient(w, X, y, loss: Callable = logistic_loss) -> torch.Tensor:
    leaf = w.clone().requires_grad_(True)
    with torch.enable_grad():
        (grad,) = torch.autograd.grad(loss(leaf, X, y), leaf)
    return grad


def check_accumulate(accumulate: object) -> Feedback:
    """Check `accumulate(w, X, y, k)`: k backward passes, w.grad the full-batch gradient."""
    if (verdict := unanswered(ACCUMULATE, accumulate, "lesson04.accum_not_callable")) is not None:
        return verdict
    for start, X, y, k in _accumulate_cases():
        expected = _loss_gradient(start, X, y)
        w = start.clone().requires_grad_(True)
        probe = BackwardProbe(w)

        def attempt(w=w, X=X, y=y, k=k, probe=probe):
            with torch.enable_grad(), probe.watching():
                return accumulate(w, X.clone(), y.clone(), k)

        outcome = sandbox.run(attempt)
        probe.close()
        if not outcome.ok:
            return failed(ACCUMULATE, outcome, "accumulate(w, X, y, k)")
        if probe.count == 0:
            return wrong(ACCUMULATE, "lesson04.accum_no_backward")
        if outcome.value is None:
            return wrong(ACCUMULATE, "exercises.returned_none", function="accumulate")
        result = as_tensor(outcome.value)
        if result is None or result.shape != start.shape:
            return wrong(ACCUMULATE, "lesson04.accum_shape")
        if w.grad is None or not close(result, w.grad.detach(), tol=0.0):
            return wrong(ACCUMULATE, "lesson04.accum_not_grad")
        if not close(w.grad.detach(), probe.total(), tol=1e-12):
            if probe.count > 1 and close(w.grad.detach(), probe.gradients[-1], tol=1e-12):
                return wrong(ACCUMULATE, "lesson04.accum_zeroed")  # the earlier passes dropped
            return wrong(ACCUMULATE, "lesson04.accum_not_grad")
        if probe.count == 1:
            return wrong(ACCUMULATE, "lesson04.accum_one_pass")
        if close(result, expected, tol=1e-9):
            if probe.count != k:
                return wrong(ACCUMULATE, "lesson04.accum_count", k=k, count=probe.count)
            continue
        if close(result, k * expected, tol=1e-9):
            return wrong(ACCUMULATE, "lesson04.accum_not_scaled")
        if close(result, X.shape[0] * expected, tol=1e-9):
            return wrong(ACCUMULATE, "lesson04.accum_sum")
        return wrong(ACCUMULATE, "lesson04.accum_mismatch")
    return right(ACCUMULATE, "lesson04.accum_correct", cases=len(_accumulate_cases()))
