"""Watch how an answer was obtained, with autograd's own instruments (no tracing of Python).

- `BackwardProbe` counts the backward passes that reach an input (a hook on the tensor) and
  tells which graph each pass ran on: saved-tensor hooks number every tensor a graph saves
  when it is built, and a pass that unpacks the saved tensors of an earlier pass ran on that
  same graph; one that unpacks only new ones ran on a graph built anew.
- `by_hand()` switches autograd off for a derivative that must be worked out by hand: it runs
  under `torch.inference_mode()`, a torch-function mode refuses the entry points of autograd
  in every mode (`backward`, `torch.autograd.grad`, `requires_grad_`, dual tensors, and any
  `torch.func` transform), and starting a thread is refused (autograd in another thread would
  escape both). It also records whether the code stepped off its input (`Watch`).
- `Spy` wraps a function the learner must differentiate with autograd, and records whether a
  backward pass ever flowed through its output.
- `Watch` records what learner code does with tensors, without changing it: whether it entered
  autograd (any mode, `torch.func` included), whether it stepped off the input by a small
  amount (`x + h`: a difference quotient), and how often it turned a tensor into a Python
  value to decide on (`if`, `while`, `for`, `.item()`).
- `calls_of` records, for one block, the arguments with which the learner's code calls one of
  the learner's own functions by its global name (a derivative that evaluates g at a ± h is a
  difference quotient, not a formula).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

import torch
from torch.overrides import TorchFunctionMode


class BackwardProbe:
    """Count backward passes into `leaf`, the gradients they brought, and the graphs they used."""

    def __init__(self, leaf: torch.Tensor):
        self.passes: list[frozenset[int]] = []  # per pass: the saved tensors it unpacked
        self.gradients: list[torch.Tensor] = []
        self._packed = 0
        self._unpacked: set[int] = set()
        self._handle = leaf.register_hook(self._arrived)

    def _arrived(self, grad: torch.Tensor) -> None:
        self.passes.append(frozenset(self._unpacked))
        self._unpacked.clear()
        self.gradients.append(grad.detach().clone())

    def _pack(self, tensor: torch.Tensor) -> tuple[int, torch.Tensor]:
        self._packed += 1
        return self._packed, tensor

    def _unpack(self, packed: tuple[int, torch.Tensor]) -> torch.Tensor:
        number, tensor = packed
        self._unpacked.add(number)
        return tensor

    @contextlib.contextmanager
    def watching(self) -> Iterator[BackwardProbe]:
        """Number the tensors saved by graphs built inside the block."""
        with torch.autograd.graph.saved_tensors_hooks(self._pack, self._unpack):
            yield self

    def close(self) -> None:
        """Remove the hook from the leaf."""
        self._handle.remove()

    @property
    def count(self) -> int:
        """Return how many backward passes reached the leaf."""
        return len(self.passes)

    def rebuilt(self) -> bool:
        """Return True if some pass ran on a graph built after the previous pass."""
        for before, after in zip(self.passes, self.passes[1:], strict=False):
            if before and after and not (before & after):
                return True
        return False

    def total(self) -> torch.Tensor | None:
        """Return the sum of the gradients that reached the leaf, or None if none did."""
        if not self.gradients:
            return None
        return torch.stack(self.gradients).sum(0)


class AutogradUsed(RuntimeError):
    """Raised when code that must work by hand reaches for autograd."""


class ThreadStarted(RuntimeError):
    """Raised when code that must work by hand starts a thread (the check cannot see into it)."""


# Entry points into autograd, as a torch-function mode sees them (torch.func calls these too).
_AUTOGRAD_ENTRIES = {"grad", "backward", "requires_grad_", "_make_dual", "make_dual"}
_AUTOGRAD_CALLS = {
    torch.autograd.grad,
    torch.autograd.backward,
    torch.Tensor.backward,
    torch.Tensor.requires_grad_,
}
# Turning a tensor into a Python value: what an `if`, `while` or `for` on a tensor does.
_DECISIONS = {"__bool__", "__float__", "__int__", "__index__", "item", "tolist"}
_STEPS = {"add", "sub", "__add__", "__sub__", "__radd__", "__rsub__", "add_", "sub_"}
_SMALL = 0.1  # a step below this, off the very input, is a difference quotient's h


def _in_transform() -> bool:
    """Return True while a torch.func transform (grad, vjp, jvp, vmap of grad...) is active."""
    return torch._C._functorch.peek_interpreter_stack() is not None


def _entering_autograd(func, name: str, args: tuple) -> bool:
    if func in _AUTOGRAD_CALLS or name in _AUTOGRAD_ENTRIES or _in_transform():
        return True
    if name == "_set_grad_enabled" and args and args[0]:  # no_grad() inside stays allowed
        return True
    setter = getattr(func, "__self__", None)
    return name == "__set__" and getattr(setter, "__name__", "") == "requires_grad"


def _uniform_small(value: object) -> bool:
    """Whether `value` is one small nonzero number (a Python number or a uniform tensor)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return 0 < abs(value) < _SMALL
    if isinstance(value, torch.Tensor) and value.numel() > 0 and not value.is_complex():
        value = value.detach()
        first = value.reshape(-1)[0]
        return bool((value == first).all()) and 0 < abs(float(first)) < _SMALL
    return False


class Watch(TorchFunctionMode):
    """Record, without changing anything: autograd entered, steps off `inputs`, decisions made."""

    def __init__(self, *inputs: torch.Tensor):
        super().__init__()
        self.inputs = tuple(t.detach() for t in inputs)
        self.autograd: list[str] = []
        self.stepped = False
        self.decisions = 0

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if _entering_autograd(func, name, args):
            self.autograd.append(name)
        elif name in _DECISIONS:
            self.decisions += 1
        elif name in _STEPS and not self.stepped:
            self.stepped = self._steps_off(args)
        return func(*args, **(kwargs or {}))

    def _steps_off(self, args: tuple) -> bool:
        """Whether `args` are one of the inputs and a small step: `x + h`, `h + x`, `x - h`."""
        if len(args) < 2:
            return False
        for tensor, step in ((args[0], args[1]), (args[1], args[0])):
            if isinstance(tensor, torch.Tensor) and _uniform_small(step) and self._is_input(tensor):
                return True
        return False

    def _is_input(self, tensor: torch.Tensor) -> bool:
        tensor = tensor.detach()
        return any(
            tensor.shape == x.shape
            and not tensor.is_complex()
            and torch.equal(tensor.to(x.dtype), x)
            for x in self.inputs
        )


class _NoAutograd(Watch):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = getattr(func, "__name__", "")
        if _entering_autograd(func, name, args):
            raise AutogradUsed(name)
        return super().__torch_function__(func, types, args, kwargs)


@contextlib.contextmanager
def by_hand(*inputs: torch.Tensor) -> Iterator[Watch]:
    """Run the block with autograd unavailable in any mode or thread; watch steps off `inputs`."""
    start = threading.Thread.start

    def refuse(thread):
        raise ThreadStarted(getattr(thread, "name", "thread"))

    threading.Thread.start = refuse
    try:
        with torch.inference_mode(), _NoAutograd(*inputs) as watch:
            yield watch
    finally:
        threading.Thread.start = start


class Spy:
    """Wrap `f`; record each call's input and whether a backward pass flowed through its output."""

    def __init__(self, f: Callable[[torch.Tensor], torch.Tensor]):
        self.f = f
        self.calls_with_grad = 0
        self.backward_through_output = 0

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if isinstance(x, torch.Tensor) and x.requires_grad:
            self.calls_with_grad += 1
        out = self.f(x)
        if isinstance(out, torch.Tensor) and out.requires_grad:
            out.register_hook(self._through)
        return out

    def _through(self, grad: torch.Tensor) -> None:
        self.backward_through_output += 1


@contextlib.contextmanager
def calls_of(fn: object, namespace: object) -> Iterator[list[tuple]]:
    """Record the arguments of every call of `fn` made through its name in `namespace`."""
    calls: list[tuple] = []
    name = getattr(fn, "__name__", None)
    if not isinstance(namespace, dict) or not name or namespace.get(name) is not fn:
        yield calls  # nothing to watch: a lambda, or a name bound to something else
        return

    def recording(*args, **kwargs):
        calls.append(args)
        return fn(*args, **kwargs)

    namespace[name] = recording
    try:
        yield calls
    finally:
        namespace[name] = fn  # the learner's namespace is left as it was
