"""What makes an engine tensor look and feel like a PyTorch tensor, without touching gradients.

`Tensor` (in core.py) inherits these: shapes, conversions to Python values, printing,
comparisons. None of them records an operation. (`numpy()`, which shares the storage, is
inplace.storage.)
"""

from __future__ import annotations

import numpy as np

from autograd_lab.engine import errors
from autograd_lab.engine.printing import format_tensor


class TensorSurface:
    """Shapes, conversions, printing and comparisons of an engine tensor."""

    __slots__ = ()
    # numpy must hand `array * tensor` over to Tensor.__rmul__ instead of looping over the array.
    __array_ufunc__ = None

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
    def T(self):  # noqa: N802 - PyTorch's spelling
        """Return the transpose of a 2-D tensor."""
        return self.t()

    @property
    def grad_fn(self) -> str | None:
        """Return the name of the operation that produced this tensor, or None for a leaf."""
        return self._op or None

    @property
    def _op(self) -> str:
        return self._rule.name if self._rule is not None else ""

    @property
    def _version(self) -> int:
        """Return how many times the values were changed in place (PyTorch's _version)."""
        return 0 if self._versions is None else self._versions[0]

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
        return f"tensor({format_tensor(self.data)}{suffix})"

    def __abs__(self):
        return self.abs()

    # ----- comparisons: boolean tensors, no gradient ------------------------------------------
    def _compare(self, other, ufunc):
        if isinstance(other, TensorSurface):
            other = other.data
        elif not isinstance(other, np.ndarray):
            try:
                other = errors.check_number(other)
            except TypeError:
                return NotImplemented  # `t == None` is False, as in PyTorch
        return type(self)(errors.broadcast(ufunc, self.data, other))

    def __eq__(self, other):
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    def all(self):
        """Return a boolean tensor: are all elements true (non-zero)?"""
        return type(self)(np.all(self.data))

    def any(self):
        """Return a boolean tensor: is any element true (non-zero)?"""
        return type(self)(np.any(self.data))
