"""The engine as a lesson: read this file top to bottom next to notebook 04.

1. A tensor is an array plus the record of how it was made: its parents and its local rule.
2. An op computes its value with NumPy and records a `Rule`: PyTorch's name for it and `vjp`,
   which turns the output's gradient into one share per input. The same rule gives forward
   mode; and since it is plain arithmetic, it runs on NumPy values (a fast backward) or on
   engine tensors (`create_graph=True`: the backward pass is recorded, so it can be
   differentiated again).
3. `topological_order` lists a graph's tensors, parents first, without recursion.
4. `backpropagate` runs the rules in reverse order and adds the shares up: `parent.grad += ...`.
5. Safety: tensors count their in-place changes (inplace.py); a rule refuses to read values
   changed after the forward pass read them.

Shape-aware ops (sum along a dim, matmul, reshape) are in arrays.py, the two modes as functions
(grad, jvp, jacfwd, jacrev, no_grad) in functional.py; printing, comparisons, error texts,
creation functions and graph export in the other files.
"""

from __future__ import annotations

import functools
import math
import operator
from typing import NamedTuple

import numpy as np

from autograd_lab.engine import arrays, errors
from autograd_lab.engine.arrays import ArrayOps, elementwise
from autograd_lab.engine.inplace import InPlaceOps, count_change
from autograd_lab.engine.surface import TensorSurface

_grad_enabled = True  # off inside no_grad(): ops compute values and record nothing
_forward_mode = False  # on inside jvp(): ops also push tangents forward
_changes = 0  # in-place changes so far, all tensors together: a clock for "changed since?"


# ----- 1. the tensor ----------------------------------------------------------------------------
class Tensor(TensorSurface, ArrayOps, InPlaceOps):
    """An array of float64 (or bool) values that remembers the operation that produced it."""

    __slots__ = ("data", "grad", "requires_grad", "_rule", "_parents", "_since", "_versions")
    __slots__ += ("_tangent", "_grad_sum", "__weakref__")

    def __init__(self, data, requires_grad: bool = False):
        self.data = data if type(data) is np.float64 else errors.as_array(data)
        self.grad = self._rule = self._tangent = self._grad_sum = None
        self.requires_grad = False
        self._parents = ()
        self._versions = None  # [changes, clock at the last one]; made by the first change
        if requires_grad:
            self.requires_grad_(True)

    @property
    def is_leaf(self) -> bool:
        """Return True if no recorded operation produced this tensor."""
        return self._rule is None

    # Every op: compute the value, then `_apply` records the parents and the rule.
    def __add__(self, other):
        return _binary(ADD, operator.add, self, other)

    def __sub__(self, other):
        return _binary(SUB, operator.sub, self, other)

    def __mul__(self, other):
        return _binary(MUL, operator.mul, self, other)

    def __truediv__(self, other):
        return _binary(DIV, operator.truediv, self, other)

    __radd__ = __add__  # number + tensor is recorded as tensor + number, as PyTorch does
    __rmul__ = __mul__

    def __rsub__(self, other):  # number - tensor has one input, as in PyTorch
        return _apply(RSUB, errors.check_number(other) - self.data, self)

    def __rtruediv__(self, other):  # number / tensor = reciprocal * number, as in PyTorch
        return self.reciprocal() * errors.check_number(other)

    def __neg__(self):
        return _apply(NEG, -self.data, self)

    def __pow__(self, exponent):
        if isinstance(exponent, Tensor):  # tensor ** tensor: both get a gradient
            return arrays.power(self, exponent)
        p = errors.check_number(exponent)
        return _apply(_power_rule(p), self.data**p, self)

    def __rpow__(self, base):  # number ** tensor: d/dx c^x = c^x log c
        c = errors.check_number(base)
        log_c = math.log(c) if c > 0 else -math.inf if c == 0 else math.nan
        rule = Rule("PowBackward2", lambda g, a, out: (g * out * log_c,), saves=(0, 1))
        return _apply(rule, c**self.data, self)

    def reciprocal(self):
        """Return 1 / x elementwise."""
        return _apply(RECIPROCAL, 1.0 / self.data, self)

    def exp(self):
        """Return e**x elementwise."""
        return _apply(EXP, elementwise("exp", self.data), self)

    def log(self):
        """Return the natural logarithm elementwise."""
        return _apply(LOG, elementwise("log", self.data), self)

    def sin(self):
        """Return sin(x) elementwise."""
        return _apply(SIN, elementwise("sin", self.data), self)

    def cos(self):
        """Return cos(x) elementwise."""
        return _apply(COS, elementwise("cos", self.data), self)

    def tanh(self):
        """Return tanh(x) elementwise."""
        return _apply(TANH, elementwise("tanh", self.data), self)

    def relu(self):
        """Return max(x, 0) elementwise (gradient 0 at 0, as in PyTorch)."""
        return _apply(RELU, elementwise("relu", self.data), self)

    def abs(self):
        """Return |x| elementwise (gradient sign(x), 0 at 0 as in PyTorch)."""
        return _apply(ABS, np.abs(self.data), self)

    # ----- 4. backward (the pass itself is `backpropagate`, below) ------------------------------
    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False) -> None:
        """Accumulate d(self)/d(leaf) into `.grad` of every leaf that requires a gradient.

        The graph is always kept (`retain_graph` is accepted and ignored); `create_graph=True`
        records the backward pass too, so that the gradients can be differentiated again.
        """
        for leaf, g in backpropagate(self, gradient, create_graph).items():
            if leaf.grad is None:
                leaf.grad = g
            elif create_graph or leaf.grad.requires_grad:
                leaf.grad = leaf.grad + g
            else:
                leaf.grad.data += g.data  # in place, as PyTorch: the same .grad object
                count_change(leaf.grad)


def as_tensor(value) -> Tensor:
    """Return value as a tensor: tensors unchanged, numbers and arrays wrapped as constants."""
    if type(value) is Tensor:
        return value
    if type(value) is float or type(value) is int:  # the common case first: it is per op
        return Tensor(np.float64(value))
    if isinstance(value, Tensor | np.ndarray):
        return value if isinstance(value, Tensor) else Tensor(value)
    return Tensor(np.float64(errors.check_number(value)))


# ----- 2. an op records its parents and its rule ------------------------------------------------
class Rule(NamedTuple):
    """How an op differentiates: `vjp(g, *inputs, out)` returns one share of g per input."""

    name: str  # PyTorch's grad_fn name, so the two graphs print alike
    vjp: object
    saves: tuple = ()  # which of (*inputs, out) the rule reads: they must not change
    # Forward mode: (*tangents, *inputs, out) -> the output's tangent. For an elementwise op
    # the Jacobian is diagonal, so a tangent is multiplied by the very factors a gradient is:
    # the tangent is the sum of vjp's shares (jvp=None). Other ops say how.
    jvp: object = None


def _apply(rule: Rule, value, *parents: Tensor) -> Tensor:
    """Wrap an op's value; record its parents and rule if a gradient or tangent may flow."""
    out = Tensor(value)
    if _forward_mode and any(p._tangent is not None for p in parents):
        out._tangent = _tangent(rule, parents, value)
    if _grad_enabled and (parents[0].requires_grad or parents[-1].requires_grad):
        out.requires_grad = True
        out._rule, out._parents = rule, parents
        out._since = _changes  # the clock now: the rule reads values as they are at this time
    return out


def _binary(rule: Rule, operation, a: Tensor, other) -> Tensor:
    """Apply a binary operation with NumPy's broadcasting, and record it."""
    b = other if type(other) is Tensor else as_tensor(other)
    try:
        value = operation(a.data, b.data)
    except ValueError:
        raise errors.not_broadcastable(a.shape, b.shape) from None
    return _apply(rule, value, a, b)


def _tangent(rule: Rule, parents, value):
    """Push the parents' tangents through one op (forward mode)."""
    tangents = [np.zeros_like(p.data) if p._tangent is None else p._tangent for p in parents]
    inputs = [p.data for p in parents]
    if rule.jvp is not None:
        return rule.jvp(*tangents, *inputs, value)
    return sum(rule.vjp(t, *inputs, value)[i] for i, t in enumerate(tangents))


# The op table. g is the output's gradient, a and b the inputs, out the output.
ADD = Rule("AddBackward0", lambda g, a, b, out: (g, g))
SUB = Rule("SubBackward0", lambda g, a, b, out: (g, -g))
MUL = Rule("MulBackward0", lambda g, a, b, out: (g * b, g * a), saves=(0, 1))
DIV = Rule("DivBackward0", lambda g, a, b, out: (g / b, -g * a / (b * b)), saves=(0, 1))
RSUB = Rule("RsubBackward1", lambda g, a, out: (-g,))
NEG = Rule("NegBackward0", lambda g, a, out: (-g,))
RECIPROCAL = Rule("ReciprocalBackward0", lambda g, a, out: (-g * out * out,), saves=(1,))
EXP = Rule("ExpBackward0", lambda g, a, out: (g * out,), saves=(1,))
LOG = Rule("LogBackward0", lambda g, a, out: (g / a,), saves=(0,))
SIN = Rule("SinBackward0", lambda g, a, out: (g * elementwise("cos", a),), saves=(0,))
COS = Rule("CosBackward0", lambda g, a, out: (-g * elementwise("sin", a),), saves=(0,))
TANH = Rule("TanhBackward0", lambda g, a, out: (g * (1 - out * out),), saves=(1,))
RELU = Rule("ReluBackward0", lambda g, a, out: (g * (out > 0),), saves=(1,))
ABS = Rule("AbsBackward0", lambda g, a, out: (g * elementwise("sign", a),), saves=(0,))


@functools.lru_cache(maxsize=64)  # a rule depends on p alone: x**2 in a loop reuses one
def _power_rule(p) -> Rule:
    """Return the rule of x ** p for a number p."""
    if p == 0:  # d(a^0)/da = 0, even at a = 0 where p * a^(p-1) would be 0 * inf
        return Rule("PowBackward0", lambda g, a, out: (g * 0,))
    return Rule("PowBackward0", lambda g, a, out: (g * p * a ** (p - 1),), saves=(0,))


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
            for parent in reversed(node._parents):
                if parent.requires_grad and parent not in visited:
                    stack.append((parent, False))
    return order


# ----- 4. backward: the rules in reverse order, the shares added up -----------------------------
def backpropagate(root: Tensor, gradient=None, create_graph: bool = False, keep=()) -> dict:
    """Return {t: d(root)/d(t) as a tensor} for every leaf t that root depends on, and `keep`."""
    seed = errors.check_seed(root, gradient, as_tensor)
    global _grad_enabled
    order, found, keep = topological_order(root), {}, {id(t) for t in keep}
    root._grad_sum = seed if create_graph else seed.data
    enabled, _grad_enabled = _grad_enabled, create_graph  # record the pass only if asked to
    try:
        # A mask like "0 where x == 0" computes both branches; the one thrown away may be inf.
        with np.errstate(all="ignore"):
            for node in reversed(order):
                # Complete: every consumer of node came before it and added its share.
                grad, node._grad_sum = node._grad_sum, None
                rule = node._rule
                if rule is None or (keep and id(node) in keep):
                    found[node] = grad if create_graph else Tensor(np.array(grad))
                    if rule is None:  # a leaf: nothing to pass on
                        continue
                if _changes > node._since:  # something changed in place: what the rule reads?
                    _check_unchanged(node)
                parents = node._parents
                # The same rule, on the recorded tensors (create_graph) or on NumPy values.
                if create_graph:
                    shares = rule.vjp(grad, *parents, node)
                elif len(parents) == 1:  # every op has one input or two
                    shares = rule.vjp(grad, parents[0].data, node.data)
                else:
                    shares = rule.vjp(grad, parents[0].data, parents[1].data, node.data)
                for parent, share in zip(parents, shares, strict=True):
                    if parent.requires_grad:
                        # Undo broadcasting (never needed for one number: scalar code is fast).
                        if type(share) is not np.float64 and share.shape != parent.shape:
                            share = _unbroadcast(share, parent.shape)
                        # The notebook's `parent.grad += share`: a tensor used twice gets both.
                        total = parent._grad_sum
                        parent._grad_sum = share if total is None else total + share
    except BaseException:
        for node in order:  # leave no half-summed gradient behind for the next pass
            node._grad_sum = None
        raise
    finally:
        _grad_enabled = enabled
    return found


def _unbroadcast(grad, shape: tuple):
    """Sum a gradient over the dimensions broadcasting added, back to the input's shape."""
    extra = len(grad.shape) - len(shape)
    ones = tuple(extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1)
    return grad.sum(tuple(range(extra)) + ones).reshape(shape)


def _check_unchanged(node: Tensor) -> None:
    """Refuse to run a rule on values changed in place after the forward pass read them."""
    nodes = (*node._parents, node)
    for i in node._rule.saves:
        if nodes[i]._versions is not None and nodes[i]._versions[1] > node._since:
            raise errors.modified_inplace(nodes[i], node._rule.name)
