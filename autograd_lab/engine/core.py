"""The engine as a lesson: read this file top to bottom next to notebook 06.

1. A tensor is an array plus the record of how it was made: its parents and its local rule.
2. An op computes its value with NumPy and records a `Rule`: PyTorch's name for it and `vjp`,
   which turns the output's gradient into one share per input.
3. `topological_order` lists a graph's tensors, parents first, without recursion.
4. `backpropagate` walks that order in reverse and yields one step per tensor: the gradient that
   arrived at it and the shares its rule hands to its parents, which add up as
   `parent.grad += share`. `backward()` keeps the leaves' totals in `.grad`.
5. Arrays: a share is summed back to its parent's shape where broadcasting stretched it.
6. Forward mode pushes tangents through the same rules.
7. `create_graph=True` (a branch of `backpropagate`): the same rules run on tensors, so the
   backward pass is recorded too.
8. The version counter: a rule refuses values changed in place after the forward pass read them.

The ops are plain functions here (`add`, `mul`, `exp`, ...); methods.py attaches them to
`Tensor` as PyTorch spells them (`x + y`, `x.exp()`). Shape-aware ops (sum along a dim, matmul,
reshape) are in arrays.py, in-place changes in inplace.py, the two modes as functions (grad,
jvp, jacfwd, jacrev, no_grad) in functional.py; fast.py holds the speed paths, so that none of
them shows here.
"""

from __future__ import annotations

import operator
from typing import NamedTuple

import numpy as np

from autograd_lab.engine import errors, fast
from autograd_lab.engine.surface import TensorSurface

_grad_enabled = True  # off inside no_grad(): ops compute values and record nothing
_forward_mode = False  # on inside jvp(): ops also push tangents forward
_changes = 0  # in-place changes so far, all tensors together: a clock for "changed since?"


# ----- 1. the tensor ----------------------------------------------------------------------------
class Tensor(TensorSurface):
    """An array of float64 (or bool) values that remembers the operation that produced it."""

    __slots__ = ("data", "grad", "requires_grad", "_rule", "_parents", "_since", "_versions")
    __slots__ += ("_tangent", "__weakref__")

    def __init__(self, data, requires_grad: bool = False):
        self.data = errors.as_array(data)
        self.grad = None  # filled by backward(), on leaves
        self.requires_grad = False
        self._rule = None  # how this tensor was made: None for a leaf
        self._parents = ()  # ... and from which tensors
        self._since = 0  # the clock of in-place changes when the op ran (section 8)
        self._versions = None  # [changes, clock at the last one]; made by the first change
        self._tangent = None  # forward mode's tangent (section 6)
        if requires_grad:
            self.requires_grad_(True)

    @property
    def is_leaf(self) -> bool:
        """Return True if no recorded operation produced this tensor."""
        return self._rule is None


def as_tensor(value) -> Tensor:
    """Return value as a tensor: tensors unchanged, numbers and arrays wrapped as constants."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray):
        return Tensor(value)
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
    # Every op has one input or two: record it if one of them requires a gradient.
    if _grad_enabled and (parents[0].requires_grad or parents[-1].requires_grad):
        out.requires_grad = True
        out._rule, out._parents = rule, parents
        out._since = _changes  # the rule reads the values as they are now
    return out


def _binary(rule: Rule, operation, a: Tensor, other) -> Tensor:
    """Apply a binary operation with NumPy's broadcasting, and record it."""
    b = as_tensor(other)
    try:
        value = operation(a.data, b.data)
    except ValueError:
        raise errors.not_broadcastable(a.shape, b.shape) from None
    if a.data.shape != b.data.shape:  # broadcasting stretched one of them (section 5)
        rule = _summing_back(rule, a.data.shape, b.data.shape)
    return _apply(rule, value, a, b)


# Every op: compute the value, then `_apply` records the parents and the rule. The rules
# below are plain arithmetic, so they run on NumPy values (a fast backward) and on tensors
# (create_graph, section 7); the functions they call take both.
def add(a: Tensor, b) -> Tensor:
    """Return a + b."""
    return _binary(ADD, operator.add, a, b)


def sub(a: Tensor, b) -> Tensor:
    """Return a - b."""
    return _binary(SUB, operator.sub, a, b)


def mul(a: Tensor, b) -> Tensor:
    """Return a * b."""
    return _binary(MUL, operator.mul, a, b)


def div(a: Tensor, b) -> Tensor:
    """Return a / b."""
    return _binary(DIV, operator.truediv, a, b)


def rsub(x: Tensor, c) -> Tensor:
    """Return c - x for a number c (one input, as in PyTorch)."""
    return _apply(RSUB, errors.check_number(c) - x.data, x)


def rdiv(x: Tensor, c) -> Tensor:
    """Return c / x for a number c: the reciprocal times c, as in PyTorch."""
    return mul(reciprocal(x), errors.check_number(c))


def neg(x: Tensor) -> Tensor:
    """Return -x."""
    return _apply(NEG, -x.data, x)


def power(x: Tensor, p) -> Tensor:
    """Return x ** p for a number p."""
    p = errors.check_number(p)
    return _apply(_power_rule(p), x.data**p, x)


@fast.remembered  # x ** 2 in a loop makes its rule once
def _power_rule(p) -> Rule:
    """Return the rule of x ** p for a number p."""
    if p == 0:  # d(a^0)/da = 0, even at a = 0 where p * a^(p-1) would be 0 * inf
        return Rule("PowBackward0", lambda g, a, out: (g * 0,))
    return Rule("PowBackward0", lambda g, a, out: (g * p * a ** (p - 1),), saves=(0,))


def reciprocal(x):
    """Return 1 / x elementwise."""
    return _apply(RECIPROCAL, 1.0 / x.data, x)


# The elementwise functions: recorded on a tensor, plain NumPy on NumPy values (what a rule
# hands them when it runs on NumPy values). fast.exp is np.exp, quicker on a single number.
def exp(x):
    """Return e**x elementwise."""
    return _apply(EXP, fast.exp(x.data), x) if isinstance(x, Tensor) else fast.exp(x)


def log(x):
    """Return the natural logarithm elementwise."""
    return _apply(LOG, fast.log(x.data), x) if isinstance(x, Tensor) else fast.log(x)


def sin(x):
    """Return sin(x) elementwise."""
    return _apply(SIN, fast.sin(x.data), x) if isinstance(x, Tensor) else fast.sin(x)


def cos(x):
    """Return cos(x) elementwise."""
    return _apply(COS, fast.cos(x.data), x) if isinstance(x, Tensor) else fast.cos(x)


def tanh(x):
    """Return tanh(x) elementwise."""
    return _apply(TANH, fast.tanh(x.data), x) if isinstance(x, Tensor) else fast.tanh(x)


def relu(x):
    """Return max(x, 0) elementwise (gradient 0 at 0, as in PyTorch)."""
    return _apply(RELU, fast.relu(x.data), x) if isinstance(x, Tensor) else fast.relu(x)


def abs(x):  # noqa: A001 - torch.abs
    """Return |x| elementwise (gradient sign(x), 0 at 0 as in PyTorch)."""
    return _apply(ABS, np.abs(x.data), x) if isinstance(x, Tensor) else np.abs(x)


def sign(x):
    """Return -1, 0 or 1 elementwise: flat wherever it has a derivative, so its gradient is 0."""
    # Recorded all the same, as in PyTorch: a gradient built from it (the rules of abs and
    # relu) still depends on x, and its own derivative is then 0, not an error.
    return _apply(SIGN, fast.sign(x.data), x) if isinstance(x, Tensor) else fast.sign(x)


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
SIN = Rule("SinBackward0", lambda g, a, out: (g * cos(a),), saves=(0,))
COS = Rule("CosBackward0", lambda g, a, out: (-g * sin(a),), saves=(0,))
TANH = Rule("TanhBackward0", lambda g, a, out: (g * (1 - out * out),), saves=(1,))
RELU = Rule("ReluBackward0", lambda g, a, out: (g * sign(out),), saves=(1,))  # out >= 0
ABS = Rule("AbsBackward0", lambda g, a, out: (g * sign(a),), saves=(0,))
SIGN = Rule("SignBackward0", lambda g, a, out: (g * 0,))


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
def backpropagate(root: Tensor, gradient=None, create_graph: bool = False):
    """Yield one step per tensor root depends on, root first: (tensor, gradient, shares).

    `gradient` is d(root)/d(tensor), complete when its step comes: in reverse topological order
    every consumer of a tensor runs before it and adds its share. `shares` are what the
    tensor's rule computes for its parents, one per parent in order (a parent that needs no
    gradient, a constant, drops its share); a leaf has none. Gradients are NumPy values, or
    tensors with `create_graph`. While the steps run, ops are recorded only with
    `create_graph`, and NumPy's floating-point warnings are off.
    """
    global _grad_enabled
    seed = errors.check_seed(root, gradient, as_tensor)
    grads = {root: seed if create_graph else seed.data}  # what each tensor has received so far
    outside, _grad_enabled = _grad_enabled, create_graph  # record the pass only if asked to
    try:
        # A mask like "0 where x == 0" computes both branches; the one thrown away may be inf.
        with np.errstate(all="ignore"):
            for node in reversed(topological_order(root)):
                grad = grads.pop(node)
                if node._rule is None:  # a leaf: nothing to hand on
                    yield node, grad, ()
                    continue
                if _changes > node._since:  # something changed in place since the op ran
                    _check_unchanged(node)  # section 8
                if create_graph:  # the rule on the recorded tensors: recorded too (section 7)
                    shares = node._rule.vjp(grad, *node._parents, node)
                else:  # the same rule on NumPy values: vjp(grad, *[p.data for p in parents], out)
                    shares = fast.vjp_on_values(node._rule, grad, node._parents, node)
                for parent, share in zip(node._parents, shares, strict=True):
                    if parent.requires_grad:  # the notebook's `parent.grad += share`
                        grads[parent] = grads[parent] + share if parent in grads else share
                yield node, grad, shares
    finally:
        _grad_enabled = outside


def backward(tensor: Tensor, gradient=None, retain_graph=None, create_graph: bool = False):
    """Accumulate d(tensor)/d(leaf) into `.grad` of every leaf that requires a gradient.

    The graph is always kept (`retain_graph` is accepted and ignored); `create_graph=True`
    records the backward pass too, so that the gradients can be differentiated again.
    """
    steps = backpropagate(tensor, gradient, create_graph)
    # The whole pass first: a pass refused halfway (section 8) leaves every .grad as it was.
    found = [(node, grad) for node, grad, _ in steps if node._rule is None]  # the leaves
    for leaf, grad in found:
        grad = grad if create_graph else Tensor(np.array(grad))
        if leaf.grad is None:
            leaf.grad = grad
        elif create_graph or leaf.grad.requires_grad:
            leaf.grad = leaf.grad + grad
        else:
            leaf.grad.data += grad.data  # in place, as PyTorch: the same .grad object
            count_change(leaf.grad)


# ----- 5. arrays: undo broadcasting -------------------------------------------------------------
def _summing_back(rule: Rule, a_shape: tuple, b_shape: tuple) -> Rule:
    """Return the rule of a binary op whose inputs broadcasting stretched: an input used many
    times gets the sum of its shares, summed back to its own shape."""

    def vjp(g, a, b, out):
        share_a, share_b = rule.vjp(g, a, b, out)
        return _unbroadcast(share_a, a_shape), _unbroadcast(share_b, b_shape)

    def jvp(s, t, a, b, out):  # tangents are not summed: they broadcast forward like values
        return _push(rule, (s, t), (a, b), out)

    return rule._replace(vjp=vjp, jvp=jvp)


def _unbroadcast(grad, shape: tuple):
    """Sum a gradient over the dimensions broadcasting added, back to the input's shape."""
    if grad.shape == shape:
        return grad
    extra = len(grad.shape) - len(shape)
    ones = tuple(extra + i for i, n in enumerate(shape) if n == 1 and grad.shape[extra + i] != 1)
    return grad.sum(tuple(range(extra)) + ones).reshape(shape)


# ----- 6. forward mode: tangents through the same rules -----------------------------------------
def _tangent(rule: Rule, parents, value):
    """Push the parents' tangents through one op (forward mode)."""
    tangents = [np.zeros_like(p.data) if p._tangent is None else p._tangent for p in parents]
    return _push(rule, tangents, [p.data for p in parents], value)


def _push(rule: Rule, tangents, inputs, value):
    """Return the output's tangent: the op's jvp, or for an elementwise op the sum of its shares."""
    if rule.jvp is not None:
        return rule.jvp(*tangents, *inputs, value)
    return sum(rule.vjp(t, *inputs, value)[i] for i, t in enumerate(tangents))


# ----- 8. the version counter -------------------------------------------------------------------
def count_change(t: Tensor) -> None:
    """Count one in-place change of t's storage, and when it happened."""
    global _changes
    _changes += 1
    if t._versions is None:
        t._versions = [0, 0]
    t._versions[0] += 1
    t._versions[1] = _changes


def _check_unchanged(node: Tensor) -> None:
    """Refuse to run a rule on values changed in place after the forward pass read them."""
    nodes = (*node._parents, node)
    for i in node._rule.saves:
        if nodes[i]._versions is not None and nodes[i]._versions[1] > node._since:
            raise errors.modified_inplace(nodes[i], node._rule.name)
