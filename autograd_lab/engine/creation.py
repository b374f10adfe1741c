"""Creating tensors, PyTorch style: tensor, arange, zeros, ones, randn and their relatives."""

from __future__ import annotations

import numbers

import numpy as np

from autograd_lab.engine.core import Tensor

_rng = np.random.default_rng(0)


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


def eye(n: int) -> Tensor:
    """Create the n x n identity matrix."""
    return Tensor(np.eye(n))


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
