"""Array-shaped ops: reductions along dimensions, vector and matrix products, views.

The same pattern as the elementwise ops in core.py: compute the value with NumPy, hand it to
`core._apply` with its rule (grad_fn name, vjp, jvp, what it saves). Mixed into `Tensor`.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from autograd_lab.engine import core, errors


class ArrayOps:
    """The methods of `Tensor` that care about shapes."""

    __slots__ = ()

    def sum(self, dim=None, keepdim: bool = False):
        """Return the sum of all elements, or along `dim`."""
        axes, shape = errors.axes(dim, self.ndim), self.shape
        rule = core.Rule(
            "SumBackward0" if dim is None else "SumBackward1",
            lambda g, a, out: (_unreduce(g, axes, keepdim, shape),),
            jvp=lambda t, a, out: np.sum(t, axis=axes, keepdims=keepdim),
        )
        return core._apply(rule, np.sum(self.data, axis=axes, keepdims=keepdim), self)

    def mean(self, dim=None, keepdim: bool = False):
        """Return the mean of all elements, or along `dim`."""
        axes, shape = errors.axes(dim, self.ndim), self.shape
        n = self.data.size if axes is None else math.prod(shape[i] for i in axes)
        rule = core.Rule(
            "MeanBackward0" if dim is None else "MeanBackward1",
            lambda g, a, out: (_unreduce(g / n, axes, keepdim, shape),),
            jvp=lambda t, a, out: np.mean(t, axis=axes, keepdims=keepdim),
        )
        return core._apply(rule, np.mean(self.data, axis=axes, keepdims=keepdim), self)

    def norm(self, dim=None, keepdim: bool = False):
        """Return the Euclidean (2-)norm of all elements, or along `dim`."""
        axes, shape = errors.axes(dim, self.ndim), self.shape

        def unit(a, out):  # x / |x|, and 0 where |x| = 0 as in PyTorch (there x = 0: divide by 1)
            return a / _unreduce(out + (out == 0), axes, keepdim, shape)

        rule = core.Rule(
            "LinalgVectorNormBackward0",
            lambda g, a, out: (_unreduce(g, axes, keepdim, shape) * unit(a, out),),
            saves=(0, 1),
            jvp=lambda t, a, out: np.sum(t * unit(a, out), axis=axes, keepdims=keepdim),
        )
        value = np.sqrt(np.sum(self.data * self.data, axis=axes, keepdims=keepdim))
        return core._apply(rule, value, self)

    def dot(self, other):
        """Return the inner product of two 1-D tensors of the same length."""
        b = core.as_tensor(other)
        errors.check_dot(self.shape, b.shape)
        rule = core.Rule(
            "DotBackward0",
            lambda g, a, b, out: (g * b, g * a),
            saves=(0, 1),
            jvp=lambda s, t, a, b, out: s @ b + a @ t,
        )
        return core._apply(rule, np.dot(self.data, b.data), self, b)

    def matmul(self, other):
        """Return the matrix product self @ other of 1-D or 2-D tensors."""
        b = core.as_tensor(other)
        errors.check_matmul(self.shape, b.shape)
        if self.ndim == 1:  # a vector on the left is a one-row matrix, as in PyTorch
            if b.ndim == 1:
                return self.dot(b)
            return _view(self.unsqueeze(0).matmul(b), b.shape[1:], "SqueezeBackward4")
        if b.ndim == 1:  # the matrix's share is an outer product
            vjp = lambda g, a, b, out: (g.reshape(-1, 1) * b, a.T @ g)  # noqa: E731
        else:
            vjp = lambda g, a, b, out: (g @ b.T, a.T @ g)  # noqa: E731
        name = "MvBackward0" if b.ndim == 1 else "MmBackward0"
        rule = core.Rule(name, vjp, saves=(0, 1), jvp=lambda s, t, a, b, out: s @ b + a @ t)
        return core._apply(rule, self.data @ b.data, self, b)

    __matmul__ = matmul

    def __rmatmul__(self, other):
        return core.as_tensor(other).matmul(self)

    def reshape(self, *shape):
        """Return the same values in a new shape (one size may be -1)."""
        new = np.reshape(self.data, shape[0] if len(shape) == 1 else shape).shape
        return _view(self, new, "ViewBackward0")

    def unsqueeze(self, dim: int):
        """Return the values with a new dimension of size 1 at `dim`."""
        return _view(self, np.expand_dims(self.data, dim).shape, "UnsqueezeBackward0")

    def expand(self, *sizes):
        """Return the values broadcast to `sizes` (a read-only view, as in PyTorch)."""
        if len(sizes) == 1 and not isinstance(sizes[0], int):
            sizes = tuple(sizes[0])
        old = self.shape
        errors.check_expand(old, sizes)
        rule = core.Rule(
            "ExpandBackward0",
            lambda g, a, out: (core._unbroadcast(g, old),),
            jvp=lambda t, a, out: np.broadcast_to(t, sizes),
        )
        return core._apply(rule, np.broadcast_to(self.data, sizes), self)

    def t(self):
        """Return the transpose of a 2-D tensor."""
        rule = core.Rule("TBackward0", lambda g, a, out: (g.T,), jvp=lambda t, a, out: t.T)
        return core._apply(rule, self.data.T, self)

    def clone(self):
        """Return a copy that is part of the graph: changing it leaves the original alone."""
        rule = core.Rule("CloneBackward0", lambda g, a, out: (g,))  # elementwise: no jvp
        return core._apply(rule, np.array(self.data), self)


def power(base, exponent):
    """Return base ** exponent for two tensors, with PyTorch's gradients at base = 0."""
    nonzero_p = exponent.data != 0
    # PyTorch's convention: no gradient for the exponent where 0 ** p is 0 or 1.
    has_log = (base.data != 0) | (exponent.data < 0)

    def shares(g, a, p, out):
        d_base = _where(nonzero_p, g * p * a ** (p - 1))
        return d_base, _where(has_log, g * out * elementwise("log", a))

    rule = core.Rule("PowBackward1", shares, saves=(0, 1, 2))
    value = errors.broadcast(operator.pow, base.data, exponent.data)
    return core._apply(rule, value, base, exponent)


def _where(mask, x):
    """Keep x where mask is True and put 0 elsewhere (also where x is inf or nan)."""
    if type(x) is not core.Tensor:
        return np.where(mask, x, 0.0)
    rule = core.Rule("WhereBackward0", lambda g, a, out: (_where(mask, g),))
    return core._apply(rule, np.where(mask, x.data, 0.0), x)


def _view(x, shape: tuple, op: str):
    """Return x's values in another shape of the same size (reshape, unsqueeze, squeeze)."""
    old = x.shape
    rule = core.Rule(
        op, lambda g, a, out: (g.reshape(old),), jvp=lambda t, a, out: t.reshape(shape)
    )
    return core._apply(rule, np.reshape(x.data, shape), x)


def _unreduce(grad, axes, keepdim: bool, shape: tuple):
    """Spread the gradient of a reduction back over the elements that were reduced."""
    if not keepdim and axes is not None:  # put the reduced dimensions back, as size 1
        kept = list(grad.shape)
        for axis in axes:
            kept.insert(axis, 1)
        grad = grad.reshape(tuple(kept))
    return grad.expand(shape) if type(grad) is core.Tensor else np.broadcast_to(grad, shape)


# NumPy's functions cost about 0.5 µs even on a single number, math's about 0.05 µs, and
# scalar expressions call them once per op: take the short way when there is one number.
_SCALAR = {
    "exp": math.exp,
    "log": math.log,
    "sin": math.sin,
    "cos": math.cos,
    "tanh": math.tanh,
    # `+ 0.0` turns max(-0.0, 0.0) = -0.0 into 0.0, as PyTorch prints it; max keeps nan.
    "relu": lambda v: max(v, 0.0) + 0.0,
}


def elementwise(name: str, x):
    """Apply exp, log, sin, cos, tanh, relu or sign to a tensor (recorded) or to NumPy values."""
    if type(x) is core.Tensor:
        # sign is flat wherever it has a derivative: a constant, so its own gradient is 0.
        return core.Tensor(np.sign(x.data)) if name == "sign" else getattr(x, name)()
    if type(x) is np.float64 and name in _SCALAR:
        try:
            return np.float64(_SCALAR[name](x))
        except (ValueError, OverflowError):  # log(0), exp(1000): NumPy's inf, -inf and nan
            pass
    if name == "relu":
        return np.maximum(x, 0.0) + 0.0
    return getattr(np, name)(x)
