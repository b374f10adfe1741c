"""The course's languages, and every sentence its code says to a learner, in each of them.

A helper called from an English notebook speaks English, from a Chinese one Chinese. The
language of a call is, first match wins:

1. the `lang=` argument of the helper, where it has one;
2. the innermost `with use("en"):` block (a context variable: scoped, never leaking into
   other code, other threads or other tests);
3. the environment variable `AUTOGRAD_LAB_LANG`;
4. the working directory: a notebook's kernel runs in the notebook's folder, and
   `notebooks/en/...` is English (`course.language_of`);
5. the source language, Chinese.

Every sentence lives in one table per topic below, keyed by message and language, so a
translation is made in one place and a test can check that every message exists in every
language. Sentences are formatted with `{name}` fields by `say`.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from collections.abc import Iterator

from autograd_lab.course import LANGUAGES, SOURCE_LANGUAGE, language_of

ENV_VAR = "AUTOGRAD_LAB_LANG"
_scoped: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "autograd_lab_language", default=None
)


def check(lang: str) -> str:
    """Return `lang` if the course speaks it, else raise a ValueError naming the choices."""
    if lang not in LANGUAGES:
        choices = ", ".join(repr(choice) for choice in LANGUAGES)
        raise ValueError(f"unknown language {lang!r}: choose one of {choices}")
    return lang


def current(lang: str | None = None) -> str:
    """The language to speak: `lang` if given, else the scoped, environment or folder one."""
    if lang is not None:
        return check(lang)
    scoped = _scoped.get()
    if scoped is not None:
        return scoped
    env = os.environ.get(ENV_VAR)
    if env:
        return check(env)
    try:
        here = language_of(os.getcwd())
    except OSError:  # the working directory was removed
        here = None
    return here or SOURCE_LANGUAGE


@contextlib.contextmanager
def use(lang: str) -> Iterator[str]:
    """Speak `lang` inside the block: `with use("en"): ...`."""
    token = _scoped.set(check(lang))
    try:
        yield lang
    finally:
        _scoped.reset(token)


def template(key: str, lang: str | None = None) -> str:
    """The sentence `key` ("topic.name") in the current language, its `{name}` fields unfilled."""
    topic, _, name = key.partition(".")
    try:
        sentence = TOPICS[topic][name]
    except KeyError:
        raise KeyError(f"no message {key!r}: add it to autograd_lab.language") from None
    return sentence[current(lang)]


def say(key: str, lang: str | None = None, **fields: object) -> str:
    """The sentence `key` ("topic.name") in the current language, its `{name}` fields filled."""
    return template(key, lang).format(**fields)


# --- exercises: the checks' feedback (autograd_lab.exercises) ---------------------------------
# Hints point at the mistake and never name the function or argument that fixes it.
EXERCISES: dict[str, dict[str, str]] = {
    "heading": {"zh": "练习 {number} {label}", "en": "Exercise {number} {label}"},
    "label_correct": {"zh": "【正确】", "en": "[Correct]"},
    "label_wrong": {"zh": "【再想想】", "en": "[Think again]"},
    "label_not_attempted": {"zh": "【未作答】", "en": "[Not attempted]"},
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

# --- graph: legends and labels of drawn computation graphs (autograd_lab.graph) ---------------
GRAPH: dict[str, dict[str, str]] = {
    "kind_op": {"zh": "运算 (grad_fn)", "en": "op (grad_fn)"},
    "kind_leaf": {"zh": "叶子节点", "en": "leaf"},
    "kind_output": {"zh": "输出", "en": "output"},
    "kind_const": {"zh": "常量", "en": "constant"},
}

# --- plotting: default labels of plots (autograd_lab.plotting) ---------------------------------
PLOTTING: dict[str, dict[str, str]] = {
    "tangent_label": {"zh": "切线 (x={x0:g})", "en": "tangent (x={x0:g})"},
}

# --- handout: the handout's own words (tools/handout.py) ---------------------------------------
HANDOUT: dict[str, dict[str, str]] = {
    "language_name": {"zh": "中文", "en": "English"},
    "html_lang": {"zh": "zh-CN", "en": "en"},
    "title": {
        "zh": "autograd-lab · 自动求导实验课",
        "en": "autograd-lab – An executable course on PyTorch autograd",
    },
    "handout": {"zh": "课堂讲义", "en": "Classroom handout"},
    # between the handout and its audience; the text font draws "·" as wide as a CJK character
    "separator": {"zh": " · ", "en": " – "},
    "audience_student": {"zh": "学生版", "en": "Student edition"},
    "audience_instructor": {"zh": "教师版", "en": "Instructor edition"},
    "contents": {"zh": "目录", "en": "Contents"},
    "solution": {
        "zh": "参考答案与解析（教师版）",
        "en": "Worked answer and explanation (instructor edition)",
    },
    "title_with_audience": {"zh": "{title}（{audience}）", "en": "{title} ({audience})"},
}

# --- student_edition: what replaces an answer in the student edition (tools/student_edition.py)
STUDENT_EDITION: dict[str, dict[str, str]] = {
    "code": {"zh": "# 在这里写你的代码", "en": "# Write your code here"},
    "analysis": {
        "zh": "**你的分析：** （双击这里，写下你的观察和解释。教师版里有参考解析。）",
        "en": "**Your analysis:** (Double-click here and write down what you observe and how "
        "you explain it. The instructor edition has a reference explanation.)",
    },
}

# --- errors: what the helpers say when they are called with something they cannot use --------
# (autograd_lab.validation, plotting, gradcheck, graph). Each names what to pass instead.
ERRORS: dict[str, dict[str, str]] = {
    # any helper
    "not_callable": {
        "zh": "{name} 应是一个以张量为输入的函数，而你传入的是 {got}：请传函数本身，"
        "例如 {example}，而不是它的值。",
        "en": "{name} must be a function of a tensor, got {got}: pass the function itself, "
        "e.g. {example}, not its value.",
    },
    "none": {
        "zh": "{name} 是 None：请传入{expected}。",
        "en": "{name} is None: pass {expected}.",
    },
    "text": {
        "zh": "{name} 是字符串 {value}：请传入数，例如 {example}，而不是文字。",
        "en": "{name} is the text {value}: pass numbers, e.g. {example}, not a string.",
    },
    "boolean": {
        "zh": "{name} 是布尔值 {value}：请传入实数，例如 {example}。",
        "en": "{name} is the boolean {value}: pass real numbers, e.g. {example}.",
    },
    "complex": {
        "zh": "{name} 是复数：课程的工具只处理实数，请传入实数（例如取 {name}.real）。",
        "en": "{name} is complex: the course's helpers work with real numbers only; pass real "
        "values (e.g. {name}.real).",
    },
    "not_numbers": {
        "zh": "{name} 应是实数：列表、NumPy 数组或张量，而你传入的是 {got}。",
        "en": "{name} must be real numbers: a list, a NumPy array or a tensor, got {got}.",
    },
    "ragged": {
        "zh": "{name} 的各行长度不同：每条曲线请单独放在列表里，或让各行等长。",
        "en": "{name} has rows of different lengths: pass one curve per list entry, or rows of "
        "equal length.",
    },
    "not_finite": {
        "zh": "{name} 含有 NaN 或无穷大（{count} 个，共 {total} 个值）：请只传有限的数，"
        "例如先用 torch.isfinite 筛掉它们。",
        "en": "{name} contains NaN or infinity ({count} of {total} values): pass finite "
        "numbers only, e.g. filter them out with torch.isfinite first.",
    },
    "empty": {
        "zh": "{name} 是空的：请至少传入 {minimum} 个点。",
        "en": "{name} is empty: pass at least {minimum} point(s).",
    },
    "too_few": {
        "zh": "{name} 只有 {count} 个点：画一条曲线至少需要 {minimum} 个，"
        "例如 torch.linspace(-3, 3, 100)。",
        "en": "{name} has {count} point(s): a curve needs at least {minimum}, e.g. "
        "torch.linspace(-3, 3, 100).",
    },
    "not_1d": {
        "zh": "{name} 的形状是 {shape}：请传入一维的点，例如 torch.linspace(-3, 3, 100)"
        "（网格可以先 {name}.reshape(-1)）。",
        "en": "{name} has shape {shape}: pass a 1-D tensor of points, e.g. "
        "torch.linspace(-3, 3, 100) (flatten a grid first with {name}.reshape(-1)).",
    },
    "not_one_number": {
        "zh": "{name} 应是一个数，而你传入的是 {got}：例如 {example}。",
        "en": "{name} must be one number, got {got}: e.g. {example}.",
    },
    "not_axes": {
        "zh": "{name} 应是 matplotlib 的 Axes（例如 fig, ax = plt.subplots() 得到的 ax）"
        "或 None，而你传入的是 {got}。",
        "en": "{name} must be a matplotlib Axes (e.g. the ax of fig, ax = plt.subplots()) or "
        "None, got {got}.",
    },
    "not_text": {
        "zh": "{name} 应是字符串（或 None），而你传入的是 {got}。",
        "en": "{name} must be a string (or None), got {got}.",
    },
    "not_str": {
        "zh": "{name} 应是字符串，例如 {example}，而你传入的是 {got}。",
        "en": "{name} must be a string, e.g. {example}, got {got}.",
    },
    "not_graph": {
        "zh": "{func} 需要一个 Graph（例如 autograd_graph(y) 的结果），而你传入的是 {got}。",
        "en": "{func} needs a Graph (e.g. the result of autograd_graph(y)), got {got}.",
    },
    "not_strings": {
        "zh": "{name} 应是由字符串组成的列表，例如 {example}，而你传入的是 {got}。",
        "en": "{name} must be a list of strings, e.g. {example}, got {got}.",
    },
    "not_bool": {
        "zh": "{name} 应是 True 或 False，而你传入的是 {got}。",
        "en": "{name} must be True or False, got {got}.",
    },
    "figsize": {
        "zh": "figsize 应是一对正数（宽, 高），单位英寸，例如 (3.5, 2.5)；你传入的是 {got}。",
        "en": "figsize must be a pair (width, height) of positive inches, e.g. (3.5, 2.5); "
        "got {got}.",
    },
    "limits": {
        "zh": "{name} 应是一对不相等的有限数 (下限, 上限)，或 None；你传入的是 {got}。",
        "en": "{name} must be a pair (low, high) of two different finite numbers, or None; "
        "got {got}.",
    },
    "choice": {
        "zh": "{name} 应是 {choices} 之一，而你传入的是 {got}。",
        "en": "{name} must be one of {choices}, got {got}.",
    },
    # a function f handed to a helper
    "f_numpy": {
        "zh": "f 必须用 torch 的运算计算，autograd 才能跟踪它：写 torch.sin(x)，"
        "不要写 np.sin(x) 或 math.sin(x)（{detail}）。",
        "en": "f must compute with torch operations so that autograd can follow it: write "
        "torch.sin(x), not np.sin(x) or math.sin(x) ({detail}).",
    },
    "f_not_tensor": {
        "zh": "f 返回的是 {got}，不是张量：请用 torch 的运算构造结果，"
        "例如用 torch.sin(x) 代替 math.sin(x)，也不要调用 .item()。",
        "en": "f returned {got}, not a tensor: build the result with torch operations, e.g. "
        "torch.sin(x) instead of math.sin(x), and without .item().",
    },
    "f_complex": {
        "zh": "f 返回了复数张量：这里只处理实函数，请返回实数结果。",
        "en": "f returned a complex tensor: these helpers handle real functions only; return "
        "a real result.",
    },
    "f_elementwise": {
        "zh": "f 应逐元素作用：f(x) 的形状是 {got}，而 x 的形状是 {expected}。"
        "去掉 .sum() 这类归约（标量函数的梯度请用 torch.autograd.grad）。",
        "en": "f must act element-wise: f(x) has shape {got} but x has shape {expected}; drop "
        "reductions such as .sum() (for the gradient of a scalar function use "
        "torch.autograd.grad).",
    },
    "f_no_history": {
        "zh": "f(x) 没有 autograd 记录，不依赖于 x：若 f 是常数，它的导数处处为 0；"
        "否则是 f 内部切断了计算图（.item()、.numpy()、.detach() 或 torch.tensor(...)），"
        "请全程用 torch 的运算从 x 计算。",
        "en": "f(x) has no autograd history, so it does not depend on x: if f is a constant, "
        "its derivative is 0 everywhere; otherwise f cut the graph (.item(), .numpy(), "
        ".detach() or torch.tensor(...) inside f): compute from x with torch operations.",
    },
    "f_in_place": {
        "zh": "f 原地修改了它的输入（{detail}）：请计算新的张量，例如写 x * 2 而不是 x.mul_(2)。",
        "en": "f changed its input in place ({detail}): compute a new tensor instead, e.g. "
        "x * 2 rather than x.mul_(2).",
    },
    # plot
    "plot_ndim": {
        "zh": "{name} 的形状是 {shape}：一条曲线传一维张量，多条曲线传它们的列表"
        "（或二维张量的各行）。",
        "en": "{name} has shape {shape}: pass one curve as a 1-D tensor, several as a list of "
        "them (or as the rows of a 2-D tensor).",
    },
    "plot_series": {
        "zh": "有 {xs} 组 x 却有 {ys} 组 y：所有曲线共用一个 X，或每条曲线各给一个 X。",
        "en": "got {xs} x-series for {ys} y-series: pass one X shared by all curves, or one X "
        "per curve.",
    },
    "plot_formats": {
        "zh": "{curves} 条曲线却只有 {fmts} 个格式：请用 fmts=(...) 给每条曲线一个格式字符串。",
        "en": "{curves} curves but only {fmts} formats: pass fmts=(...) with one format string "
        "per curve.",
    },
    "plot_legend": {
        "zh": "{legend} 个图例对应 {curves} 条曲线：每条曲线给一个。",
        "en": "{legend} legend entries for {curves} curves: give one per curve.",
    },
    "plot_lengths": {
        "zh": "x 有 {nx} 个点而 y 有 {ny} 个：请在你要画的同一组 x 上计算 f。",
        "en": "x has {nx} points but y has {ny}: evaluate f on the same x you plot.",
    },
    "two_entries": {
        "zh": "{name} 需要两项：一项给 f，一项给 f'；你传入的是 {got}。",
        "en": "{name} needs two entries: one for f, one for f'; got {got}.",
    },
    # check_grad and numerical_jacobian
    "gc_not_tensor": {
        "zh": "x 应是 torch.Tensor，而你传入的是 {got}：请包装一下，例如 "
        "torch.tensor([1.0, 2.0], dtype=torch.float64)。",
        "en": "x must be a torch.Tensor, got {got}: wrap it, e.g. "
        "torch.tensor([1.0, 2.0], dtype=torch.float64).",
    },
    "gc_complex": {
        "zh": "x 是复数：这个检查只处理实函数，请传入实数 x。",
        "en": "x is complex: this check handles real functions only; pass a real x.",
    },
    "gc_not_float": {
        "zh": "x 的 dtype 是 {dtype}，只有浮点张量才有梯度：请用 x.double() 或 "
        "torch.tensor([1.0, 2.0], dtype=torch.float64)。",
        "en": "x has dtype {dtype}, and only floating-point tensors have gradients: use "
        "x.double() or torch.tensor([1.0, 2.0], dtype=torch.float64).",
    },
    "gc_precision": {
        "zh": "x 的 dtype 是 {dtype}：请用 x.double()。{dtype} 把 f 舍入到约 {roundoff}·|f|，"
        "中心差分再把这个舍入误差除以 2·eps = {step}：数值梯度会偏差约 {error}·|f|，"
        "什么也检查不出来。float64 的舍入约为 2e-16。",
        "en": "x has dtype {dtype}: use x.double(). {dtype} rounds f to about {roundoff}·|f|, "
        "and a central difference divides that rounding error by 2·eps = {step}: the "
        "numerical gradient would be off by about {error}·|f|, too much to check anything. "
        "float64 rounds at about 2e-16.",
    },
    "gc_matrix_in": {
        "zh": "x 的形状是 {shape}，但 f: ℝⁿ → ℝᵐ 接收一个向量：请传入 x.reshape(-1)，"
        "在 f 内部再变形。",
        "en": "x has shape {shape}, but f: ℝⁿ → ℝᵐ takes a vector: pass x.reshape(-1) and "
        "reshape inside f.",
    },
    "gc_empty": {
        "zh": "x 是空的：请至少传入一个数。",
        "en": "x is empty: pass at least one number.",
    },
    "gc_f_not_tensor": {
        "zh": "f 返回的是 {got}，不是张量：请用 torch 的运算计算（torch.sin(x)，不是 "
        "math.sin(x)；结果保持为张量，不要 .item()）。",
        "en": "f returned {got}, not a tensor: compute with torch operations (torch.sin(x), "
        "not math.sin(x); keep results as tensors, without .item()).",
    },
    "gc_matrix_out": {
        "zh": "f 返回的形状是 {shape}，但 f: ℝⁿ → ℝᵐ 应返回标量或向量：请返回 y.reshape(-1)。",
        "en": "f returned shape {shape}, but f: ℝⁿ → ℝᵐ returns a scalar or a vector: return "
        "y.reshape(-1).",
    },
    "gc_f_dtype": {
        "zh": "x 是 float64，f 却返回 {dtype}：请全程保持 float64（f 里不要 .float()），"
        "否则舍入误差会淹没有限差分。",
        "en": "f returned dtype {dtype} for a float64 x: keep the computation in float64 (no "
        ".float() inside f), or the rounding errors swamp the finite differences.",
    },
    "gc_shape_changes": {
        "zh": "f 在 x 处返回的形状是 {first}，在邻近的点却是 {second}：f 在 x 附近必须返回"
        "同样的形状。",
        "en": "f returned shape {first} at x but {second} at a nearby point: f must return "
        "the same shape near x.",
    },
    "gc_no_history": {
        "zh": "f(x) 没有 autograd 记录，没有可检查的东西：请用 torch 的运算从 x 计算"
        "（f 里的 .item()、.numpy()、.detach() 或 torch.tensor(...) 会切断计算图）。",
        "en": "f(x) has no autograd history, so there is nothing to check: compute from x "
        "with torch operations (.item(), .numpy(), .detach() or torch.tensor(...) inside f "
        "cut the graph).",
    },
    "gc_eps": {
        "zh": "eps 应是一个很小的正步长，例如 1e-6；你传入的是 {got}。",
        "en": "eps must be a small positive step, like 1e-6; got {got}.",
    },
    "gc_tolerance": {
        "zh": "{name} 应是一个非负的数，例如 {example}；你传入的是 {got}。",
        "en": "{name} must be a non-negative number, like {example}; got {got}.",
    },
    # graphs
    "g_not_tensor": {
        "zh": "{func} 需要一个 torch.Tensor，而你传入的是 {got}：请传入一次计算的结果，"
        "例如 y = 2 * torch.dot(x, x)。",
        "en": "{func} needs a torch.Tensor, got {got}: pass the result of a computation, e.g. "
        "y = 2 * torch.dot(x, x).",
    },
    "g_no_history": {
        "zh": "这个张量没有 autograd 记录（requires_grad=False，grad_fn=None），没有计算图可画。"
        "计算之前先用 requires_grad=True 创建输入（或调用 x.requires_grad_()）；"
        "detach() 和 torch.no_grad() 也会丢掉记录。",
        "en": "this tensor has no autograd history (requires_grad=False, grad_fn=None), so "
        "there is no graph to show. Create its inputs with requires_grad=True (or call "
        "x.requires_grad_()) before computing it; detach() and torch.no_grad() also drop the "
        "history.",
    },
    "g_names_type": {
        "zh": '{name} 应是像 {{"x": x}} 这样的字典，而你传入的是 {got}。',
        "en": '{name} must be a dict like {{"x": x}}, got {got}.',
    },
    "g_names_items": {
        "zh": '{name} 应把字符串映射到张量，例如 {{"x": x}}；其中 {entry} 对应的是 {got}。',
        "en": '{name} must map strings to tensors, like {{"x": x}}; got {entry}: {got}.',
    },
    "g_node_text": {
        "zh": "Node 的 id 和 label 应是字符串，而你传入的是 {id} 和 {label}。",
        "en": "Node id and label must be strings, got {id} and {label}.",
    },
    "g_node_kind": {
        "zh": "Node 的 kind 应是 {kinds} 之一，而你传入的是 {got}。",
        "en": "Node kind must be one of {kinds}, got {got}.",
    },
    "g_nodes_type": {
        "zh": "Graph 的 nodes 应是由 Node(...) 组成的元组，而你传入的是 {got}。",
        "en": "Graph nodes must be a tuple of Node(...) objects, got {got}.",
    },
    "g_edges_type": {
        "zh": "Graph 的 edges 应是由 (起点 id, 终点 id) 组成的元组，而你传入的是 {got}。",
        "en": "Graph edges must be a tuple of (source id, target id) pairs, got {got}.",
    },
    "g_empty": {
        "zh": "这张图没有节点：计算图至少有它的输出。",
        "en": "the graph has no nodes: a computation graph has at least its output.",
    },
    "g_unique": {
        "zh": "Graph 的节点 id 必须互不相同；重复的有：{ids}。",
        "en": "Graph node ids must be unique; repeated: {ids}.",
    },
    "g_edge": {
        "zh": "Graph 的边 {edge} 应是一对节点 id，取自 {known}。",
        "en": "Graph edge {edge} must be a pair of node ids among {known}.",
    },
    "g_cycle": {
        "zh": "这张图有环（经过 {node}）：计算图必须无环。",
        "en": "the graph has a cycle (through {node}): a computation graph must be acyclic.",
    },
    "g_unknown_node": {
        "zh": "这张图里没有节点 {got}：已有的 id 是 {known}。",
        "en": "no node {got} in this graph: its ids are {known}.",
    },
    "g_draw_type": {
        "zh": "draw_graph 需要一个 Graph，而你传入的是 {got}：张量请用 draw(y)。",
        "en": "draw_graph needs a Graph, got {got}: for a tensor use draw(y).",
    },
    "g_summary": {
        "zh": "… 省略了中间 {hidden_levels} 层的 {hidden_nodes} 个节点：这张图有 {nodes} 个节点、"
        "{levels} 层，太大，读不过来；只显示最前 {head} 层和最后 {tail} 层。",
        "en": "… {hidden_nodes} nodes in {hidden_levels} levels left out: the graph has "
        "{nodes} nodes in {levels} levels, too many to read; only the first {head} and the "
        "last {tail} levels are shown.",
    },
    "g_summary_wide": {
        "zh": "… 省略了 {hidden_nodes} 个节点：这张图有 {nodes} 个节点，最多 {widest} 个并排，"
        "太多，读不过来；每层只显示前 {shown} 个。",
        "en": "… {hidden_nodes} nodes left out: the graph has {nodes} nodes, up to {widest} "
        "side by side, too many to read; each level shows its first {shown}.",
    },
    "g_level": {"zh": "第 {level} 层：", "en": "level {level}:"},
    "g_more": {"zh": "另有 {count} 个", "en": "{count} more"},
}

TOPICS: dict[str, dict[str, dict[str, str]]] = {
    "exercises": EXERCISES,
    "graph": GRAPH,
    "plotting": PLOTTING,
    "handout": HANDOUT,
    "student_edition": STUDENT_EDITION,
    "errors": ERRORS,
}
