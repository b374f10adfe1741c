"""The one kind of feedback the course gives on a learner's answer or prediction.

A `Feedback` is a status (correct, wrong, not attempted), the sentence shown and the id of the
hint given, in the language it was written in. A numbered one is the verdict of an exercise or
a prediction item (of notebook 08, or "4.2" at the end of lesson 04), headed and framed in its
status's colour; one without a number is a remark in passing (notebook 04's `predict`), its
verdict already in its words, shown as plain text.
"""

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


@dataclass(frozen=True, repr=False)
class Feedback:
    """The outcome of one check: a status, the sentence shown, and the id of the hint given."""

    # The item's number: 3 in notebook 08, "4.2" for the second exercise of lesson 04;
    # None for a remark in passing, not a numbered item.
    exercise: int | str | None
    status: str
    message: str
    hint: str = ""
    kind: str = EXERCISE
    language: str = field(default_factory=language.current)

    @property
    def passed(self) -> bool:
        """Return True when the answer was right."""
        return self.status == CORRECT

    @property
    def correct(self) -> bool | None:
        """Return True when right, False when wrong, None when not attempted yet."""
        return None if self.status == NOT_ATTEMPTED else self.passed

    def _heading(self) -> str:
        label = language.say(_LABELS[self.status], self.language)
        key = "exercises.heading" if self.kind == EXERCISE else "exercises.heading_prediction"
        return language.say(key, self.language, number=self.exercise, label=label)

    def __str__(self) -> str:
        if self.exercise is None:
            return self.message
        return f"{self._heading()} {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str | None:
        if self.exercise is None:
            return None  # IPython then shows the plain text alone
        colour = _COLOURS[self.status]
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 2px 8px;">'
            f'<b style="color: {colour}">{html.escape(self._heading())}</b> '
            f"{html.escape(self.message)}</div>"
        )
