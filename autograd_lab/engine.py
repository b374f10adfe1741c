"""A small reverse-mode automatic differentiation engine on NumPy, to read and to rebuild.

Every operation does two things: it computes its value, and it records a *local rule*, a
function that turns the gradient of its output into the gradients of its inputs. `backward()`
visits the recorded operations from the output back to the inputs (a topological order) and
applies the rules, summing the contributions that reach the same tensor.

The surface mimics PyTorch closely enough that small programs run with only the import changed:

    import autograd_lab.engine as torch

    x = torch.arange(4.0, requires_grad=True)
    y = 2 * torch.dot(x, x)
    y.backward()
    x.grad  # tensor([ 0.,  4.,  8., 12.])

Differences from PyTorch, on purpose: one number type (float64, printed without a dtype) plus
booleans from comparisons; the graph is always kept, so `backward()` may run twice on it; `.grad`
is only filled for leaves; `grad_fn` is the operation's name, not an object. Errors PyTorch raises
from `backward()` and `bool()` are `RuntimeError`s here too, so `except` clauses carry over.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "Tensor",
    "abs",
    "arange",
    "cos",
    "dot",
    "exp",
    "log",
    "manual_seed",
    "matmul",
    "mean",
    "norm",
    "ones",
    "ones_like",
    "randn",
    "relu",
    "sin",
    "sum",
    "tanh",
    "tensor",
    "to_graph",
    "zeros",
    "zeros_like",
]

_rng = np.random.default_rng(0)


class Tensor:
    """An array of float64 (or bool) values that remembers the operation that produced it."""

    __slots__ = ("data", "grad", "requires_grad", "_parents", "_backward", "_op", "__weakref__")
    # numpy must hand `array * tensor` over to Tensor.__rmul__ instead of looping over the array.
    __array_ufunc__ = None

    def __init__(self, data, requires_grad: bool = False):
        array = np.asarray(data)
        if array.dtype != np.float64 and array.dtype != np.bool_:
            if not np.issubdtype(array.dtype, np.number):
                raise TypeError(
                    f"cannot make a tensor from {type(data).__name__} data of dtype "
                    f"{array.dtype}: pass numbers, nested lists of numbers or a NumPy array"
                )
            array = array.astype(np.float64, copy=False)
        self.data = array
        self.grad: Tensor | None = None
        self.requires_grad = False
        self._parents: tuple[Tensor, ...] = ()
        self._backward = None  # the local rule; None marks a leaf
        self._op = ""
        if requires_grad:
            self.requires_grad_(True)

    # ----- what a tensor is -----------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        """Return the sizes of the dimensions."""
        return self.data.shape

    @property
    def ndim(self) -> int:
        """Return the number of dimensions."""
        return self.data.ndim

    def dim(self) -> int:
        """Return the number of dimensions (PyTorch spelling)."""
        return self.data.ndim

    def numel(self) -> int:
        """Return the number of elements."""
        return self.data.size

    @property
    def is_leaf(self) -> bool:
        """Return True if no recorded operation produced this tensor."""
        return self._backward is None

    @property
    def grad_fn(self) -> str | None:
        """Return the name of the operation that produced this tensor, or None for a leaf."""
        return self._op or None

    def item(self) -> float | bool:
        """Return the value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(
                f"item() needs a tensor with one element, this one has shape {self.shape}; "
                "reduce it first (e.g. .sum()) or use .tolist()"
            )
        return self.data.item()

    def tolist(self):
        """Return the values as (nested) Python lists."""
        return self.data.tolist()

    def numpy(self) -> np.ndarray:
        """Return the NumPy array holding the values (shared, not copied)."""
        return self.data

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor: use .item() to read its value")
        return self.shape[0]

    def __bool__(self) -> bool:
        # Python `if` and `while` call this: the graph records the path actually taken.
        if self.data.size != 1:
            state = "no values" if self.data.size == 0 else "more than one value"
            raise RuntimeError(
                f"Boolean value of Tensor with {state} is ambiguous: "
                "reduce it first, e.g. (x > 0).all() or x.sum() > 0"
            )
        return bool(self.data.item())

    def __float__(self) -> float:
        return float(self.item())

    __hash__ = object.__hash__  # `==` builds a tensor, so hash by identity as PyTorch does

    def __repr__(self) -> str:
        suffix = ""
        if self._op:
            suffix = f", grad_fn=<{self._op}>"
        elif self.requires_grad:
            suffix = ", requires_grad=True"
        return f"tensor({_format(self.data)}{suffix})"

    # ----- gradients -------------------------------------------------------------------------
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Start (or stop) recording operations on this leaf; return the tensor itself."""
        if not self.is_leaf:
            if requires_grad:  # a computed tensor that requires grad already records
                return self
            raise ValueError(
                "requires_grad_ only works on leaves; this tensor was computed by "
                f"{self._op}: use .detach() to get a leaf with the same values"
            )
        if requires_grad and self.data.dtype == np.bool_:
            raise TypeError("only float tensors can require gradients, this one holds booleans")
        self.requires_grad = bool(requires_grad)
        return self

    def zero_(self) -> Tensor:
        """Set every element to zero in place (e.g. `x.grad.zero_()`); return the tensor."""
        self.data[...] = 0
        return self

    def detach(self) -> Tensor:
        """Return a tensor with the same values (shared memory) and no history."""
        return Tensor(self.data)

    def backward(self, gradient=None) -> None:
        """Accumulate d(self)/d(leaf) into `.grad` of every leaf that requires a gradient."""
        if not self.requires_grad:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn: "
                "call requires_grad_() on the inputs before computing this tensor"
            )
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(
                    "grad can be implicitly created only for scalar outputs: "
                    f"call .sum().backward(), or pass gradient= of shape {self.shape}"
                )
            seed = np.ones_like(self.data)
        else:
            seed = _as_tensor(gradient).data.astype(np.float64)
            if seed.shape != self.shape:
                raise RuntimeError(
                    f"gradient has shape {seed.shape} but the tensor has shape {self.shape}: "
                    "pass one value per element"
                )
        # Gradients of intermediate tensors live only here, for the duration of one pass.
        grads = {id(self): seed}
        # Masks such as "0 where x == 0" evaluate both branches; the discarded one may be inf.
        with np.errstate(all="ignore"):
            for node in reversed(_topological_order(self)):
                grad = grads.pop(id(node))
                if node.is_leaf:
                    node._accumulate(grad)
                    continue
                for parent, parent_grad in zip(node._parents, node._backward(grad), strict=True):
                    if not parent.requires_grad:
                        continue
                    parent_grad = _unbroadcast(parent_grad, parent.shape)
                    key = id(parent)
                    # A tensor used twice receives a contribution from each use: add them.
                    grads[key] = grads[key] + parent_grad if key in grads else parent_grad

    def _accumulate(self, grad: np.ndarray) -> None:
        if self.grad is None:
            self.grad = Tensor(np.array(grad, dtype=np.float64))  # a copy: grads may alias
        else:
            self.grad.data += grad

    # ----- arithmetic: value + local rule --------------------------------------------------
    def __add__(self, other) -> Tensor:
        other = _as_tensor(other)
        return _result(_both(np.add, self, other), (self, other), "AddBackward0", lambda g: (g, g))

    def __sub__(self, other) -> Tensor:
        other = _as_tensor(other)
        return _result(
            _both(np.subtract, self, other), (self, other), "SubBackward0", lambda g: (g, -g)
        )

    def __mul__(self, other) -> Tensor:
        other = _as_tensor(other)
        a, b = self.data, other.data
        return _result(
            _both(np.multiply, self, other), (self, other), "MulBackward0", lambda g: (g * b, g * a)
        )

    def __truediv__(self, other) -> Tensor:
        other = _as_tensor(other)
        a, b = self.data, other.data
        return _result(
            _both(np.divide, self, other),
            (self, other),
            "DivBackward0",
            lambda g: (g / b, -g * a / (b * b)),
        )

    def __pow__(self, exponent) -> Tensor:
        if isinstance(exponent, Tensor):
            return _pow(self, exponent, "PowBackward1")
        p = float(_check_number(exponent))
        a = self.data

        def rule(g):
            if p == 0:  # d(a^0)/da = 0, even at a = 0 where the formula below gives 0 * inf
                return (np.zeros_like(a),)
            return (g * p * a ** (p - 1),)

        return _result(a**p, (self,), "PowBackward0", rule)

    def __neg__(self) -> Tensor:
        return _result(-self.data, (self,), "NegBackward0", lambda g: (-g,))

    # A Python number on the left: turn it into a tensor and reuse the ops above. `2 * x` is
    # recorded as x * 2, as PyTorch does, so the two draw the same graph.
    def __radd__(self, other) -> Tensor:
        return self + other

    def __rsub__(self, other) -> Tensor:
        return _as_tensor(other) - self

    def __rmul__(self, other) -> Tensor:
        return self * other

    def __rtruediv__(self, other) -> Tensor:
        return _as_tensor(other) / self

    def __rpow__(self, other) -> Tensor:
        return _pow(_as_tensor(other), self, "PowBackward2")

    def __matmul__(self, other) -> Tensor:
        return matmul(self, other)

    def __rmatmul__(self, other) -> Tensor:
        return matmul(other, self)

    def __abs__(self) -> Tensor:
        return self.abs()

    # ----- comparisons: boolean tensors, no gradient ---------------------------------------
    def _compare(self, other, ufunc) -> Tensor:
        if not isinstance(other, Tensor | numbers.Real | np.ndarray):
            return NotImplemented  # `t == None` is False, as in PyTorch
        return Tensor(_both(ufunc, self, _as_tensor(other)))

    def __eq__(self, other) -> Tensor:
        return self._compare(other, np.equal)

    def __ne__(self, other) -> Tensor:
        return self._compare(other, np.not_equal)

    def __lt__(self, other) -> Tensor:
        return self._compare(other, np.less)

    def __le__(self, other) -> Tensor:
        return self._compare(other, np.less_equal)

    def __gt__(self, other) -> Tensor:
        return self._compare(other, np.greater)

    def __ge__(self, other) -> Tensor:
        return self._compare(other, np.greater_equal)

    # ----- elementwise functions ------------------------------------------------------------
    def abs(self) -> Tensor:
        """Return |x| elementwise (gradient sign(x), 0 at 0 as in PyTorch)."""
        a = self.data
        return _result(np.abs(a), (self,), "AbsBackward0", lambda g: (g * np.sign(a),))

    def exp(self) -> Tensor:
        """Return e**x elementwise."""
        out = np.exp(self.data)
        return _result(out, (self,), "ExpBackward0", lambda g: (g * out,))

    def log(self) -> Tensor:
        """Return the natural logarithm elementwise."""
        a = self.data
        return _result(np.log(a), (self,), "LogBackward0", lambda g: (g / a,))

    def sin(self) -> Tensor:
        """Return sin(x) elementwise."""
        a = self.data
        return _result(np.sin(a), (self,), "SinBackward0", lambda g: (g * np.cos(a),))

    def cos(self) -> Tensor:
        """Return cos(x) elementwise."""
        a = self.data
        return _result(np.cos(a), (self,), "CosBackward0", lambda g: (-g * np.sin(a),))

    def tanh(self) -> Tensor:
        """Return tanh(x) elementwise."""
        out = np.tanh(self.data)
        return _result(out, (self,), "TanhBackward0", lambda g: (g * (1 - out * out),))

    def relu(self) -> Tensor:
        """Return max(x, 0) elementwise (gradient 0 at 0, as in PyTorch)."""
        positive = self.data > 0
        return _result(
            np.where(positive, self.data, 0.0), (self,), "ReluBackward0", lambda g: (g * positive,)
        )

    # ----- reductions and products ---------------------------------------------------------
    def sum(self, dim=None, keepdim: bool = False) -> Tensor:
        """Return the sum of all elements, or along `dim`."""
        axes = _axes(dim, self.ndim)
        shape = self.shape

        def rule(g):  # every summed element gets the gradient of the sum
            return (np.broadcast_to(_unreduce(g, axes, keepdim), shape),)

        name = "SumBackward0" if dim is None else "SumBackward1"
        return _result(self.data.sum(axis=axes, keepdims=keepdim), (self,), name, rule)

    def mean(self, dim=None, keepdim: bool = False) -> Tensor:
        """Return the mean of all elements, or along `dim`."""
        axes = _axes(dim, self.ndim)
        shape = self.shape
        count = self.data.size if axes is None else math.prod(shape[i] for i in axes)

        def rule(g):
            return (np.broadcast_to(_unreduce(g, axes, keepdim) / count, shape),)

        name = "MeanBackward0" if dim is None else "MeanBackward1"
        return _result(self.data.mean(axis=axes, keepdims=keepdim), (self,), name, rule)

    def norm(self, dim=None, keepdim: bool = False) -> Tensor:
        """Return the Euclidean (2-)norm of all elements, or along `dim`."""
        axes = _axes(dim, self.ndim)
        a = self.data
        out = np.sqrt((a * a).sum(axis=axes, keepdims=True))

        def rule(g):  # d|x|/dx = x/|x|, and 0 at x = 0 as in PyTorch
            return (np.where(out == 0, 0.0, _unreduce(g, axes, keepdim) * a / out),)

        value = out if keepdim else np.squeeze(out, axis=axes)
        return _result(value, (self,), "LinalgVectorNormBackward0", rule)

    def dot(self, other) -> Tensor:
        """Return the inner product of two 1-D tensors of the same length."""
        return dot(self, other)

    def matmul(self, other) -> Tensor:
        """Return the matrix product (1-D and 2-D operands)."""
        return matmul(self, other)


# ----- the engine ------------------------------------------------------------------------------
def _result(data, parents: tuple[Tensor, ...], op: str, rule) -> Tensor:
    """Wrap an op's value; record parents and rule only if a gradient may flow through it."""
    out = Tensor(data)
    if any(p.requires_grad for p in parents):
        out.requires_grad = True
        out._parents = parents
        out._backward = rule
        out._op = op
    return out


def _topological_order(root: Tensor) -> list[Tensor]:
    """List the tensors `root` depends on, every tensor after all of its parents.

    Iterative depth-first search with an explicit stack: a recursive one would stop at Python's
    recursion limit (about 1000 nested operations). Parents are visited in argument order, so
    the order is the same on every run.
    """
    order: list[Tensor] = []
    visited: set[int] = set()
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
            continue
        if id(node) in visited:
            continue
        visited.add(id(node))
        stack.append((node, True))  # comes back after all of its parents
        for parent in reversed(node._parents):
            if parent.requires_grad and id(parent) not in visited:
                stack.append((parent, False))
    return order


def _unbroadcast(grad: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a gradient over the dimensions broadcasting added, back to the input's shape."""
    while grad.ndim > len(shape):
        grad = grad.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and grad.shape[axis] != 1:
            grad = grad.sum(axis=axis, keepdims=True)
    return grad


def _unreduce(grad: np.ndarray, axes: tuple[int, ...] | None, keepdim: bool) -> np.ndarray:
    """Put back the reduced dimensions (as size 1) so the gradient broadcasts to the input."""
    if keepdim or axes is None:
        return grad
    return np.expand_dims(grad, axes)


def _axes(dim, ndim: int) -> tuple[int, ...] | None:
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
    axes = []
    for d in dims:
        if not isinstance(d, numbers.Integral) or not -max(ndim, 1) <= d < max(ndim, 1):
            raise ValueError(
                f"dim {d!r} is out of range for a tensor with {ndim} dimension(s): "
                f"use an integer in [{-max(ndim, 1)}, {max(ndim, 1) - 1}]"
            )
        axes.append(int(d) % max(ndim, 1))
    if ndim == 0:
        return None
    return tuple(sorted(set(axes)))


def _both(ufunc, a: Tensor, b: Tensor) -> np.ndarray:
    """Apply a binary NumPy function with broadcasting, explaining a shape mismatch."""
    try:
        return ufunc(a.data, b.data)
    except ValueError:
        raise ValueError(
            f"shapes {a.shape} and {b.shape} do not broadcast: matching trailing sizes must be "
            "equal or 1 (reshape one operand)"
        ) from None


def _check_number(value):
    if isinstance(value, numbers.Real):
        return value
    raise TypeError(
        f"expected an engine tensor or a Python number, got {type(value).__module__}."
        f"{type(value).__name__}: convert it with engine.tensor(...) (e.g. from .tolist())"
    )


def _as_tensor(value) -> Tensor:
    if isinstance(value, Tensor):
        return value
    if isinstance(value, np.ndarray):
        return Tensor(value)
    return Tensor(float(_check_number(value)))


def _pow(base: Tensor, exponent: Tensor, op: str) -> Tensor:
    a, p = base.data, exponent.data
    out = _both(np.power, base, exponent)

    def rule(g):
        d_base = np.where(p == 0, 0.0, g * p * a ** (p - 1))
        # PyTorch's convention: no gradient for the exponent where 0 ** p is 0 or 1.
        d_exponent = np.where((a == 0) & (p >= 0), 0.0, g * out * np.log(a))
        return d_base, d_exponent

    return _result(out, (base, exponent), op, rule)


# ----- functions, PyTorch style ----------------------------------------------------------------
def tensor(data, requires_grad: bool = False) -> Tensor:
    """Create a tensor from numbers, nested lists or an array (values are copied)."""
    if isinstance(data, Tensor):
        data = data.data
    return Tensor(np.array(data), requires_grad=requires_grad)


def arange(start, end=None, step=1, requires_grad: bool = False) -> Tensor:
    """Create the 1-D tensor start, start + step, ... (end excluded), like torch.arange."""
    if end is None:
        start, end = 0, start
    return Tensor(np.arange(start, end, step, dtype=np.float64), requires_grad=requires_grad)


def _size(size) -> tuple[int, ...]:
    if len(size) == 1 and not isinstance(size[0], numbers.Integral):
        size = tuple(size[0])
    return tuple(int(s) for s in size)


def zeros(*size, requires_grad: bool = False) -> Tensor:
    """Create a tensor of zeros of the given shape."""
    return Tensor(np.zeros(_size(size)), requires_grad=requires_grad)


def ones(*size, requires_grad: bool = False) -> Tensor:
    """Create a tensor of ones of the given shape."""
    return Tensor(np.ones(_size(size)), requires_grad=requires_grad)


def zeros_like(x: Tensor, requires_grad: bool = False) -> Tensor:
    """Create a tensor of zeros with the shape of x."""
    return zeros(x.shape, requires_grad=requires_grad)


def ones_like(x: Tensor, requires_grad: bool = False) -> Tensor:
    """Create a tensor of ones with the shape of x."""
    return ones(x.shape, requires_grad=requires_grad)


def manual_seed(seed: int) -> None:
    """Reset the engine's random generator (NumPy's; its draws differ from PyTorch's)."""
    global _rng
    _rng = np.random.default_rng(seed)


def randn(*size, requires_grad: bool = False, **kwargs) -> Tensor:
    """Draw standard normal values of the given shape, e.g. randn(3) or randn(size=())."""
    if "size" in kwargs:
        size = (kwargs.pop("size"),)
    if kwargs:
        raise TypeError(f"randn() got unexpected arguments {sorted(kwargs)}: pass only a size")
    return Tensor(_rng.standard_normal(_size(size)), requires_grad=requires_grad)


def dot(a: Tensor, b: Tensor) -> Tensor:
    """Return the inner product of two 1-D tensors of the same length."""
    a, b = _as_tensor(a), _as_tensor(b)
    if a.ndim != 1 or b.ndim != 1 or a.shape != b.shape:
        raise ValueError(
            f"dot needs two 1-D tensors of the same length, got shapes {a.shape} and "
            f"{b.shape}: use matmul (@) for matrices"
        )
    x, y = a.data, b.data
    return _result(np.dot(x, y), (a, b), "DotBackward0", lambda g: (g * y, g * x))


def matmul(a: Tensor, b: Tensor) -> Tensor:
    """Return the matrix product a @ b of 1-D or 2-D tensors."""
    a, b = _as_tensor(a), _as_tensor(b)
    if not (1 <= a.ndim <= 2 and 1 <= b.ndim <= 2):
        raise ValueError(
            f"matmul supports 1-D and 2-D tensors, got shapes {a.shape} and {b.shape}: "
            "loop over the batch dimension"
        )
    if a.shape[-1] != b.shape[0]:
        raise ValueError(
            f"cannot multiply shapes {a.shape} and {b.shape}: the inner sizes "
            f"{a.shape[-1]} and {b.shape[0]} must be equal"
        )
    # Treat a vector on the left as a row and on the right as a column: one rule, (m, k) @ (k, n).
    x = a.data if a.ndim == 2 else a.data.reshape(1, -1)
    y = b.data if b.ndim == 2 else b.data.reshape(-1, 1)

    def rule(g):
        g = g.reshape(x.shape[0], y.shape[1])
        return (g @ y.T).reshape(a.shape), (x.T @ g).reshape(b.shape)

    op = {(1, 1): "DotBackward0", (2, 1): "MvBackward0"}.get((a.ndim, b.ndim), "MmBackward0")
    return _result(a.data @ b.data, (a, b), op, rule)


def _unary(name: str):
    def function(x, *args, **kwargs):
        return getattr(_as_tensor(x), name)(*args, **kwargs)

    function.__name__ = name
    function.__qualname__ = name
    function.__doc__ = f"Return x.{name}(...) (PyTorch's torch.{name})."
    return function


# Module-level twins of the methods, as torch.exp(x) is x.exp(). `abs` and `sum` shadow the
# builtins on purpose (torch does the same); this module never calls the builtins.
abs = _unary("abs")
exp = _unary("exp")
log = _unary("log")
sin = _unary("sin")
cos = _unary("cos")
tanh = _unary("tanh")
relu = _unary("relu")
sum = _unary("sum")
mean = _unary("mean")
norm = _unary("norm")


# ----- printing like PyTorch ---------------------------------------------------------------------
_LINEWIDTH = 80
_INDENT = len("tensor(")


def _format(array: np.ndarray) -> str:
    """Format values the way torch prints them (4 decimals, `0.` for whole numbers, e+XX)."""
    element = _element_formatter(array)
    if array.size == 0:
        return "[]"
    return _format_nested(array, element, _INDENT)


def _element_formatter(array: np.ndarray):
    if array.dtype == np.bool_:
        width = 5 if (~array).any() else 4
        return lambda v: f"{v}".rjust(width)
    values = array[np.isfinite(array) & (array != 0)]
    if values.size == 0:  # only zeros, inf and nan: print them as whole numbers
        return lambda v: f"{v:.0f}" + ("." if math.isfinite(v) else "")
    magnitudes = np.abs(values)
    lo, hi = magnitudes.min(), magnitudes.max()
    whole = bool(np.all(values == np.ceil(values)))
    spread = hi / lo > 1000.0 or hi > 1.0e8
    if whole and not spread:
        width = max(len(f"{v:.0f}") + 1 for v in values.tolist())
        return lambda v: (f"{v:.0f}" + ("." if math.isfinite(v) else "")).rjust(width)
    if spread or (not whole and lo < 1.0e-4):
        width = max(len(f"{v:.4e}") for v in values.tolist())
        return lambda v: f"{v:{width}.4e}"
    width = max(len(f"{v:.4f}") for v in values.tolist())
    return lambda v: f"{v:.4f}".rjust(width)


def _format_nested(array: np.ndarray, element, indent: int) -> str:
    if array.ndim == 0:
        return element(array.item())
    if array.ndim == 1:
        items = [element(v) for v in array.tolist()]
        per_line = max(1, (_LINEWIDTH - indent) // (len(items[0]) + 2))
        lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = [_format_nested(row, element, indent + 1) for row in array]
    return "[" + ("," + "\n" * (array.ndim - 1) + " " * (indent + 1)).join(rows) + "]"


# ----- drawing -----------------------------------------------------------------------------------
def to_graph(t: Tensor, names: dict[str, Tensor] | None = None):
    """Return the recorded graph of `t` as an autograd_lab.graph.Graph; names label tensors.

    Built like `autograd_lab.graph.autograd_graph` builds PyTorch's: one node per operation,
    per leaf that requires a gradient, and per constant input; for the same program the two
    graphs are equal. Draw it with `autograd_lab.graph.draw_graph`.
    """
    from autograd_lab.graph import Graph, Node  # plotting stack only when drawing

    if not isinstance(t, Tensor):
        raise TypeError(f"to_graph needs an engine tensor, got {type(t).__name__}")
    name_of = _names_by_identity(names)
    if t.is_leaf:
        if not t.requires_grad:
            raise ValueError(
                "this tensor has no history (requires_grad=False), so there is no graph: "
                "call requires_grad_() on the inputs before computing it"
            )
        return Graph(nodes=(Node("n0", name_of.get(id(t), f"leaf {t.shape}"), "leaf"),), edges=())

    nodes = [Node("n0", name_of.get(id(t), "output"), "output")]
    edges: list[tuple[str, str]] = []
    op_ids: dict[int, str] = {}  # id of a computed tensor -> its operation's node
    leaf_ids: dict[int, str] = {}

    def add(label: str, kind: str) -> str:
        nodes.append(Node(f"n{len(nodes)}", label, kind))
        return nodes[-1].id

    def add_op(u: Tensor) -> str:
        named = u is not t and id(u) in name_of
        op_ids[id(u)] = add(f"{u._op} → {name_of[id(u)]}" if named else u._op, "op")
        return op_ids[id(u)]

    edges.append((add_op(t), "n0"))
    stack = [t]  # explicit, like backward(): graphs may be deep
    while stack:
        u = stack.pop()
        for parent in u._parents:
            if not parent.requires_grad:
                src = add(name_of.get(id(parent), _value_label(parent)), "const")
            elif parent.is_leaf:
                if id(parent) not in leaf_ids:
                    label = name_of.get(id(parent), f"leaf {parent.shape}")
                    leaf_ids[id(parent)] = add(label, "leaf")
                src = leaf_ids[id(parent)]
            elif id(parent) in op_ids:
                src = op_ids[id(parent)]
            else:
                src = add_op(parent)
                stack.append(parent)
            edges.append((src, op_ids[id(u)]))
    # Number the nodes in the order the text tree prints them, as autograd_graph does.
    raw = Graph(nodes=tuple(nodes), edges=tuple(edges))
    renumber = {old: f"n{i}" for i, old in enumerate(raw.tree_order())}
    return Graph(
        nodes=tuple(
            sorted((Node(renumber[n.id], n.label, n.kind) for n in nodes), key=_node_number)
        ),
        edges=tuple((renumber[a], renumber[b]) for a, b in edges),
    )


def _node_number(node) -> int:
    return int(node.id[1:])


def _value_label(t: Tensor) -> str:
    return f"{t.item():g}" if t.data.size == 1 else "const"


def _names_by_identity(names) -> dict[int, str]:
    if names is None:
        return {}
    if not isinstance(names, dict) or not all(
        isinstance(k, str) and isinstance(v, Tensor) for k, v in names.items()
    ):
        raise TypeError('names must map strings to engine tensors, like {"x": x}')
    return {id(v): k for k, v in names.items()}
