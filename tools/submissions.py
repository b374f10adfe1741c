"""Write made-up submissions of the exercises notebook, filled in from the student edition.

Each submission is the student edition with some answer cells filled in (rightly, with a
typical misconception, or left blank) and, for some, a misbehaviour added: an infinite loop,
megabytes of output, a kernel that exits, a check or a torch function replaced, or a file that
is not JSON at all. The grading tests and the throughput benchmark grade them.

    python -m tools.submissions OUT_DIR [--count 300] [--lang en] [--seed 0]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
from pathlib import Path

from autograd_lab import course
from autograd_lab.grading import NOTEBOOK

# item -> the first line of its answer cell in the student edition
ANSWER_CELLS = {
    "p1": "prediction1 = ...",
    "p2": "prediction2 = ...",
    "p3": "prediction3 = ...",
    "p4": "prediction4 = ...",
    "ex1": "def second_derivative(f, x):",
    "ex2": "def two_gradients(body, w):",
    "ex3": "def grad_f(a):",
    "ex4": "def g(a):",
    "ex5": "def derivative_by_backward(f, x):",
    "ex6": "def df(x):",
}

RIGHT = {
    "p1": "prediction1 = [0.0, 8.0, 16.0, 24.0]",
    "p2": "prediction2 = [3.0, 5.0, 7.0]",
    "p3": "prediction3 = [0.0, 1.0, 4.0, 9.0]",
    "p4": "prediction4 = 409600.0",
    "ex1": """def second_derivative(f, x):
    x = x.detach().requires_grad_(True)
    (d1,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    (d2,) = torch.autograd.grad(d1.sum(), x)
    return d2""",
    "ex2": """def two_gradients(body, w):
    h = body(w)
    (h * h).sum().backward(retain_graph=True)
    g1 = w.grad.clone()
    w.grad = None
    h.sum().backward()
    return g1, w.grad""",
    "ex3": """def grad_f(a):
    f(a).sum().backward()
    return a.grad""",
    "ex4": """def g(a):
    if a > 0:
        return a * a
    return -a


def dg(a):
    return 2 * a if a > 0 else -1.0""",
    "ex5": """def derivative_by_backward(f, x):
    x = x.detach().requires_grad_(True)
    f(x).sum().backward()
    return x.grad""",
    "ex6": """def df(x):
    return 2 * torch.sin(x) / x + torch.log(x**2) * torch.cos(x) - 1 / x**2""",
}

# One typical misconception per item (the hint the checks give it is in the comment).
WRONG = {
    "p1": "prediction1 = [0.0, 4.0, 8.0, 12.0]",  # p1_once
    "p2": "prediction2 = [1.0, 1.0, 1.0]",  # p2_ones
    "p3": "prediction3 = [0.0, 3.0, 12.0, 27.0]",  # p3_through
    "p4": "prediction4 = 4096.0",  # p4_branch
    "ex1": """def second_derivative(f, x):
    x = x.detach().requires_grad_(True)
    (d1,) = torch.autograd.grad(f(x).sum(), x)
    return d1""",  # ex1_first_derivative
    "ex2": """def two_gradients(body, w):
    h = body(w)
    (h * h).sum().backward()
    g1 = w.grad.clone()
    w.grad = None
    h.sum().backward()
    return g1, w.grad""",  # ex2_freed
    "ex3": """def grad_f(a):
    f(a).backward()
    return a.grad""",  # ex3_not_scalar
    "ex4": """def g(a):
    return a * a


def dg(a):
    return 2 * a""",  # ex4_one_path
    "ex5": """def derivative_by_backward(f, x):
    return torch.cos(x)""",  # ex5_no_backward
    "ex6": """def df(x):
    return torch.sin(x) / x**2 + torch.log(x**2) * torch.cos(x) - 1 / x**2""",  # ex6_inner
}

# Misbehaviours: (where the line goes: an item's answer cell, the line)
LOOP = ("ex2", "while True:\n    pass")
FLOOD = ("ex2", "for _ in range(10**6):\n    print('x' * 1000)")
EXIT = ("ex2", "import os\nos._exit(1)")
KILL = ("ex2", "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)")
TAMPERINGS = {
    # the one-liner of the issue: the check itself replaced by one that always says correct
    "check": (
        "ex2",
        "from autograd_lab.feedback import Feedback\n"
        "ex.check_ex2 = lambda f: Feedback(2, 'correct', 'ok', hint='exercises.ex2_correct')",
    ),
    # every comparison of the checks says "equal"
    "allclose": ("p1", "torch.allclose = lambda *a, **k: True"),
    # the sandbox's placeholder test rewritten in place (same object, new code)
    "sandbox": (
        "ex1",
        "import autograd_lab.exercises.sandbox as sb\n"
        "sb.close.__code__ = (lambda a, b, tol=1e-6: True).__code__",
    ),
    # the grader's own function, which the grade cells call, replaced by one that records nothing
    "grader": ("p1", "import autograd_lab.grading as gr\ngr.grade = lambda item, namespace: None"),
}


def student_edition(lang: str) -> dict:
    """The stored student edition of the exercises notebook in `lang`."""
    path = course.COURSE.path(NOTEBOOK, lang, course.STUDENT)
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def fill(base: dict, answers: dict[str, str], extra: dict[str, str] | None = None) -> dict:
    """The student edition with `answers` (item -> code) in place and `extra` lines appended."""
    nb = copy.deepcopy(base)
    extra = extra or {}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        for item, first in ANSWER_CELLS.items():
            if _source(cell).startswith(first):
                code = answers.get(item)
                source = code if code is not None else _source(cell)
                if item in extra:
                    source += "\n" + extra[item]
                cell["source"] = source
    return nb


def submission(kind: str, rng: random.Random, base: dict) -> dict | str:
    """One made-up submission of a kind (right, mixed, blank, loop, flood, exit, kill,
    tampered-check, tampered-allclose, tampered-sandbox, tampered-grader); `invalid` gives
    text, not JSON."""
    if kind == "invalid":
        return '{"cells": [ {"cell_type": "code", "source": "x = 1"'  # cut off mid-upload
    if kind == "right":
        return fill(base, RIGHT)
    if kind == "blank":
        return fill(base, {})
    if kind == "mixed":
        answers = {}
        for item in ANSWER_CELLS:
            choice = rng.choices(["right", "wrong", "blank"], weights=[5, 4, 1])[0]
            if choice != "blank":
                answers[item] = (RIGHT if choice == "right" else WRONG)[item]
        return fill(base, answers)
    misbehaviours = {"loop": LOOP, "flood": FLOOD, "exit": EXIT, "kill": KILL}
    if kind in misbehaviours:
        item, line = misbehaviours[kind]
        return fill(base, RIGHT, {item: line})
    if kind.startswith("tampered-"):
        item, line = TAMPERINGS[kind.removeprefix("tampered-")]
        return fill(base, {}, {item: line})  # empty answers: only a forged check would pass
    raise ValueError(f"unknown kind of submission {kind!r}")


# The benchmark's class: mostly honest work, some broken, a few misbehaving or cheating.
MIX = {
    "mixed": 50,
    "right": 15,
    "blank": 8,
    "invalid": 6,
    "loop": 3,
    "flood": 3,
    "exit": 2,
    "kill": 2,
    "tampered-check": 4,
    "tampered-allclose": 4,
    "tampered-sandbox": 3,
    "tampered-grader": 2,
}


def write(out: Path, kinds: list[str], lang: str = "en", seed: int = 0) -> list[Path]:
    """Write one submission per kind into `out` as `NNN-kind.ipynb`; return their paths."""
    rng = random.Random(seed)
    base = student_edition(lang)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, kind in enumerate(kinds, 1):
        content = submission(kind, rng, base)
        path = out / f"s{number:03d}-{kind}.ipynb"
        text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def class_mix(count: int, seed: int = 0) -> list[str]:
    """`count` kinds drawn in the proportions of `MIX`."""
    rng = random.Random(seed)
    return rng.choices(list(MIX), weights=list(MIX.values()), k=count)


def main(argv: list[str] | None = None) -> int:
    """Write a made-up class of submissions."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--lang", default="en", choices=course.LANGUAGES)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    paths = write(args.out, class_mix(args.count, args.seed), args.lang, args.seed)
    print(f"wrote {len(paths)} submissions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
