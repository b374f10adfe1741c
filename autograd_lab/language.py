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

# --- explain: hints under autograd errors, and predict-then-run feedback (autograd_lab.explain,
# autograd_lab.practice); sections name the headings of notebook 06 ---------------------------
EXPLAIN: dict[str, dict[str, str]] = {
    "label": {"zh": "【自动求导提示】", "en": "[autograd hint] "},
    "reread": {"zh": "重读：{notebook} · {section}", "en": "Reread: {notebook} · {section}"},
    "section": {"zh": "第 {number} 节 {title}", "en": "section {number}, {title}"},
    # the sections of 06_autograd_in_practice, as its headings spell them
    "section_1": {"zh": "自动求导记下的状态", "en": "The state autograd keeps"},
    "section_2": {"zh": "关掉记录", "en": "Turning recording off"},
    "section_3": {"zh": "保存的张量与原地修改", "en": "Saved tensors and in-place changes"},
    "section_4": {"zh": "反向传播两次", "en": "Backward twice"},
    "section_5": {"zh": "高阶导数", "en": "Higher-order derivatives"},
    "section_6": {"zh": "闭环：真的拟合一次", "en": "Closing the loop: a real fit"},
    "section_7": {"zh": "自定义 autograd.Function", "en": "A custom autograd.Function"},
    "section_8": {"zh": "找出 NaN", "en": "Finding a NaN"},
    # one pair of lines per error: what happened, then what to do
    "backward_twice_what": {
        "zh": "这张图已经反向传播过一次，它保存的中间结果在那时就释放了。",
        "en": "This graph was already back-propagated once, and the intermediate values it "
        "saved were freed at that moment.",
    },
    "backward_twice_fix": {
        "zh": "每一步重新做一次前向；确实要在同一张图上再走一遍时，第一次传 retain_graph=True。",
        "en": "Run the forward pass again for each step; only if you really need the same graph "
        "twice, pass retain_graph=True the first time.",
    },
    "not_scalar_what": {
        "zh": "backward() 只能从一个标量出发；这个输出有多个元素，PyTorch 不知道每个元素的权重。",
        "en": "backward() starts from a scalar; this output has several elements, and PyTorch "
        "does not know what weight each one carries.",
    },
    "not_scalar_fix": {
        "zh": "先把它归约成标量（如 .sum() 或 .mean()），或者把权重向量作为 gradient= 传进去。",
        "en": "Reduce it to a scalar first (e.g. .sum() or .mean()), or pass the weight vector "
        "as gradient=.",
    },
    "inplace_modified_what": {
        "zh": "反向传播要用的一个张量在前向之后被原地改写了：消息里的 version 就是它被改的次数。",
        "en": "A tensor the backward pass needs was overwritten in place after the forward "
        "pass: the version in the message counts those changes.",
    },
    "inplace_modified_fix": {
        "zh": "把那次原地运算（add_、+=、x[i] = ...）换成返回新张量的写法，例如 y = y + 1。",
        "en": "Replace that in-place operation (add_, +=, x[i] = ...) by one that returns a "
        "new tensor, e.g. y = y + 1.",
    },
    "no_grad_fn_what": {
        "zh": "这个张量没有 grad_fn：它和任何需要梯度的叶子之间的图断开了。",
        "en": "This tensor has no grad_fn: the graph between it and every leaf that needs a "
        "gradient is cut.",
    },
    "no_grad_fn_fix": {
        "zh": "找到断开的地方（detach、no_grad、.item()、.numpy()、"
        "忘了 requires_grad 或 create_graph）；"
        "给结果设 requires_grad = True 不会接上图，什么也学不到。",
        "en": "Find the cut (detach, no_grad, .item(), .numpy(), a missing requires_grad or "
        "create_graph); "
        "setting requires_grad = True on the result does not reconnect it, nothing learns.",
    },
    "leaf_inplace_what": {
        "zh": "你在原地修改一个需要梯度的叶子（例如 w -= lr * w.grad），而 autograd 正在记录。",
        "en": "You are changing a leaf that requires grad in place (e.g. w -= lr * w.grad) "
        "while autograd is recording.",
    },
    "leaf_inplace_fix": {
        "zh": "参数更新放进 with torch.no_grad(): 块里，或交给 torch.optim 的优化器。",
        "en": "Do parameter updates inside a with torch.no_grad(): block, or let an optimizer "
        "from torch.optim do them.",
    },
    "view_of_leaf_inplace_what": {
        "zh": "切片或 view 和它的叶子共用内存；原地改它（如 w[0] = 0）就是在原地改叶子。",
        "en": "A slice or view shares memory with its leaf; changing it in place (e.g. w[0] = 0) "
        "changes the leaf in place.",
    },
    "view_of_leaf_inplace_fix": {
        "zh": "在 with torch.no_grad(): 里改，或者先 clone() 出一份再改。",
        "en": "Make the change inside with torch.no_grad():, or clone() first and change the copy.",
    },
    "multi_view_inplace_what": {
        "zh": "split、chunk、unbind 这类函数一次返回多个 view，autograd 不允许原地改其中一个。",
        "en": "Functions such as split, chunk and unbind return several views at once, and "
        "autograd does not allow changing one of them in place.",
    },
    "multi_view_inplace_fix": {
        "zh": "用不带下划线的写法得到新张量（a = a + 1），或先 clone() 那一块。",
        "en": "Use the out-of-place form to get a new tensor (a = a + 1), or clone() that piece "
        "first.",
    },
    "nonleaf_grad_what": {
        "zh": "只有叶子张量的 .grad 会被填写；中间结果的梯度在反向传播中用完就丢。",
        "en": "Only leaf tensors get their .grad filled in; the gradients of intermediate "
        "results are dropped once the backward pass has used them.",
    },
    "nonleaf_grad_fix": {
        "zh": "在 backward 之前对它调用 .retain_grad()，或者用张量钩子 register_hook 看一眼。",
        "en": "Call .retain_grad() on it before backward, or look at it with a tensor hook "
        "(register_hook).",
    },
    "grad_is_none_what": {
        "zh": ".grad 在第一次 backward 之前是 None，None 没有 zero_() 可调。",
        "en": ".grad is None before the first backward, and None has no zero_().",
    },
    "grad_is_none_fix": {
        "zh": "清零前先判断（if w.grad is not None），或直接写 w.grad = None；"
        "优化器的 zero_grad() 两种情况都能处理。",
        "en": "Check first (if w.grad is not None), or simply set w.grad = None; an optimizer's "
        "zero_grad() handles both cases.",
    },
    "numpy_requires_grad_what": {
        "zh": "NumPy 不记录计算图，PyTorch 不肯悄悄把一个要梯度的张量交出去。",
        "en": "NumPy records no graph, so PyTorch refuses to hand over a tensor that requires "
        "grad without saying so.",
    },
    "numpy_requires_grad_fix": {
        "zh": "写 t.detach().numpy()：明确表示这里离开计算图。",
        "en": "Write t.detach().numpy(): it says clearly that the values leave the graph here.",
    },
    "float_only_what": {
        "zh": "只有浮点（或复数）张量才能要梯度：整数没有“无穷小的变化”。",
        "en": "Only floating-point (or complex) tensors can require gradients: integers have no "
        "infinitesimal change.",
    },
    "float_only_fix": {
        "zh": "用浮点数创建它，例如 torch.arange(4.0) 或 x.double()。",
        "en": "Create it with floats, e.g. torch.arange(4.0) or x.double().",
    },
    "nonleaf_requires_grad_what": {
        "zh": "requires_grad 只能在叶子上改；计算出来的张量的这一项由它的输入决定。",
        "en": "requires_grad can only be changed on leaves; a computed tensor's flag follows "
        "from its inputs.",
    },
    "nonleaf_requires_grad_fix": {
        "zh": "想让它当常量用就 .detach()；想让它当新的叶子就 .detach().requires_grad_()。",
        "en": "To use it as a constant, .detach() it; to make it a new leaf, "
        ".detach().requires_grad_().",
    },
    "inference_tensor_what": {
        "zh": "这个张量是在 torch.inference_mode() 里创建的：它永远不能进入被记录的计算，"
        "也不能在外面原地修改。",
        "en": "This tensor was created under torch.inference_mode(): it can never take part in a "
        "recorded computation, nor be changed in place outside it.",
    },
    "inference_tensor_fix": {
        "zh": "以后还要求导的地方用 torch.no_grad()，或者先 clone() 出一个普通张量。",
        "en": "Where gradients will be needed later, use torch.no_grad(), or clone() it into an "
        "ordinary tensor first.",
    },
    "unused_input_what": {
        "zh": "你要求对一个张量求导，但输出的计算根本没有用到它。",
        "en": "You asked for the gradient with respect to a tensor that the output's computation "
        "never used.",
    },
    "unused_input_fix": {
        "zh": "检查传给 torch.autograd.grad 的 inputs；"
        "确实无关时传 allow_unused=True，结果是 None。",
        "en": "Check the inputs you pass to torch.autograd.grad; if it really plays no part, "
        "pass allow_unused=True and get None for it.",
    },
    "grad_shape_what": {
        "zh": "传给 backward 的 gradient 必须与输出形状相同：每个输出元素一个权重。",
        "en": "The gradient passed to backward must have the output's shape: one weight per "
        "output element.",
    },
    "grad_shape_fix": {
        "zh": "用 torch.ones_like(y) 这样与 y 同形状的张量。",
        "en": "Use a tensor shaped like y, such as torch.ones_like(y).",
    },
    "optimize_nonleaf_what": {
        "zh": "优化器只能更新叶子张量；w * 2、w.to(...) 这类结果是计算出来的中间量。",
        "en": "An optimizer can only update leaf tensors; results such as w * 2 or w.to(...) are "
        "computed intermediates.",
    },
    "optimize_nonleaf_fix": {
        "zh": "先做好变换再创建参数，例如 torch.tensor(..., requires_grad=True)，"
        "把这个叶子交给优化器。",
        "en": "Transform first and then create the parameter, e.g. "
        "torch.tensor(..., requires_grad=True), and give that leaf to the optimizer.",
    },
    "nan_backward_what": {
        "zh": "反向传播中某个运算的梯度算出了 NaN：常见原因是 0 · ∞，"
        "例如 where 丢弃的分支里的 sqrt(0)。",
        "en": "Some operation's gradient came out NaN in the backward pass: usually 0 · ∞, e.g. "
        "sqrt(0) in the branch a where discards.",
    },
    "nan_backward_fix": {
        "zh": "让被丢弃的分支也安全：先把输入替换成安全值，再做 sqrt、log、除法。",
        "en": "Make the discarded branch safe too: replace its input by a safe value before the "
        "sqrt, log or division.",
    },
    # predict, then run (autograd_lab.practice)
    "predict_not_attempted": {
        "zh": "【未作答】把 ... 换成你的预测，再运行这一格。",
        "en": "[Not attempted] Replace the ... with your prediction, then run this cell.",
    },
    "predict_correct": {
        "zh": "【预测正确】PyTorch 给出的正是 {answer}。",
        "en": "[Correct prediction] PyTorch gives exactly {answer}.",
    },
    "predict_wrong": {
        "zh": "【再想想】你预测 {guess}，PyTorch 给出 {answer}。下一格告诉你为什么。",
        "en": "[Think again] You predicted {guess}, PyTorch gives {answer}. The next cell shows "
        "why.",
    },
    "predict_kind": {
        "zh": "【再想想】这里要预测的是 {kind}，而不是 {got}。",
        "en": "[Think again] The prediction here is {kind}, not {got}.",
    },
    "kind_bool": {"zh": "True 或 False", "en": "True or False"},
    "kind_none": {"zh": "None 或一个张量", "en": "None or a tensor"},
    "kind_number": {"zh": "一个数", "en": "a number"},
    "kind_text": {"zh": "一段文字（字符串）", "en": "a piece of text (a string)"},
    "kind_tensor": {
        "zh": "一个张量或数的列表（形状 {shape}）",
        "en": "a tensor or a list of numbers (shape {shape})",
    },
}

# --- explorers: the words of the interactive explorers (autograd_lab.explorers) ----------------
EXPLORERS: dict[str, dict[str, str]] = {
    # the controls
    "function": {"zh": "函数", "en": "function"},
    "x0": {"zh": "切点 x₀", "en": "point x₀"},
    "h": {"zh": "步长 h", "en": "step h"},
    "loss": {"zh": "损失", "en": "loss"},
    "lr": {"zh": "学习率", "en": "learning rate"},
    "steps": {"zh": "步数", "en": "steps"},
    "step": {"zh": "第几步", "en": "step"},
    "controls": {
        "zh": "（交互控件：在 JupyterLab 里运行这一格，就能拖动滑块）",
        "en": "(interactive controls: run this cell in JupyterLab to move the slider)",
    },
    "picture": {
        "zh": "{explorer}：{setting}",
        "en": "{explorer}: {setting}",
    },
    # the explorers' names
    "name_tangent": {"zh": "切线探索器", "en": "Tangent explorer"},
    "name_finite_differences": {"zh": "有限差分探索器", "en": "Finite-difference explorer"},
    "name_gradient_descent": {"zh": "梯度下降探索器", "en": "Gradient-descent explorer"},
    "name_backward": {"zh": "反向传播单步演示", "en": "Backward stepper"},
    # tangent explorer
    "tangent_line": {"zh": "切线（斜率来自 autograd）", "en": "tangent (slope from autograd)"},
    "tangent_sides": {"zh": "左右两侧的斜率", "en": "one-sided slopes"},
    "tangent_title": {"zh": "{function} 在 $x_0$ = {x0} 处", "en": "{function} at $x_0$ = {x0}"},
    "tangent_values": {
        "zh": "x₀ = {x0}：f(x₀) = {value}，autograd 给出的斜率 f'(x₀) = {slope}",
        "en": "x₀ = {x0}: f(x₀) = {value}, slope f'(x₀) from autograd = {slope}",
    },
    "tangent_kink": {
        "zh": "这里是折点：左侧斜率 {left}，右侧斜率 {right}；介于两者之间的数都是次梯度，"
        "autograd 取了 {slope}。",
        "en": "This is a kink: slope {left} on the left, {right} on the right; any number in "
        "between is a subgradient, and autograd picks {slope}.",
    },
    # finite-difference explorer
    "fd_forward": {"zh": "前向差分", "en": "forward difference"},
    "fd_central": {"zh": "中心差分", "en": "central difference"},
    "fd_xlabel": {"zh": "步长 h", "en": "step size h"},
    "fd_ylabel": {"zh": "与 autograd 的差", "en": "difference from autograd"},
    "fd_title": {
        "zh": "{function} 在 x = {x0} 处：h = {h}",
        "en": "{function} at x = {x0}: h = {h}",
    },
    "fd_values": {
        "zh": "h = {h}：前向差分误差 {forward}，中心差分误差 {central}（autograd：{exact}）",
        "en": "h = {h}: forward difference error {forward}, central difference error {central} "
        "(autograd: {exact})",
    },
    "fd_truncation": {
        "zh": "{method}：h 还大，截断误差为主，h 再小一些会更准。",
        "en": "{method}: h is still large, truncation error dominates, and a smaller h helps.",
    },
    "fd_rounding": {
        "zh": "{method}：h 太小，舍入误差为主，h 越小反而越差。",
        "en": "{method}: h is too small, rounding error dominates, and a smaller h makes it worse.",
    },
    # gradient-descent explorer
    "loss_1d": {"zh": "一维：L(w) = (w − 2)²", "en": "1-D: L(w) = (w − 2)²"},
    "loss_2d": {
        "zh": "二维：例 2，z = ‖Xw − y‖²（两个参数）",
        "en": "2-D: Example 2, z = ‖Xw − y‖² (two parameters)",
    },
    "gd_start": {"zh": "起点", "en": "start"},
    "gd_minimum": {"zh": "最小值", "en": "minimum"},
    "gd_path": {"zh": "梯度下降的路径", "en": "gradient-descent path"},
    "gd_loss_axis": {"zh": "损失（对数坐标）", "en": "loss (log scale)"},
    "gd_step_axis": {"zh": "步数", "en": "step"},
    "gd_title": {
        "zh": "学习率 {lr}，{steps} 步",
        "en": "learning rate {lr}, {steps} steps",
    },
    "gd_values": {
        "zh": "学习率 {lr}，{steps} 步后损失 {loss}（起点 {start}）。",
        "en": "learning rate {lr}: after {steps} steps the loss is {loss} (it started at {start}).",
    },
    "gd_converges": {
        "zh": "收敛：学习率低于 2/λ_max = {limit}。",
        "en": "Converges: the learning rate is below 2/λ_max = {limit}.",
    },
    "gd_diverges": {
        "zh": "发散！学习率超过 2/λ_max = {limit}，每一步都冲过头，损失越来越大。",
        "en": "Diverges! The learning rate exceeds 2/λ_max = {limit}: every step overshoots, "
        "and the loss keeps growing.",
    },
    "gd_edge": {
        "zh": "学习率正好等于 2/λ_max = {limit}：在谷底两侧来回跳，既不收敛也不发散。",
        "en": "The learning rate equals 2/λ_max = {limit}: the steps bounce across the valley, "
        "neither converging nor diverging.",
    },
    # backward stepper
    "bw_seed": {
        "zh": "第 0 步：输出 {output} 的梯度设为 1，反向传播还没有开始。",
        "en": "Step 0: the gradient of the output {output} is set to 1; backward has not "
        "started yet.",
    },
    "bw_runs": {
        "zh": "第 {step}/{total} 步：{node} 运行，收到的梯度 {grad}。",
        "en": "Step {step}/{total}: {node} runs; the gradient arriving is {grad}.",
    },
    "bw_sends": {
        "zh": "  交给 {target}：{grad}",
        "en": "  passes {grad} to {target}",
    },
    "bw_accumulates": {
        "zh": "  {target} += {grad}（扇出：再加一份，现在是 {total}）",
        "en": "  {target} += {grad} (fan-out: one more share, now {total})",
    },
    "bw_constant": {
        "zh": "  {target}：常量，不需要梯度",
        "en": "  {target}: a constant, it needs no gradient",
    },
    "bw_leaf_empty": {
        "zh": "{leaf}.grad = None（还没收到）",
        "en": "{leaf}.grad = None (nothing yet)",
    },
    "bw_done": {
        "zh": "反向传播结束：每个叶子的 .grad 都已填好。",
        "en": "Backward is done: every leaf's .grad is filled in.",
    },
    "bw_leaves": {"zh": "叶子的 .grad", "en": "the leaves' .grad"},
    "bw_runs_short": {"zh": "正在运行", "en": "running"},
    # bad input
    "bad_function": {
        "zh": "function 应是 {choices} 之一，或者一个对张量逐元素计算的函数；收到的是 {got}。",
        "en": "function should be one of {choices}, or a function computing element-wise on a "
        "tensor; got {got}.",
    },
    "bad_number": {
        "zh": "{name} 应是一个有限的数，例如 {example}；收到的是 {got}。",
        "en": "{name} should be one finite number, e.g. {example}; got {got}.",
    },
    "bad_range": {
        "zh": "{name} 应在 {low} 到 {high} 之间；收到的是 {got}。",
        "en": "{name} should lie between {low} and {high}; got {got}.",
    },
    "bad_steps": {
        "zh": "steps 应是 0 到 {high} 之间的整数；收到的是 {got}。",
        "en": "steps should be a whole number from 0 to {high}; got {got}.",
    },
    "bad_loss": {
        "zh": "loss 应是 {choices} 之一；收到的是 {got}。",
        "en": "loss should be one of {choices}; got {got}.",
    },
    "bad_data": {
        "zh": "X 应是形状 (m, 2) 的数表（两个参数），y 是 m 个数，都是有限的；收到的是 {got}。",
        "en": "X should be numbers of shape (m, 2) (two parameters) and y m numbers, all finite; "
        "got {got}.",
    },
    "bad_step": {
        "zh": "step 应是 0 到 {high} 之间的整数（一共 {high} 个运算节点）；收到的是 {got}。",
        "en": "step should be a whole number from 0 to {high} (there are {high} operation "
        "nodes); got {got}.",
    },
    "bad_tensor": {
        "zh": "需要一个 PyTorch 张量或 autograd_lab.engine 张量，它由 requires_grad=True 的输入"
        "算出来；收到的是 {got}。",
        "en": "Expected a PyTorch tensor or an autograd_lab.engine tensor computed from inputs "
        "with requires_grad=True; got {got}.",
    },
    "bad_scalar": {
        "zh": "输出应是标量（只有一个元素），形状却是 {shape}：先求和，例如 y.sum()。",
        "en": "The output should be a scalar (one element), but its shape is {shape}: reduce "
        "it first, e.g. y.sum().",
    },
    "bad_history": {
        "zh": "这个张量没有计算历史，没有可以单步演示的反向传播："
        "创建输入时加上 requires_grad=True。",
        "en": "This tensor has no history, so there is no backward pass to step through: "
        "create its inputs with requires_grad=True.",
    },
    "bad_freed": {
        "zh": "这张计算图保存的中间结果已被之前的 backward() 释放：重新算一遍这个张量再演示。",
        "en": "The values this graph saved were freed by an earlier backward(): compute the "
        "tensor again, then step through it.",
    },
}

TOPICS: dict[str, dict[str, dict[str, str]]] = {
    "exercises": EXERCISES,
    "graph": GRAPH,
    "plotting": PLOTTING,
    "handout": HANDOUT,
    "student_edition": STUDENT_EDITION,
    "explain": EXPLAIN,
    "explorers": EXPLORERS,
}
