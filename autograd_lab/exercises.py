"""Instant feedback for the exercises of notebook 05.

Every check runs the learner's answer with real PyTorch and compares what it *does* with
what autograd does on a small grid of inputs, never the text of the answer. A check returns
a `Feedback`: correct (a short confirmation), wrong (a hint that does not give the answer
away) or not attempted (the placeholder `...`/`None` of the student edition is still there).
"""

from __future__ import annotations

import html
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass

import torch

CORRECT = "correct"
WRONG = "wrong"
NOT_ATTEMPTED = "not_attempted"

_LABELS = {CORRECT: "【正确】", WRONG: "【再想想】", NOT_ATTEMPTED: "【未作答】"}
_COLOURS = {CORRECT: "#2e7d32", WRONG: "#c62828", NOT_ATTEMPTED: "#757575"}


@dataclass(frozen=True, repr=False)
class Feedback:
    """The outcome of one check: a status and the sentence shown to the learner."""

    exercise: int
    status: str
    message: str

    @property
    def passed(self) -> bool:
        """Return True when the answer was right."""
        return self.status == CORRECT

    def __str__(self) -> str:
        return f"练习 {self.exercise} {_LABELS[self.status]} {self.message}"

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        return (
            f'<div style="border-left: 4px solid {colour}; padding: 2px 8px;">'
            f'<b style="color: {colour}">练习 {self.exercise} {_LABELS[self.status]}</b> '
            f"{html.escape(self.message)}</div>"
        )


def _unanswered(*answers: object) -> bool:
    return any(a is None or a is Ellipsis for a in answers)


def _not_attempted(exercise: int) -> Feedback:
    return Feedback(
        exercise, NOT_ATTEMPTED, "把答案格里的 ... 换成你的代码，运行它，再运行这一格检查。"
    )


def _raised(exercise: int, err: Exception, hint: str = "") -> Feedback:
    first_line = str(err).strip().splitlines()[0] if str(err).strip() else ""
    text = f"你的代码抛出了 {type(err).__name__}：{first_line}"
    return Feedback(exercise, WRONG, text + (f"。{hint}" if hint else ""))


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
        return Feedback(1, WRONG, "需要一个函数 second_derivative(f, x)，而不是一个值。")
    x = torch.linspace(-2.0, 2.0, 9, dtype=torch.float64)
    for name, f, df, d2f in _EX1_FUNCTIONS:
        try:
            result = second_derivative(f, x.clone())
        except Exception as err:
            hint = ""
            if "does not require grad" in str(err):
                hint = "一阶导数没有带着计算图，autograd 没法再对它求导。"
            return _raised(1, err, hint)
        if _unanswered(result):
            return _not_attempted(1)
        result = _as_tensor(result)
        if result is None or result.shape != x.shape:
            return Feedback(1, WRONG, f"结果应是与 x 形状相同的张量 {tuple(x.shape)}。")
        if _close(result, df(x)):
            return Feedback(1, WRONG, f"对 f(x) = {name}，你返回的是一阶导数：还要再求一次。")
        if not _close(result, d2f(x)):
            return Feedback(1, WRONG, f"对 f(x) = {name}，结果与 autograd 的二阶导数不一致。")
    return Feedback(
        1, CORRECT, f"{len(_EX1_FUNCTIONS)} 个函数、各 {x.numel()} 个点上都与二阶导数一致。"
    )


# --- exercise 2: backward twice --------------------------------------------------------------


def check_ex2(backward_twice: object) -> Feedback:
    """Check a function `backward_twice(x)`: one graph of sum(x*x), two backward passes."""
    if _unanswered(backward_twice):
        return _not_attempted(2)
    if not callable(backward_twice):
        return Feedback(2, WRONG, "需要一个函数 backward_twice(x)，它返回 x.grad。")
    x = torch.arange(4.0, requires_grad=True)
    try:
        result = backward_twice(x)
    except RuntimeError as err:
        if "second time" in str(err) or "freed" in str(err):
            return Feedback(
                2,
                WRONG,
                "第二次 backward 报错：第一次反向传播结束后，计算图里保存的中间结果已被释放。"
                "找一找让第一次 backward 保留计算图的办法。",
            )
        return _raised(2, err)
    except Exception as err:
        return _raised(2, err)
    if _unanswered(result):
        return _not_attempted(2)
    result = _as_tensor(result)
    (once,) = torch.autograd.grad((x * x).sum(), x)
    if result is None or result.shape != x.shape:
        return Feedback(2, WRONG, "请返回 x.grad（与 x 形状相同的张量）。")
    if _close(result, once):
        return Feedback(
            2, WRONG, "这是只反向传播一次的梯度。两次之间是不是清零了，或者只调用了一次？"
        )
    if not _close(result, 2 * once):
        return Feedback(2, WRONG, "结果既不是一次也不是两次反向传播的梯度：每次只对同一个 y 调用。")
    return Feedback(2, CORRECT, "两次反向传播后 x.grad 是一次的两倍：梯度在累加。")


# --- exercise 3: control flow with a vector input ---------------------------------------------


def control_flow_f(a: torch.Tensor) -> torch.Tensor:
    """Return the control-flow function of notebook 01 applied to `a` (the reference)."""
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
        return Feedback(3, WRONG, "需要一个函数 grad_f(a)，它返回 a.grad。")
    for value in _ex3_inputs():
        a = value.clone().requires_grad_(True)
        try:
            result = grad_f(a)
        except Exception as err:
            hint = ""
            if "implicitly created only for scalar" in str(err):
                hint = "d 已经不是标量：backward 需要知道 d 的每个分量各占多少权重。"
            return _raised(3, err, hint)
        if _unanswered(result):
            return _not_attempted(3)
        result = _as_tensor(result)
        if result is None or result.shape != value.shape:
            return Feedback(3, WRONG, f"梯度应与 a 形状相同；形状 {tuple(value.shape)} 时不对。")
        ref = value.clone().requires_grad_(True)
        d = control_flow_f(ref)
        d.sum().backward()
        if not _close(result, ref.grad):
            return Feedback(
                3,
                WRONG,
                f"形状 {tuple(value.shape)} 的输入上梯度不对：检查传给 backward 的向量，"
                "以及 a.grad 在调用前是不是空的。",
            )
    return Feedback(3, CORRECT, "向量和矩阵输入、两个分支上都与 autograd 一致。")


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
        return Feedback(4, WRONG, "需要两个函数：g(a) 和你手推的导数 dg(a)。")
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
            return Feedback(4, WRONG, f"g({_fmt(point)}) 应是由 a 算出来的标量张量。")
        paths.add((lines, _graph_signature(out)))
        (auto,) = torch.autograd.grad(out.sum(), a)
        if formula is None or formula.numel() != 1:
            return Feedback(4, WRONG, f"dg({_fmt(point)}) 应返回一个数或标量张量。")
        if not _close(formula.reshape(()), auto, tol=1e-5):
            return Feedback(
                4,
                WRONG,
                f"在 a = {_fmt(point)} 处，你的 dg 与 autograd 不一致：看看这个输入走的是哪条路径，"
                "这条路径上乘了哪些因子。",
            )
    if len(paths) < 2:
        return Feedback(
            4,
            WRONG,
            f"在检查用的 {len(_EX4_POINTS)} 个点上 g 都走同一条路径：让循环次数或分支依赖 a 的值。",
        )
    return Feedback(
        4, CORRECT, f"g 在 {len(_EX4_POINTS)} 个点上走了 {len(paths)} 条不同的路径，dg 处处正确。"
    )


# --- exercise 5: sin and its derivative ----------------------------------------------------------


def check_ex5(x: object, dy_dx: object) -> Feedback:
    """Check `dy_dx`, the derivative of sin computed by autograd at the points `x`."""
    if _unanswered(x, dy_dx):
        return _not_attempted(5)
    if not (isinstance(x, torch.Tensor) and isinstance(dy_dx, torch.Tensor)):
        return Feedback(5, WRONG, "x 和 dy_dx 都应是张量。")
    x, dy_dx = x.detach(), dy_dx.detach()
    if x.dim() != 1 or x.numel() < 50:
        return Feedback(5, WRONG, "x 应是至少 50 个点的一维张量，曲线才画得平滑。")
    if float(x.max() - x.min()) < 2 * math.pi - 1e-6:
        return Feedback(5, WRONG, "x 的范围至少要覆盖 sin 的一个周期（2π）。")
    if dy_dx.shape != x.shape:
        return Feedback(5, WRONG, "dy_dx 应与 x 形状相同：每个点一个导数值。")
    ref_x = x.clone().requires_grad_(True)
    torch.sin(ref_x).sum().backward()
    if _close(dy_dx, torch.sin(x)):
        return Feedback(5, WRONG, "dy_dx 与 sin(x) 本身相同：这是函数值，不是导数。")
    if _close(dy_dx, 2 * ref_x.grad):
        return Feedback(5, WRONG, "dy_dx 恰好是导数的两倍：梯度是不是累加了两次？")
    if not _close(dy_dx, ref_x.grad, tol=1e-5):
        return Feedback(5, WRONG, "dy_dx 与 autograd 在这些点上的导数不一致。")
    return Feedback(5, CORRECT, f"{x.numel()} 个点上的导数都与 autograd 一致。")


# --- exercise 6: the chain rule by hand -----------------------------------------------------------


def ex6_f(x: torch.Tensor) -> torch.Tensor:
    """Return f(x) = log(x²)·sin(x) + 1/x, the function of exercise 6."""
    return torch.log(x**2) * torch.sin(x) + 1 / x


def check_ex6(df: object) -> Feedback:
    """Check `df(x)`, a hand-derived derivative of `ex6_f`, against autograd on a grid."""
    if _unanswered(df):
        return _not_attempted(6)
    if not callable(df):
        return Feedback(6, WRONG, "需要一个函数 df(x)，返回 f'(x)。")
    x = torch.cat([torch.linspace(-4.0, -0.5, 8), torch.linspace(0.5, 4.0, 8)]).double()
    try:
        result = _as_tensor(df(x.clone()))
    except Exception as err:
        return _raised(6, err)
    if _unanswered(result):
        return _not_attempted(6)
    if result is None or result.shape != x.shape:
        return Feedback(6, WRONG, "df(x) 应返回与 x 形状相同的张量。")
    ref_x = x.clone().requires_grad_(True)
    ex6_f(ref_x).sum().backward()
    if _close(result, ref_x.grad):
        return Feedback(6, CORRECT, f"{x.numel()} 个点（正负两侧）上都与 autograd 一致。")
    # The two slips learners make most often, each answered with the rule that fixes it.
    forgot_inner = torch.log(x**2) * torch.cos(x) + torch.sin(x) / x - 1 / x**2
    if _close(result, forgot_inner):
        return Feedback(6, WRONG, "log(x²) 的导数不对：它是复合函数，内层 x² 也要求导。")
    sign_slip = ref_x.grad + 2 / x**2
    if _close(result, sign_slip):
        return Feedback(6, WRONG, "1/x 这一项的导数符号不对。")
    return Feedback(6, WRONG, "与 autograd 不一致：把 f 拆成两项，分别用乘积法则和链式法则。")
