"""In-place changes, made safe as in PyTorch: counted, and refused where a graph would see them.

Every storage has a version counter (`_version`), shared by the tensors that share the storage:
`detach()`ed aliases and views (arrays.py). core.py notes the time an op ran and `backpropagate`
refuses a rule whose saved values changed since (core.py, section 8). Changing a leaf that
requires a gradient is allowed only inside `no_grad()` (a parameter update such as
`w -= lr * w.grad`, after which `w` is still a leaf). methods.py attaches these to `Tensor`.
"""

from __future__ import annotations

import operator

import numpy as np

from autograd_lab.engine import core, errors
from autograd_lab.engine.core import Tensor


def update(x: Tensor, other, change) -> Tensor:
    """Change x's values in place, where no recorded graph can see it; count the change."""
    b = core.as_tensor(other)
    if core._grad_enabled and (x.requires_grad or b.requires_grad):
        raise errors.leaf_inplace() if x.is_leaf else errors.recorded_inplace()
    data = storage(x)
    if not data.flags.writeable:  # an expand()ed view: many elements share one value
        raise errors.overlapping_inplace()
    data[...] = change(data, b.data)
    core.count_change(x)  # a rule that saved the old values will now refuse to run
    return x


def iadd(x: Tensor, other) -> Tensor:
    """x += other."""
    return update(x, other, operator.add)


def isub(x: Tensor, other) -> Tensor:
    """x -= other."""
    return update(x, other, operator.sub)


def imul(x: Tensor, other) -> Tensor:
    """x *= other."""
    return update(x, other, operator.mul)


def itruediv(x: Tensor, other) -> Tensor:
    """x /= other."""
    return update(x, other, operator.truediv)


def zero_(x: Tensor) -> Tensor:
    """Set every element to zero in place (e.g. `x.grad.zero_()`); return the tensor."""
    return update(x, 0.0, lambda old, zero: zero)


def detach(x: Tensor) -> Tensor:
    """Return a tensor with the same values (shared memory and version counter), no history."""
    out = Tensor(storage(x))
    share_versions(out, x)
    return out


def share_versions(alias: Tensor, x: Tensor) -> None:
    """Make alias count its changes on x's counter: a change through either is seen by both."""
    if x._versions is None:
        x._versions = [0, 0]
    alias._versions = x._versions


def storage(x: Tensor) -> np.ndarray:
    """Return the NumPy array holding x's values, the one its aliases and views share."""
    # Ops on 0-d arrays return immutable NumPy scalars; aliases need one writable array.
    if type(x.data) is not np.ndarray:
        x.data = np.array(x.data)
    return x.data
