"""Give `Tensor` PyTorch's spelling, in one place: `x + y`, `x.exp()`, `x.sum()`, `x += 1`.

The ops are functions in core.py (the lesson), arrays.py and inplace.py; each of those
modules imports core.py, and core.py imports none of them. Attaching the functions here, once
all are defined, is what keeps the imports free of cycles (DeZero's `setup_variable`).
"""

from __future__ import annotations

from autograd_lab.engine import arrays, core, inplace
from autograd_lab.engine.core import Tensor


def power(x: Tensor, exponent) -> Tensor:
    """Return x ** exponent for a number exponent or a tensor one (both then get gradients)."""
    if isinstance(exponent, Tensor):
        return arrays.tensor_power(x, exponent)
    return core.power(x, exponent)


OPERATORS = {
    # number + tensor is recorded as tensor + number, as PyTorch does
    "__add__": core.add,
    "__radd__": core.add,
    "__sub__": core.sub,
    "__rsub__": core.rsub,
    "__mul__": core.mul,
    "__rmul__": core.mul,
    "__truediv__": core.div,
    "__rtruediv__": core.rdiv,
    "__neg__": core.neg,
    "__pow__": power,
    "__rpow__": arrays.rpow,
    "__matmul__": arrays.matmul,
    "__rmatmul__": arrays.rmatmul,
    "__iadd__": inplace.iadd,
    "__isub__": inplace.isub,
    "__imul__": inplace.imul,
    "__itruediv__": inplace.itruediv,
}
METHODS = {
    "backward": core.backward,
    "reciprocal": core.reciprocal,
    "exp": core.exp,
    "log": core.log,
    "sin": core.sin,
    "cos": core.cos,
    "tanh": core.tanh,
    "relu": core.relu,
    "abs": core.abs,
    "sign": core.sign,
    "sum": arrays.sum,
    "mean": arrays.mean,
    "norm": arrays.norm,
    "dot": arrays.dot,
    "matmul": arrays.matmul,
    "reshape": arrays.reshape,
    "unsqueeze": arrays.unsqueeze,
    "expand": arrays.expand,
    "t": arrays.t,
    "clone": arrays.clone,
    "zero_": inplace.zero_,
    "detach": inplace.detach,
    "numpy": inplace.storage,
}


def attach() -> None:
    """Attach the operators and methods to `Tensor` (done once, when the engine is imported)."""
    for name, function in {**OPERATORS, **METHODS}.items():
        setattr(Tensor, name, function)


attach()
