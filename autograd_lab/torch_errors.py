"""The errors PyTorch raises when autograd is misused, and how to recognise each one.

One table for the whole package: the error explainer (`explain`) and the exercise checks
(`exercises.checks`) both look an exception up here, and each answers with its own hints (the
explainer says what to do; a check only points at the mistake). An error is recognised by its
type and a stable part of PyTorch's message. `tests/test_torch_errors.py` provokes every entry
on the PyTorch the course pins, so a release that rewords a message fails there, and the fix is
an edit of this table alone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TorchError:
    """One error (or warning) PyTorch raises: its key, its type, the parts of its message."""

    key: str
    kind: type[BaseException] | type[Warning]
    fragments: tuple[str, ...]  # stable parts of PyTorch's message; any one identifies it


# First match wins: the message of a view of a leaf contains the one of a leaf, and `.zero_()`
# on a `.grad` not yet there is the attribute of None autograd's users meet most.
ERRORS: tuple[TorchError, ...] = (
    TorchError("backward_twice", RuntimeError, ("backward through the graph a second time",)),
    TorchError("not_scalar", RuntimeError, ("grad can be implicitly created only for scalar",)),
    TorchError(
        "complex_output", RuntimeError, ("grad can be implicitly created only for real scalar",)
    ),
    TorchError("inplace_modified", RuntimeError, ("has been modified by an inplace operation",)),
    TorchError("no_grad_fn", RuntimeError, ("does not require grad and does not have a grad_fn",)),
    TorchError(
        "input_no_grad", RuntimeError, ("One of the differentiated Tensors does not require grad",)
    ),
    TorchError("view_of_leaf_inplace", RuntimeError, ("a view of a leaf Variable that requires",)),
    TorchError("leaf_inplace", RuntimeError, ("leaf Variable that requires grad is being used",)),
    TorchError("multi_view_inplace", RuntimeError, ("is a view and is being modified inplace",)),
    TorchError("nonleaf_grad", UserWarning, ("attribute of a Tensor that is not a leaf Tensor",)),
    TorchError("grad_is_none", AttributeError, ("'NoneType' object has no attribute 'zero_'",)),
    TorchError("attribute_of_none", AttributeError, ("'NoneType' object has no attribute",)),
    TorchError("numpy_requires_grad", RuntimeError, ("call numpy() on Tensor that requires grad",)),
    TorchError(
        "float_only",
        RuntimeError,
        (
            "Only Tensors of floating point and complex dtype can require gradients",
            "only Tensors of floating point dtype can require gradients",
        ),
    ),
    TorchError(
        "nonleaf_requires_grad", RuntimeError, ("can only change requires_grad flags of leaf",)
    ),
    TorchError(
        "inference_tensor",
        RuntimeError,
        ("Inference tensors cannot be saved for backward", "inference tensor outside"),
    ),
    TorchError("unused_input", RuntimeError, ("appears to not have been used in the graph",)),
    TorchError("grad_shape", RuntimeError, ("Mismatch in shape: grad_output",)),
    TorchError("optimize_nonleaf", ValueError, ("can't optimize a non-leaf Tensor",)),
    TorchError("nan_backward", RuntimeError, ("returned nan values in its",)),
)
BY_KEY: dict[str, TorchError] = {error.key: error for error in ERRORS}


def identify(error: BaseException | Warning, kind: type | None = None) -> TorchError | None:
    """Return the entry of `ERRORS` that `error` (an exception or a warning) is, or None."""
    kind = type(error) if kind is None else kind
    try:
        message = str(error)
    except Exception:  # noqa: BLE001 - learner code may raise anything, even from __str__
        return None
    for known in ERRORS:
        if issubclass(kind, known.kind) and any(f in message for f in known.fragments):
            return known
    return None


def key_of(error: BaseException | Warning | None) -> str:
    """Return the key of `error` in `ERRORS`, or "" for None and for any other error."""
    known = None if error is None else identify(error)
    return "" if known is None else known.key
