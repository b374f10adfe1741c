"""Checks at the door and error texts worded like PyTorch's, so `except` clauses carry over.

PyTorch's own sentence comes first (a learner can search for it), then what to do.
"""

from __future__ import annotations

import numbers

import numpy as np


def as_array(data) -> np.ndarray:
    """Return data as a float64 (or bool) NumPy array, refusing what the engine cannot hold."""
    if type(data) is np.float64:  # what an op on one number returns: kept, no 0-d array
        return data
    if isinstance(data, np.ndarray) and (data.dtype == np.float64 or data.dtype == np.bool_):
        return data
    array = np.asarray(data)
    if np.issubdtype(array.dtype, np.complexfloating):
        raise TypeError(
            "the engine holds real numbers only, got complex values: pass the real and "
            "imaginary parts as two tensors (z.real, z.imag)"
        )
    if array.dtype == np.float64 or array.dtype == np.bool_:
        return array
    if not np.issubdtype(array.dtype, np.number):
        raise TypeError(
            f"cannot make a tensor from {type(data).__name__} data of dtype {array.dtype}: "
            "pass numbers, nested lists of numbers or a NumPy array"
        )
    return array.astype(np.float64)


def check_number(value):
    """Return a real Python number unchanged; explain anything else."""
    if type(value) is float or type(value) is int or isinstance(value, numbers.Real):
        return value
    if isinstance(value, numbers.Complex):
        raise TypeError(
            f"the engine holds real numbers only, got {value!r}: use its real part, "
            "or two tensors for the real and imaginary parts"
        )
    raise TypeError(
        f"expected an engine tensor or a Python number, got {type(value).__module__}."
        f"{type(value).__name__}: convert it with engine.tensor(...) (e.g. from .tolist())"
    )


def not_broadcastable(a_shape, b_shape) -> ValueError:
    """Return the error for two shapes that do not broadcast."""
    return ValueError(
        f"shapes {tuple(a_shape)} and {tuple(b_shape)} do not broadcast: matching trailing "
        "sizes must be equal or 1 (reshape one operand)"
    )


def broadcast(operation, a: np.ndarray, b: np.ndarray):
    """Apply a binary operation with NumPy's broadcasting, explaining a shape mismatch."""
    try:
        return operation(a, b)
    except ValueError:
        raise not_broadcastable(np.shape(a), np.shape(b)) from None


def axes(dim, ndim: int) -> tuple[int, ...] | None:
    """Turn `dim` (None, an int or a sequence) into sorted axes; None means every axis.

    As in PyTorch, an empty sequence reduces every dimension and a repeated one is an error.
    """
    if dim is None:
        return None
    dims = (dim,) if isinstance(dim, numbers.Integral) else tuple(dim)
    span = max(ndim, 1)  # a 0-d tensor accepts dim 0 and -1, like PyTorch
    found: list[int] = []
    for d in dims:
        if not isinstance(d, numbers.Integral) or not -span <= d < span:
            raise ValueError(
                f"dim {d!r} is out of range for a tensor with {ndim} dimension(s): "
                f"use an integer in [{-span}, {span - 1}]"
            )
        axis = int(d) % span
        if axis in found:
            raise RuntimeError(
                f"dim {axis} appears multiple times in the list of dims: name each dimension once"
            )
        found.append(axis)
    if ndim == 0 or not found:
        return None
    return tuple(sorted(found))


def shape_text(shape) -> str:
    """Return a shape as PyTorch writes it in error messages, e.g. [2, 3]."""
    return "[" + ", ".join(str(s) for s in shape) + "]"


def modified_inplace(tensor, op: str) -> RuntimeError:
    """Return the error for a saved value changed in place (PyTorch's version-counter error)."""
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [engine.Tensor {shape_text(tensor.shape)}], which {op} saved, is at version "
        f"{tensor._version}; it was changed after the forward pass used it. Hint: change a "
        "copy (x.clone()) instead, or run the forward pass again after the change."
    )


def leaf_inplace() -> RuntimeError:
    """Return PyTorch's error for an in-place change of a leaf that requires grad."""
    return RuntimeError(
        "a leaf Variable that requires grad is being used in an in-place operation. "
        "Update parameters inside `with engine.no_grad():`, e.g. w -= lr * w.grad"
    )


def overlapping_inplace() -> RuntimeError:
    """Return PyTorch's error for an in-place change of an expand()ed tensor."""
    return RuntimeError(
        "unsupported operation: more than one element of the written-to tensor refers to a "
        "single memory location. Please clone() the tensor before performing the operation."
    )


def recorded_inplace() -> RuntimeError:
    """Return the error for an in-place change the engine would have to record."""
    return RuntimeError(
        "the engine does not record in-place operations on tensors that take part in a "
        "recorded graph: write y = y + 1 instead of y += 1, or change the values inside "
        "`with engine.no_grad():`"
    )


def no_grad_fn() -> RuntimeError:
    """Return PyTorch's error for backward from a tensor without history."""
    return RuntimeError(
        "element 0 of tensors does not require grad and does not have a grad_fn: "
        "call requires_grad_() on the inputs before computing this tensor"
    )


def not_scalar(shape) -> RuntimeError:
    """Return PyTorch's error for backward from a non-scalar without a gradient."""
    return RuntimeError(
        "grad can be implicitly created only for scalar outputs: "
        f"call .sum().backward(), or pass gradient= of shape {tuple(shape)}"
    )


def seed_shape(seed_shape, shape) -> RuntimeError:
    """Return the error for a backward gradient of the wrong shape."""
    return RuntimeError(
        f"gradient has shape {tuple(seed_shape)} but the tensor has shape {tuple(shape)}: "
        "pass one value per element"
    )


def unused_input() -> RuntimeError:
    """Return PyTorch's error for an input the output does not depend on."""
    return RuntimeError(
        "One of the differentiated Tensors appears to not have been used in the graph. "
        "Set allow_unused=True if this is the desired behavior."
    )


def input_without_grad() -> RuntimeError:
    """Return PyTorch's error for differentiating with respect to a constant."""
    return RuntimeError(
        "One of the differentiated Tensors does not require grad: "
        "call requires_grad_() on it before the forward pass"
    )


def check_expand(shape, sizes) -> None:
    """Refuse an expand() that would not be a broadcast."""
    try:
        np.broadcast_shapes(shape, sizes)
    except ValueError:
        raise ValueError(
            f"cannot expand shape {tuple(shape)} to {tuple(sizes)}: only sizes 1 can grow"
        ) from None
    if np.broadcast_shapes(shape, sizes) != tuple(sizes):
        raise ValueError(f"cannot expand shape {tuple(shape)} to the smaller {tuple(sizes)}")


def check_dot(a_shape, b_shape) -> None:
    """Refuse dot() on anything but two vectors of the same length."""
    if len(a_shape) != 1 or len(b_shape) != 1 or a_shape != b_shape:
        raise ValueError(
            f"dot needs two 1-D tensors of the same length, got shapes {tuple(a_shape)} and "
            f"{tuple(b_shape)}: use matmul (@) for matrices"
        )


def check_matmul(a_shape, b_shape) -> None:
    """Refuse matmul() beyond 1-D and 2-D operands or with mismatched inner sizes."""
    if not (1 <= len(a_shape) <= 2 and 1 <= len(b_shape) <= 2):
        raise ValueError(
            f"matmul supports 1-D and 2-D tensors, got shapes {tuple(a_shape)} and "
            f"{tuple(b_shape)}: loop over the batch dimension"
        )
    if a_shape[-1] != b_shape[0]:
        raise ValueError(
            f"cannot multiply shapes {tuple(a_shape)} and {tuple(b_shape)}: the inner sizes "
            f"{a_shape[-1]} and {b_shape[0]} must be equal"
        )


def one(value, kind=object):
    """Unwrap a one-element tuple or list (PyTorch accepts both spellings); refuse several."""
    if isinstance(value, tuple | list):
        if len(value) != 1:
            raise ValueError(
                f"the engine differentiates one output at a time, got {len(value)}: "
                "add them into one scalar first (e.g. y1.sum() + y2.sum())"
            )
        value = value[0]
    if kind is not object and not isinstance(value, kind):
        raise TypeError(f"expected an engine tensor, got {type(value).__name__}")
    return value


def check_seed(root, gradient, as_tensor):
    """Return the gradient to start backward from, refusing what PyTorch refuses."""
    if not root.requires_grad:
        raise no_grad_fn()
    if gradient is None:
        if root.data.size != 1:
            raise not_scalar(root.shape)
        return as_tensor(np.ones_like(root.data))
    seed = as_tensor(gradient)
    if seed.shape != root.shape:
        raise seed_shape(seed.shape, root.shape)
    return seed
