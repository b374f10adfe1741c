"""The engine as a lesson: read this file top to bottom next to notebook 04.

1. A tensor is an array plus the record of how it was made.
2. An op computes its value, then records its parents and two local rules: `vjp` (reverse
   mode: output gradient -> input gradients) and `jvp` (forward mode: input tangents -> output
   tangent). The rules are written with engine ops, so they can be differentiated in turn.
3. `topological_order` lists a graph's tensors, parents first, without recursion.
4. `backpropagate` walks that list backwards, adding up the `parent.grad += ...` contributions.
5. Safety: each tensor counts its in-place changes; a rule refuses values changed since.
6. `grad` and `jvp` are the two modes as functions; `no_grad` turns the recording off.

What only imitates PyTorch (printing, shapes, comparisons, error texts, creation functions,
graph export) lives in the neighbouring files.
"""

from __future__ import annotations

import math
import operator

import numpy as np

from autograd_lab.engine import errors
from autograd_lab.engine.surface import TensorSurface

_grad_enabled = True  # off inside no_grad(): ops compute values and record nothing
_forward_mode = False  # on inside jvp(): ops also push tangents forward


# ----- 1. the tensor ----------------------------------------------------------------------------
class Tensor(TensorSurface):
    """An array of float64 (or bool) values that remembers the operation that produced it."""

    __slots__ = ("data", "grad", "requires_grad", "_op", "_parents", "_vjp", "_jvp", "_saved")
    __slots__ += ("_versions", "_tangent", "__weakref__")

    def __init__(self, data, requires_grad: bool = False):
        self.data = data if type(data) is np.float64 else errors.as_array(data)
        self.grad = self._tangent = self._vjp = None
        self.requires_grad = False
        self._op, self._parents, self._saved = "", (), ()
        self._versions = [0]  # one counter per storage, shared with detach()ed aliases
        if requires_grad:
            self.requires_grad_(True)

    @property
    def is_leaf(self) -> bool:
        """Return True if no recorded operation produced this tensor."""
        return self._vjp is None

    def requires_grad_(self, requires_grad: bool = True):
        """Start (or stop) recording operations on this leaf; return the tensor itself."""
        if not self.is_leaf:
            if requires_grad:  # a computed tensor that requires grad already records
                return self
            raise ValueError(
                f"requires_grad_ only works on leaves; this tensor was computed by {self._op}: "
                "use .detach() to get a leaf with the same values"
            )
        if requires_grad and self.data.dtype == np.bool_:
            raise TypeError("only float tensors can require gradients, this one holds booleans")
        self.requires_grad = bool(requires_grad)
        return self

    # ----- 2. an op = its value + its parents + its local rules --------------------------------
    def _record(self, op: str, parents: tuple, vjp, jvp, saved=()):
        """Remember how this tensor was made, if a gradient or a tangent may flow through it."""
        if _forward_mode and any(p._tangent is not None for p in parents):
            self._tangent = jvp(*(p.detach() * 0 if p._tangent is None else p._tangent for p in parents))
        if _grad_enabled and (parents[0].requires_grad or parents[-1].requires_grad):
            self.requires_grad = True
            self._op, self._parents, self._vjp = op, parents, vjp
            # The rule reads these tensors later: note their versions to detect changes.
            self._saved = [(t, t._versions[0]) for t in saved]
        return self

    def __add__(self, other):
        b = as_tensor(other)
        out = Tensor(errors.broadcast(operator.add, self.data, b.data))
        return out._record("AddBackward0", (self, b), lambda g: (g, g), lambda s, t: s + t)

    def __sub__(self, other):
        b = as_tensor(other)
        out = Tensor(errors.broadcast(operator.sub, self.data, b.data))
        return out._record("SubBackward0", (self, b), lambda g: (g, -g), lambda s, t: s - t)

    def __rsub__(self, other):  # number - tensor has one input, as in PyTorch
        out = Tensor(errors.check_number(other) - self.data)
        return out._record("RsubBackward1", (self,), lambda g: (-g,), lambda t: -t)

    def __neg__(self):
        return Tensor(-self.data)._record("NegBackward0", (self,), lambda g: (-g,), lambda t: -t)

    def __mul__(self, other):
        b = as_tensor(other)
        out = Tensor(errors.broadcast(operator.mul, self.data, b.data))
        rules = (lambda g: (g * b, g * self)), (lambda s, t: s * b + self * t)
        return out._record("MulBackward0", (self, b), *rules, saved=(self, b))

    def __truediv__(self, other):
        b = as_tensor(other)
        out = Tensor(errors.broadcast(operator.truediv, self.data, b.data))
        rules = (lambda g: (g / b, -g * self / (b * b))), (lambda s, t: s / b - self * t / (b * b))
        return out._record("DivBackward0", (self, b), *rules, saved=(self, b))

    def reciprocal(self):
        """Return 1 / x elementwise."""
        out = Tensor(1.0 / self.data)
        rules = (lambda g: (-g * out * out,)), (lambda t: -t * out * out)
        return out._record("ReciprocalBackward0", (self,), *rules, saved=(out,))

    def __rtruediv__(self, other):  # number / tensor = reciprocal * number, as in PyTorch
        return self.reciprocal() * errors.check_number(other)

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor):
            return _pow(self, exponent)
        p = errors.check_number(exponent)
        if p == 0:  # d(a^0)/da = 0, even at a = 0 where p * a^(p-1) would be 0 * inf
            rules = (lambda g: (g * 0,)), (lambda t: t * 0)
        else:
            rules = (lambda g: (g * p * self ** (p - 1),)), (lambda t: t * p * self ** (p - 1))
        return Tensor(self.data**p)._record("PowBackward0", (self,), *rules, saved=(self,))

    def __rpow__(self, base):  # number ** tensor: d/dx c^x = c^x log c
        c = errors.check_number(base)
        out = Tensor(c**self.data)
        rules = (lambda g: (g * out * math.log(c),)), (lambda t: t * out * math.log(c))
        return out._record("PowBackward2", (self,), *rules, saved=(self, out))

    __radd__ = __add__  # number + tensor is recorded as tensor + number, as PyTorch does
    __rmul__ = __mul__

    def exp(self):
        """Return e**x elementwise."""
        out = Tensor(np.exp(self.data))
        return out._record("ExpBackward0", (self,), lambda g: (g * out,), lambda t: t * out, (out,))

    def log(self):
        """Return the natural logarithm elementwise."""
        out = Tensor(np.log(self.data))
        return out._record("LogBackward0", (self,), lambda g: (g / self,), lambda t: t / self, (self,))

    def sin(self):
        """Return sin(x) elementwise."""
        rules = (lambda g: (g * self.cos(),)), (lambda t: t * self.cos())
        return Tensor(np.sin(self.data))._record("SinBackward0", (self,), *rules, saved=(self,))

    def cos(self):
        """Return cos(x) elementwise."""
        rules = (lambda g: (-g * self.sin(),)), (lambda t: -t * self.sin())
        return Tensor(np.cos(self.data))._record("CosBackward0", (self,), *rules, saved=(self,))

    def tanh(self):
        """Return tanh(x) elementwise."""
        out = Tensor(np.tanh(self.data))
        rules = (lambda g: (g * (1 - out * out),)), (lambda t: t * (1 - out * out))
        return out._record("TanhBackward0", (self,), *rules, saved=(out,))

    def relu(self):
        """Return max(x, 0) elementwise (gradient 0 at 0, as in PyTorch)."""
        out = Tensor(np.maximum(self.data, 0.0))
        positive = Tensor(out.data > 0)  # a constant mask: its own derivative is 0
        rules = (lambda g: (g * positive,)), (lambda t: t * positive)
        return out._record("ReluBackward0", (self,), *rules, saved=(out,))

    def abs(self):
        """Return |x| elementwise (gradient sign(x), 0 at 0 as in PyTorch)."""
        sign = Tensor(np.sign(self.data))
        rules = (lambda g: (g * sign,)), (lambda t: t * sign)
        return Tensor(np.abs(self.data))._record("AbsBackward0", (self,), *rules, saved=(self,))

    def sum(self, dim=None, keepdim: bool = False):
        """Return the sum of all elements, or along `dim`."""
        axes, shape = errors.axes(dim, self.ndim), self.shape
        rules = (lambda g: (_unreduce(g, axes, keepdim, shape),)), (lambda t: t.sum(dim, keepdim))
        out = Tensor(np.sum(self.data, axis=axes, keepdims=keepdim))
        return out._record("SumBackward0" if dim is None else "SumBackward1", (self,), *rules)

    def mean(self, dim=None, keepdim: bool = False):
        """Return the mean of all elements, or along `dim`."""
        axes, shape = errors.axes(dim, self.ndim), self.shape
        n = self.data.size if axes is None else math.prod(shape[i] for i in axes)
        rules = (lambda g: (_unreduce(g / n, axes, keepdim, shape),)), (lambda t: t.mean(dim, keepdim))
        out = Tensor(np.mean(self.data, axis=axes, keepdims=keepdim))
        return out._record("MeanBackward0" if dim is None else "MeanBackward1", (self,), *rules)

    def norm(self, dim=None, keepdim: bool = False):
        """Return the Euclidean (2-)norm of all elements, or along `dim`."""
        axes, shape = errors.axes(dim, self.ndim), self.shape
        out = Tensor(np.sqrt(np.sum(self.data * self.data, axis=axes, keepdims=keepdim)))

        def unit():  # x / |x|, and 0 where |x| = 0 as in PyTorch (there x = 0: divide by 1)
            return self / _unreduce(out + (out == 0), axes, keepdim, shape)

        rules = (lambda g: (_unreduce(g, axes, keepdim, shape) * unit(),)), (lambda t: (t * unit()).sum(dim, keepdim))
        return out._record("LinalgVectorNormBackward0", (self,), *rules, saved=(self, out))

    def dot(self, other):
        """Return the inner product of two 1-D tensors of the same length."""
        b = as_tensor(other)
        errors.check_dot(self.shape, b.shape)
        rules = (lambda g: (g * b, g * self)), (lambda s, t: s.dot(b) + self.dot(t))
        return Tensor(np.dot(self.data, b.data))._record("DotBackward0", (self, b), *rules, saved=(self, b))

    def matmul(self, other):
        """Return the matrix product self @ other of 1-D or 2-D tensors."""
        b = as_tensor(other)
        errors.check_matmul(self.shape, b.shape)
        if self.ndim == 1:  # a vector on the left is a one-row matrix, as in PyTorch
            return self.dot(b) if b.ndim == 1 else _view(self.unsqueeze(0).matmul(b), b.shape[1:], "SqueezeBackward4")
        if b.ndim == 1:  # matrix @ vector; the matrix's gradient is an outer product
            rules = (lambda g: (g.unsqueeze(1) * b, self.t().matmul(g))), (lambda s, t: s.matmul(b) + self.matmul(t))
            return Tensor(self.data @ b.data)._record("MvBackward0", (self, b), *rules, saved=(self, b))
        rules = (lambda g: (g.matmul(b.t()), self.t().matmul(g))), (lambda s, t: s.matmul(b) + self.matmul(t))
        return Tensor(self.data @ b.data)._record("MmBackward0", (self, b), *rules, saved=(self, b))

    __matmul__ = matmul

    def __rmatmul__(self, other):
        return as_tensor(other).matmul(self)

    def reshape(self, *shape):
        """Return the same values in a new shape (one size may be -1)."""
        return _view(self, np.reshape(self.data, shape[0] if len(shape) == 1 else shape).shape, "ViewBackward0")

    def unsqueeze(self, dim: int):
        """Return the values with a new dimension of size 1 at `dim`."""
        return _view(self, np.expand_dims(self.data, dim).shape, "UnsqueezeBackward0")

    def expand(self, *sizes):
        """Return the values broadcast to `sizes` (a view in PyTorch, a read-only one here)."""
        sizes, old = tuple(sizes[0] if len(sizes) == 1 and not isinstance(sizes[0], int) else sizes), self.shape
        errors.check_expand(old, sizes)
        rules = (lambda g: (_unbroadcast(g, old),)), (lambda t: t.expand(sizes))
        return Tensor(np.broadcast_to(self.data, sizes))._record("ExpandBackward0", (self,), *rules)

    def t(self):
        """Return the transpose of a 2-D tensor."""
        return Tensor(self.data.T)._record("TBackward0", (self,), lambda g: (g.t(),), Tensor.t)

    def clone(self):
        """Return a copy that is part of the graph: changing it leaves the original alone."""
        return Tensor(np.array(self.data))._record("CloneBackward0", (self,), lambda g: (g,), Tensor.clone)

    # ----- 4. backward ---------------------------------------------------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into `.grad` of every leaf that requires a gradient.

        The graph is always kept (`retain_graph` is accepted and ignored); `create_graph=True`
        records the backward pass too, so that the gradients can be differentiated again.
        """
        for leaf, g in backpropagate(self, gradient, create_graph).items():
            if leaf.grad is None:  # a copy: one gradient tensor may reach several leaves
                leaf.grad = g if create_graph else Tensor(np.array(g.data))
            elif create_graph or leaf.grad.requires_grad:
                leaf.grad = leaf.grad + g
            else:
                leaf.grad.data += g.data  # in place, as PyTorch: the same .grad object
                leaf.grad._versions[0] += 1

    # ----- 5. safety: in-place changes are counted ------------------------------------------------
    def _update(self, other, change):
        """Change the values in place, where no recorded graph can see it; count the change."""
        b = as_tensor(other)
        if _grad_enabled and (self.requires_grad or b.requires_grad):
            raise errors.leaf_inplace() if self.is_leaf else errors.recorded_inplace()
        data = self._storage()
        data[...] = change(data, b.data)
        self._versions[0] += 1  # any rule that saved the old values now refuses to run
        return self

    def __iadd__(self, other):
        return self._update(other, np.add)

    def __isub__(self, other):
        return self._update(other, np.subtract)

    def __imul__(self, other):
        return self._update(other, np.multiply)

    def __itruediv__(self, other):
        return self._update(other, np.divide)

    def zero_(self):
        """Set every element to zero in place (e.g. `x.grad.zero_()`); return the tensor."""
        return self._update(0.0, lambda old, zero: zero)

    def detach(self):
        """Return a tensor with the same values (shared memory and version counter), no history."""
        out = Tensor(self._storage())
        out._versions = self._versions
        return out

    def _storage(self) -> np.ndarray:
        # Ops on 0-d arrays return immutable NumPy scalars; aliases need one writable array.
        if type(self.data) is not np.ndarray:
            self.data = np.array(self.data)
        return self.data


def as_tensor(value) -> Tensor:
    """Return value as a tensor: tensors unchanged, numbers and arrays wrapped as constants."""
    if type(value) is Tensor:
        return value
    if type(value) is float or type(value) is int:  # the common case first: it is per op
        return Tensor(np.float64(value))
    if isinstance(value, Tensor | np.ndarray):
        return Tensor(value)
    return Tensor(np.float64(errors.check_number(value)))


def _pow(base: Tensor, exponent: Tensor) -> Tensor:
    """Return base ** exponent for two tensors, with PyTorch's gradients at base = 0."""
    a, p = base.data, exponent.data
    out = Tensor(errors.broadcast(operator.pow, a, p))
    d_base = lambda s: _where(p != 0, s * exponent * base ** (exponent - 1))  # noqa: E731
    # PyTorch's convention: no gradient for the exponent where 0 ** p is 0 or 1.
    d_exponent = lambda t: _where((a != 0) | (p < 0), t * out * base.log())  # noqa: E731
    rules = (lambda g: (d_base(g), d_exponent(g))), (lambda s, t: d_base(s) + d_exponent(t))
    return out._record("PowBackward1", (base, exponent), *rules, saved=(base, exponent, out))


def _where(mask: np.ndarray, x: Tensor) -> Tensor:
    """Keep x where mask is True and put 0 elsewhere (also where x is inf or nan)."""
    out = Tensor(np.where(mask, x.data, 0.0))
    return out._record("WhereBackward0", (x,), lambda g: (_where(mask, g),), lambda t: _where(mask, t))


def _view(x: Tensor, shape: tuple, op: str) -> Tensor:
    """Return x's values in another shape of the same size (reshape, unsqueeze, squeeze)."""
    old = x.shape
    rules = (lambda g: (g.reshape(old),)), (lambda t: _view(t, shape, op))
    return Tensor(np.reshape(x.data, shape))._record(op, (x,), *rules)


def _unbroadcast(grad: Tensor, shape: tuple) -> Tensor:
    """Sum a gradient over the dimensions broadcasting added, back to the input's shape."""
    if grad.data.shape == shape:
        return grad
    extra = grad.ndim - len(shape)
    ones = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1)
    if extra:
        grad = grad.sum(dim=tuple(range(extra)))
    return grad.sum(dim=ones, keepdim=True) if ones else grad


def _unreduce(grad: Tensor, axes, keepdim: bool, shape: tuple) -> Tensor:
    """Spread the gradient of a reduction back over the elements that were reduced."""
    if not keepdim and axes is not None:
        grad = grad.reshape(np.expand_dims(grad.data, axes).shape)
    return grad.expand(shape)


# ----- 3. topological order ---------------------------------------------------------------------
def topological_order(root: Tensor) -> list[Tensor]:
    """List the tensors `root` depends on, every tensor after all of its parents.

    Iterative depth-first search with an explicit stack: a recursive one would stop at Python's
    recursion limit (about 1000 nested operations). Parents are visited in argument order, so
    the order is the same on every run.
    """
    order, visited, stack = [], set(), [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))  # comes back after all of its parents
            stack.extend((p, False) for p in reversed(node._parents) if p.requires_grad)
    return order


# ----- 4. backward: the rules in reverse order, contributions added up --------------------------
def backpropagate(root: Tensor, gradient=None, create_graph: bool = False, keep=()) -> dict:
    """Return {t: d(root)/d(t)} for every leaf t that root depends on, and for `keep`."""
    if not root.requires_grad:
        raise errors.no_grad_fn()
    if gradient is None and root.data.size != 1:
        raise errors.not_scalar(root.shape)
    seed = Tensor(np.ones_like(root.data)) if gradient is None else as_tensor(gradient)
    if seed.shape != root.shape:
        raise errors.seed_shape(seed.shape, root.shape)
    global _grad_enabled
    grads, found, keep = {root: seed}, {}, {id(t) for t in keep}
    enabled, _grad_enabled = _grad_enabled, create_graph  # record the pass only if asked to
    try:
        # A mask like "0 where x == 0" computes both branches; the one thrown away may be inf.
        with np.errstate(all="ignore"):
            for node in reversed(topological_order(root)):
                grad = grads.pop(node)  # complete: every consumer of node came before it
                if node._vjp is None or (keep and id(node) in keep):
                    found[node] = grad
                if node._vjp is None:  # a leaf
                    continue
                for tensor, version in node._saved:
                    if tensor._versions[0] != version:
                        raise errors.modified_inplace(tensor, node._op, version)
                for parent, parent_grad in zip(node._parents, node._vjp(grad), strict=True):
                    if parent.requires_grad:
                        parent_grad = _unbroadcast(parent_grad, parent.data.shape)
                        # parent.grad += parent_grad: a tensor used twice gets both shares.
                        grads[parent] = grads[parent] + parent_grad if parent in grads else parent_grad
    finally:
        _grad_enabled = enabled
    return found


# ----- 6. both modes as functions, and switching the recording off -------------------------------
def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=None):
    """Return d(outputs)/d(inputs) as a tuple, leaving `.grad` alone (torch.autograd.grad)."""
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    if not all(isinstance(t, Tensor) and t.requires_grad for t in inputs):
        raise errors.input_without_grad()
    found = backpropagate(errors.one(outputs, Tensor), errors.one(grad_outputs), create_graph, inputs)
    if not allow_unused and any(t not in found for t in inputs):
        raise errors.unused_input()
    return tuple(found.get(t) for t in inputs)


def jvp(f, primals, tangents):
    """Return (f(*primals), J_f(primals) @ tangents) from one forward pass (torch.func.jvp)."""
    global _forward_mode
    if _forward_mode:
        raise RuntimeError("the engine does not nest jvp inside jvp: use grad for the outer one")
    duals = []
    for primal, tangent in zip(primals, tangents, strict=True):
        dual = as_tensor(primal).detach()  # a fresh leaf carrying its tangent: a dual number
        dual._tangent = as_tensor(tangent)
        duals.append(dual)
    _forward_mode = True
    try:
        with np.errstate(all="ignore"):
            out = f(*duals)
    finally:
        _forward_mode = False
    return out.detach(), out.detach() * 0 if out._tangent is None else out._tangent


class no_grad:  # noqa: N801 - PyTorch's spelling
    """Turn off recording inside `with engine.no_grad():` (values are still computed)."""

    def __enter__(self):
        global _grad_enabled
        self._before, _grad_enabled = _grad_enabled, False

    def __exit__(self, *exc):
        global _grad_enabled
        _grad_enabled = self._before


def is_grad_enabled() -> bool:
    """Return True unless inside `no_grad()`."""
    return _grad_enabled
