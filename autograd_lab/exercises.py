"""Instant feedback for the exercises of notebook 05.

Every check runs the learner's answer with real PyTorch and compares what it *does* with
what autograd does on a small grid of inputs, never the text of the answer. A check returns
a `Feedback`: correct (a short confirmation), wrong (a hint that does not give the answer
away) or not attempted (the placeholder `...`/`None` of the student edition is still there).

Feedback is written in the learner's language: `set_language("zh")` (the default) or
`set_language("en")`, called once in the notebook's setup cell. Every message exists in both
languages (`_MESSAGES`); a `Feedback` keeps the language it was written in.
"""

from __future__ import annotations

import html
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

CORRECT = "correct"
WRONG = "wrong"
NOT_ATTEMPTED = "not_attempted"

LANGUAGES = ("zh", "en")
_COLOURS = {CORRECT: "#2e7d32", WRONG: "#c62828", NOT_ATTEMPTED: "#757575"}
_EXERCISE = {"zh": "练习", "en": "Exercise"}
_LABELS = {
    "zh": {CORRECT: "【正确】", WRONG: "【再想想】", NOT_ATTEMPTED: "【未作答】"},
    "en": {CORRECT: "[Correct]", WRONG: "[Think again]", NOT_ATTEMPTED: "[Not attempted]"},
}

# Every sentence a check can say, in each language; `{name}` fields are filled in by `_say`.
# Hints point at the mistake and never name the function or argument that fixes it.
_MESSAGES: dict[str, dict[str, str]] = {
    "not_attempted": {
        "zh": "把答案格里的 ... 换成你的代码，运行它，再运行这一格检查。",
        "en": "Replace the ... in the answer cell with your code, run it, then run this cell "
        "to check.",
    },
    "raised": {
        "zh": "你的代码抛出了 {error}：{detail}",
        "en": "Your code raised {error}: {detail}",
    },
    # exercise 1
    "ex1_not_callable": {
        "zh": "需要一个函数 second_derivative(f, x)，而不是一个值。",
        "en": "Expected a function second_derivative(f, x), not a value.",
    },
    "ex1_no_graph": {
        "zh": "一阶导数没有带着计算图，autograd 没法再对它求导。",
        "en": "The first derivative carries no computation graph, so autograd cannot "
        "differentiate it again.",
    },
    "ex1_shape": {
        "zh": "结果应是与 x 形状相同的张量 {shape}。",
        "en": "The result should be a tensor of the same shape as x, {shape}.",
    },
    "ex1_first_derivative": {
        "zh": "对 f(x) = {function}，你返回的是一阶导数：还要再求一次。",
        "en": "For f(x) = {function} you returned the first derivative: differentiate once more.",
    },
    "ex1_mismatch": {
        "zh": "对 f(x) = {function}，结果与 autograd 的二阶导数不一致。",
        "en": "For f(x) = {function} the result does not match autograd's second derivative.",
    },
    "ex1_correct": {
        "zh": "{functions} 个函数、各 {points} 个点上都与二阶导数一致。",
        "en": "Matches the second derivative for {functions} functions at {points} points each.",
    },
    # exercise 2
    "ex2_not_callable": {
        "zh": "需要一个函数 backward_twice(x)，它返回 x.grad。",
        "en": "Expected a function backward_twice(x) that returns x.grad.",
    },
    "ex2_freed": {
        "zh": "第二次 backward 报错：第一次反向传播结束后，计算图里保存的中间结果已被释放。"
        "找一找让第一次 backward 保留计算图的办法。",
        "en": "The second backward failed: when the first backward pass finished, the "
        "intermediate results saved in the graph were freed. Look for a way to make the first "
        "backward keep the graph.",
    },
    "ex2_shape": {
        "zh": "请返回 x.grad（与 x 形状相同的张量）。",
        "en": "Return x.grad (a tensor of the same shape as x).",
    },
    "ex2_once": {
        "zh": "这是只反向传播一次的梯度。两次之间是不是清零了，或者只调用了一次？",
        "en": "This is the gradient of a single backward pass. Did you zero it between the two "
        "passes, or call backward only once?",
    },
    "ex2_neither": {
        "zh": "结果既不是一次也不是两次反向传播的梯度：每次只对同一个 y 调用。",
        "en": "The result is the gradient of neither one nor two backward passes: call backward "
        "on the same y each time, and on nothing else.",
    },
    "ex2_correct": {
        "zh": "两次反向传播后 x.grad 是一次的两倍：梯度在累加。",
        "en": "After two backward passes x.grad is twice the gradient of one: gradients "
        "accumulate.",
    },
    # exercise 3
    "ex3_not_callable": {
        "zh": "需要一个函数 grad_f(a)，它返回 a.grad。",
        "en": "Expected a function grad_f(a) that returns a.grad.",
    },
    "ex3_not_scalar": {
        "zh": "d 已经不是标量：backward 需要知道 d 的每个分量各占多少权重。",
        "en": "d is no longer a scalar: backward needs to know what weight each component of d "
        "carries.",
    },
    "ex3_shape": {
        "zh": "梯度应与 a 形状相同；形状 {shape} 时不对。",
        "en": "The gradient should have the same shape as a; it does not for shape {shape}.",
    },
    "ex3_wrong": {
        "zh": "形状 {shape} 的输入上梯度不对：检查传给 backward 的向量，"
        "以及 a.grad 在调用前是不是空的。",
        "en": "Wrong gradient for an input of shape {shape}: check the vector you pass to "
        "backward, and whether a.grad is empty before the call.",
    },
    "ex3_correct": {
        "zh": "向量和矩阵输入、两个分支上都与 autograd 一致。",
        "en": "Matches autograd for vector and matrix inputs, on both branches.",
    },
    # exercise 4
    "ex4_not_callable": {
        "zh": "需要两个函数：g(a) 和你手推的导数 dg(a)。",
        "en": "Expected two functions: g(a) and dg(a), the derivative you worked out by hand.",
    },
    "ex4_not_tensor": {
        "zh": "g({point}) 应是由 a 算出来的标量张量。",
        "en": "g({point}) should be a scalar tensor computed from a.",
    },
    "ex4_dg_not_number": {
        "zh": "dg({point}) 应返回一个数或标量张量。",
        "en": "dg({point}) should return a number or a scalar tensor.",
    },
    "ex4_mismatch": {
        "zh": "在 a = {point} 处，你的 dg 与 autograd 不一致：看看这个输入走的是哪条路径，"
        "这条路径上乘了哪些因子。",
        "en": "At a = {point} your dg disagrees with autograd: see which path this input takes, "
        "and which factors are multiplied in along that path.",
    },
    "ex4_one_path": {
        "zh": "在检查用的 {points} 个点上 g 都走同一条路径：让循环次数或分支依赖 a 的值。",
        "en": "At all {points} points of the check g takes the same path: make the number of "
        "loop iterations or the branch depend on the value of a.",
    },
    "ex4_correct": {
        "zh": "g 在 {points} 个点上走了 {paths} 条不同的路径，dg 处处正确。",
        "en": "g took {paths} different paths over {points} points, and dg is right everywhere.",
    },
    # exercise 5
    "ex5_not_tensors": {
        "zh": "x 和 dy_dx 都应是张量。",
        "en": "x and dy_dx should both be tensors.",
    },
    "ex5_few_points": {
        "zh": "x 应是至少 50 个点的一维张量，曲线才画得平滑。",
        "en": "x should be a 1-D tensor of at least 50 points, so that the curve comes out smooth.",
    },
    "ex5_short_range": {
        "zh": "x 的范围至少要覆盖 sin 的一个周期（2π）。",
        "en": "x should span at least one period of sin (2π).",
    },
    "ex5_shape": {
        "zh": "dy_dx 应与 x 形状相同：每个点一个导数值。",
        "en": "dy_dx should have the same shape as x: one derivative value per point.",
    },
    "ex5_values": {
        "zh": "dy_dx 与 sin(x) 本身相同：这是函数值，不是导数。",
        "en": "dy_dx equals sin(x) itself: these are the function's values, not its derivative.",
    },
    "ex5_doubled": {
        "zh": "dy_dx 恰好是导数的两倍：梯度是不是累加了两次？",
        "en": "dy_dx is exactly twice the derivative: did the gradient accumulate twice?",
    },
    "ex5_mismatch": {
        "zh": "dy_dx 与 autograd 在这些点上的导数不一致。",
        "en": "dy_dx does not match autograd's derivative at these points.",
    },
    "ex5_correct": {
        "zh": "{points} 个点上的导数都与 autograd 一致。",
        "en": "The derivative matches autograd at all {points} points.",
    },
    # exercise 6
    "ex6_not_callable": {
        "zh": "需要一个函数 df(x)，返回 f'(x)。",
        "en": "Expected a function df(x) that returns f'(x).",
    },
    "ex6_shape": {
        "zh": "df(x) 应返回与 x 形状相同的张量。",
        "en": "df(x) should return a tensor of the same shape as x.",
    },
    "ex6_correct": {
        "zh": "{points} 个点（正负两侧）上都与 autograd 一致。",
        "en": "Matches autograd at {points} points, on both the negative and the positive side.",
    },
    "ex6_inner": {
        "zh": "log(x²) 的导数不对：它是复合函数，内层 x² 也要求导。",
        "en": "The derivative of log(x²) is wrong: it is a composite function, so the inner x² "
        "must be differentiated too.",
    },
    "ex6_sign": {
        "zh": "1/x 这一项的导数符号不对。",
        "en": "The derivative of the 1/x term has the wrong sign.",
    },
    "ex6_other": {
        "zh": "与 autograd 不一致：把 f 拆成两项，分别用乘积法则和链式法则。",
        "en": "Does not match autograd: split f into its two terms and work through each with "
        "the product rule and the chain rule.",
    },
}

_language = "zh"


def set_language(language: str) -> None:
    """Write all later feedback in `language`: "zh" (Chinese, the default) or "en" (English)."""
    global _language
    if language not in LANGUAGES:
        choices = ", ".join(repr(choice) for choice in LANGUAGES)
        raise ValueError(f"unknown feedback language {language!r}: choose one of {choices}")
    _language = language


def get_language() -> str:
    """Return the language feedback is currently written in ("zh" or "en")."""
    return _language


def _say(key: str, **fields: object) -> str:
    """The message `key` in the current language, its `{name}` fields filled in."""
    return _MESSAGES[key][_language].format(**fields)


@dataclass(frozen=True, repr=False)
class Feedback:
    """The outcome of one check: a status and the sentence shown to the learner."""

    exercise: int
    status: str
    message: str
    language: str = field(default_factory=get_language)

    @property
    def passed(self) -> bool:
        """Return True when the answer was right."""
        return self.status == CORRECT

    def _heading(self) -> str:
        label = _LABELS[self.language][self.status]
        return f"{_EXERCISE[self.language]} {self.exercise} {label}"

    def __str__(self) -> str:
        return f"{self._heading()} {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 2px 8px;">'
            f'<b style="color: {colour}">{html.escape(self._heading())}</b> '
            f"{html.escape(self.message)}</div>"
        )


def _unanswered(*answers: object) -> bool:
    return any(a is None or a is Ellipsis for a in answers)


def _not_attempted(exercise: int) -> Feedback:
    return Feedback(exercise, NOT_ATTEMPTED, _say("not_attempted"))


def _raised(exercise: int, err: Exception, hint: str = "") -> Feedback:
    first_line = str(err).strip().splitlines()[0] if str(err).strip() else ""
    text = _say("raised", error=type(err).__name__, detail=first_line)
    if hint and _language == "zh":
        text += f"。{hint}"
    elif hint:  # English: end the error's sentence, then give the hint
        text = text.rstrip()
        text += ("" if text.endswith((".", "!", "?")) else ".") + f" {hint}"
    return Feedback(exercise, WRONG, text)


def _as_tensor(value: object) -> torch.Tensor | None:
    """Accept what a learner may reasonably return (a tensor or a Python number)."""
    if isinstance(value, torch.Tensor):
        return value.detach()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return torch.tensor(float(value), dtype=torch.float64)
    return None


def _close(a: torch.Tensor, b: torch.Tensor, tol: float = 1e-6) -> bool:
    return a.shape == b.shape and torch.allclose(a.double(), b.double(), rtol=tol, atol=tol)


def _fmt(value: float) -> str:
    return f"{value:g}"


# --- exercise 1: second derivatives --------------------------------------------------------

# Elementwise test functions with their first and second derivatives written out, so the
# check does not lean on the very mechanism (nested autograd) the learner is asked to use.
_EX1_FUNCTIONS: tuple[tuple[str, Callable, Callable, Callable], ...] = (
    ("sin(x)", torch.sin, torch.cos, lambda x: -torch.sin(x)),
    ("x³", lambda x: x**3, lambda x: 3 * x**2, lambda x: 6 * x),
    (
        "x·exp(x)",
        lambda x: x * torch.exp(x),
        lambda x: (x + 1) * torch.exp(x),
        lambda x: (x + 2) * torch.exp(x),
    ),
)


def check_ex1(second_derivative: object) -> Feedback:
    """Check a function `second_derivative(f, x)` that returns f''(x) element-wise."""
    if _unanswered(second_derivative):
        return _not_attempted(1)
    if not callable(second_derivative):
        return Feedback(1, WRONG, _say("ex1_not_callable"))
    x = torch.linspace(-2.0, 2.0, 9, dtype=torch.float64)
    for name, f, df, d2f in _EX1_FUNCTIONS:
        try:
            result = second_derivative(f, x.clone())
        except Exception as err:
            hint = ""
            if "does not require grad" in str(err):
                hint = _say("ex1_no_graph")
            return _raised(1, err, hint)
        if _unanswered(result):
            return _not_attempted(1)
        result = _as_tensor(result)
        if result is None or result.shape != x.shape:
            return Feedback(1, WRONG, _say("ex1_shape", shape=tuple(x.shape)))
        if _close(result, df(x)):
            return Feedback(1, WRONG, _say("ex1_first_derivative", function=name))
        if not _close(result, d2f(x)):
            return Feedback(1, WRONG, _say("ex1_mismatch", function=name))
    return Feedback(
        1, CORRECT, _say("ex1_correct", functions=len(_EX1_FUNCTIONS), points=x.numel())
    )


# --- exercise 2: backward twice --------------------------------------------------------------


def check_ex2(backward_twice: object) -> Feedback:
    """Check a function `backward_twice(x)`: one graph of sum(x*x), two backward passes."""
    if _unanswered(backward_twice):
        return _not_attempted(2)
    if not callable(backward_twice):
        return Feedback(2, WRONG, _say("ex2_not_callable"))
    x = torch.arange(4.0, requires_grad=True)
    try:
        result = backward_twice(x)
    except RuntimeError as err:
        if "second time" in str(err) or "freed" in str(err):
            return Feedback(2, WRONG, _say("ex2_freed"))
        return _raised(2, err)
    except Exception as err:
        return _raised(2, err)
    if _unanswered(result):
        return _not_attempted(2)
    result = _as_tensor(result)
    (once,) = torch.autograd.grad((x * x).sum(), x)
    if result is None or result.shape != x.shape:
        return Feedback(2, WRONG, _say("ex2_shape"))
    if _close(result, once):
        return Feedback(2, WRONG, _say("ex2_once"))
    if not _close(result, 2 * once):
        return Feedback(2, WRONG, _say("ex2_neither"))
    return Feedback(2, CORRECT, _say("ex2_correct"))


# --- exercise 3: control flow with a vector input ---------------------------------------------


def control_flow_f(a: torch.Tensor) -> torch.Tensor:
    """Return the control-flow function of notebook 01 applied to `a` (torch or engine tensor)."""
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def _ex3_inputs() -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(5)
    inputs = [torch.randn(3, generator=gen, dtype=torch.float64) for _ in range(2)]
    inputs.append(torch.randn(2, 3, generator=gen, dtype=torch.float64))
    # Both branches of the `if`: force one input with a positive and one with a negative sum.
    inputs[0] = inputs[0].abs()
    inputs[1] = -inputs[1].abs()
    return inputs


def check_ex3(grad_f: object) -> Feedback:
    """Check a function `grad_f(a)` that returns the gradient of sum(f(a)) for a tensor `a`."""
    if _unanswered(grad_f):
        return _not_attempted(3)
    if not callable(grad_f):
        return Feedback(3, WRONG, _say("ex3_not_callable"))
    for value in _ex3_inputs():
        a = value.clone().requires_grad_(True)
        try:
            result = grad_f(a)
        except Exception as err:
            hint = ""
            if "implicitly created only for scalar" in str(err):
                hint = _say("ex3_not_scalar")
            return _raised(3, err, hint)
        if _unanswered(result):
            return _not_attempted(3)
        result = _as_tensor(result)
        if result is None or result.shape != value.shape:
            return Feedback(3, WRONG, _say("ex3_shape", shape=tuple(value.shape)))
        ref = value.clone().requires_grad_(True)
        d = control_flow_f(ref)
        d.sum().backward()
        if not _close(result, ref.grad):
            return Feedback(3, WRONG, _say("ex3_wrong", shape=tuple(value.shape)))
    return Feedback(3, CORRECT, _say("ex3_correct"))


# --- exercise 4: your own function with control flow -------------------------------------------

# Dyadic points avoid ties at branch boundaries a learner may pick (0, ±1, ±2).
_EX4_POINTS = tuple(x / 4 for x in range(-11, 12, 2))


def _graph_signature(out: torch.Tensor) -> tuple[str, ...]:
    """Each node of the backward graph with its inputs (None for a constant), depth first."""
    names: list[str] = []
    stack = [out.grad_fn]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        inputs = ",".join(
            type(fn).__name__ if fn is not None else "-" for fn, _ in node.next_functions
        )
        names.append(f"{type(node).__name__}({inputs})")
        stack.extend(fn for fn, _ in reversed(node.next_functions))
    return tuple(names)


def _run_traced(fn: Callable, arg: torch.Tensor) -> tuple[object, tuple[int, ...]]:
    """Call fn(arg) and record the line numbers it executes: the path its control flow took."""
    code = getattr(fn, "__code__", None)
    lines: list[int] = []

    def tracer(frame, event, _arg):
        if frame.f_code is not code:
            return None
        if event == "line":
            lines.append(frame.f_lineno)
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = fn(arg)
    finally:
        sys.settrace(previous)
    return result, tuple(lines)


def check_ex4(g: object, dg: object) -> Feedback:
    """Check your own function `g(a)` with control flow against your formula `dg(a)`."""
    if _unanswered(g, dg):
        return _not_attempted(4)
    if not (callable(g) and callable(dg)):
        return Feedback(4, WRONG, _say("ex4_not_callable"))
    paths = set()
    for point in _EX4_POINTS:
        a = torch.tensor(point, dtype=torch.float64, requires_grad=True)
        try:
            out, lines = _run_traced(g, a)
            by_hand = dg(torch.tensor(point, dtype=torch.float64))
        except Exception as err:
            return _raised(4, err)
        if _unanswered(out, by_hand):
            return _not_attempted(4)
        formula = _as_tensor(by_hand)
        if not isinstance(out, torch.Tensor) or out.numel() != 1 or out.grad_fn is None:
            return Feedback(4, WRONG, _say("ex4_not_tensor", point=_fmt(point)))
        paths.add((lines, _graph_signature(out)))
        (auto,) = torch.autograd.grad(out.sum(), a)
        if formula is None or formula.numel() != 1:
            return Feedback(4, WRONG, _say("ex4_dg_not_number", point=_fmt(point)))
        if not _close(formula.reshape(()), auto, tol=1e-5):
            return Feedback(4, WRONG, _say("ex4_mismatch", point=_fmt(point)))
    if len(paths) < 2:
        return Feedback(4, WRONG, _say("ex4_one_path", points=len(_EX4_POINTS)))
    return Feedback(4, CORRECT, _say("ex4_correct", points=len(_EX4_POINTS), paths=len(paths)))


# --- exercise 5: sin and its derivative ----------------------------------------------------------


def check_ex5(x: object, dy_dx: object) -> Feedback:
    """Check `dy_dx`, the derivative of sin computed by autograd at the points `x`."""
    if _unanswered(x, dy_dx):
        return _not_attempted(5)
    if not (isinstance(x, torch.Tensor) and isinstance(dy_dx, torch.Tensor)):
        return Feedback(5, WRONG, _say("ex5_not_tensors"))
    x, dy_dx = x.detach(), dy_dx.detach()
    if x.dim() != 1 or x.numel() < 50:
        return Feedback(5, WRONG, _say("ex5_few_points"))
    if float(x.max() - x.min()) < 2 * math.pi - 1e-6:
        return Feedback(5, WRONG, _say("ex5_short_range"))
    if dy_dx.shape != x.shape:
        return Feedback(5, WRONG, _say("ex5_shape"))
    ref_x = x.clone().requires_grad_(True)
    torch.sin(ref_x).sum().backward()
    if _close(dy_dx, torch.sin(x)):
        return Feedback(5, WRONG, _say("ex5_values"))
    if _close(dy_dx, 2 * ref_x.grad):
        return Feedback(5, WRONG, _say("ex5_doubled"))
    if not _close(dy_dx, ref_x.grad, tol=1e-5):
        return Feedback(5, WRONG, _say("ex5_mismatch"))
    return Feedback(5, CORRECT, _say("ex5_correct", points=x.numel()))


# --- exercise 6: the chain rule by hand -----------------------------------------------------------


def ex6_f(x: torch.Tensor) -> torch.Tensor:
    """Return f(x) = log(x²)·sin(x) + 1/x, the function of exercise 6."""
    return torch.log(x**2) * torch.sin(x) + 1 / x


def check_ex6(df: object) -> Feedback:
    """Check `df(x)`, a hand-derived derivative of `ex6_f`, against autograd on a grid."""
    if _unanswered(df):
        return _not_attempted(6)
    if not callable(df):
        return Feedback(6, WRONG, _say("ex6_not_callable"))
    x = torch.cat([torch.linspace(-4.0, -0.5, 8), torch.linspace(0.5, 4.0, 8)]).double()
    try:
        result = _as_tensor(df(x.clone()))
    except Exception as err:
        return _raised(6, err)
    if _unanswered(result):
        return _not_attempted(6)
    if result is None or result.shape != x.shape:
        return Feedback(6, WRONG, _say("ex6_shape"))
    ref_x = x.clone().requires_grad_(True)
    ex6_f(ref_x).sum().backward()
    if _close(result, ref_x.grad):
        return Feedback(6, CORRECT, _say("ex6_correct", points=x.numel()))
    # The two slips learners make most often, each answered with the rule that fixes it.
    forgot_inner = torch.log(x**2) * torch.cos(x) + torch.sin(x) / x - 1 / x**2
    if _close(result, forgot_inner):
        return Feedback(6, WRONG, _say("ex6_inner"))
    sign_slip = ref_x.grad + 2 / x**2
    if _close(result, sign_slip):
        return Feedback(6, WRONG, _say("ex6_sign"))
    return Feedback(6, WRONG, _say("ex6_other"))
