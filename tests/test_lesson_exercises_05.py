"""The bank of answers to lesson 05's exercises (5.1 find the NaN, 5.2 a Function of your own):
every wrong or lazy answer a learner would write gets its own hint, the untouched placeholder is
"not attempted", and at least two different right answers pass, in both languages. The table
lands in build/exercise-bank/lesson05.md (tests/bank.py is the shared machinery).
"""

from __future__ import annotations

import re
import warnings

import pytest
import torch

from autograd_lab.exercises import lesson05
from tests.bank import LANGUAGES, Bank

# Words of an exercise's own answer that none of its hints may contain.
ANSWER_WORDS = {
    "5.1": ("DivBackward", "LogBackward", "re.search", "catch_warnings"),
    "5.2": ("1 - s", "1 - torch.sigmoid", "s * (1", "generate_vmap_rule = True"),
}
NODE = re.compile(r"'(\w+)'")


# --- 5.1: find the NaN ------------------------------------------------------------------------


def nan_placeholder(loss, x):
    # Write your code here
    ...


def nan_from_error(loss, x):
    try:
        with torch.autograd.detect_anomaly():
            loss(x).backward()
    except RuntimeError as error:
        return NODE.search(str(error)).group(1)


def nan_from_warning(loss, x):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with torch.autograd.detect_anomaly():
                loss(x).backward()
        except RuntimeError:
            pass
    for warning in caught:
        text = str(warning.message)
        if text.startswith("Error detected in "):
            return text.removeprefix("Error detected in ").split(".")[0]


def nan_set_detect_anomaly(loss, x):
    torch.autograd.set_detect_anomaly(True)
    try:
        out = loss(x)
        out.backward()
    except RuntimeError as error:
        return str(error).split("'")[1]
    finally:
        torch.autograd.set_detect_anomaly(False)


def nan_anomaly_left_on(loss, x):
    torch.autograd.set_detect_anomaly(True)  # never switched off: the check puts it back
    try:
        loss(x).backward()
    except RuntimeError as error:
        return NODE.search(str(error)).group(1)


def nan_anomaly_only_in_backward(loss, x):
    out = loss(x)
    try:
        with torch.autograd.detect_anomaly():
            out.backward()
    except RuntimeError as error:
        return NODE.search(str(error)).group(1)


def nan_constant(loss, x):
    return "DivBackward0"


def nan_constant_after_running(loss, x):
    with torch.autograd.detect_anomaly():
        loss(x)
    return "DivBackward0"


def nan_without_anomaly(loss, x):
    out = loss(x)
    out.backward()
    node = out.grad_fn
    while node is not None and node.next_functions:
        node = node.next_functions[0][0]
    return node.name() if node is not None else "x"


def nan_uncaught(loss, x):
    with torch.autograd.detect_anomaly():
        loss(x).backward()
    return "?"


def nan_whole_message(loss, x):
    try:
        with torch.autograd.detect_anomaly():
            loss(x).backward()
    except RuntimeError as error:
        return str(error)


def nan_output_node(loss, x):
    with torch.autograd.detect_anomaly():
        out = loss(x)
        try:
            out.backward()
        except RuntimeError:
            pass
    return out.grad_fn.name()


def nan_forward_name(loss, x):
    name = nan_from_error(loss, x)
    return re.sub(r"Backward\d*$", "", name).lower()


def nan_first_warning(loss, x):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with torch.autograd.detect_anomaly():
                loss(x).backward()
        except RuntimeError:
            pass
    return str(caught[0].message)


def nan_returns_grad(loss, x):
    with torch.autograd.detect_anomaly(check_nan=False):
        loss(x).backward()
    return x.grad


def nan_returns_nothing(loss, x):
    try:
        with torch.autograd.detect_anomaly():
            loss(x).backward()
    except RuntimeError as error:
        print(error)


# --- 5.2: a Function of your own ----------------------------------------------------------------


class SiLUPlaceholder(torch.autograd.Function):
    # Write your code here
    ...


class SiLUReference(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x * torch.sigmoid(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return grad_output * (s + x * s * (1 - s))

    generate_vmap_rule = True


class SiLUFromOutput(torch.autograd.Function):
    """Saves the output and the sigmoid; a hand-written vmap rule."""

    @staticmethod
    def forward(x):
        return x * torch.sigmoid(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(torch.sigmoid(inputs[0]), output)

    @staticmethod
    def backward(ctx, grad_output):
        s, y = ctx.saved_tensors
        return grad_output * (s + y * (1 - s))

    @staticmethod
    def vmap(info, in_dims, x):
        return SiLUFromOutput.apply(x), in_dims[0]


class SiLUCtxStyle(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * torch.sigmoid(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return grad_output * (s + x * s * (1 - s))


def _silu(name, backward, **extra):
    """A setup_context-style SiLU with another backward (the mistakes differ only there)."""
    body = {
        "forward": staticmethod(lambda x: x * torch.sigmoid(x)),
        "setup_context": staticmethod(lambda ctx, inputs, output: ctx.save_for_backward(inputs[0])),
        "backward": staticmethod(backward),
        "generate_vmap_rule": True,
    }
    body.update(extra)
    return type(name, (torch.autograd.Function,), body)


def _saved(ctx):
    (x,) = ctx.saved_tensors
    return x, torch.sigmoid(x)


def _only_sigmoid(ctx, g):
    x, s = _saved(ctx)
    return g * s


def _no_grad_output(ctx, g):
    x, s = _saved(ctx)
    return s + x * s * (1 - s)


def _sign_slip(ctx, g):
    x, s = _saved(ctx)
    return g * (s - x * s * (1 - s))


def _by_autograd(ctx, g):
    (x,) = ctx.saved_tensors
    with torch.enable_grad():
        t = x.detach().requires_grad_(True)
        (d,) = torch.autograd.grad(t * torch.sigmoid(t), t, g)
    return d


def _by_torch_func(ctx, g):
    (x,) = ctx.saved_tensors
    return g * torch.func.vmap(torch.func.grad(lambda t: t * torch.sigmoid(t)))(
        x.reshape(-1)
    ).reshape(x.shape)


def _by_difference(ctx, g):
    (x,) = ctx.saved_tensors
    h = 1e-5

    def f(t):
        return t * torch.sigmoid(t)

    return g * (f(x + h) - f(x - h)) / (2 * h)


class SiLUNoVmapRule(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x * torch.sigmoid(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return grad_output * (s + x * s * (1 - s))


def _backward_hangs(ctx, g):
    (x,) = ctx.saved_tensors
    while True:
        x = x * 1.0


SiLUBackwardHangs = _silu("SiLUBackwardHangs", _backward_hangs)


def silu_plain_function(x):
    return x * torch.sigmoid(x)


SiLUOnlySigmoid = _silu("SiLUOnlySigmoid", _only_sigmoid)
SiLUNoGradOutput = _silu("SiLUNoGradOutput", _no_grad_output)
SiLUSignSlip = _silu("SiLUSignSlip", _sign_slip)
SiLUByAutograd = _silu("SiLUByAutograd", _by_autograd)
SiLUByTorchFunc = _silu("SiLUByTorchFunc", _by_torch_func)
SiLUByDifference = _silu("SiLUByDifference", _by_difference)
SiLUWrongForward = _silu(
    "SiLUWrongForward", _no_grad_output, forward=staticmethod(lambda x: torch.sigmoid(x))
)
SiLUFloat32 = _silu(
    "SiLUFloat32", _no_grad_output, forward=staticmethod(lambda x: (x * torch.sigmoid(x)).float())
)
SiLUNoBackward = type(
    "SiLUNoBackward",
    (torch.autograd.Function,),
    {
        "forward": staticmethod(lambda x: x * torch.sigmoid(x)),
        "setup_context": staticmethod(lambda ctx, inputs, output: None),
    },
)


def _backward_raises(ctx, g):
    (x,) = ctx.saved_tensors
    return g * ctx.slope  # never set: AttributeError


SiLUBackwardRaises = _silu("SiLUBackwardRaises", _backward_raises)


BANK = [
    (
        "5.1",
        "placeholder",
        lambda: lesson05.check_find_nan(nan_placeholder),
        "exercises.not_attempted",
    ),
    (
        "5.1",
        "a name copied in",
        lambda: lesson05.check_find_nan(nan_constant),
        "lesson05.nan_not_run",
    ),
    (
        "5.1",
        "runs the loss, returns a name copied in",
        lambda: lesson05.check_find_nan(nan_constant_after_running),
        "lesson05.nan_constant",
    ),
    (
        "5.1",
        "no anomaly mode: walks the graph to its first node",
        lambda: lesson05.check_find_nan(nan_without_anomaly),
        "lesson05.nan_no_anomaly",
    ),
    (
        "5.1",
        "the RuntimeError is not caught",
        lambda: lesson05.check_find_nan(nan_uncaught),
        "lesson05.nan_uncaught",
    ),
    (
        "5.1",
        "the whole message returned",
        lambda: lesson05.check_find_nan(nan_whole_message),
        "lesson05.nan_whole_message",
    ),
    (
        "5.1",
        "the loss's own node (the output)",
        lambda: lesson05.check_find_nan(nan_output_node),
        "lesson05.nan_output_node",
    ),
    (
        "5.1",
        "the forward operation's name ('div')",
        lambda: lesson05.check_find_nan(nan_forward_name),
        "lesson05.nan_forward_name",
    ),
    (
        "5.1",
        "the first warning's text",
        lambda: lesson05.check_find_nan(nan_first_warning),
        "lesson05.nan_mismatch",
    ),
    (
        "5.1",
        "returns x.grad (anomaly mode without the NaN check)",
        lambda: lesson05.check_find_nan(nan_returns_grad),
        "lesson05.nan_not_text",
    ),
    (
        "5.1",
        "prints the error, returns nothing",
        lambda: lesson05.check_find_nan(nan_returns_nothing),
        "exercises.returned_none",
    ),
    (
        "5.1",
        "a string, not a function",
        lambda: lesson05.check_find_nan("DivBackward0"),
        "lesson05.nan_not_callable",
    ),
    ("5.2", "placeholder", lambda: lesson05.check_silu(SiLUPlaceholder), "exercises.not_attempted"),
    ("5.2", "the placeholder ...", lambda: lesson05.check_silu(...), "exercises.not_attempted"),
    (
        "5.2",
        "a plain function",
        lambda: lesson05.check_silu(silu_plain_function),
        "lesson05.fn_not_function",
    ),
    (
        "5.2",
        "ctx in forward (the older style)",
        lambda: lesson05.check_silu(SiLUCtxStyle),
        "lesson05.fn_ctx_style",
    ),
    ("5.2", "no backward", lambda: lesson05.check_silu(SiLUNoBackward), "lesson05.fn_no_backward"),
    (
        "5.2",
        "forward: sigmoid only",
        lambda: lesson05.check_silu(SiLUWrongForward),
        "lesson05.fn_value",
    ),
    (
        "5.2",
        "forward casts to float32",
        lambda: lesson05.check_silu(SiLUFloat32),
        "lesson05.fn_dtype",
    ),
    (
        "5.2",
        "backward: sigmoid only (product rule)",
        lambda: lesson05.check_silu(SiLUOnlySigmoid),
        "lesson05.fn_product_rule",
    ),
    (
        "5.2",
        "backward forgets grad_output",
        lambda: lesson05.check_silu(SiLUNoGradOutput),
        "lesson05.fn_grad_output",
    ),
    (
        "5.2",
        "backward: a sign slip",
        lambda: lesson05.check_silu(SiLUSignSlip),
        "lesson05.fn_grad_wrong",
    ),
    (
        "5.2",
        "backward asks autograd.grad",
        lambda: lesson05.check_silu(SiLUByAutograd),
        "lesson05.fn_backward_autograd",
    ),
    (
        "5.2",
        "backward asks torch.func.grad",
        lambda: lesson05.check_silu(SiLUByTorchFunc),
        "lesson05.fn_backward_autograd",
    ),
    (
        "5.2",
        "backward: central difference",
        lambda: lesson05.check_silu(SiLUByDifference),
        "lesson05.fn_backward_difference",
    ),
    (
        "5.2",
        "no vmap rule",
        lambda: lesson05.check_silu(SiLUNoVmapRule),
        "lesson05.fn_no_vmap_rule",
    ),
    ("5.2", "backward raises", lambda: lesson05.check_silu(SiLUBackwardRaises), "exercises.raised"),
    (
        "5.2",
        "backward never ends",
        lambda: lesson05.check_silu(SiLUBackwardHangs),
        "exercises.timeout",
    ),
]

RIGHT = [
    (
        "5.1",
        "reference: the RuntimeError's message",
        lambda: lesson05.check_find_nan(nan_from_error),
    ),
    ("5.1", "the anomaly warning's first line", lambda: lesson05.check_find_nan(nan_from_warning)),
    ("5.1", "set_detect_anomaly(True)", lambda: lesson05.check_find_nan(nan_set_detect_anomaly)),
    (
        "5.1",
        "set_detect_anomaly(True), never switched off",
        lambda: lesson05.check_find_nan(nan_anomaly_left_on),
    ),
    (
        "5.1",
        "anomaly mode around backward() only",
        lambda: lesson05.check_find_nan(nan_anomaly_only_in_backward),
    ),
    ("5.2", "reference: save x, generated vmap rule", lambda: lesson05.check_silu(SiLUReference)),
    ("5.2", "save the output, a vmap staticmethod", lambda: lesson05.check_silu(SiLUFromOutput)),
]

BANK_OF = Bank("lesson05", known_right=lambda: lesson05.check_silu(SiLUReference))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check", "hint"), BANK_OF.wrong_params(BANK))
def test_wrong_answer_gets_its_own_hint(exercise, name, check, hint, language):
    BANK_OF.expect_wrong(
        exercise, name, check, hint, language, answer_words=ANSWER_WORDS.get(exercise, ())
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("exercise", "name", "check"), BANK_OF.right_params(RIGHT))
def test_right_answer_passes(exercise, name, check, language):
    BANK_OF.expect_right(exercise, name, check, language)


def test_the_bank_covers_both_exercises():
    for number in ("5.1", "5.2"):
        wrong = [r for r in BANK if r[0] == number and not r[3].endswith("not_attempted")]
        assert len(wrong) >= 5, f"{number}: too few wrong answers"
        assert len({r[3] for r in wrong}) >= 5, f"{number}: too few distinct hints"
        assert len([r for r in RIGHT if r[0] == number]) >= 2, f"{number}: one right way only"


def test_a_copied_answer_fails_on_the_hidden_computations():
    """The shown computation alone is passed by a name copied in after running it."""
    shown_only = lesson05.check_find_nan(nan_constant_after_running)
    assert shown_only.hint == "lesson05.nan_constant"


def test_the_learners_backward_is_the_one_counted():
    calls = []

    class Counted(SiLUReference):
        @staticmethod
        def backward(ctx, grad_output):
            calls.append(1)
            return SiLUReference.backward(ctx, grad_output)

    assert lesson05.check_silu(Counted).passed
    assert len(calls) >= 3  # two plain backward passes, then torch.func.grad and vmap(grad)


def test_checks_leave_anomaly_mode_and_warnings_alone():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lesson05.check_find_nan(nan_set_detect_anomaly)
        lesson05.check_find_nan(nan_uncaught)
    assert not torch.is_anomaly_enabled()
    assert caught == []


@pytest.fixture(scope="module", autouse=True)
def _table_of_verdicts():
    """Once the module's tests ran, write the table of every verdict they saw (not a test)."""
    yield
    BANK_OF.write_table()
