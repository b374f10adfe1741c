"""Predict, then run: a learner writes down what a cell gives; the run says whether it does.

The one mechanism behind the quick predictions of notebook 04 (`predict`) and the prediction
items of notebook 08 (`exercises.predictions`). `...` is a prediction not made yet, and
`compare` tells how a prediction stands against what PyTorch gave: of another kind, of another
shape, right or wrong. Each caller words its own feedback: `predict` the same few sentences for
any cell, the items of notebook 08 a hint per misconception.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import torch

from autograd_lab import language
from autograd_lab.feedback import CORRECT, NOT_ATTEMPTED, WRONG, Feedback

# How a prediction stands against the answer (NOT_ATTEMPTED is the Feedback status of that name).
KIND = "kind"  # another kind of thing (a word where a number is due)
SHAPE = "shape"  # numbers, but not of the answer's shape
RIGHT = "right"
MISSED = "missed"


@dataclass(frozen=True)
class Comparison:
    """How a prediction compares with the answer, and the prediction as a tensor if it is one."""

    outcome: str  # NOT_ATTEMPTED, KIND, SHAPE, RIGHT or MISSED
    values: torch.Tensor | None = None  # for a tensor answer: the prediction's numbers


def attempted(guess: object) -> bool:
    """Return False while the prediction is still the placeholder `...`."""
    return guess is not Ellipsis


def compare(guess: object, answer: object, tol: float = 0.0) -> Comparison:
    """Compare a prediction with the answer PyTorch gave, exactly or within `tol`.

    The answer may be a bool, None, a number, a string or a tensor; a tensor accepts a tensor
    or a (nested) list of numbers, and None a tensor (it answers "is there a gradient?").
    """
    _check_answer(answer)
    if not attempted(guess):
        return Comparison(NOT_ATTEMPTED)
    if isinstance(answer, torch.Tensor):
        if guess is None:
            return Comparison(MISSED)
        values = _as_tensor(guess, answer.dtype)
        if values is None:
            return Comparison(KIND)
        if values.shape != answer.shape:
            return Comparison(SHAPE, values)
        a, b = values.double(), answer.detach().double()
        same = torch.equal(a, b) if tol == 0 else torch.allclose(a, b, rtol=tol, atol=tol)
        return Comparison(RIGHT if same else MISSED, values)
    if not _same_kind(guess, answer):
        return Comparison(KIND)
    if answer is None or guess is None or isinstance(answer, bool):
        return Comparison(RIGHT if guess is answer else MISSED)
    if isinstance(answer, numbers.Real) and tol:
        return Comparison(
            RIGHT if math.isclose(guess, answer, rel_tol=tol, abs_tol=tol) else MISSED
        )
    return Comparison(RIGHT if guess == answer else MISSED)


def predict(guess, answer, lang: str | None = None) -> Feedback:
    """Compare `guess` with `answer` (what PyTorch gave); leave `...` to mean not attempted yet.

    The answer may be a bool, None, a number, a string or a tensor; a tensor accepts a tensor
    or a (nested) list of numbers of the same shape, compared exactly.
    """
    lang = language.current(lang)
    outcome = compare(guess, answer).outcome
    if outcome == NOT_ATTEMPTED:
        return _remark(NOT_ATTEMPTED, language.say("explain.predict_not_attempted", lang), lang)
    if outcome in (KIND, SHAPE):
        kind = _kind_of(answer, lang)
        text = language.say("explain.predict_kind", lang, kind=kind, got=_show(guess))
        return _remark(WRONG, text, lang)
    if outcome == RIGHT:
        text = language.say("explain.predict_correct", lang, answer=_show(answer))
        return _remark(CORRECT, text, lang)
    text = language.say("explain.predict_wrong", lang, guess=_show(guess), answer=_show(answer))
    return _remark(WRONG, text, lang)


def _remark(status: str, text: str, lang: str) -> Feedback:
    # No number: a remark in passing, its verdict already in its words, shown as plain text.
    return Feedback(None, status, text, language=lang)


def _check_answer(answer) -> None:
    if answer is None or isinstance(answer, (bool, numbers.Real, str, torch.Tensor)):
        return
    raise TypeError(
        f"answer must be a bool, None, a number, a string or a torch.Tensor, got "
        f"{type(answer).__name__}: pass what PyTorch returned"
    )


def _kind_of(answer, lang) -> str:
    if isinstance(answer, bool):
        return language.say("explain.kind_bool", lang)
    if answer is None:
        return language.say("explain.kind_none", lang)
    if isinstance(answer, numbers.Real):
        return language.say("explain.kind_number", lang)
    if isinstance(answer, str):
        return language.say("explain.kind_text", lang)
    return language.say("explain.kind_tensor", lang, shape=tuple(answer.shape))


def _same_kind(guess, answer) -> bool:
    if isinstance(answer, bool) or answer is None:
        # None answers "is there a gradient?": a tensor guess means "yes, there is one".
        return isinstance(guess, bool) if isinstance(answer, bool) else _is_value_or_none(guess)
    if isinstance(answer, numbers.Real):
        return isinstance(guess, numbers.Real) and not isinstance(guess, bool)
    return isinstance(guess, str)


def _is_value_or_none(guess) -> bool:
    return guess is None or isinstance(guess, torch.Tensor | list | tuple | numbers.Real)


def _as_tensor(guess, dtype: torch.dtype) -> torch.Tensor | None:
    if isinstance(guess, bool | str):
        return None
    if isinstance(guess, torch.Tensor):
        guess = guess.detach()
    try:
        values = torch.as_tensor(guess, dtype=dtype)
    except (TypeError, ValueError, RuntimeError):
        return None
    return values


def _show(value) -> str:
    if isinstance(value, torch.Tensor):
        return repr(value.detach())
    return repr(value)
