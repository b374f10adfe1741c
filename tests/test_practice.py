"""Predict, then run: the feedback on right, wrong, lazy and malformed predictions."""

from __future__ import annotations

import pytest
import torch

from autograd_lab import exercises
from autograd_lab.practice import compare, predict


def test_not_attempted_is_neither_right_nor_wrong():
    feedback = predict(..., True, lang="en")
    assert feedback.correct is None and "[Not attempted]" in str(feedback)
    assert "【未作答】" in str(predict(..., True, lang="zh"))


@pytest.mark.parametrize(
    ("guess", "answer"),
    [
        (False, False),
        (None, None),
        (2, 2),
        (3, 3.0),
        ("MulBackward0", "MulBackward0"),
        ([0.0, 4.0, 8.0], torch.tensor([0.0, 4.0, 8.0])),
        ([0, 4, 8], torch.tensor([0.0, 4.0, 8.0])),
        (torch.tensor([1.0]), torch.tensor([1.0], requires_grad=True)),
    ],
)
def test_a_right_prediction_is_right(guess, answer):
    feedback = predict(guess, answer, lang="en")
    assert feedback.correct is True, feedback
    assert str(feedback).startswith("[Correct prediction]")


@pytest.mark.parametrize(
    ("guess", "answer"),
    [
        (True, False),
        (torch.tensor([0.0, 2.0, 4.0]), None),
        (None, torch.tensor([1.0])),
        (1, 2),
        ([0.0, 2.0, 4.0], torch.tensor([0.0, 4.0, 8.0])),
        ("Mul", "MulBackward0"),
    ],
)
def test_a_wrong_prediction_says_what_pytorch_gives(guess, answer):
    feedback = predict(guess, answer, lang="en")
    assert feedback.correct is False
    assert str(feedback).startswith("[Think again] You predicted")
    assert "【再想想】" in str(predict(guess, answer, lang="zh"))


@pytest.mark.parametrize(
    ("guess", "answer", "kind"),
    [
        ("False", False, "True or False"),
        (0, False, "True or False"),
        (1, True, "True or False"),
        (True, 2, "a number"),
        ("2", 2, "a number"),
        ([1.0, 2.0], torch.tensor([1.0, 2.0, 3.0]), "shape (3,)"),
        (True, torch.tensor([1.0]), "a tensor"),
        ("None", None, "None or a tensor"),
    ],
)
def test_a_prediction_of_the_wrong_kind_is_told_what_kind_to_give(guess, answer, kind):
    feedback = predict(guess, answer, lang="en")
    assert feedback.correct is False and kind in str(feedback), feedback


def test_an_answer_of_an_unknown_kind_is_a_clear_error():
    with pytest.raises(TypeError, match="pass what PyTorch returned"):
        predict(1, object())


def test_the_feedback_prints_as_plain_text():
    feedback = predict(False, False, lang="en")
    assert repr(feedback) == str(feedback) == "[Correct prediction] PyTorch gives exactly False."
    assert feedback._repr_html_() is None  # IPython shows the plain text alone


def test_it_is_the_feedback_of_the_exercises_in_the_language_asked_for():
    feedback = predict(1, 2, lang="zh")
    assert isinstance(feedback, exercises.Feedback)
    assert (feedback.status, feedback.language, feedback.passed) == (exercises.WRONG, "zh", False)


@pytest.mark.parametrize(
    ("guess", "answer", "tol", "outcome"),
    [
        (..., 1.0, 0.0, "not_attempted"),
        ([0.0, 4.0], torch.tensor([0.0, 4.00001]), 1e-4, "right"),
        ([0.0, 4.0], torch.tensor([0.0, 4.00001]), 0.0, "missed"),
        ([[0.0, 4.0]], torch.tensor([0.0, 4.0]), 0.0, "shape"),
        ("big", torch.tensor([0.0, 4.0]), 0.0, "kind"),
        (2.00001, 2.0, 1e-4, "right"),
    ],
)
def test_compare_tells_how_a_prediction_stands(guess, answer, tol, outcome):
    assert compare(guess, answer, tol).outcome == outcome
