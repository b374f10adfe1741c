"""Run a learner's code so that nothing it does can crash, hang or reconfigure the check.

Every call of learner code goes through `run`: it has a time limit, leaves autograd's mode as
it found it, and turns whatever happens into an `Outcome` (a value, an exception, or "did not
finish in time"). The time limit is enforced without tracing:

- in the main thread (a notebook kernel, pytest), a `SIGALRM` timer raises `Timeout` inside
  the learner's loop; a repeating interval re-raises it should the learner's code swallow it
  once with a bare `except:`, so a runaway loop really stops and the kernel is free again;
- elsewhere (no `SIGALRM`, or not the main thread) the call runs in a worker thread; when the
  deadline passes, `Timeout` is raised asynchronously in that thread, which stops a Python loop
  at its next bytecode.

A loop that catches every exception on every iteration (a bare `except:` inside `while True`)
also swallows the kernel's own interrupt: no in-process limit can stop it, and only a restart
of the kernel does. Catching `Exception`, as code usually does, does not catch `Timeout`.
"""

from __future__ import annotations

import contextvars
import ctypes
import dis
import linecache
import math
import signal
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

LIMIT = 2.0  # seconds per call of learner code; every correct answer needs milliseconds
_REPEAT = 0.05  # re-raise interval after the deadline, for code that swallows the first one
_PACKAGE = Path(__file__).resolve().parent.parent
_TORCH = Path(torch.__file__).resolve().parent
_STDLIB = Path(contextvars.__file__).resolve().parent


class Timeout(BaseException):  # noqa: N818 - raised into learner code, named for what happened
    """Raised inside learner code whose time is up (`except Exception` does not catch it)."""


@dataclass(frozen=True)
class Outcome:
    """What one call of learner code did."""

    value: object = None
    error: BaseException | None = None
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        """Return True when the call returned a value."""
        return self.error is None and not self.timed_out


def run(thunk: Callable[[], object], limit: float = LIMIT) -> Outcome:
    """Call `thunk()` with a time limit; never raise, whatever the learner's code does."""
    grad_mode = torch.is_grad_enabled()
    # The learner's warnings are not the check's output: a check cell shows its verdict only.
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        value, error, timed_out = _run(thunk, limit, grad_mode)
    return Outcome(value, error, timed_out)


def _run(thunk, limit, grad_mode):
    try:
        if _can_alarm():
            value, error, timed_out = _run_with_alarm(thunk, limit)
        else:
            value, error, timed_out = _run_in_thread(thunk, limit)
    finally:
        torch.set_grad_enabled(grad_mode)  # an answer may have switched autograd off for good
    return value, error, timed_out


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _run_with_alarm(thunk, limit):
    def alarm(signum, frame):
        raise Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    started = time.monotonic()
    outer = (0.0, 0.0)
    try:
        outer = signal.setitimer(signal.ITIMER_REAL, limit, _REPEAT)  # someone else's timer?
        try:
            return thunk(), None, False
        except Timeout:
            return None, None, True
        except (Exception, SystemExit) as err:  # the learner's exception, reported as a verdict
            return None, err, False
        finally:
            _disarm()
    except Timeout:  # the deadline fell between the learner's return and the disarming
        return None, None, True
    finally:
        _disarm()
        signal.signal(signal.SIGALRM, previous)
        if outer[0] > 0:  # give the timer we borrowed back, less the time we took
            left = max(outer[0] - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, outer[1])


def _disarm() -> None:
    while True:  # a repeating alarm may still land once while we switch it off
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
            return
        except Timeout:
            continue


def _run_in_thread(thunk, limit):
    box: dict[str, object] = {}
    context = contextvars.copy_context()  # the learner's language follows the call

    def work():
        try:
            box["value"] = context.run(thunk)
        except Timeout:
            box["timed_out"] = True
        except BaseException as err:
            box["error"] = err

    worker = threading.Thread(target=work, daemon=True, name="learner-code")
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        deadline = time.monotonic() + 5 * limit
        while worker.is_alive() and time.monotonic() < deadline:
            ctypes.pythonapi.PyThreadState_SetAsyncExc(
                ctypes.c_ulong(worker.ident), ctypes.py_object(Timeout)
            )
            worker.join(_REPEAT)
        return None, None, True
    if "error" in box and not isinstance(box["error"], (Exception, SystemExit)):
        raise box["error"]  # KeyboardInterrupt and the like belong to the caller
    return box.get("value"), box.get("error"), bool(box.get("timed_out"))


# --- what went wrong, in the learner's words -----------------------------------------------


def text_of(err: BaseException) -> str:
    """Return the first line of an exception's message, even if its `__str__` fails."""
    try:
        text = str(err)
    except Exception:
        try:
            text = repr(err)
        except Exception:
            text = ""
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def learner_line(err: BaseException) -> tuple[str, int, str] | None:
    """Return (function, line number, source line) of the learner's frame the error came from."""
    found = None
    tb = err.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if _is_learner_file(code.co_filename):
            line = linecache.getline(code.co_filename, tb.tb_lineno).strip()
            found = (code.co_name, tb.tb_lineno, line)
        tb = tb.tb_next
    return found


def _is_learner_file(filename: str) -> bool:
    if filename.startswith("<") and not filename.startswith("<ipython-input"):
        return False  # frozen importlib and the like
    try:
        path = Path(filename).resolve()
    except (OSError, ValueError):
        return True
    return not any(path.is_relative_to(p) for p in (_PACKAGE, _TORCH, _STDLIB))


# --- placeholders and answers ---------------------------------------------------------------

_TRIVIAL = {"RESUME", "NOP", "LOAD_CONST", "RETURN_VALUE", "RETURN_CONST", "CACHE"}


def is_placeholder(answer: object) -> bool:
    """Return True for `...`, None, or a function whose body does nothing (`...`, `pass`)."""
    # (`raise NotImplementedError`, the other usual placeholder, is told by `checks.failed`.)
    if answer is None or answer is Ellipsis:
        return True
    code = getattr(answer, "__code__", None)
    if code is None:
        return False
    try:
        ops = {ins.opname for ins in dis.get_instructions(code)}
    except TypeError:
        return False
    doc = getattr(answer, "__doc__", None)
    constants = [c for c in code.co_consts if c is not None and c is not Ellipsis and c != doc]
    return ops <= _TRIVIAL and not code.co_names and not constants


def as_tensor(value: object) -> torch.Tensor | None:
    """Return a learner's value as a detached tensor (tensor, number, list, array), else None."""
    if isinstance(value, torch.Tensor):
        return value.detach()
    if isinstance(value, bool) or value is None or value is Ellipsis:
        return None
    if isinstance(value, (int, float)):
        return torch.tensor(float(value), dtype=torch.float64)
    if isinstance(value, (list, tuple)) or hasattr(value, "__array__"):
        try:  # a list of Python floats holds float64 numbers: keep them so
            tensor = torch.as_tensor(value, dtype=torch.float64 if _pure(value) else None)
        except Exception:
            return None
        if tensor.dtype == torch.bool:
            return None
        return tensor.detach()
    return None


def _pure(value: object) -> bool:
    if isinstance(value, (list, tuple)):
        return all(_pure(v) for v in value)
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def close(a: torch.Tensor, b: torch.Tensor, tol: float = 1e-6) -> bool:
    """Return True if two real tensors have one shape and agree to `tol` (relative and absolute)."""
    if a.shape != b.shape or a.is_complex() or b.is_complex():
        return False
    a, b = a.double(), b.double()
    if not bool(torch.isfinite(a).all()):
        return False
    return torch.allclose(a, b, rtol=tol, atol=tol)


def agreement_digits(a: torch.Tensor, b: torch.Tensor) -> int:
    """Return how many significant digits two tensors of one shape share (at worst)."""
    a, b = a.double(), b.double()
    scale = b.abs().clamp_min(1.0)
    worst = float(((a - b).abs() / scale).max())
    return 16 if worst == 0 else max(0, min(16, int(-math.log10(worst))))
