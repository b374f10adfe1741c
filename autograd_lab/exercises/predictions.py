"""Predict, then run: four short items where the learner writes down what a cell will give.

Each check runs the item's code itself (the learner's cell runs it too and passes what it got,
so a changed cell is noticed), compares the prediction with the result and explains the gap
with the misconception that typically produces that prediction. The result is only shown once
a prediction has been written: an unanswered item gives nothing away.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from autograd_lab import practice
from autograd_lab.exercises import reference, sandbox
from autograd_lab.exercises.feedback import join, not_attempted, wrong
from autograd_lab.feedback import CORRECT, PREDICTION, WRONG, Feedback
from autograd_lab.language import say

# Each item has its code, run by the check, and the predictions that typical misconceptions
# produce, as (hint, predicted value). Those are computed from the item's code or its result,
# never written down: a value kept in the package would be an answer to read.
Slips = tuple[tuple[str, torch.Tensor], ...]


def _passes(count: int, factor: float = 2.0) -> torch.Tensor:
    x = torch.arange(4.0, requires_grad=True)
    for _ in range(count):
        y = factor * torch.dot(x, x)
        y.backward()
    return x.grad


def _two_passes() -> torch.Tensor:
    return _passes(2)


def _two_passes_slips(actual: torch.Tensor) -> Slips:
    once = _passes(1)
    return (
        ("exercises.p1_once", once),
        ("exercises.p1_factor", _passes(1, factor=1.0)),
        ("exercises.p1_multiplied", 4 * once),  # the factor 4 of each pass multiplied, not added
    )


def _broadcast() -> torch.Tensor:
    w = torch.ones(3, requires_grad=True)
    X = torch.arange(6.0).reshape(2, 3)
    (X * w).sum().backward()
    return w.grad


def _broadcast_slips(actual: torch.Tensor) -> Slips:
    X = torch.arange(6.0).reshape(2, 3)
    ones = torch.ones(X.shape[1])
    return (
        ("exercises.p2_one_row", X[0]),
        ("exercises.p2_one_row", X[-1]),
        ("exercises.p2_ones", ones),
        ("exercises.p2_ones", ones * X.shape[0]),
    )


def _detached(detach: bool = True) -> torch.Tensor:
    x = torch.arange(4.0, requires_grad=True)
    y = x * x
    u = y.detach() if detach else y
    z = u * x
    z.sum().backward()
    return x.grad


def _detached_slips(actual: torch.Tensor) -> Slips:
    through = _detached(detach=False)  # the gradient also flowing back through u
    x = torch.arange(4.0)
    return (
        ("exercises.p3_through", through),
        ("exercises.p3_through", through - actual),  # only the path through u
        ("exercises.p3_x", x),
        ("exercises.p3_x", 2 * x),
    )


def _control_flow() -> torch.Tensor:
    a = torch.tensor(-0.3, requires_grad=True)
    reference.control_flow_f(a).backward()
    return a.grad


def _control_flow_slips(actual: torch.Tensor) -> Slips:
    branch = actual / 100  # the `if` branch taken instead of the `else`
    return (
        ("exercises.p4_branch", branch),
        ("exercises.p4_sign", -actual),
        ("exercises.p4_count", actual / 2),
        ("exercises.p4_count", actual * 2),
        ("exercises.p4_count", branch / 2),
        ("exercises.p4_count", branch * 2),
    )


# number -> (what runs, the misconceptions' predictions given its result)
_ITEMS: dict[int, tuple[Callable[[], torch.Tensor], Callable[[torch.Tensor], Slips]]] = {
    1: (_two_passes, _two_passes_slips),
    2: (_broadcast, _broadcast_slips),
    3: (_detached, _detached_slips),
    4: (_control_flow, _control_flow_slips),
}


def _shown(value: torch.Tensor) -> str:
    if value.dim() == 0:
        return f"{value.item():g}"
    return "[" + ", ".join(_shown(v) for v in value) + "]"


def _is_error_prediction(prediction: object) -> bool:
    if isinstance(prediction, str):
        return any(word in prediction.lower() for word in ("error", "报错", "错误", "异常"))
    return isinstance(prediction, type) and issubclass(prediction, BaseException)


# Each item's confirmation, and its hint for a prediction no known slip explains.
_RIGHT = {
    1: "exercises.p1_right",
    2: "exercises.p2_right",
    3: "exercises.p3_right",
    4: "exercises.p4_right",
}
_GAP = {1: "exercises.p1_gap", 2: "exercises.p2_gap", 3: "exercises.p3_gap", 4: "exercises.p4_gap"}
_MISSING = object()  # the observed value was not passed at all (not the same as None)


def check_prediction(number: int, prediction: object, observed: object = _MISSING) -> Feedback:
    """Compare the prediction for item `number` with what its code gives, and explain the gap."""
    if number not in _ITEMS:
        raise ValueError(f"no prediction item {number}: choose one of {sorted(_ITEMS)}")
    run, misconceptions = _ITEMS[number]
    if not practice.attempted(prediction):
        return not_attempted(number, PREDICTION)
    if observed is _MISSING:
        return wrong(number, "exercises.predict_no_observed", PREDICTION, item=number)
    with torch.enable_grad():
        actual = run()
    seen = sandbox.as_tensor(observed)
    if seen is None or not sandbox.close(seen, actual):
        return wrong(number, "exercises.predict_changed", PREDICTION)
    if _is_error_prediction(prediction):
        gap = say(
            "exercises.predict_gap",
            predicted=say("exercises.predict_an_error"),
            actual=_shown(actual),
        )
        return Feedback(
            number,
            WRONG,
            join(gap, say("exercises.predict_no_error")),
            "exercises.predict_no_error",
            PREDICTION,
        )
    comparison = practice.compare(prediction, actual, tol=1e-4)
    if comparison.values is None:  # a word, True, None: not numbers
        return wrong(number, "exercises.predict_not_value", PREDICTION)
    guess = comparison.values.double()
    gap = say("exercises.predict_gap", predicted=_shown(guess), actual=_shown(actual))
    if comparison.outcome == practice.SHAPE:
        if guess.numel() == actual.numel() and sandbox.close(guess.reshape(actual.shape), actual):
            hint = "exercises.predict_layout"
        else:
            hint = "exercises.predict_shape"
        fields = {"predicted": tuple(guess.shape), "actual": tuple(actual.shape)}
        return Feedback(number, WRONG, join(gap, say(hint, **fields)), hint, PREDICTION)
    if comparison.outcome == practice.RIGHT:
        hint = _RIGHT[number]
        message = join(say("exercises.predict_right", actual=_shown(actual)), say(hint))
        return Feedback(number, CORRECT, message, hint, PREDICTION)
    with torch.enable_grad():
        slips = misconceptions(actual)
    for hint, value in slips:
        if sandbox.close(guess, value.double(), tol=1e-4):
            return Feedback(number, WRONG, join(gap, say(hint)), hint, PREDICTION)
    hint = _GAP[number]
    return Feedback(number, WRONG, join(gap, say(hint)), hint, PREDICTION)


def check_predict1(prediction: object, observed: object = _MISSING) -> Feedback:
    """Check the prediction of x.grad after two backward passes without zeroing."""
    return check_prediction(1, prediction, observed)


def check_predict2(prediction: object, observed: object = _MISSING) -> Feedback:
    """Check the prediction of the gradient of a broadcast weight."""
    return check_prediction(2, prediction, observed)


def check_predict3(prediction: object, observed: object = _MISSING) -> Feedback:
    """Check the prediction of x.grad when a factor was detached from the graph."""
    return check_prediction(3, prediction, observed)


def check_predict4(prediction: object, observed: object = _MISSING) -> Feedback:
    """Check the prediction of a.grad for the control-flow f at a = -0.3."""
    return check_prediction(4, prediction, observed)
