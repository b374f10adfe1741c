"""The learner's session is never harmed by a check: whatever an answer leaves behind is put
back, a runaway answer is stopped even if it disarms the alarm, and the first `torch.func` call
of a session is never counted against the answer's time."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import torch
from torch.overrides import TorchFunctionMode

from autograd_lab.exercises import sandbox
from tests.helpers import ROOT

QUICK = 0.3  # a short limit, so the runaway answers below cost little time


def session_healthy() -> None:
    """Assert that autograd works as a fresh session's does."""
    assert torch.is_grad_enabled()
    assert not torch.is_anomaly_enabled()
    assert torch.get_default_dtype() == torch.float32
    assert torch._C._len_torch_function_stack() == 0
    assert torch._C._len_torch_dispatch_stack() == 0
    assert torch._C._autograd._top_saved_tensors_default_hooks(False) is None
    assert float(torch.func.grad(torch.sin)(torch.tensor(0.0))) == 1.0
    x = torch.tensor(2.0, requires_grad=True)
    (x * x).backward()
    assert float(x.grad) == 4.0


def push_function_mode():
    TorchFunctionMode().__enter__()
    raise ValueError("left a mode pushed")


def loop_inside_saved_tensors_hooks():
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        while True:
            pass


def change_global_modes():
    torch.set_grad_enabled(False)
    torch.set_anomaly_enabled(True)
    torch.set_default_dtype(torch.float64)
    torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t).__enter__()
    return 1


def ignore_the_alarm_and_loop():
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass


def disarm_the_timer_and_loop():
    signal.setitimer(signal.ITIMER_REAL, 0)
    while True:
        pass


def start_a_thread():
    def spin():
        while True:
            time.sleep(0.01)

    threading.Thread(target=spin, daemon=True, name="learner-spin").start()
    return 1


def test_a_pushed_mode_is_popped_and_the_error_is_the_learners():
    outcome = sandbox.run(push_function_mode)
    assert isinstance(outcome.error, ValueError)
    assert outcome.restored == ("torch_function_mode",)
    assert not outcome.broken
    session_healthy()


def test_a_loop_inside_saved_tensors_hooks_times_out_and_leaves_no_hook():
    outcome = sandbox.run(loop_inside_saved_tensors_hooks, limit=QUICK)
    assert outcome.timed_out
    session_healthy()


def test_global_modes_the_answer_changed_are_put_back():
    outcome = sandbox.run(change_global_modes)
    assert outcome.value == 1
    assert set(outcome.restored) == {
        "saved_tensors_hooks",
        "grad_mode",
        "anomaly_mode",
        "default_dtype",
    }
    assert not outcome.broken
    session_healthy()


@pytest.mark.parametrize("answer", [ignore_the_alarm_and_loop, disarm_the_timer_and_loop])
def test_an_answer_that_silences_the_alarm_is_still_stopped(answer):
    handler = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    outcome = sandbox.run(answer, limit=QUICK)
    took = time.monotonic() - started
    assert outcome.timed_out
    assert took < QUICK + sandbox._GRACE + 5  # stopped by the watchdog, not left running
    assert signal.getsignal(signal.SIGALRM) is handler
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    session_healthy()


def test_a_thread_the_answer_started_is_stopped_quietly(capfd):
    outcome = sandbox.run(start_a_thread)
    assert outcome.value == 1
    assert outcome.restored == ("threads",)
    time.sleep(0.1)
    assert "learner-spin" not in [t.name for t in threading.enumerate()]
    assert capfd.readouterr().err == ""
    session_healthy()


def test_an_untouched_session_reports_nothing_restored():
    outcome = sandbox.run(lambda: torch.ones(2).sum())
    assert outcome.ok and outcome.restored == () and not outcome.broken


@pytest.mark.slow
def test_the_first_torch_func_call_of_a_session_is_not_counted():
    # A fresh interpreter, as a fresh kernel: the answer is the session's first torch.func call,
    # whose import takes about a second on its own, more on a busy core.
    script = textwrap.dedent(
        """
        import time
        from torch.func import grad, vmap
        from autograd_lab import exercises, language
        from autograd_lab.exercises import sandbox

        def second_derivative(f, x):
            return vmap(grad(grad(f)))(x)

        with language.use("en"):
            started = time.monotonic()
            feedback = exercises.check_ex1(second_derivative)
        print(feedback.status, round(time.monotonic() - started, 1), sandbox.LIMIT)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    status, _took, _limit = done.stdout.split()
    assert status == "correct"
