"""The machinery every bank of answers shares: run an answer's check in each language, assert the
verdict, its hint and its language, check that the session is still healthy, and write the table
exercise × answer → verdict to build/exercise-bank/<name>.md.

A bank module (tests/test_exercise_bank.py for notebook 08, tests/test_lesson_exercises_NN.py for
the exercises at the end of lesson NN) lists its answers as rows and calls `expect_wrong` and
`expect_right` from two parametrized tests; `table_writer(name)` is its module fixture.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import torch

from autograd_lab import language as lang
from autograd_lab.exercises import CORRECT, LIMIT, NOT_ATTEMPTED, WRONG
from autograd_lab.feedback import EXERCISE, Feedback
from tests.helpers import CJK, ROOT, SLACK

TABLES = ROOT / "build" / "exercise-bank"
LANGUAGES = ("zh", "en")
# What the learner sees in front of each message, per language, kind and status.
HEADINGS = {
    "zh": {
        CORRECT: ("练习 {n} 【正确】", "预测 {n} 【正确】"),
        WRONG: ("练习 {n} 【再想想】", "预测 {n} 【再想想】"),
        NOT_ATTEMPTED: ("练习 {n} 【未作答】", "预测 {n} 【未作答】"),
    },
    "en": {
        CORRECT: ("Exercise {n} [Correct]", "Prediction {n} [Correct]"),
        WRONG: ("Exercise {n} [Think again]", "Prediction {n} [Think again]"),
        NOT_ATTEMPTED: ("Exercise {n} [Not attempted]", "Prediction {n} [Not attempted]"),
    },
}
# Words that would hand an answer over: no hint of any exercise may contain them.
GIVEAWAYS = ("retain_graph", "create_graph", "ones_like", ".sum()", "cos(x)", "torch.cos")


def assert_session_healthy(known_right: Callable[[], Feedback]) -> None:
    """After any answer, this process (a kernel's stand-in) still does autograd as before."""
    assert torch.is_grad_enabled() and not torch.is_inference_mode_enabled()
    assert not torch.is_anomaly_enabled()
    assert torch._C._len_torch_function_stack() == 0
    assert torch._C._autograd._top_saved_tensors_default_hooks(False) is None
    assert float(torch.func.grad(torch.sin)(torch.tensor(0.0))) == 1.0
    assert known_right().status == CORRECT  # a known right answer still passes


def assert_in_language(feedback: Feedback, number: int | str, kind: str, language: str) -> None:
    """The feedback belongs to item `number` of `kind` and is written in `language`."""
    assert (feedback.exercise, feedback.kind) == (number, kind), feedback
    exercise_heading, prediction_heading = HEADINGS[language][feedback.status]
    heading = exercise_heading if kind == EXERCISE else prediction_heading
    assert str(feedback).startswith(heading.format(n=number) + " "), feedback
    assert feedback.language == language
    if language == "en":
        assert not CJK.search(str(feedback)), f"Chinese in English feedback: {feedback}"
    else:
        assert CJK.search(feedback.message), f"no Chinese in Chinese feedback: {feedback}"


class Bank:
    """One bank of answers: its rows' verdicts, checked and collected for its table."""

    def __init__(self, name: str, known_right: Callable[[], Feedback]):
        self.name = name
        self.known_right = known_right
        self.rows: dict[tuple[str, str], dict[str, str]] = {}

    def wrong_params(self, rows: list[tuple]) -> list:
        """Pytest params of (label, answer name, check, hint) rows; time-outs are marked slow."""
        return [
            pytest.param(
                *row,
                id=f"{row[0]}: {row[1]}",
                marks=[pytest.mark.slow] * (row[3] == "exercises.timeout"),
            )
            for row in rows
        ]

    def right_params(self, rows: list[tuple]) -> list:
        """Pytest params of (label, answer name, check) rows, each named "label: answer"."""
        return [pytest.param(*row, id=f"{row[0]}: {row[1]}") for row in rows]

    def expect_wrong(
        self,
        number: int | str,
        name: str,
        check: Callable[[], Feedback],
        hint: str,
        language: str,
        kind: str = EXERCISE,
        answer_words: tuple[str, ...] = (),
    ) -> Feedback:
        """Run a wrong (or unwritten) answer's check in `language` and assert its verdict."""
        with lang.use(language):
            start = time.perf_counter()
            feedback = check()
            seconds = time.perf_counter() - start
        expected = NOT_ATTEMPTED if hint.endswith("not_attempted") else WRONG
        assert feedback.status == expected, feedback
        assert feedback.hint == hint, feedback
        assert not feedback.passed
        assert_in_language(feedback, number, kind, language)
        if expected == NOT_ATTEMPTED:
            assert "..." in feedback.message, "say what is left to write"
        hint_text = lang.template(hint)  # the message also quotes the learner's code
        for word in GIVEAWAYS + answer_words:
            assert word not in hint_text, f"the hint gives away {word!r}: {feedback}"
        assert "autograd_lab" not in feedback.message and "site-packages" not in feedback.message
        # a generous bound: the time limit twice (two calls of learner code), plus a busy machine
        assert seconds < LIMIT * 2 + SLACK, f"{name}: {seconds:.1f} s"
        assert_session_healthy(self.known_right)
        self.rows.setdefault((str(number), name), {})[language] = (
            f"{feedback.status} | `{feedback.hint}` | {seconds:.2f}"
        )
        return feedback

    def expect_right(
        self,
        number: int | str,
        name: str,
        check: Callable[[], Feedback],
        language: str,
        kind: str = EXERCISE,
    ) -> Feedback:
        """Run a right answer's check in `language` and assert that it passes."""
        with lang.use(language):
            feedback = check()
        assert feedback.status == CORRECT, feedback
        assert feedback.passed
        assert_in_language(feedback, number, kind, language)
        assert_session_healthy(self.known_right)
        self.rows.setdefault((str(number), f"RIGHT: {name}"), {})[language] = (
            f"{feedback.status} | `{feedback.hint}` | "
        )
        return feedback

    def write_table(self) -> None:
        """Write the table of every verdict seen to build/exercise-bank/<name>.md (not a test)."""
        if not self.rows:
            return
        lines = [
            "| exercise | answer | zh: verdict, hint id, s | en: verdict, hint id, s |",
            "|---|---|---|---|",
        ]
        for (number, name), by_language in self.rows.items():
            cells = [by_language.get(code, "-").replace(" | ", ", ") for code in LANGUAGES]
            lines.append(f"| {number} | {name} | {cells[0]} | {cells[1]} |")
        TABLES.mkdir(parents=True, exist_ok=True)
        (TABLES / f"{self.name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
