"""The grader's side inside a submission's kernel: take a fingerprint, run the checks, record.

`python -m tools.grade` runs each collected exercises notebook in a fresh kernel. Before the
student's first cell it runs `start()`: the course's own checks are kept aside, and a
fingerprint is taken of every function they rely on (the course modules, `torch`, its autograd
and `Tensor` methods, Python's builtins): the object's identity and, for Python functions, a
hash of their code, defaults and closure, so `ex.check_ex2 = lambda f: ...`,
`torch.allclose = lambda *a, **k: True` and `fn.__code__ = ...` are all seen. After each of the
student's check cells the grader runs `grade(item)`: the fingerprint is taken again; if anything
the checks use was replaced, the item is "tampered" and not checked; otherwise the kept check
runs on the student's answer objects (for a prediction, with the value the course's own code
gives, never the one the student's cell passed), and one JSON line goes to the results file.

The results file and a secret are the arguments of the first cell; `start()` removes that cell
from the kernel's input history before any student code runs (the kernel keeps no history
database), and a line without the secret is not the grader's. What cannot be stopped
from inside the process (a student reading the grader's own memory) is out of its reach: the
fingerprint catches the replacements a learner writes in a line or two.
"""

from __future__ import annotations

import builtins
import hashlib
import importlib
import json
import math
import types

NOTEBOOK = "08_exercises"  # the course notebook (slug) whose student edition is graded
# item -> (check function in autograd_lab.exercises, the notebook's names of the answer)
ITEMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "p1": ("check_predict1", ("prediction1",)),
    "p2": ("check_predict2", ("prediction2",)),
    "p3": ("check_predict3", ("prediction3",)),
    "p4": ("check_predict4", ("prediction4",)),
    "ex1": ("check_ex1", ("second_derivative",)),
    "ex2": ("check_ex2", ("two_gradients",)),
    "ex3": ("check_ex3", ("grad_f",)),
    "ex4": ("check_ex4", ("g", "dg")),
    "ex5": ("check_ex5", ("derivative_by_backward",)),
    "ex6": ("check_ex6", ("df",)),
}

# Modules whose functions a check relies on, directly or through another course function.
COURSE_MODULES = (
    "autograd_lab.exercises",
    "autograd_lab.exercises.checks",
    "autograd_lab.exercises.predictions",
    "autograd_lab.exercises.sandbox",
    "autograd_lab.exercises.probes",
    "autograd_lab.exercises.reference",
    "autograd_lab.exercises.feedback",
    "autograd_lab.feedback",
    "autograd_lab.language",
    "autograd_lab.practice",
    "autograd_lab.torch_errors",
    "autograd_lab.grading",
)
# Builtins the kernel itself rebinds on every execution (ipykernel's `input`) or the shell adds;
# the checks use none of them.
_SHELL_BUILTINS = frozenset(
    {"input", "raw_input", "getpass", "display", "get_ipython", "exit", "quit", "help"}
)
TORCH_MODULES = ("torch", "torch.autograd", "torch.autograd.graph", "torch.func", "torch.linalg")


def _code_hash(fn: object) -> str:
    """A hash of what a Python function runs: its code, constants, defaults and closure."""
    code = getattr(fn, "__code__", None) if isinstance(fn, types.FunctionType) else None
    if code is None:  # a builtin or a class: its identity says enough
        return ""
    digest = hashlib.blake2b(code.co_code, digest_size=8)
    digest.update(repr(code.co_consts).encode(errors="replace"))
    digest.update(repr(code.co_names).encode())
    defaults = (getattr(fn, "__defaults__", None), getattr(fn, "__kwdefaults__", None))
    digest.update(repr([id(d) for d in defaults]).encode())
    cells = getattr(fn, "__closure__", None) or ()
    digest.update(repr([id(c.cell_contents) for c in cells if _filled(c)]).encode())
    return digest.hexdigest()


def _filled(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


def _watched(value: object) -> bool:
    """Whether an attribute is code the checks may call (data such as caches changes legally)."""
    return callable(value) or isinstance(value, types.ModuleType)


def _namespaces() -> dict[str, dict]:
    import torch

    spaces = {name: vars(importlib.import_module(name)) for name in COURSE_MODULES}
    spaces.update({name: vars(importlib.import_module(name)) for name in TORCH_MODULES})
    spaces["torch.Tensor"] = dict(vars(torch.Tensor))
    spaces["torch._C.TensorBase"] = dict(vars(torch._C.TensorBase))
    spaces["builtins"] = {k: v for k, v in vars(builtins).items() if k not in _SHELL_BUILTINS}
    spaces["math"] = vars(math)
    spaces["json"] = vars(json)
    return spaces


def fingerprint() -> dict[str, tuple[int, str]]:
    """Identity and code hash of every function the checks rely on, by qualified name."""
    prints = {}
    for space, names in _namespaces().items():
        for name, value in list(names.items()):
            if name.startswith("__") or not _watched(value):
                continue
            prints[f"{space}.{name}"] = (id(value), _code_hash(value))
    return prints


def changed(before: dict[str, tuple[int, str]]) -> list[str]:
    """The names in `before` whose function is gone, replaced or rewritten."""
    now = fingerprint()
    return sorted(name for name, mark in before.items() if now.get(name) != mark)


def _observed(number: int) -> object:
    """The value a prediction item's code gives, computed by the course, not by the student."""
    from autograd_lab.exercises import predictions

    run, _ = predictions._ITEMS[number]
    return run()


def _forget(secret: str) -> None:
    """Remove every trace of the cell that passed `secret` from IPython's input history."""
    import linecache

    for name, entry in list(linecache.cache.items()):  # the cell's source, kept for tracebacks
        if len(entry) > 2 and any(secret in line for line in entry[2]):
            del linecache.cache[name]
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    history = shell.history_manager
    history._i00 = ""  # becomes `_i` when the next cell runs
    for lines in (history.input_hist_parsed, history.input_hist_raw):
        lines[:] = ["" if secret in line else line for line in lines]
    names = shell.user_ns
    for name in [n for n, v in names.items() if isinstance(v, str) and secret in v]:
        names[name] = ""


def start(path: str, secret: str) -> None:
    """Keep the checks and a fingerprint of what they use aside; record to `path` with `secret`."""
    import torch

    from autograd_lab import exercises
    from autograd_lab.exercises import sandbox

    _forget(secret)
    sandbox.warm_up()  # torch.func and friends loaded now, so their import is not a change
    checks = {item: getattr(exercises, name) for item, (name, _) in ITEMS.items()}
    before: dict[str, tuple[int, str]] = {}
    results = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the kernel's lifetime
    dumps, enable_grad = json.dumps, torch.enable_grad

    def record(**fields: object) -> None:
        results.write(dumps({**fields, "secret": secret}) + "\n")
        results.flush()

    def grade_item(item: str, namespace: dict) -> None:
        """Check one item on the student's answers in `namespace` and record its verdict."""
        tampered = changed(before)
        if tampered:
            record(item=item, status="tampered", hint="", changed=tampered[:20])
            return
        names = ITEMS[item][1]
        if any(name not in namespace for name in names):
            record(item=item, status="not_attempted", hint="")
            return
        answers = [namespace[name] for name in names]
        if item.startswith("p"):
            with enable_grad():
                answers.append(_observed(int(item[1:])))
        feedback = checks[item](*answers)
        tampered = changed(before)  # the answer itself may replace something while checked
        if tampered:
            record(item=item, status="tampered", hint="", changed=tampered[:20])
            return
        record(item=item, status=feedback.status, hint=feedback.hint)

    global grade
    grade = grade_item  # bound to this run's checks, fingerprint and secret

    before.update(fingerprint())  # after `grade` is bound: the bound one is the one kept


def _not_started(item: str, namespace: dict) -> None:
    raise RuntimeError("autograd_lab.grading.start() was not called")


# Check one item on the student's answers in `namespace` and record its verdict (`start()`
# binds it).
grade = _not_started
