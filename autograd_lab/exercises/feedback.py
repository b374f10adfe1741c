"""What a check hands back: a verdict, the sentence shown to the learner, and its hint id."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from autograd_lab import language

CORRECT = "correct"
WRONG = "wrong"
NOT_ATTEMPTED = "not_attempted"

EXERCISE = "exercise"
PREDICTION = "prediction"

_COLOURS = {CORRECT: "#2e7d32", WRONG: "#c62828", NOT_ATTEMPTED: "#757575"}
_LABELS = {
    CORRECT: "exercises.label_correct",
    WRONG: "exercises.label_wrong",
    NOT_ATTEMPTED: "exercises.label_not_attempted",
}


def get_language() -> str:
    """Return the language feedback is written in here ("zh" or "en")."""
    return language.current()


@dataclass(frozen=True, repr=False)
class Feedback:
    """The outcome of one check: a status, the sentence shown, and the id of the hint given."""

    exercise: int
    status: str
    message: str
    hint: str = ""
    kind: str = EXERCISE
    language: str = field(default_factory=get_language)

    @property
    def passed(self) -> bool:
        """Return True when the answer was right."""
        return self.status == CORRECT

    def _heading(self) -> str:
        label = language.say(_LABELS[self.status], self.language)
        key = "exercises.heading" if self.kind == EXERCISE else "exercises.heading_prediction"
        return language.say(key, self.language, number=self.exercise, label=label)

    def __str__(self) -> str:
        return f"{self._heading()} {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 2px 8px;">'
            f'<b style="color: {colour}">{html.escape(self._heading())}</b> '
            f"{html.escape(self.message)}</div>"
        )


def verdict(number: int, status: str, hint: str, kind: str = EXERCISE, **fields) -> Feedback:
    """Return the Feedback whose message is the sentence `hint` ("exercises.name"), filled in."""
    return Feedback(number, status, language.say(hint, **fields), hint=hint, kind=kind)


def right(number: int, hint: str, kind: str = EXERCISE, **fields) -> Feedback:
    """Return a passing verdict with the confirmation `hint`."""
    return verdict(number, CORRECT, hint, kind, **fields)


def wrong(number: int, hint: str, kind: str = EXERCISE, **fields) -> Feedback:
    """Return a failing verdict with the hint `hint`."""
    return verdict(number, WRONG, hint, kind, **fields)


def not_attempted(number: int, kind: str = EXERCISE) -> Feedback:
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
