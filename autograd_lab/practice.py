"""Predict, then run: compare a learner's prediction with what PyTorch does, and say so."""

from __future__ import annotations

import numbers

import torch

from autograd_lab import language


class Feedback(str):
    """A verdict on a prediction; shown as plain text in a notebook."""

    correct: bool | None  # None: not attempted

    def __new__(cls, text: str, correct: bool | None) -> Feedback:
        feedback = super().__new__(cls, text)
        feedback.correct = correct
        return feedback

    def __repr__(self) -> str:
        return str(self)


def predict(guess, answer, lang: str | None = None) -> Feedback:
    """Compare `guess` with `answer` (what PyTorch gave); leave `...` to mean not attempted yet.

    The answer may be a bool, None, a number, a string or a tensor; a tensor accepts a tensor
    or a (nested) list of numbers of the same shape, compared exactly.
    """
    if guess is Ellipsis:
        return Feedback(language.say("explain.predict_not_attempted", lang), None)
    kind = _kind_of(answer, lang)
    if not _same_kind(guess, answer):
        return Feedback(
            language.say("explain.predict_kind", lang, kind=kind, got=_show(guess)), False
        )
    if _equal(guess, answer):
        return Feedback(language.say("explain.predict_correct", lang, answer=_show(answer)), True)
    return Feedback(
        language.say("explain.predict_wrong", lang, guess=_show(guess), answer=_show(answer)),
        False,
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
    if isinstance(answer, torch.Tensor):
        return language.say("explain.kind_tensor", lang, shape=tuple(answer.shape))
    raise TypeError(
        f"answer must be a bool, None, a number, a string or a torch.Tensor, got "
        f"{type(answer).__name__}: pass what PyTorch returned"
    )


def _same_kind(guess, answer) -> bool:
    if isinstance(answer, bool) or answer is None:
        # None answers "is there a gradient?": a tensor guess means "yes, there is one".
        return isinstance(guess, bool) if isinstance(answer, bool) else _is_value_or_none(guess)
    if isinstance(answer, numbers.Real):
        return isinstance(guess, numbers.Real) and not isinstance(guess, bool)
    if isinstance(answer, str):
        return isinstance(guess, str)
    return _as_tensor(guess, answer) is not None or guess is None


def _is_value_or_none(guess) -> bool:
    return guess is None or isinstance(guess, torch.Tensor | list | tuple | numbers.Real)


def _as_tensor(guess, answer: torch.Tensor) -> torch.Tensor | None:
    if isinstance(guess, bool | str):
        return None
    try:
        tensor = torch.as_tensor(guess, dtype=answer.dtype)
    except (TypeError, ValueError, RuntimeError):
        return None
    return tensor if tensor.shape == answer.shape else None


def _equal(guess, answer) -> bool:
    if answer is None or guess is None:
        return guess is answer
    if isinstance(answer, torch.Tensor):
        return torch.equal(_as_tensor(guess, answer), answer.detach())
    if isinstance(answer, bool):
        return guess is answer
    return guess == answer


def _show(value) -> str:
    if isinstance(value, torch.Tensor):
        return repr(value.detach())
    return repr(value)
