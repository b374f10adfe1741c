"""Instant feedback for the exercises of notebook 08.

Every check runs the learner's answer with real PyTorch and compares what it *does* with what
autograd does, on the inputs the exercise shows and on inputs it keeps to itself, and where the
exercise prescribes a method, watches how the answer was obtained (`probes`). A check returns a
`Feedback`: correct (a short confirmation), wrong (a hint that does not give the answer away,
with its id in `Feedback.hint`) or not attempted (the placeholder `...` of the student edition
is still there). A check never raises and never hangs: learner code runs with a time limit
(`sandbox`), and whatever it raises becomes a verdict quoting the learner's own line.

Feedback is written in the learner's language (`autograd_lab.language`: the notebook's folder,
or a `with language.use("en"):` block); every message is an `exercises.*` sentence of the
catalogs, in each language, and its key is the hint id. A `Feedback` keeps the language it
was written in.
"""

from autograd_lab import course
from autograd_lab.exercises.checks import (
    EX4_POINTS,
    check_ex1,
    check_ex2,
    check_ex3,
    check_ex4,
    check_ex5,
    check_ex6,
    graph_signature,
)
from autograd_lab.exercises.feedback import get_language
from autograd_lab.exercises.predictions import (
    check_predict1,
    check_predict2,
    check_predict3,
    check_predict4,
    check_prediction,
)
from autograd_lab.exercises.reference import control_flow_f, ex6_f
from autograd_lab.exercises.sandbox import LIMIT
from autograd_lab.feedback import CORRECT, NOT_ATTEMPTED, WRONG, Feedback

LANGUAGES = course.LANGUAGES

__all__ = [
    "CORRECT",
    "EX4_POINTS",
    "LANGUAGES",
    "LIMIT",
    "NOT_ATTEMPTED",
    "WRONG",
    "Feedback",
    "check_ex1",
    "check_ex2",
    "check_ex3",
    "check_ex4",
    "check_ex5",
    "check_ex6",
    "check_predict1",
    "check_predict2",
    "check_predict3",
    "check_predict4",
    "check_prediction",
    "control_flow_f",
    "ex6_f",
    "get_language",
    "graph_signature",
]
