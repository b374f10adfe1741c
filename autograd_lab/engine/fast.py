"""Speed paths, kept out of the lesson (core.py): each stands for a plain NumPy expression,
named where core.py uses it, and gives the same result sooner on a scalar program
(micrograd's kind: one number per tensor, one call per op).

- `exp`, `log`, `sin`, `cos`, `tanh`, `relu`, `sign`: NumPy's functions cost about 0.5 µs even
  on one number, `math`'s about 0.05 µs. On a NumPy float64 number these take `math`'s way
  (the C library's value, which may differ from NumPy's in the last bit); arrays, and the
  numbers `math` refuses (log(0), exp(1000), sin(inf)), go to NumPy.
- `remembered`: a rule that depends on a number alone (x ** p) is made once per number.
- `vjp_on_values`: a rule called on its inputs' values without building a list.
"""

from __future__ import annotations

import functools
import math

import numpy as np

# Making a rule (a named tuple and a function) costs more than the op on one number.
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
