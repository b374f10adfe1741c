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
# Hints point at the mistake and never name the function or argument that fixes it. Each key
# is also the hint id a Feedback carries (`Feedback.hint`).
EXERCISES: dict[str, dict[str, str]] = {
    # how two sentences are joined: the marks that end one, the one added, what comes between
    "sentence_ends": {"zh": "。！？", "en": ".!?"},
    "sentence_stop": {"zh": "。", "en": "."},
    "sentence_gap": {"zh": "", "en": " "},
    "heading": {"zh": "练习 {number} {label}", "en": "Exercise {number} {label}"},
    "heading_prediction": {"zh": "预测 {number} {label}", "en": "Prediction {number} {label}"},
    "label_correct": {"zh": "【正确】", "en": "[Correct]"},
    "label_wrong": {"zh": "【再想想】", "en": "[Think again]"},
    "label_not_attempted": {"zh": "【未作答】", "en": "[Not attempted]"},
    "not_attempted": {
        "zh": "把答案格里的 ... 换成你的代码，运行它，再运行这一格检查。",
        "en": "Replace the ... in the answer cell with your code, run it, then run this cell "
        "to check.",
    },
    "predict_not_attempted": {
        "zh": "先在上一格把 ... 换成你的预测并运行，再运行这一格：写下预测之后才会显示结果。",
        "en": "First replace the ... in the cell above with your prediction and run it, then "
        "run this cell: the result is shown once you have written a prediction.",
    },
    # whatever the learner's code does, the check answers with one of these
    "raised": {
        "zh": "你的代码抛出了 {error}：{detail}",
        "en": "Your code raised {error}: {detail}",
    },
    "raised_at": {
        "zh": "出错的是 {function} 的第 {line} 行：{code}",
        "en": "It happened in {function}, line {line}: {code}",
    },
    "timeout": {
        "zh": "{call} 在 {limit:g} 秒内没有结束，检查把它停下了：是不是有一个循环在这个输入上"
        "永远停不下来？",
        "en": "{call} did not finish within {limit:g} s, so the check stopped it: is there a "
        "loop that never ends for this input?",
    },
    "returned_none": {
        "zh": "{function} 运行完了，但返回的是 None：是不是忘了把结果 return 出来？",
        "en": "{function} ran to the end but returned None: did it forget to return its result?",
    },
    "by_hand_autograd": {
        "zh": "这个导数要你手推：检查在关掉 autograd 的情况下运行它，而你的代码用到了 autograd。"
        "写出导数的公式，再用张量运算算出来。",
        "en": "This derivative is to be worked out by hand: the check runs it with autograd "
        "switched off, and your code reaches for autograd. Write down the formula of the "
        "derivative and compute it with tensor operations.",
    },
    "approximate": {
        "zh": "与 autograd 只在前 {digits} 位有效数字上一致；手推的公式应当一致到最后几位。"
        "这是数值近似（比如差分），还是用了较低的精度（float32）？",
        "en": "Agrees with autograd to only {digits} significant digits; a formula worked out "
        "by hand agrees to the last digits. Is this a numerical approximation (such as a "
        "difference quotient), or computed in lower precision (float32)?",
    },
    # hints for PyTorch errors that name a misconception
    "err_freed": {
        "zh": "反向传播结束后，计算图里保存的中间结果已被释放，第二次走这张图时它们不在了。",
        "en": "When a backward pass ends, the intermediate results saved in the graph are "
        "freed, so a second pass over that graph finds them gone.",
    },
    "err_no_graph": {
        "zh": "被求导的张量没有计算图：它的输入不要求梯度，或者图在某处被切断了。",
        "en": "The tensor being differentiated has no graph: its inputs do not require "
        "gradients, or the graph was cut somewhere.",
    },
    "err_complex": {
        "zh": "结果是复数：这里的反向传播只接受实数标量。",
        "en": "The result is complex: backward here takes real scalars only.",
    },
    "err_not_scalar": {
        "zh": "对非标量调用 backward 时，它需要知道每个分量各占多少权重。",
        "en": "Called on a non-scalar, backward needs to know what weight each component carries.",
    },
    "err_none": {
        "zh": "有个值是 None，而代码把它当成了张量：.grad 在第一次反向传播到达之前就是 None。",
        "en": "A value is None where the code expects a tensor: .grad stays None until a "
        "first backward pass reaches the tensor.",
    },
    "err_inplace_leaf": {
        "zh": "对要求梯度的叶子张量做了原地修改：autograd 不允许这样改它。",
        "en": "A leaf tensor that requires grad was changed in place, which autograd forbids.",
    },
    "err_inplace_saved": {
        "zh": "反向传播要用的某个中间结果在前向之后被原地改掉了。",
        "en": "A value that the backward pass needs was changed in place after the forward "
        "pass saved it.",
    },
    "err_numpy": {
        "zh": "还连着计算图的张量不能直接转成 NumPy：先把它从图上取下来。",
        "en": "A tensor still attached to a graph cannot become a NumPy array as it is: take it "
        "off the graph first.",
    },
    "err_gradient_shape": {
        "zh": "传给 backward 的权重与输出的形状不一样。",
        "en": "The weights passed to backward do not have the output's shape.",
    },
    "err_unused": {
        "zh": "要对它求导的张量没有参与这次计算。",
        "en": "The tensor to differentiate with respect to took no part in this computation.",
    },
    # exercise 1
    "ex1_not_callable": {
        "zh": "需要一个函数 second_derivative(f, x)，而不是一个值。",
        "en": "Expected a function second_derivative(f, x), not a value.",
    },
    "ex1_input_no_grad": {
        "zh": "f 收到的输入不要求梯度，所以 autograd 什么都没有记录。",
        "en": "The input f receives does not require gradients, so autograd recorded nothing.",
    },
    "ex1_no_graph": {
        "zh": "一阶导数没有带着计算图，autograd 没法再对它求导。",
        "en": "The first derivative carries no computation graph, so autograd cannot "
        "differentiate it again.",
    },
    "ex1_shape": {
        "zh": "结果应是与 x 形状相同的张量 {shape}：每个点一个值。",
        "en": "The result should be a tensor of the same shape as x, {shape}: one value per point.",
    },
    "ex1_not_autograd": {
        "zh": "没有任何一次反向传播经过 f：结果不是 autograd 算出来的（差分或手推的公式都不算）。",
        "en": "No backward pass went through f: the result was not computed by autograd "
        "(difference quotients and formulas worked out by hand do not count).",
    },
    "ex1_first_derivative": {
        "zh": "你返回的是一阶导数：还要再求一次。",
        "en": "You returned the first derivative: differentiate once more.",
    },
    "ex1_accumulated": {
        "zh": "结果是一阶导数与二阶导数之和：两次求导的结果累加到了同一个 .grad 里。",
        "en": "The result is the sum of the first and the second derivative: both ended up "
        "accumulated in the same .grad.",
    },
    "ex1_hidden_mismatch": {
        "zh": "题目里列出的函数都对了，但检查另备的一个函数上不对：答案是不是只适用于这几个函数？",
        "en": "Right for the functions the exercise lists, wrong for another one the check keeps "
        "to itself: does the answer only work for those few functions?",
    },
    "ex1_mismatch": {
        "zh": "对 f(x) = {function}，结果与 autograd 的二阶导数不一致。",
        "en": "For f(x) = {function} the result does not match autograd's second derivative.",
    },
    "ex1_correct": {
        "zh": "{functions} 个函数（包括检查另备的）、各 {points} 个点上都与二阶导数一致，"
        "而且是 autograd 算出来的。",
        "en": "Matches the second derivative for {functions} functions (some kept by the "
        "check) at {points} points each, computed by autograd.",
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
    "ex2_no_backward": {
        "zh": "没有任何一次反向传播到达 x：返回的值不是 backward 算出来的。",
        "en": "No backward pass reached x: the value returned was not computed by backward.",
    },
    "ex2_shape": {
        "zh": "请返回 x.grad（与 x 形状相同的张量）。",
        "en": "Return x.grad (a tensor of the same shape as x).",
    },
    "ex2_not_grad": {
        "zh": "返回的不是 backward 留在 x.grad 里的梯度：题目要的正是 x.grad。",
        "en": "What you return is not the gradient backward left in x.grad, which is what the "
        "exercise asks for.",
    },
    "ex2_one_pass": {
        "zh": "数值像两次的结果，但只有一次反向传播到达了 x：题目要的是对同一个 y 反向传播两次。",
        "en": "The value looks like two passes, but only one backward pass reached x: the "
        "exercise asks for two backward passes over the same y.",
    },
    "ex2_once": {
        "zh": "只有一次反向传播到达了 x：第二次呢？",
        "en": "Only one backward pass reached x: where is the second?",
    },
    "ex2_rebuilt": {
        "zh": "两次反向传播走的是两张图：第二次之前图又建了一遍。题目要求只建一次图，"
        "让第二次也走同一张图。",
        "en": "The two backward passes ran on two graphs: the graph was built again before the "
        "second. The exercise asks to build it once and run the second pass over the same "
        "graph.",
    },
    "ex2_too_many": {
        "zh": "反向传播到达了 x {count} 次：题目要的是两次。",
        "en": "Backward reached x {count} times: the exercise asks for two.",
    },
    "ex2_zeroed": {
        "zh": "两次反向传播都跑了，返回的却是一次的梯度：两次之间是不是把梯度清零了？",
        "en": "Both backward passes ran, yet you return the gradient of one: did you zero it "
        "between the two?",
    },
    "ex2_neither": {
        "zh": "结果既不是一次也不是两次反向传播的梯度：每次只对同一个 y 调用。",
        "en": "The result is the gradient of neither one nor two backward passes: call backward "
        "on the same y each time, and on nothing else.",
    },
    "ex2_correct": {
        "zh": "同一张图上两次反向传播，x.grad 是一次的两倍：梯度在累加。",
        "en": "Two backward passes over one graph, and x.grad is twice the gradient of one: "
        "gradients accumulate.",
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
    "ex3_any_shape": {
        "zh": "对一种形状的 a 能行，换一种形状就不行：a 可以是任意形状，答案里别写死形状。",
        "en": "It works for one shape of a and fails for another: a may have any shape, so "
        "nothing in the answer should assume one.",
    },
    "ex3_grad_empty": {
        "zh": "返回的 a.grad 还是 None：没有任何一次反向传播到达 a。",
        "en": "The a.grad you return is still None: no backward pass reached a.",
    },
    "ex3_shape": {
        "zh": "梯度应与 a 形状相同；形状 {shape} 时不对。",
        "en": "The gradient should have the same shape as a; it does not for shape {shape}.",
    },
    "ex3_no_backward": {
        "zh": "没有任何一次反向传播到达 a：这个值不是 autograd 算出来的。题目要的是 autograd "
        "给出的梯度，不是由结论反推的公式。",
        "en": "No backward pass reached a: this value was not computed by autograd. The "
        "exercise asks for the gradient autograd gives, not a formula taken from the "
        "conclusion.",
    },
    "ex3_not_backward_result": {
        "zh": "反向传播跑了，但返回的不是它给 a 算出的梯度。",
        "en": "A backward pass ran, but what you return is not the gradient it computed for a.",
    },
    "ex3_one_component": {
        "zh": "只有 d 的第一个分量对梯度有贡献：Σ d_i 的梯度里，d 的每个分量都要算进去。",
        "en": "Only the first component of d contributed to the gradient: the gradient of Σ d_i "
        "takes every component of d into account.",
    },
    "ex3_wrong": {
        "zh": "形状 {shape} 的输入上梯度不对：检查传给 backward 的权重，"
        "以及 a.grad 在调用前是不是空的。",
        "en": "Wrong gradient for an input of shape {shape}: check the weights you pass to "
        "backward, and whether a.grad is empty before the call.",
    },
    "ex3_correct": {
        "zh": "向量和矩阵输入（包括检查另备的形状）、两个分支上都与 autograd 一致，"
        "而且梯度来自反向传播。",
        "en": "Matches autograd for vector and matrix inputs (one shape kept by the check) on "
        "both branches, and the gradient comes from backward.",
    },
    # exercise 4
    "ex4_not_callable": {
        "zh": "需要两个函数：g(a) 和你手推的导数 dg(a)。",
        "en": "Expected two functions: g(a) and dg(a), the derivative you worked out by hand.",
    },
    "ex4_g_backward": {
        "zh": "g 自己做了反向传播：g 只负责计算结果，求导交给检查里的 autograd。",
        "en": "g runs a backward pass itself: g should only compute its result and leave the "
        "differentiating to autograd in the check.",
    },
    "ex4_complex": {
        "zh": "g({point}) 是复数：请让 g 返回实数。",
        "en": "g({point}) is complex: make g return a real number.",
    },
    "ex4_not_scalar": {
        "zh": "g({point}) 应是一个数：由 a 算出来的标量张量，或者某个分支上的常数。",
        "en": "g({point}) should be a single number: a scalar tensor computed from a, or a "
        "constant on some branch.",
    },
    "ex4_dg_not_number": {
        "zh": "dg({point}) 应返回一个实数或标量张量。",
        "en": "dg({point}) should return a real number or a scalar tensor.",
    },
    "ex4_dg_difference": {
        "zh": "dg 在 a 以外的点上计算 g：这是用差分近似导数，不是手推的公式。",
        "en": "dg evaluates g at points other than a: that approximates the derivative by a "
        "difference quotient instead of a formula worked out by hand.",
    },
    "ex4_mismatch": {
        "zh": "在 a = {point} 处，你的 dg 与 autograd 不一致：看看这个输入走的是哪条路径，"
        "这条路径上乘了哪些因子。",
        "en": "At a = {point} your dg disagrees with autograd: see which path this input takes, "
        "and which factors are multiplied in along that path.",
    },
    "ex4_no_dependence": {
        "zh": "在检查用的每个点上，g 的结果都与 a 无关（autograd 眼里是常数）：让 g 由 a 算出来。",
        "en": "At every point of the check, g's result does not depend on a (a constant in "
        "autograd's eyes): make g compute from a.",
    },
    "ex4_one_path": {
        "zh": "在检查用的 {points} 个点上 g 都走同一条路径：让循环次数或分支依赖 a 的值。",
        "en": "At all {points} points of the check g takes the same path: make the number of "
        "loop iterations or the branch depend on the value of a.",
    },
    "ex4_correct": {
        "zh": "g 在 {points} 个点上走了 {paths} 条不同的路径，手推的 dg 处处正确。",
        "en": "g took {paths} different paths over {points} points, and the dg you worked out "
        "by hand is right everywhere.",
    },
    # exercise 5
    "ex5_not_tensors": {
        "zh": "x 和 dy_dx 都应是张量。",
        "en": "x and dy_dx should both be tensors.",
    },
    "ex5_complex": {
        "zh": "x 是复数张量：这里要实数点。",
        "en": "x is a complex tensor: the points should be real.",
    },
    "ex5_integers": {
        "zh": "x 里是整数：autograd 只对浮点张量求导。",
        "en": "x holds integers: autograd only differentiates floating-point tensors.",
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
    "ex5_no_backward": {
        "zh": "x.grad 是空的：没有任何一次反向传播到达 x，所以 dy_dx 不是 autograd 算出来的。",
        "en": "x.grad is empty: no backward pass reached x, so dy_dx was not computed by autograd.",
    },
    "ex5_not_leaf": {
        "zh": "x 是由别的张量算出来的（不是叶子节点），反向传播不会把梯度留在它的 .grad 里。",
        "en": "x was computed from another tensor (it is not a leaf), so backward leaves no "
        "gradient in its .grad.",
    },
    "ex5_not_grad": {
        "zh": "dy_dx 不是反向传播留在 x.grad 里的值：让 dy_dx 就是 autograd 算出的梯度。",
        "en": "dy_dx is not what backward left in x.grad: let dy_dx be the gradient autograd "
        "computed.",
    },
    "ex5_doubled": {
        "zh": "dy_dx 恰好是导数的两倍：梯度是不是累加了两次？",
        "en": "dy_dx is exactly twice the derivative: did the gradient accumulate twice?",
    },
    "ex5_mismatch": {
        "zh": "x.grad 与 sin 在这些点上的导数不一致：反向传播的是 sin(x) 吗？",
        "en": "x.grad does not match the derivative of sin at these points: is it sin(x) that "
        "backward ran on?",
    },
    "ex5_correct": {
        "zh": "{points} 个点上的导数都与 autograd 一致，而且就是反向传播留下的 x.grad。",
        "en": "The derivative matches autograd at all {points} points, and it is the x.grad "
        "backward left.",
    },
    # exercise 6
    "ex6_not_callable": {
        "zh": "需要一个函数 df(x)，返回 f'(x)。",
        "en": "Expected a function df(x) that returns f'(x).",
    },
    "ex6_shape": {
        "zh": "df(x) 应返回与 x 形状相同的实数张量。",
        "en": "df(x) should return a real tensor of the same shape as x.",
    },
    "ex6_correct": {
        "zh": "{points} 个点（正负两侧，另有检查另备的点）上都与 autograd 一致，"
        "而且是在关掉 autograd 的情况下算出来的。",
        "en": "Matches autograd at {points} points on both the negative and the positive side, "
        "and at points the check keeps to itself, computed with autograd switched off.",
    },
    "ex6_value": {
        "zh": "返回的是 f(x) 本身的值，不是它的导数。",
        "en": "This is the value of f(x) itself, not its derivative.",
    },
    "ex6_inner": {
        "zh": "log(x²) 的导数不对：它是复合函数，内层 x² 也要求导。",
        "en": "The derivative of log(x²) is wrong: it is a composite function, so the inner x² "
        "must be differentiated too.",
    },
    "ex6_log_rule": {
        "zh": "log(x²) 的导数不对：它的自变量是 x²，不是 x。",
        "en": "The derivative of log(x²) is wrong: its argument is x², not x.",
    },
    "ex6_sign": {
        "zh": "1/x 这一项的导数符号不对。",
        "en": "The derivative of the 1/x term has the wrong sign.",
    },
    "ex6_product": {
        "zh": "log(x²)·sin(x) 是乘积：它的导数有两项，每项只对一个因子求导。",
        "en": "log(x²)·sin(x) is a product: its derivative has two terms, each differentiating "
        "one factor only.",
    },
    "ex6_missing_term": {
        "zh": "1/x 这一项的导数没有算进去。",
        "en": "The derivative of the 1/x term is missing.",
    },
    "ex6_other": {
        "zh": "与 autograd 不一致：把 f 拆成两项，分别用乘积法则和链式法则。",
        "en": "Does not match autograd: split f into its two terms and work through each with "
        "the product rule and the chain rule.",
    },
    # predict, then run
    "predict_changed": {
        "zh": "这一格的代码被改过了（或者没有运行）：按原样运行它，检查才能比较你的预测。",
        "en": "The code in this cell was changed (or did not run): run it as given, so that "
        "the check can compare your prediction.",
    },
    "predict_gap": {
        "zh": "你预测的是 {predicted}，运行的结果是 {actual}。",
        "en": "You predicted {predicted}; the run gives {actual}.",
    },
    "predict_right": {
        "zh": "预测对了：{actual}。",
        "en": "Right: {actual}.",
    },
    "predict_an_error": {"zh": "报错", "en": "an error"},
    "predict_no_error": {
        "zh": "这里不会报错：每次反向传播走的都是刚建好的图，没有用到被释放的中间结果。",
        "en": "Nothing fails here: each backward pass runs on a graph just built, and uses no "
        "intermediate result that was freed.",
    },
    "predict_not_value": {
        "zh": "请把预测写成一个数、一个列表或一个张量。",
        "en": "Write the prediction as a number, a list or a tensor.",
    },
    "predict_layout": {
        "zh": "数值对了，形状不对：你写的是 {predicted}，结果的形状是 {actual}。",
        "en": "The numbers are right but not the shape: you wrote {predicted}, the result has "
        "shape {actual}.",
    },
    "predict_shape": {
        "zh": "形状就不一样：你写的是 {predicted}，结果是 {actual}。梯度的形状总是与它所属的张量"
        "相同，而不是与输出相同。",
        "en": "Even the shape differs: you wrote {predicted}, the result is {actual}. A "
        "gradient always has the shape of the tensor it belongs to, not that of the output.",
    },
    "p1_right": {
        "zh": "每次反向传播都把 4x 加进 x.grad，两次就是 8x。",
        "en": "Each backward pass adds 4x into x.grad; two passes give 8x.",
    },
    "p1_once": {
        "zh": "这是一次反向传播的梯度。第二次并不覆盖 x.grad。",
        "en": "This is the gradient of one backward pass. The second pass does not overwrite "
        "x.grad.",
    },
    "p1_factor": {
        "zh": "y 里还有一个因子 2，dot(x, x) 的导数也别忘了。",
        "en": "y has a factor 2 in front, and mind the derivative of dot(x, x) itself.",
    },
    "p1_multiplied": {
        "zh": "累加是相加，不是相乘。",
        "en": "Accumulating means adding, not multiplying.",
    },
    "p1_gap": {
        "zh": "先算一次反向传播给出的梯度，再想想第二次对 x.grad 做了什么。",
        "en": "Work out the gradient of one backward pass first, then think about what the "
        "second pass does to x.grad.",
    },
    "p2_right": {
        "zh": "广播把 w 复制到了两行，两份副本的梯度加在一起：每个分量是 X 对应一列的和。",
        "en": "Broadcasting copied w into both rows, and the gradients of the two copies add "
        "up: each component is the sum of the matching column of X.",
    },
    "p2_one_row": {
        "zh": "广播让 w 参与了 X 的每一行，每一行都贡献梯度。",
        "en": "Broadcasting lets w take part in every row of X, and every row contributes to "
        "the gradient.",
    },
    "p2_ones": {
        "zh": "X·w 对 w 的导数是 X 的元素，不是 1。",
        "en": "The derivative of X·w with respect to w is an element of X, not 1.",
    },
    "p2_gap": {
        "zh": "对每个 w_j，数一数它与 X 的哪些元素相乘。",
        "en": "For each w_j, list the elements of X it is multiplied with.",
    },
    "p3_right": {
        "zh": "u 被 detach 了，autograd 把它当常数：z = u·x 对 x 的导数就是 u。",
        "en": "u was detached, so autograd treats it as a constant: the derivative of z = u·x "
        "with respect to x is u.",
    },
    "p3_through": {
        "zh": "你让梯度也经过了 u = y.detach() 流回 x；但 detach 切断了这条路，u 是常数。",
        "en": "You let the gradient flow back to x through u = y.detach() as well; detach cuts "
        "that path, and u is a constant.",
    },
    "p3_x": {
        "zh": "z = u·x 对 x 的导数是 u 的值，不是 x 的值。",
        "en": "The derivative of z = u·x with respect to x is the value of u, not that of x.",
    },
    "p3_gap": {
        "zh": "想想 autograd 眼里 u 是什么：它还记得自己是由 x 算出来的吗？",
        "en": "Think about what u is in autograd's eyes: does it still remember being computed "
        "from x?",
    },
    "p4_right": {
        "zh": "a 为负，走 else 分支；沿这条路径 f 是 a 乘一个常数，a.grad 就是这个常数。",
        "en": "a is negative, so the else branch is taken; along this path f is a times a "
        "constant, and a.grad is that constant.",
    },
    "p4_branch": {
        "zh": "循环次数对了，但 a 为负时 b 的和也为负：走的是哪个分支？",
        "en": "The number of iterations is right, but for a negative a the sum of b is "
        "negative too: which branch is taken?",
    },
    "p4_sign": {
        "zh": "符号不对：乘以 100 的导数是 +100，a 的符号只决定走哪个分支。",
        "en": "The sign is wrong: multiplying by 100 has derivative +100; the sign of a only "
        "decides the branch.",
    },
    "p4_count": {
        "zh": "倍数差了 2 的幂：再数一遍乘了几次 2（别漏了循环前那一次），循环在 |b| 一达到 1000 "
        "时就停。",
        "en": "Off by a power of 2: count the doublings again (including the one before the "
        "loop); the loop stops as soon as |b| reaches 1000.",
    },
    "p4_gap": {
        "zh": "一步步跟着 b 走：循环前乘一次 2，循环里每次再乘 2，最后看分支。",
        "en": "Follow b step by step: one doubling before the loop, one per iteration, then "
        "the branch.",
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
    # what the build says when it cannot do its work (python -m tools.handout)
    "out_empty": {
        "zh": "--out 是空的：请给出一个文件夹，例如 --out build/handout。",
        "en": "--out is empty: name a folder, e.g. --out build/handout.",
    },
    "out_not_folder": {
        "zh": "{out} 是一个文件，不是文件夹：请为 --out 选一个文件夹。",
        "en": "{out} is a file, not a folder: choose a folder for --out.",
    },
    "out_unwritable": {
        "zh": "无法写入 {out}（{reason}）：请为 --out 选一个你能写入的文件夹。",
        "en": "cannot write into {out} ({reason}): choose a folder you can write to for --out.",
    },
    "not_ours": {
        "zh": "{path} 已经存在，而且不是讲义工具写的：讲义从不覆盖别人的文件。请把它移走，"
        "或为 --out 选另一个文件夹。",
        "en": "{path} exists and was not written by the handout tool, which never overwrites "
        "someone else's file: move it away or choose another folder for --out.",
    },
    "chromium_failed": {
        "zh": "Chromium（{chromium}）无法启动：{reason}。请用 --chromium 指定一个能用的 "
        "Chromium；HTML 讲义已经生成。",
        "en": "Chromium ({chromium}) did not start: {reason}. Name a working Chromium with "
        "--chromium; the HTML handouts are built.",
    },
    "notebook_invalid": {
        "zh": "{path} 不是有效的笔记本（{reason}）：请恢复它，例如 git checkout -- {path}。",
        "en": "{path} is not a valid notebook ({reason}): restore it, e.g. with "
        "git checkout -- {path}.",
    },
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
    "section_6": {"zh": "闭环：真的拟合一次", "en": "Closing the loop: a real fit"},
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

# --- figures: every word the lecture figures F1-F7 draw (autograd_lab.figures) -----------------
# Formulas are filled in as {fields} by the figure code, so the words around them translate alone.
FIGURES: dict[str, dict[str, str]] = {
    # F1
    "f1_title": {"zh": "链式法则：从标量到向量", "en": "The chain rule, from scalars to vectors"},
    "f1_subtitle": {
        "zh": "分子布局：标量对列向量求导得到行向量；形状按 (行, 列) 书写",
        "en": "Numerator layout: a scalar differentiated by a column vector gives a row vector; "
        "shapes are (rows, columns)",
    },
    "f1_col_case": {"zh": "情形", "en": "Case"},
    "f1_col_formula": {"zh": "公式", "en": "Formula"},
    "f1_col_blocks": {"zh": "形状（按比例画出）", "en": "Shapes (drawn to scale)"},
    "f1_col_shapes": {"zh": "形状", "en": "Shapes"},
    "f1_scalars": {"zh": "标量", "en": "Scalars"},
    "f1_vector": {"zh": "向量 {names}", "en": "Vector {names}"},
    "f1_vectors": {"zh": "向量 {names}", "en": "Vectors {names}"},
    "f1_note": {
        "zh": "示例取 {sizes}。PyTorch 把 {dydx} 存成与 {x} 同形状的 x.grad（形状 (n,)），"
        "即上面行向量的转置。",
        "en": "Drawn with {sizes}. PyTorch stores {dydx} as x.grad, shaped like {x}, (n,): "
        "the transpose of the row vector above.",
    },
    # F2
    "f2_title": {"zh": "链式法则的两个例子", "en": "The chain rule in two examples"},
    "f2_example1": {
        "zh": "例 1：一个样本的平方误差",
        "en": "Example 1: squared error of one sample",
    },
    "f2_example2": {
        "zh": "例 2：线性模型的平方误差",
        "en": "Example 2: squared error of a linear model",
    },
    "f2_decompose": {"zh": "分解", "en": "Split into steps"},
    "f2_chain_rule": {"zh": "链式法则", "en": "Chain rule"},
    "f2_note": {
        "zh": "按分子布局，结果是行向量 (1,n)。PyTorch 的 w.grad 与 {w} 同形状 (n,)："
        "例 1 为 {grad1}，例 2 为 {grad2}。",
        "en": "In numerator layout the result is a row vector (1,n). PyTorch's w.grad is shaped "
        "like {w}, (n,): {grad1} in example 1, {grad2} in example 2.",
    },
    # F3
    "f3_title": {
        "zh": "计算图：把程序拆成基本运算",
        "en": "A computation graph: the program split into elementary operations",
    },
    "f3_subtitle": {
        "zh": "{z} 的有向无环图，箭头是前向计算的方向",
        "en": "The directed acyclic graph of {z}; arrows point the way the forward pass computes",
    },
    "f3_leaf": {"zh": "叶子（输入）", "en": "leaf (input)"},
    "f3_value": {"zh": "中间结果", "en": "intermediate result"},
    "f3_output": {"zh": "输出", "en": "output"},
    "f3_op": {"zh": "基本运算", "en": "elementary operation"},
    "f3_symbolic": {"zh": "符号求导", "en": "Symbolic"},
    "f3_symbolic_how": {
        "zh": "对公式做变换，得到导函数的表达式",
        "en": "rewrites the formula into an expression for the derivative",
    },
    "f3_numerical": {"zh": "数值求导", "en": "Numerical"},
    "f3_numerical_how": {
        "zh": "用 {quotient} 近似，{h} 取很小的数",
        "en": "approximates it by {quotient} with a small {h}",
    },
    "f3_automatic": {"zh": "自动求导", "en": "Automatic"},
    "f3_automatic_how": {
        "zh": "在给定的数值上，沿程序的计算图求出导数的值",
        "en": "computes the derivative's value at the given inputs along the program's graph",
    },
    # F4
    "f4_title": {"zh": "构造计算图的两种方式", "en": "Two ways to build a computation graph"},
    "f4_subtitle": {"zh": "同一个函数 {c}", "en": "The same function {c}"},
    "f4_explicit": {"zh": "显式构造：先定义，后运行", "en": "Explicit: define first, run later"},
    "f4_explicit_who": {
        "zh": "TensorFlow 1、Theano、MXNet symbol（示意伪代码）",
        "en": "TensorFlow 1, Theano, MXNet symbol (sketched as pseudocode)",
    },
    "f4_implicit": {"zh": "隐式构造：边运行，边记录", "en": "Implicit: record while running"},
    "f4_implicit_who": {
        "zh": "PyTorch（以及 MXNet 的 autograd.record）",
        "en": "PyTorch (and MXNet's autograd.record)",
    },
    "f4_code_placeholder": {"zh": "# 占位符，没有数值", "en": "# a placeholder, no value"},
    "f4_code_graph": {"zh": "# 得到的是一张图", "en": "# what you get is a graph"},
    "f4_code_compile": {"zh": "# 整张图交给框架", "en": "# the framework takes the graph"},
    "f4_code_feed": {"zh": "# 之后才喂数据：7.0", "en": "# data comes only now: 7.0"},
    "f4_code_record": {"zh": "# 算出 7.0，同时记下运算", "en": "# computes 7.0, records the ops"},
    "f4_code_backward": {
        "zh": "# 沿记录反向：a.grad=2, b.grad=1",
        "en": "# walks back: a.grad=2, b.grad=1",
    },
    "f4_explicit_note": {
        "zh": "图的结构在数据到来之前就固定了；\n条件和循环要用框架自己的算子来写。",
        "en": "The graph is fixed before any data arrives;\nbranches and loops need the "
        "framework's own operators.",
    },
    "f4_implicit_note": {
        "zh": "每执行一个运算就记下一个节点（grad_fn）；\nPython 的 if / while 走哪条路就记哪条。",
        "en": "Every operation that runs adds a node (grad_fn);\nthe graph records whichever way "
        "Python's if / while went.",
    },
    # F5
    "f5_title": {"zh": "两种累积模式", "en": "Forward and reverse accumulation"},
    "f5_subtitle": {
        "zh": "复合函数 {y}，{x}，{y_in}，中间结果 {u} 都在 {space} 中",
        "en": "A composite function {y} with {x} and {y_in}; the intermediate results {u} "
        "all lie in {space}",
    },
    "f5_reverse": {"zh": "反向", "en": "reverse"},
    "f5_forward": {"zh": "正向", "en": "forward"},
    "f5_forward_head": {
        "zh": "正向模式：从输入一侧开始乘",
        "en": "Forward mode: multiply from the input side",
    },
    "f5_reverse_head": {
        "zh": "反向模式（反向传播）：从输出一侧开始乘",
        "en": "Reverse mode (backpropagation): multiply from the output side",
    },
    "f5_forward_note": {
        "zh": "每步 (k,k)·(k,d)：矩阵乘矩阵；\n相当于 d 次雅可比-向量积 (JVP)",
        "en": "Each step (k,k)·(k,d) is matrix times matrix:\nthe same as d Jacobian-vector "
        "products (JVPs)",
    },
    "f5_reverse_note": {
        "zh": "每步 (1,k)·(k,k)：行向量乘矩阵；\n一次向量-雅可比积 (VJP) 得到全部 d 个偏导",
        "en": "Each step (1,k)·(k,k) is row vector times matrix:\none vector-Jacobian product "
        "(VJP) gives all d partials",
    },
    # F6
    "f6_title": {
        "zh": "反向模式：前向保存，反向读取",
        "en": "Reverse mode: the forward pass saves, the backward pass reads",
    },
    "f6_subtitle": {
        "zh": "例 1：{z}，只求 {dz_dw}",
        "en": "Example 1: {z}, asking for {dz_dw} only",
    },
    "f6_forward": {"zh": "前向：计算并保存中间结果", "en": "Forward: compute, save what is needed"},
    "f6_backward": {
        "zh": "反向：沿相反方向，读取保存的值",
        "en": "Backward: run in reverse, read saved values",
    },
    "f6_reads": {"zh": "读取 {value}", "en": "reads {value}"},
    "f6_note": {
        "zh": "注：{da_dw}（常见的笔误是写成 {da_dx} 与 {w_t}）。没有人要求 {dz_dy}、{dz_dx}，"
        "这两条路径被剪掉（×）。",
        "en": "Note: {da_dw} (a common slip is to write {da_dx} and {w_t}). Nobody asks for "
        "{dz_dy} or {dz_dx}, so those two paths are pruned (×).",
    },
    # F7
    "f7_title": {"zh": "计算复杂度（示意）", "en": "What the two modes cost (a schematic)"},
    "f7_subtitle": {
        "zh": "常数因子取典型值，只看增长趋势；实测见第 {notebook} 课",
        "en": "Constant factors are typical values: read only the growth. Measured in notebook "
        "{notebook}",
    },
    "f7_time_title": {
        "zh": "时间：求 {f} 的全部 {d} 个偏导",
        "en": "Time: all {d} partial derivatives of {f}",
    },
    "f7_time_forward": {
        "zh": "正向模式：每个输入一次 JVP",
        "en": "forward mode: one JVP per input",
    },
    "f7_time_reverse": {
        "zh": "反向模式：一次前向 + 一次反向",
        "en": "reverse mode: one forward + one backward pass",
    },
    "f7_time_one_pass": {"zh": "一次前向计算", "en": "one forward pass"},
    "f7_time_xlabel": {"zh": "输入个数 {d}", "en": "number of inputs {d}"},
    "f7_time_ylabel": {"zh": "代价（以一次前向计算为 1）", "en": "cost (one forward pass = 1)"},
    "f7_memory_title": {
        "zh": "内存：长度为 {n} 的运算链",
        "en": "Memory: a chain of {n} operations",
    },
    "f7_memory_reverse": {
        "zh": "反向模式：保存全部中间结果",
        "en": "reverse mode: saves every intermediate",
    },
    "f7_memory_checkpoint": {
        "zh": "检查点：{segments} 段",
        "en": "checkpointing: {segments} segments",
    },
    "f7_memory_forward": {
        "zh": "正向模式：每个活跃值一个切向量",
        "en": "forward mode: one tangent per live value",
    },
    "f7_memory_xlabel": {"zh": "运算个数 {n}", "en": "number of operations {n}"},
    "f7_memory_ylabel": {
        "zh": "额外保存的量（以一个中间结果为 1）",
        "en": "extra storage (one intermediate = 1)",
    },
    "f7_reverse": {"zh": "反向模式", "en": "Reverse mode"},
    "f7_reverse_time": {
        "zh": "时间 {cost}，约为前向计算的常数倍",
        "en": "time {cost}, a constant times the forward pass",
    },
    "f7_reverse_memory": {
        "zh": "内存 {cost}：保存全部中间结果",
        "en": "memory {cost}: every intermediate is saved",
    },
    "f7_forward": {"zh": "正向模式", "en": "Forward mode"},
    "f7_forward_time": {
        "zh": "每个输入 {per_input}，{d} 个输入共 {total}",
        "en": "{per_input} per input, {total} for {d} inputs",
    },
    "f7_forward_memory": {
        "zh": "每个活跃值一个切向量（前向计算的工作集）：\n不随运算个数增长，只有标量链才是 {cost}",
        "en": "one tangent per live value (the forward pass's working set);\nflat in the "
        "number of operations, {cost} only on a scalar chain",
    },
    "f7_checkpoint": {"zh": "检查点", "en": "Checkpointing"},
    "f7_checkpoint_time": {"zh": "多一次前向计算", "en": "one more forward pass"},
    "f7_checkpoint_memory": {"zh": "内存 {cost}", "en": "memory {cost}"},
}

# --- errors: what the helpers say when they are called with something they cannot use --------
# (autograd_lab.validation, plotting, gradcheck, graph). Each names what to pass instead.
ERRORS: dict[str, dict[str, str]] = {
    # how a value is named inside a message
    "describe_tensor": {
        "zh": "形状为 {shape}、dtype 为 {dtype} 的 {kind}",
        "en": "a {kind} of shape {shape} and dtype {dtype}",
    },
    "describe_array": {
        "zh": "形状为 {shape}、dtype 为 {dtype} 的 NumPy 数组",
        "en": "a NumPy array of shape {shape} and dtype {dtype}",
    },
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
    "figures": FIGURES,
    "errors": ERRORS,
    "explorers": EXPLORERS,
}
