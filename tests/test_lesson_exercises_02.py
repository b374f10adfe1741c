"""The bank of answers to "Check yourself" at the end of lesson 02: every wrong and lazy answer
gets its own hint, every untouched placeholder is "not attempted", and at least two right
answers pass, in both languages. The table lands in build/exercise-bank/lesson02.md.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from autograd_lab import derivative
from autograd_lab.exercises import lesson02
from tests.bank import LANGUAGES, Bank

EPS32 = torch.finfo(torch.float32).eps
EPS64 = torch.finfo(torch.float64).eps


def kink_by_autograd():
    """The lazy route: ask PyTorch (a genuine way to learn the value)."""
    return derivative(lambda v: torch.relu(v) + torch.maximum(v, 1 - v), torch.tensor([0, 0.5, 1]))


def kink_by_central_difference():
    h = 1e-6
    x = torch.tensor([0.0, 0.5, 1.0], dtype=torch.float64)
    k = lesson02.kinked
    return ((k(x + h) - k(x - h)) / (2 * h)).tolist()


BANK = [
    # 2.1: the step
    (
        "2.1",
        "the lesson's float64 step ∛ε64 copied",
        lambda: lesson02.check_step(EPS64 ** (1 / 3)),
        "lesson02.step_float64",
    ),
    (
        "2.1",
        "6e-6 as printed in section 4",
        lambda: lesson02.check_step(6e-6),
        "lesson02.step_float64",
    ),
    (
        "2.1",
        "forward-difference rule √ε32",
        lambda: lesson02.check_step(math.sqrt(EPS32)),
        "lesson02.step_forward_rule",
    ),
    (
        "2.1",
        "forward-difference rule √ε64",
        lambda: lesson02.check_step(math.sqrt(EPS64)),
        "lesson02.step_forward_rule",
    ),
    (
        "2.1",
        "as small as possible: ε32",
        lambda: lesson02.check_step(EPS32),
        "lesson02.step_too_small",
    ),
    ("2.1", "h = 1e-10", lambda: lesson02.check_step(1e-10), "lesson02.step_too_small"),
    ("2.1", "h = 0.1", lambda: lesson02.check_step(0.1), "lesson02.step_too_large"),
    ("2.1", "h = 0", lambda: lesson02.check_step(0.0), "lesson02.step_positive"),
    ("2.1", "h = -5e-3", lambda: lesson02.check_step(-5e-3), "lesson02.step_positive"),
    (
        "2.1",
        "a list of steps",
        lambda: lesson02.check_step([1e-3, 1e-2]),
        "lesson02.step_not_number",
    ),
    ("2.1", "a word", lambda: lesson02.check_step("small"), "lesson02.step_not_number"),
    ("2.1", "placeholder left", lambda: lesson02.check_step(...), "exercises.not_attempted"),
    # 2.2: the kinks
    (
        "2.2",
        "central differences",
        lambda: lesson02.check_kink(kink_by_central_difference()),
        "lesson02.kink_difference",
    ),
    (
        "2.2",
        "right-hand slopes [0, 2, 2]",
        lambda: lesson02.check_kink([0, 2, 2]),
        "lesson02.kink_one_side",
    ),
    (
        "2.2",
        "left-hand slopes [-1, 0, 2]",
        lambda: lesson02.check_kink([-1, 0, 2]),
        "lesson02.kink_one_side",
    ),
    (
        "2.2",
        "maximum picks x at the tie",
        lambda: lesson02.check_kink([-1, 2, 2]),
        "lesson02.kink_tie",
    ),
    ("2.2", "relu'(0) = 1", lambda: lesson02.check_kink([0, 1, 2]), "lesson02.kink_relu"),
    (
        "2.2",
        "undefined: nan everywhere",
        lambda: lesson02.check_kink([math.nan] * 3),
        "lesson02.kink_nan",
    ),
    (
        "2.2",
        "the values of k, not slopes",
        lambda: lesson02.check_kink([1, 1, 1]),
        "lesson02.kink_wrong",
    ),
    ("2.2", "two numbers", lambda: lesson02.check_kink([-1, 1]), "lesson02.kink_shape"),
    ("2.2", "placeholder left", lambda: lesson02.check_kink(...), "exercises.not_attempted"),
]

RIGHT = [
    ("2.1", "reference: ∛ε32", lambda: lesson02.check_step(EPS32 ** (1 / 3))),
    ("2.1", "a round 1e-2", lambda: lesson02.check_step(1e-2)),
    (
        "2.1",
        "the model's optimum (3ε)^(1/3) as a tensor",
        lambda: lesson02.check_step(torch.tensor((3 * EPS32) ** (1 / 3))),
    ),
    ("2.2", "reference: worked out by hand", lambda: lesson02.check_kink([-1.0, 1.0, 2.0])),
    ("2.2", "asked PyTorch", lambda: lesson02.check_kink(kink_by_autograd())),
    ("2.2", "a NumPy array", lambda: lesson02.check_kink(np.array([-1, 1, 2]))),
]

BANK_OF = Bank("lesson02", known_right=lambda: lesson02.check_kink([-1.0, 1.0, 2.0]))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check", "hint"), BANK_OF.wrong_params(BANK))
def test_wrong_answer_gets_its_own_hint(exercise, name, check, hint, language):
    BANK_OF.expect_wrong(exercise, name, check, hint, language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check"), BANK_OF.right_params(RIGHT))
def test_right_answer_passes(exercise, name, check, language):
    BANK_OF.expect_right(exercise, name, check, language)


def test_every_exercise_has_five_wrong_answers_and_two_right_ones():
    for label in ("2.1", "2.2"):
        wrong = [r for r in BANK if r[0] == label and not r[3].endswith("not_attempted")]
        assert len(wrong) >= 5, label
        assert len({r[3] for r in wrong}) >= 4, f"{label}: hints too alike"
        assert len([r for r in RIGHT if r[0] == label]) >= 2, label


def test_the_expected_slopes_are_what_this_pytorch_reports():
    """The check asks PyTorch; this says what it answers on the pinned release."""
    assert kink_by_autograd().tolist() == [-1.0, 1.0, 2.0]


@pytest.fixture(scope="module", autouse=True)
def _table_of_verdicts():
    """Once the module's tests ran, write the table of every verdict they saw (not a test)."""
    yield
    BANK_OF.write_table()
