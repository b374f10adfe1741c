"""Run a learner's code so that nothing it does can crash, hang or harm the learner's session.

Every call of learner code goes through `run`: it has a time limit, and turns whatever happens
into an `Outcome` (a value, an exception, or "did not finish in time"). Around the call:

- before the clock starts, what an answer may import on first use (`torch.func`, which loads
  PyTorch's compiler stack for about a second) is imported once (`warm_up`), so import time is
  never counted against the answer and an import is never cut in half;
- in the main thread (a notebook kernel, pytest), a repeating `SIGALRM` timer raises `Timeout`
  inside the learner's loop. It never raises inside a clean-up (`__exit__`) or an import, so
  PyTorch's context managers (`saved_tensors_hooks`, modes) and the checks' probes always
  finish putting things back. A watchdog thread backs it up: if the
  alarm was disarmed or ignored, `Timeout` is raised asynchronously in the main thread once a
  grace period has passed;
- elsewhere (no `SIGALRM`, or not the main thread) the call runs in a worker thread that is
  stopped the same asynchronous way;
- afterwards everything a call may have left changed is put back: grad mode, anomaly mode, the
  default dtype, the torch-function and dispatch mode stacks, the saved-tensor hooks, the
  `SIGALRM` / `SIGINT` handlers and the interval timer; threads the code started are stopped.
  If the session is still not healthy (`torch.func` or a backward pass fails), the outcome says
  so (`Outcome.broken`): the learner is told to restart the kernel, and the answer is not blamed.

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
from dataclasses import dataclass, field
from pathlib import Path

import torch

# Seconds per call of learner code. Right answers need milliseconds once `warm_up` has run;
# the margin covers a machine whose cores are busy with other work (and a classroom hub).
LIMIT = 5.0
_REPEAT = 0.05  # re-raise interval after the deadline, for code that swallows the first one
_GRACE = 2.0  # after the deadline, the watchdog stops code the alarm could not reach
_PACKAGE = Path(__file__).resolve().parent.parent
_TORCH = Path(torch.__file__).resolve().parent
_STDLIB = Path(contextvars.__file__).resolve().parent
_IMPORTING = "<frozen importlib._bootstrap"


class Timeout(BaseException):  # noqa: N818 - raised into learner code, named for what happened
    """Raised inside learner code whose time is up (`except Exception` does not catch it)."""


@dataclass(frozen=True)
class Outcome:
    """What one call of learner code did, and what it left behind in the session."""

    value: object = None
    error: BaseException | None = None
    timed_out: bool = False
    restored: tuple[str, ...] = field(default=())  # what the code had changed and was put back
    broken: bool = False  # the session still fails a health check after the restoring

    @property
    def ok(self) -> bool:
        """Return True when the call returned a value."""
        return self.error is None and not self.timed_out and not self.broken


_warmed = False


def warm_up() -> None:
    """Import and run once what answers may use first, so no check counts import time."""
    global _warmed
    if _warmed:
        return
    import torch.func  # noqa: F401 - loads torch._dynamo and friends on first use

    x = torch.tensor([0.5, 1.0], dtype=torch.float64)
    torch.func.vmap(torch.func.grad(torch.func.grad(torch.sin)))(x)
    torch.func.jvp(torch.sin, (x,), (torch.ones_like(x),))
    torch.func.vjp(torch.sin, x)[1](torch.ones_like(x))
    torch.func.jacrev(torch.sin)(x)
    torch.func.jacfwd(torch.sin)(x)
    torch.autograd.functional.jacobian(torch.sin, x)
    _warmed = True


def run(thunk: Callable[[], object], limit: float | None = None) -> Outcome:
    """Call `thunk()` with a time limit (`LIMIT` s); never raise, leave the session as it was."""
    limit = LIMIT if limit is None else limit
    # The learner's warnings are not the check's output: a check cell shows its verdict only.
    # (The warm-up's own warnings, such as a deprecation inside torch.func, are not either.)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        warm_up()
        state = _State.save()
        try:
            if _can_alarm():
                value, error, timed_out = _run_with_alarm(thunk, limit)
            else:
                value, error, timed_out = _run_in_thread(thunk, limit)
        finally:
            restored = state.restore()
    broken = bool(restored) and not _healthy()
    return Outcome(value, error, timed_out, restored, broken)


@dataclass
class _State:
    """What learner code can change in the session, saved before a call and put back after."""

    grad: bool
    anomaly: bool
    dtype: torch.dtype
    function_modes: int
    dispatch_modes: int
    hooks: object
    hooks_enabled: bool
    handlers: dict
    threads: frozenset

    @classmethod
    def save(cls) -> _State:
        handlers = {}
        if _can_alarm():
            handlers = {s: signal.getsignal(s) for s in (signal.SIGALRM, signal.SIGINT)}
        return cls(
            grad=torch.is_grad_enabled(),
            anomaly=torch.is_anomaly_enabled(),
            dtype=torch.get_default_dtype(),
            function_modes=torch._C._len_torch_function_stack(),
            dispatch_modes=torch._C._len_torch_dispatch_stack(),
            hooks=torch._C._autograd._top_saved_tensors_default_hooks(False),
            hooks_enabled=torch._C._autograd._saved_tensors_hooks_is_enabled(),
            handlers=handlers,
            threads=frozenset(threading.enumerate()),
        )

    def restore(self) -> tuple[str, ...]:
        """Put everything back; return the names of what had been changed."""
        changed = []
        # Modes first: a mode left pushed would intercept the very torch calls that follow.
        if torch._C._len_torch_function_stack() > self.function_modes:
            changed.append("torch_function_mode")
            while torch._C._len_torch_function_stack() > self.function_modes:
                torch._C._pop_torch_function_stack()
        if torch._C._len_torch_dispatch_stack() > self.dispatch_modes:
            changed.append("dispatch_mode")
            while torch._C._len_torch_dispatch_stack() > self.dispatch_modes:
                torch._C._pop_torch_dispatch_stack()
        if not _same_hooks(torch._C._autograd._top_saved_tensors_default_hooks(False), self.hooks):
            changed.append("saved_tensors_hooks")
            for _ in range(1000):  # a stack we can only pop, bounded in case it never matches
                top = torch._C._autograd._top_saved_tensors_default_hooks(False)
                if top is None or _same_hooks(top, self.hooks):
                    break
                torch._C._autograd._pop_saved_tensors_default_hooks()
        if torch._C._autograd._saved_tensors_hooks_is_enabled() != self.hooks_enabled:
            changed.append("saved_tensors_hooks_enabled")
            if self.hooks_enabled:
                torch._C._autograd._saved_tensors_hooks_enable()
        if torch.is_grad_enabled() != self.grad:
            changed.append("grad_mode")
            torch.set_grad_enabled(self.grad)
        if torch.is_anomaly_enabled() != self.anomaly:
            changed.append("anomaly_mode")
            torch.set_anomaly_enabled(self.anomaly)
        if torch.get_default_dtype() != self.dtype:
            changed.append("default_dtype")
            torch.set_default_dtype(self.dtype)
        if torch.is_inference_mode_enabled():
            changed.append("inference_mode")  # cannot be switched off from here: health check
        for signum, handler in self.handlers.items():
            if signal.getsignal(signum) is not handler:
                changed.append(f"signal_{signal.Signals(signum).name}")
                signal.signal(signum, handler)
        started = [t for t in threading.enumerate() if t not in self.threads and _learners(t)]
        if started:
            changed.append("threads")
            for thread in started:
                _stop_thread(thread)
        return tuple(changed)


def _same_hooks(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is b
    return all(x is y for x, y in zip(a, b, strict=True))


def _healthy() -> bool:
    """Return True if autograd still works in this session: a backward pass and `torch.func`."""
    try:
        x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
        torch.sin(x).backward()
        by_func = torch.func.grad(torch.sin)(torch.tensor(0.5, dtype=torch.float64))
        return bool(torch.isclose(x.grad, by_func)) and not torch.is_inference_mode_enabled()
    except Exception:
        return False


def _learners(thread: threading.Thread) -> bool:
    """Return True for a live thread whose work is the learner's code (not the kernel's)."""
    work = getattr(thread, "_target", None) or type(thread).run
    code = getattr(work, "__code__", None)
    return thread.is_alive() and code is not None and _is_learner_file(code.co_filename)


def _stop_thread(thread: threading.Thread) -> None:
    """Raise Timeout in a thread the learner's code started and left running."""
    hook = threading.excepthook

    def quiet(args):  # the thread's end is expected: no traceback on the learner's stderr
        if args.exc_type is not Timeout:
            hook(args)

    threading.excepthook = quiet
    try:
        deadline = time.monotonic() + 1.0
        while thread.is_alive() and time.monotonic() < deadline:
            _raise_in(thread.ident, Timeout)
            thread.join(_REPEAT)
    finally:
        threading.excepthook = hook


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


_CLEAN_UP = {"__exit__", "__aexit__", "__del__"}


def _interruptible(frame) -> bool:
    """Return False while a clean-up (`__exit__`) or an import is under way in `frame`'s stack."""
    while frame is not None:
        code = frame.f_code
        if code.co_name in _CLEAN_UP or code.co_filename.startswith(_IMPORTING):
            return False
        frame = frame.f_back
    return True


class _Watchdog:
    """Raise Timeout in a thread once its deadline plus a grace period have passed."""

    def __init__(self, ident: int, delay: float) -> None:
        self._ident = ident
        self._lock = threading.Lock()
        self._done = False
        self._fired = False
        self._thread = threading.Thread(target=self._watch, args=(delay,), daemon=True)
        self._stop = threading.Event()

    def __enter__(self) -> _Watchdog:
        self._thread.start()
        return self

    def _watch(self, delay: float) -> None:
        if self._stop.wait(delay):
            return
        while not self._stop.wait(_REPEAT):
            with self._lock:
                if self._done:
                    return
                self._fired = True
                _raise_in(self._ident, Timeout)

    def __exit__(self, *exc) -> None:
        with self._lock:
            self._done = True
            if self._fired:
                _raise_in(self._ident, None)  # clear an exception not yet delivered
        self._stop.set()
        self._thread.join()


def _raise_in(ident: int, error: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(ident), ctypes.py_object(error) if error is not None else None
    )


def _run_with_alarm(thunk, limit):
    started = time.monotonic()

    def alarm(signum, frame):
        # Never inside a clean-up (`__exit__`) or an import: cutting one in half would
        # leave the session broken. The repeating timer comes back every
        # _REPEAT s, so the loop is stopped at its next step.
        if _interruptible(frame):
            raise Timeout

    previous = signal.signal(signal.SIGALRM, alarm)
    outer = (0.0, 0.0)
    try:
        outer = signal.setitimer(signal.ITIMER_REAL, limit, _REPEAT)  # someone else's timer?
        with _Watchdog(threading.get_ident(), limit + _GRACE):
            try:
                return thunk(), None, False
            except Timeout:
                return None, None, True
            except (Exception, SystemExit) as err:  # the learner's exception, as a verdict
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
            _raise_in(worker.ident, Timeout)
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


def raised_by_learner(err: BaseException) -> bool:
    """Return True if the innermost frame of the error's traceback is the learner's code."""
    tb = err.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    return _is_learner_file(tb.tb_frame.f_code.co_filename)


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
