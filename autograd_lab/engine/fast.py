"""Speed paths, kept out of the lesson: NumPy's elementwise functions, quicker on one number;
rules remembered instead of made again; a rule's call on NumPy values without a list.

A scalar program (micrograd's kind: one number per tensor) calls one of these per op. NumPy's
functions cost about 0.5 µs even on a single number, `math`'s about 0.05 µs, so for a NumPy
float64 number these take `math`'s way and return the same value NumPy would; arrays, and the
numbers `math` refuses (log(0), exp(1000), nan), go to NumPy as in core.py's reading of them.
"""

from __future__ import annotations

import functools
import math

import numpy as np

# A rule that depends on a number alone (x ** p) is made once per number: making it (a named
# tuple and a function) costs more than the op itself on one number.
remembered = functools.lru_cache(maxsize=64)


def _numpy_or_math(numpy_function, math_function, name: str):
    def function(x):
        if type(x) is np.float64:
            try:
                return np.float64(math_function(x))
            except (ValueError, OverflowError):  # log(0), exp(1000): NumPy's inf, -inf, nan
                pass
        return numpy_function(x)

    function.__name__ = function.__qualname__ = name
    function.__doc__ = f"Return np.{name}(x), for one number by way of math.{name}."
    return function


exp = _numpy_or_math(np.exp, math.exp, "exp")
log = _numpy_or_math(np.log, math.log, "log")
sin = _numpy_or_math(np.sin, math.sin, "sin")
cos = _numpy_or_math(np.cos, math.cos, "cos")
tanh = _numpy_or_math(np.tanh, math.tanh, "tanh")


def relu(x):
    """Return max(x, 0) elementwise, 0.0 (not -0.0) at -0.0 as PyTorch prints it; nan stays nan."""
    if type(x) is np.float64:
        return np.float64(max(x, 0.0) + 0.0)  # max(nan, 0.0) is nan, as np.maximum
    return np.maximum(x, 0.0) + 0.0


def sign(x):
    """Return np.sign(x): -1, 0 or 1, and nan for nan."""
    if type(x) is np.float64:
        return np.float64(1.0 if x > 0 else -1.0 if x < 0 else 0.0 if x == 0 else x)  # x: nan
    return np.sign(x)


def vjp_on_values(rule, grad, parents, out):
    """Return rule.vjp(grad, *[p.data for p in parents], out.data), as every op has one input
    or two: the list costs about as much as the rule on one number."""
    if len(parents) == 1:
        return rule.vjp(grad, parents[0].data, out.data)
    return rule.vjp(grad, parents[0].data, parents[1].data, out.data)
