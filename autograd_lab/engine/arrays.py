"""Array-shaped ops: reductions along dimensions, vector and matrix products, views; and
powers whose exponent is a tensor.

The same pattern as the elementwise ops in core.py: compute the value with NumPy, hand it to
`core._apply` with its rule (grad_fn name, vjp, jvp, what it saves). methods.py attaches them to
`Tensor` as methods. A view (reshape, unsqueeze, t, expand) shares its input's storage and
version counter, as in PyTorch: a change made through it is a change of its input.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from autograd_lab.engine import core, errors, inplace
from autograd_lab.engine.core import Rule, Tensor, as_tensor


def sum(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001 - torch.sum
    """Return the sum of all elements, or along `dim`."""
    axes, shape = errors.axes(dim, x.ndim), x.shape
    rule = Rule(
        "SumBackward0" if dim is None else "SumBackward1",
        lambda g, a, out: (_unreduce(g, axes, keepdim, shape),),
        jvp=lambda t, a, out: np.sum(t, axis=axes, keepdims=keepdim),
    )
    return core._apply(rule, np.sum(x.data, axis=axes, keepdims=keepdim), x)


def mean(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Return the mean of all elements, or along `dim`."""
    axes, shape = errors.axes(dim, x.ndim), x.shape
    n = x.data.size if axes is None else math.prod(shape[i] for i in axes)
    rule = Rule(
        "MeanBackward0" if dim is None else "MeanBackward1",
        lambda g, a, out: (_unreduce(g / n, axes, keepdim, shape),),
        jvp=lambda t, a, out: np.mean(t, axis=axes, keepdims=keepdim),
    )
    return core._apply(rule, np.mean(x.data, axis=axes, keepdims=keepdim), x)


def norm(x: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Return the Euclidean (2-)norm of all elements, or along `dim`."""
    axes, shape = errors.axes(dim, x.ndim), x.shape

    def unit(a, out):  # x / |x|, and 0 where |x| = 0 as in PyTorch (there x = 0: divide by 1)
        return a / _unreduce(out + (out == 0), axes, keepdim, shape)

    rule = Rule(
        "LinalgVectorNormBackward0",
        lambda g, a, out: (_unreduce(g, axes, keepdim, shape) * unit(a, out),),
        saves=(0, 1),
        jvp=lambda t, a, out: np.sum(t * unit(a, out), axis=axes, keepdims=keepdim),
    )
    value = np.sqrt(np.sum(x.data * x.data, axis=axes, keepdims=keepdim))
    return core._apply(rule, value, x)


def dot(x: Tensor, other) -> Tensor:
    """Return the inner product of two 1-D tensors of the same length."""
    b = as_tensor(other)
    errors.check_dot(x.shape, b.shape)
    rule = Rule(
        "DotBackward0",
        lambda g, a, b, out: (g * b, g * a),
        saves=(0, 1),
        jvp=lambda s, t, a, b, out: s @ b + a @ t,
    )
    return core._apply(rule, np.dot(x.data, b.data), x, b)


def matmul(x: Tensor, other) -> Tensor:
    """Return the matrix product x @ other of 1-D or 2-D tensors."""
    b = as_tensor(other)
    errors.check_matmul(x.shape, b.shape)
    if x.ndim == 1:  # a vector on the left is a one-row matrix, as in PyTorch
        if b.ndim == 1:
            return dot(x, b)
        return _view(matmul(unsqueeze(x, 0), b), b.shape[1:], "SqueezeBackward4")
    if b.ndim == 1:  # the matrix's share is an outer product
        vjp = lambda g, a, b, out: (g.reshape(-1, 1) * b, a.T @ g)  # noqa: E731
    else:
        vjp = lambda g, a, b, out: (g @ b.T, a.T @ g)  # noqa: E731
    name = "MvBackward0" if b.ndim == 1 else "MmBackward0"
    rule = Rule(name, vjp, saves=(0, 1), jvp=lambda s, t, a, b, out: s @ b + a @ t)
    return core._apply(rule, x.data @ b.data, x, b)


def rmatmul(x: Tensor, other) -> Tensor:
    """Return other @ x."""
    return matmul(as_tensor(other), x)


def reshape(x: Tensor, *shape) -> Tensor:
    """Return the same values in a new shape (one size may be -1)."""
    new = np.reshape(x.data, shape[0] if len(shape) == 1 else shape).shape
    return _view(x, new, "ViewBackward0")


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    """Return the values with a new dimension of size 1 at `dim`."""
    return _view(x, np.expand_dims(x.data, dim).shape, "UnsqueezeBackward0")


def expand(x: Tensor, *sizes) -> Tensor:
    """Return the values broadcast to `sizes` (a read-only view, as in PyTorch)."""
    if len(sizes) == 1 and not isinstance(sizes[0], int):
        sizes = tuple(sizes[0])
    old = x.shape
    errors.check_expand(old, sizes)
    rule = Rule(
        "ExpandBackward0",
        lambda g, a, out: (core._unbroadcast(g, old),),
        jvp=lambda t, a, out: np.broadcast_to(t, sizes),
    )
    return _sharing(core._apply(rule, np.broadcast_to(inplace.storage(x), sizes), x), x)


def t(x: Tensor) -> Tensor:
    """Return the transpose of a 2-D tensor."""
    rule = Rule("TBackward0", lambda g, a, out: (g.T,), jvp=lambda t, a, out: t.T)
    return _sharing(core._apply(rule, inplace.storage(x).T, x), x)


def clone(x: Tensor) -> Tensor:
    """Return a copy that is part of the graph: changing it leaves the original alone."""
    rule = Rule("CloneBackward0", lambda g, a, out: (g,))  # elementwise: no jvp
    return core._apply(rule, np.array(x.data), x)


def tensor_power(base: Tensor, exponent: Tensor) -> Tensor:
    """Return base ** exponent for two tensors, with PyTorch's gradients at base = 0."""
    nonzero_p = exponent.data != 0
    # PyTorch's convention: no gradient for the exponent where 0 ** p is 0 or 1.
    has_log = (base.data != 0) | (exponent.data < 0)

    def shares(g, a, p, out):
        d_base = _where(nonzero_p, g * p * a ** (p - 1))
        return d_base, _where(has_log, g * out * core.log(a))

    return core._binary(Rule("PowBackward1", shares, saves=(0, 1, 2)), operator.pow, base, exponent)


def rpow(x: Tensor, base) -> Tensor:
    """Return base ** x for a number base: d/dx c^x = c^x log c, PyTorch's values at c = 0."""
    c = errors.check_number(base)
    if c == 0:  # log 0 = -inf; PyTorch's convention: no gradient where x >= 0 (0^x is 0 or 1)
        negative = x.data < 0
        vjp = lambda g, a, out: (_where(negative, g * out * -math.inf),)  # noqa: E731
    else:
        log_c = math.log(c) if c > 0 else math.nan
        vjp = lambda g, a, out: (g * out * log_c,)  # noqa: E731
    return core._apply(Rule("PowBackward2", vjp, saves=(0, 1)), c**x.data, x)


def _where(mask, x):
    """Keep x where mask is True and put 0 elsewhere (also where x is inf or nan)."""
    if type(x) is not Tensor:
        return np.where(mask, x, 0.0)
    rule = Rule("WhereBackward0", lambda g, a, out: (_where(mask, g),))
    return core._apply(rule, np.where(mask, x.data, 0.0), x)


def _view(x: Tensor, shape: tuple, op: str) -> Tensor:
    """Return x's values in another shape of the same size (reshape, unsqueeze, squeeze)."""
    old = x.shape
    rule = Rule(op, lambda g, a, out: (g.reshape(old),), jvp=lambda t, a, out: t.reshape(shape))
    return _sharing(core._apply(rule, np.reshape(inplace.storage(x), shape), x), x)


def _sharing(out: Tensor, x: Tensor) -> Tensor:
    """Give a view x's version counter when it shares x's storage (a reshape may copy)."""
    if np.may_share_memory(out.data, x.data):
        inplace.share_versions(out, x)
    return out


def _unreduce(grad, axes, keepdim: bool, shape: tuple):
    """Spread the gradient of a reduction back over the elements that were reduced."""
    if not keepdim and axes is not None:  # put the reduced dimensions back, as size 1
        kept = list(grad.shape)
        for axis in axes:
            kept.insert(axis, 1)
        grad = grad.reshape(tuple(kept))
    return expand(grad, shape) if type(grad) is Tensor else np.broadcast_to(grad, shape)
