"""Check what a learner passes to a helper, at the door, and say what to pass instead.

Every check raises a TypeError (wrong kind of thing) or a ValueError (right kind, unusable
value) whose message comes from `language.ERRORS`, in the learner's language. The helpers call
these before doing any work, so a mistake never surfaces as a raw error from deep inside
matplotlib, NumPy or PyTorch, and never as a silently wrong result.
"""

from __future__ import annotations

import contextlib
import functools
import numbers
import warnings
from collections.abc import Iterator, Sequence
from typing import NoReturn

import numpy as np
import torch

from autograd_lab.language import say

MAX_REPR = 60


def fail(
    error: type[Exception], key: str, /, lang: str | None = None, **fields: object
) -> NoReturn:
    """Raise `error` with the message `key` ("errors.name") in `lang` (None: the current one)."""
    raise error(say(key, lang, **fields))


def describe(value: object, lang: str | None = None) -> str:
    """A short description of a value for a message: its type, and its repr if short."""
    kind = type(value).__name__
    if isinstance(value, torch.Tensor):
        shape, dtype = tuple(value.shape), value.dtype
        return say("errors.describe_tensor", lang, kind=kind, shape=shape, dtype=dtype)
    if isinstance(value, np.ndarray):
        return say("errors.describe_array", lang, shape=value.shape, dtype=value.dtype)
    text = repr(value)
    return f"{kind} {text}" if len(text) <= MAX_REPR else kind


def is_real_number(value: object) -> bool:
    """A Python or NumPy real number, not a boolean."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


def check_callable(f: object, name: str = "f", example: str = "torch.sin") -> None:
    """A function (anything callable) and not, say, the value f(x)."""
    if not callable(f) or isinstance(f, type):
        fail(TypeError, "errors.not_callable", name=name, got=describe(f), example=example)


def check_axes(ax: object, name: str = "ax") -> None:
    """None or a matplotlib Axes."""
    if ax is None:
        return
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        fail(TypeError, "errors.not_axes", name=name, got=describe(ax))


def check_text(value: object, name: str) -> None:
    """None or a string."""
    if value is not None and not isinstance(value, str):
        fail(TypeError, "errors.not_text", name=name, got=describe(value))


def check_str(value: object, name: str, example: str) -> None:
    """A string (a format such as "r:", a label)."""
    if not isinstance(value, str):
        fail(TypeError, "errors.not_str", name=name, example=example, got=describe(value))


def check_bool(value: object, name: str) -> None:
    """True or False (not 1, not "yes")."""
    if not isinstance(value, (bool, np.bool_)):
        fail(TypeError, "errors.not_bool", name=name, got=describe(value))


def check_storage(value: torch.Tensor, name: str, lang: str | None = None) -> None:
    """A tensor that holds its numbers: not sparse, not on the meta device."""
    if value.layout != torch.strided:
        fail(TypeError, "errors.sparse_tensor", lang, name=name, layout=value.layout)
    if value.is_meta:
        fail(TypeError, "errors.meta_tensor", lang, name=name)


def check_fmt(fmt: str, name: str) -> None:
    """A matplotlib format string such as "r:" or "m--" (call after check_str)."""
    # matplotlib parses a format only when it draws: try it on an empty line of a throwaway
    # Axes (outside pyplot), so a typo is refused before the learner's figure is half drawn.
    try:
        _scratch_axes().plot([], [], fmt)[0].remove()
    except ValueError as err:
        fail(ValueError, "errors.bad_fmt", name=name, got=repr(fmt), detail=str(err))


@functools.cache
def _scratch_axes():
    from matplotlib.figure import Figure

    return Figure().add_subplot()


def check_mathtext(value: object, name: str) -> None:
    """None, a label without $...$, or a label whose $...$ matplotlib can typeset."""
    from matplotlib import cbook
    from matplotlib.mathtext import MathTextParser

    if not isinstance(value, str) or not cbook.is_math_text(value):
        return
    # matplotlib parses mathtext only when the figure is drawn, far from the learner's call
    try:
        MathTextParser("path").parse(value)
    except ValueError as err:
        fail(
            ValueError, "errors.bad_mathtext", name=name, got=repr(value), detail=_parse_error(err)
        )


def _parse_error(err: ValueError) -> str:
    """The readable part of a mathtext error: "Unknown symbol: \\foo, found '\\'"."""
    # matplotlib repeats the formula with a caret, then pyparsing's exception name and the
    # position; the learner's formula is already in the message
    text = " ".join(str(err).split())
    text = text.rsplit("Exception: ", 1)[-1].split(" (at char", 1)[0]
    return text if len(text) <= 80 else text[:79] + "…"


def check_strings(value: object, name: str, example: str) -> list[str]:
    """A list or tuple of strings, returned as a list."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        fail(TypeError, "errors.not_strings", name=name, example=example, got=describe(value))
    if not all(isinstance(item, str) for item in value):
        fail(TypeError, "errors.not_strings", name=name, example=example, got=describe(list(value)))
    return list(value)


def check_choice(value: object, name: str, choices: Sequence[str]) -> None:
    """One of a few strings."""
    if not isinstance(value, str) or value not in choices:
        fail(
            ValueError, "errors.choice", name=name, choices=", ".join(choices), got=describe(value)
        )


def check_figsize(value: object) -> tuple[float, float]:
    """A pair of positive, finite sizes in inches."""
    pair = value if isinstance(value, (tuple, list)) else None
    if (
        pair is None
        or len(pair) != 2
        or not all(is_real_number(v) and np.isfinite(v) and v > 0 for v in pair)
    ):
        fail(TypeError if pair is None else ValueError, "errors.figsize", got=describe(value))
    return float(pair[0]), float(pair[1])


def check_limits(value: object, name: str) -> tuple[float, float] | None:
    """None or a pair (low, high) of two different finite numbers."""
    if value is None:
        return None
    pair = value if isinstance(value, (tuple, list)) else None
    if (
        pair is None
        or len(pair) != 2
        or not all(is_real_number(v) and np.isfinite(v) for v in pair)
        or pair[0] == pair[1]
    ):
        fail(
            TypeError if pair is None else ValueError,
            "errors.limits",
            name=name,
            got=describe(value),
        )
    return float(pair[0]), float(pair[1])


def one_number(
    value: object,
    name: str,
    example: str,
    *,
    low: float | None = None,
    high: float | None = None,
    lang: str | None = None,
) -> float:
    """Return one finite real number (a Python or NumPy number, a 0-d tensor) within low..high.

    The one number check of the package: the plotting helpers and the explorers call it; its
    message is in `lang` (None: the learner's current language).
    """
    if value is None:
        fail(TypeError, "errors.none", lang, name=name, expected=example)
    if isinstance(value, str):
        fail(TypeError, "errors.text", lang, name=name, value=repr(value), example=example)
    if isinstance(value, (bool, np.bool_)):
        fail(TypeError, "errors.boolean", lang, name=name, value=value, example=example)
    if isinstance(value, (complex, np.complexfloating)):
        fail(TypeError, "errors.complex", lang, name=name)
    if isinstance(value, (torch.Tensor, np.ndarray)):
        got = describe(value, lang)
        if value.ndim != 0:
            fail(TypeError, "errors.not_one_number", lang, name=name, got=got, example=example)
        if isinstance(value, torch.Tensor):
            check_storage(value, name, lang)
            if value.is_complex():
                fail(TypeError, "errors.complex", lang, name=name)
            if value.dtype == torch.bool:
                fail(
                    TypeError,
                    "errors.boolean",
                    lang,
                    name=name,
                    value=value.item(),
                    example=example,
                )
            value = value.detach().item()
        else:
            if value.dtype.kind == "c":
                fail(TypeError, "errors.complex", lang, name=name)
            if value.dtype.kind not in "iuf":
                fail(TypeError, "errors.not_one_number", lang, name=name, got=got, example=example)
            value = value.item()
    if not is_real_number(value):
        got = describe(value, lang)
        fail(TypeError, "errors.not_one_number", lang, name=name, got=got, example=example)
    try:
        number = float(value)
    except OverflowError:  # an integer such as 10**400, beyond every float
        fail(ValueError, "errors.too_large", lang, name=name, example=example)
    if not np.isfinite(number):
        fail(ValueError, "errors.not_finite", lang, name=name, count=1, total=1)
    if (low is not None and number < low) or (high is not None and number > high):
        fail(
            ValueError,
            "errors.out_of_range",
            lang,
            name=name,
            low=low,
            high=high,
            got=f"{number:.4g}",
        )
    return number


def real_array(
    values: object, name: str, example: str = "torch.linspace(-3, 3, 100)"
) -> np.ndarray:
    """Turn real numbers (a tensor, even one with grad, an array, nested lists) into float64."""
    if values is None:
        fail(TypeError, "errors.none", name=name, expected=example)
    if isinstance(values, (str, bytes)):
        fail(TypeError, "errors.text", name=name, value=repr(values)[:MAX_REPR], example=example)
    if isinstance(values, (bool, np.bool_)):
        fail(TypeError, "errors.boolean", name=name, value=values, example=example)
    if isinstance(values, torch.Tensor):
        check_storage(values, name)
        if values.is_complex():
            fail(TypeError, "errors.complex", name=name)
        if values.dtype == torch.bool:
            fail(TypeError, "errors.boolean", name=name, value=describe(values), example=example)
        # plotting needs only the numbers: detach for the learner instead of failing
        array = values.detach().cpu().to(torch.float64).numpy()
    elif isinstance(values, np.ndarray):
        kind = values.dtype.kind
        if kind == "c":
            fail(TypeError, "errors.complex", name=name)
        if kind == "b":
            fail(TypeError, "errors.boolean", name=name, value=describe(values), example=example)
        if kind in "US":
            fail(TypeError, "errors.text", name=name, value=describe(values), example=example)
        if kind == "O":
            return real_array(values.tolist(), name, example)
        if kind not in "iuf":
            fail(TypeError, "errors.not_numbers", name=name, got=describe(values))
        array = values.astype(np.float64)
    elif isinstance(values, (list, tuple)):
        rows = [
            real_array(v, name, example)
            if isinstance(v, (list, tuple, np.ndarray, torch.Tensor)) and np.ndim(v) > 0
            else np.float64(_element(v, name, example))
            for v in values
        ]
        if len({np.shape(r) for r in rows}) > 1:
            fail(ValueError, "errors.ragged", name=name)
        array = np.array(rows, dtype=np.float64)
    elif isinstance(values, numbers.Number):
        array = np.array(_element(values, name, example), dtype=np.float64)
    else:
        fail(TypeError, "errors.not_numbers", name=name, got=describe(values))
    finite = np.isfinite(array)
    if not finite.all():
        fail(
            ValueError, "errors.not_finite", name=name, count=int((~finite).sum()), total=array.size
        )
    return array


def _element(value: object, name: str, example: str) -> float:
    """One entry of a list of numbers."""
    if isinstance(value, (torch.Tensor, np.ndarray)) or is_real_number(value):
        try:
            return one_number(value, name, example)
        except ValueError:
            return float("nan")  # counted with the others by real_array's finiteness check
    if value is None:
        fail(TypeError, "errors.none", name=name, expected=example)
    if isinstance(value, str):
        fail(TypeError, "errors.text", name=name, value=repr(value)[:MAX_REPR], example=example)
    if isinstance(value, (bool, np.bool_)):
        fail(TypeError, "errors.boolean", name=name, value=value, example=example)
    if isinstance(value, (complex, np.complexfloating)):
        fail(TypeError, "errors.complex", name=name)
    fail(TypeError, "errors.not_numbers", name=name, got=describe(value))


def points(x: object, name: str = "x", *, one_d: bool = False, minimum: int = 1) -> torch.Tensor:
    """A fresh floating-point tensor of the points x, detached from any history.

    A floating tensor keeps its dtype; an integer tensor and anything else becomes floating
    (integers are points like any other; autograd needs floats).
    """
    if isinstance(x, torch.Tensor):
        check_storage(x, name)
    if isinstance(x, torch.Tensor) and not x.is_complex() and x.dtype != torch.bool:
        fresh = x.detach()
        fresh = fresh.clone() if fresh.is_floating_point() else fresh.to(torch.get_default_dtype())
        finite = torch.isfinite(fresh)
        if not bool(finite.all()):
            fail(
                ValueError,
                "errors.not_finite",
                name=name,
                count=int((~finite).sum()),
                total=x.numel(),
            )
    else:
        fresh = torch.as_tensor(real_array(x, name), dtype=torch.float64)
    if one_d and fresh.ndim != 1:
        fail(ValueError, "errors.not_1d", name=name, shape=tuple(fresh.shape))
    if fresh.numel() == 0:
        fail(ValueError, "errors.empty", name=name, minimum=minimum)
    if fresh.numel() < minimum:
        fail(ValueError, "errors.too_few", name=name, count=fresh.numel(), minimum=minimum)
    return fresh


def non_negative(value: object, name: str, example: str) -> float:
    """A finite number >= 0 (a tolerance)."""
    if not is_real_number(value) or not np.isfinite(value) or value < 0:
        error = ValueError if is_real_number(value) else TypeError
        fail(error, "errors.gc_tolerance", name=name, example=example, got=describe(value))
    return float(value)


# PyTorch's warning when float() or math turns a tensor that requires grad into a number.
TO_NUMBER = "Converting a tensor with requires_grad=True to a scalar"


@contextlib.contextmanager
def refusing_numbers() -> Iterator[None]:
    """Refuse an f that turned a tensor into a Python number inside the block.

    Autograd cannot follow such a number: the derivative would silently miss the path through
    it, and PyTorch's only sign is a warning, which the refusal replaces. Other warnings are
    passed on unchanged.
    """
    always = torch.is_warn_always_enabled()
    # PyTorch gives that warning once per session; every call must see it.
    torch.set_warn_always(True)
    caught: list[warnings.WarningMessage] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        torch.set_warn_always(always)
        converted = False
        for notice in caught:
            if issubclass(notice.category, UserWarning) and TO_NUMBER in str(notice.message):
                converted = True
            else:
                warnings.warn_explicit(
                    notice.message, notice.category, notice.filename, notice.lineno
                )
    if converted:  # reached only when f returned: an error of f's own is reported as it was
        fail(TypeError, "errors.f_numpy", detail=say("errors.f_to_number"))
