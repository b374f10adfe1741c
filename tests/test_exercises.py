"""The exercise checks' machinery: feedback in the language it was written in, stored verdicts,
and learner code run time-limited, untraced, leaving the kernel as it found it.

The answers themselves (right, wrong, not attempted; their verdicts and hints) are the bank's,
tests/test_exercise_bank.py, each once. Every answer below runs on real PyTorch."""

from __future__ import annotations

import functools
import sys

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_lab import exercises as ex
from autograd_lab import language as lang
from autograd_lab.exercises import CORRECT, NOT_ATTEMPTED, WRONG
from tests.helpers import CJK, COURSE, SLACK, stored_verdicts


@pytest.fixture(params=ex.LANGUAGES)
def language(request):
    """Run the test once per feedback language, inside a scoped `language.use` block."""
    with lang.use(request.param):
        yield request.param


def lang_scope(code):
    """Run a test inside `with language.use(code):`."""

    def wrap(test):
        @functools.wraps(test)
        def scoped(*args, **kwargs):
            with lang.use(code):
                return test(*args, **kwargs)

        return scoped

    return wrap


def two_gradients(body, w):
    h = body(w)
    (h * h).sum().backward(retain_graph=True)
    g1 = w.grad.clone()
    w.grad = None
    h.sum().backward()
    return g1, w.grad


def placeholder(*args):
    """What a student-edition answer cell defines: a function whose body is `...`."""


@lang_scope("en")
def test_a_crash_with_a_hint_reads_as_two_sentences():
    message = ex.check_ex3(lambda a: ex.control_flow_f(a).backward()).message
    assert message.startswith("Your code raised RuntimeError: ")
    assert "scalar outputs. It happened in <lambda>, line " in message
    assert message.endswith(". " + lang.say("exercises.ex3_not_scalar"))


# --- the language of the feedback (how the language is chosen: tests/test_language.py) ----------


def test_a_scoped_language_switches_both_ways_and_ends_with_its_block():
    outside = ex.get_language()
    with lang.use("en"):
        assert ex.get_language() == "en"
        assert str(ex.check_ex1(...)).startswith("Exercise 1 [Not attempted]")
        with lang.use("zh"):
            assert str(ex.check_ex1(...)).startswith("练习 1 【未作答】")
        assert ex.get_language() == "en"
    assert ex.get_language() == outside


def test_the_scoped_language_does_not_leak_into_other_threads():
    import threading

    outside = lang.current()
    other = "zh" if outside == "en" else "en"
    seen = []
    with lang.use(other):
        thread = threading.Thread(target=lambda: seen.append(lang.current()))
        thread.start()
        thread.join()
    assert seen == [outside]


def test_feedback_keeps_the_language_it_was_written_in():
    with lang.use("en"):
        feedback = ex.check_ex2(two_gradients)
    with lang.use("zh"):
        assert str(feedback).startswith("Exercise 2 [Correct] ")
        assert "Exercise 2 [Correct]" in feedback._repr_html_()
        assert str(ex.check_ex2(two_gradients)).startswith("练习 2 【正确】 ")


def test_html_feedback_escapes_the_message(language):
    feedback = ex.Feedback(1, WRONG, "<script>alert(1)</script>")
    assert "<script>" not in feedback._repr_html_()
    assert "&lt;script&gt;" in feedback._repr_html_()


@settings(max_examples=25, deadline=None)
@given(
    dtype=st.sampled_from([torch.float32, torch.float64]),
    ones=st.booleans(),
)
def test_ex5_accepts_any_dtype_and_any_way_to_seed_the_backward_pass(dtype, ones):
    def derivative_by_backward(f, x):
        x = x.to(dtype).requires_grad_(True)
        y = f(x)
        y.backward(torch.ones_like(y)) if ones else y.sum().backward()
        return x.grad

    assert ex.check_ex5(derivative_by_backward).passed


@settings(max_examples=25, deadline=None)
@given(scale=st.sampled_from([2.0, 5.0, 10.0]), offset=st.floats(-3.0, 3.0))
def test_ex4_any_piecewise_function_with_its_derivative_passes(scale, offset):
    def g(a):
        return a * scale if a > offset else a * a

    def dg(a):
        return scale if a > offset else 2 * a

    feedback = ex.check_ex4(g, dg)
    points = torch.tensor(ex.EX4_POINTS)
    both_sides = bool((points > offset).any() and (points <= offset).any())
    assert feedback.status == (CORRECT if both_sides else WRONG), feedback


def test_reference_f_is_the_one_of_notebook_01():
    # The replayed draw of the seed notes: the derivative is 100 * 2**11.
    a = torch.tensor(-0.7648, requires_grad=True)
    ex.control_flow_f(a).backward()
    assert a.grad.item() == 204800.0


def test_solutions_edition_stores_a_correct_check_for_every_exercise():
    verdicts = stored_verdicts(COURSE.path("08_exercises", "zh"))
    assert sorted(verdicts) == [1, 2, 3, 4, 5, 6]
    for number, text in verdicts.items():
        assert f"练习 {number} 【正确】" in text, text


@pytest.mark.parametrize(
    ("language", "heading"), [("zh", "预测 {n} 【正确】"), ("en", "Prediction {n} [Correct]")]
)
def test_solutions_edition_stores_a_right_prediction_for_every_item(language, heading):
    import nbformat

    nb = nbformat.read(COURSE.path("08_exercises", language), as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "ex.check_predict" in c.source]
    assert len(cells) == 4
    for number, cell in enumerate(cells, start=1):
        (output,) = cell.outputs
        assert output.data["text/plain"].startswith(heading.format(n=number)), output


def test_english_solutions_edition_stores_english_verdicts():
    verdicts = stored_verdicts(COURSE.path("08_exercises", "en"))
    assert sorted(verdicts) == [1, 2, 3, 4, 5, 6]
    for number, text in verdicts.items():
        assert f"Exercise {number} [Correct]" in text, text
        assert not CJK.search(text), text


# --- learner code runs time-limited, untraced, and leaves the kernel as it found it -----------


def runaway(a):
    while True:
        pass


def swallowing(a):
    """A loop that swallows its errors (but, like the kernel's interrupt, not a BaseException)."""
    b = a
    while True:
        try:
            b = b * 2
        except Exception:
            pass


def swallowing_once(a):
    """Catches even the time limit once, then loops on: the repeated alarm stops it."""
    try:
        while True:
            pass
    except BaseException:
        pass
    while True:
        pass


@pytest.mark.slow
@pytest.mark.parametrize("answer", [runaway, swallowing, swallowing_once])
def test_a_runaway_loop_is_stopped_in_the_main_thread(answer):
    import signal
    import time

    handler = signal.getsignal(signal.SIGALRM)
    start = time.perf_counter()
    feedback = ex.check_ex3(answer)
    seconds = time.perf_counter() - start
    assert feedback.hint == "exercises.timeout", feedback
    assert seconds < ex.LIMIT + SLACK
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.slow
def test_a_runaway_loop_is_stopped_outside_the_main_thread():
    """No SIGALRM there: the loop runs in a worker that is stopped, not left burning a core."""
    import threading
    import time

    result = {}
    before = threading.active_count()

    def check():
        result["feedback"] = ex.check_ex3(runaway)

    start = time.perf_counter()
    thread = threading.Thread(target=check)
    thread.start()
    thread.join(ex.LIMIT * 4)
    assert not thread.is_alive()
    assert result["feedback"].hint == "exercises.timeout", result["feedback"]
    assert time.perf_counter() - start < ex.LIMIT + SLACK
    deadline = time.monotonic() + SLACK
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() == before, "the learner's loop is still running"


def test_a_check_outside_the_main_thread_still_sees_autograd_work():
    import threading

    result = {}
    thread = threading.Thread(target=lambda: result.update(fb=ex.check_ex2(two_gradients)))
    thread.start()
    thread.join(30)
    assert result["fb"].passed, result["fb"]


def test_checks_do_not_trace_python():
    """A debugger's or coverage tool's tracer stays in place while the learner's code runs."""
    seen = []

    def tracer(frame, event, arg):
        return None

    def answer(body, w):
        seen.append(sys.gettrace())
        return two_gradients(body, w)

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        feedback = ex.check_ex2(answer)
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)
    assert feedback.passed and seen and all(t is tracer for t in seen)


def test_learner_warnings_stay_out_of_the_checks_output(recwarn):
    import warnings

    def noisy(body, w):
        warnings.warn("the learner's own warning", UserWarning, stacklevel=1)
        return two_gradients(body, w)

    assert ex.check_ex2(noisy).passed
    assert not [w for w in recwarn if "learner" in str(w.message)]


def test_placeholder_and_none_are_told_apart():
    from autograd_lab.exercises.sandbox import is_placeholder

    def documented(x):
        """Only a docstring."""

    def forgot_return(f, x):
        y = f(x) * 2  # noqa: F841

    def returns_string(x):
        return "a squared"

    assert is_placeholder(placeholder) and is_placeholder(documented) and is_placeholder(...)
    assert not is_placeholder(forgot_return) and not is_placeholder(returns_string)
    assert not is_placeholder(lambda x: 0)
    assert ex.check_ex1(placeholder).status == NOT_ATTEMPTED
    assert ex.check_ex1(lambda f, x: None).status == NOT_ATTEMPTED  # `lambda f, x: None` is empty
    assert ex.check_ex1(forgot_return).hint == "exercises.returned_none"


@pytest.mark.slow
def test_in_a_real_kernel_a_hang_is_stopped_and_an_error_quotes_the_cell(tmp_path):
    """A notebook kernel runs cells in its main thread: the alarm works there, and the line
    quoted is the learner's line of the cell."""
    import time

    import nbformat
    from nbclient import NotebookClient

    cells = [
        # The first check of a kernel warms torch.func up before its clock starts (seconds on a
        # busy machine); warm up here so the cell below times the hang alone.
        "import time, torch\nfrom autograd_lab import exercises as ex\n"
        "from autograd_lab.exercises import sandbox\nsandbox.warm_up()",
        "def g(a):\n    b = a\n    while b < 10:\n        b = b * 2\n    return b\n\n\n"
        "def dg(a):\n    return 1.0",
        "start = time.perf_counter()\nfeedback = ex.check_ex4(g, dg)\n"
        f"print(feedback.hint, round(time.perf_counter() - start, 1) < ex.LIMIT + {SLACK})",
        "x = 1\n\n\nprint(ex.check_ex2(lambda body, w: w.grad.zero_()).message)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    (tmp_path / "en").mkdir()
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=60,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path / "en")}},
    ).execute()
    assert time.perf_counter() - start < 60 + SLACK  # a kernel starts slowly on a busy machine
    hang, crash = nb.cells[2].outputs[0].text, nb.cells[3].outputs[0].text
    assert hang.strip() == "exercises.timeout True", hang
    quoted = "print(ex.check_ex2(lambda body, w: w.grad.zero_())"
    assert f"It happened in <lambda>, line 4: {quoted}" in crash
    assert "/tmp/" not in crash and "ipykernel" not in crash, crash


def test_a_timer_set_by_someone_else_survives_a_check():
    import signal

    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30.0)
        assert ex.check_ex2(two_gradients).passed
        left, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 25.0 < left <= 30.0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert not fired
