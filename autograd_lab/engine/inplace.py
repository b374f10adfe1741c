"""In-place changes, made safe as in PyTorch: counted, and refused where a graph would see them.

Every storage has a version counter (`_version`, shared with `detach()`ed aliases). core.py
notes the time an op ran; `backpropagate` refuses a rule whose saved values changed since.
Changing a leaf that requires a gradient is allowed only inside `no_grad()` (a parameter
update such as `w -= lr * w.grad`, after which `w` is still a leaf).
"""

from __future__ import annotations

import operator

import numpy as np

from autograd_lab.engine import core, errors


class InPlaceOps:
    """The methods of `Tensor` that change its values in place."""

    __slots__ = ()

    def _update(self, other, change):
        """Change the values in place, where no recorded graph can see it; count the change."""
        b = core.as_tensor(other)
        if core._grad_enabled and (self.requires_grad or b.requires_grad):
            raise errors.leaf_inplace() if self.is_leaf else errors.recorded_inplace()
        data = self._storage()
        data[...] = change(data, b.data)
        count_change(self)  # a rule that saved the old values will now refuse to run
        return self

    def __iadd__(self, other):
        return self._update(other, operator.add)

    def __isub__(self, other):
        return self._update(other, operator.sub)

    def __imul__(self, other):
        return self._update(other, operator.mul)

    def __itruediv__(self, other):
        return self._update(other, operator.truediv)

    def zero_(self):
        """Set every element to zero in place (e.g. `x.grad.zero_()`); return the tensor."""
        return self._update(0.0, lambda old, zero: zero)

    def detach(self):
        """Return a tensor with the same values (shared memory and version counter), no history."""
        out = core.Tensor(self._storage())
        if self._versions is None:
            self._versions = [0, 0]
        out._versions = self._versions  # a change through either one is seen by both
        return out

    def _storage(self) -> np.ndarray:
        # Ops on 0-d arrays return immutable NumPy scalars; aliases need one writable array.
        if type(self.data) is not np.ndarray:
            self.data = np.array(self.data)
        return self.data


def count_change(t) -> None:
    """Count one in-place change of t's storage, and when it happened."""
    core._changes += 1
    if t._versions is None:
        t._versions = [0, 0]
    t._versions[0] += 1
    t._versions[1] = core._changes
