"""What a check hands back: a verdict (`autograd_lab.feedback.Feedback`) worded from its hint id."""

from __future__ import annotations

from autograd_lab import language
from autograd_lab.feedback import CORRECT, EXERCISE, NOT_ATTEMPTED, WRONG, Feedback


def get_language() -> str:
    """Return the language feedback is written in here ("zh" or "en")."""
    return language.current()


def verdict(number: int | str, status: str, hint: str, kind: str = EXERCISE, **fields) -> Feedback:
    """Return the Feedback whose message is the sentence `hint` ("exercises.name"), filled in."""
    return Feedback(number, status, language.say(hint, **fields), hint=hint, kind=kind)


def right(number: int | str, hint: str, kind: str = EXERCISE, **fields) -> Feedback:
    """Return a passing verdict with the confirmation `hint`."""
    return verdict(number, CORRECT, hint, kind, **fields)


def wrong(number: int | str, hint: str, kind: str = EXERCISE, **fields) -> Feedback:
    """Return a failing verdict with the hint `hint`."""
    return verdict(number, WRONG, hint, kind, **fields)


def not_attempted(number: int | str, kind: str = EXERCISE) -> Feedback:
    """Return the verdict for an answer cell whose placeholder is still in place."""
    key = "exercises.not_attempted" if kind == EXERCISE else "exercises.predict_not_attempted"
    return verdict(number, NOT_ATTEMPTED, key, kind)


def join(first: str, second: str) -> str:
    """Join two sentences the way the current language does."""
    if not second:
        return first
    first = first.rstrip()
    if not first.endswith(tuple(language.template("exercises.sentence_ends"))):
        first += language.template("exercises.sentence_stop")
    return first + language.template("exercises.sentence_gap") + second
