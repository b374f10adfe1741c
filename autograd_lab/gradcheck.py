"""Check autograd's gradients against central finite differences, in float64.

`check_grad(f, x)` works for f: ℝⁿ → ℝ and f: ℝⁿ → ℝᵐ. The verdict comes from
`torch.autograd.gradcheck`; the result also keeps both Jacobians and the largest absolute
and relative differences between them, so a learner can see *how far* apart they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch

from autograd_lab.language import say
from autograd_lab.validation import (
    check_callable,
    check_storage,
    describe,
    fail,
    is_real_number,
    non_negative,
    refusing_numbers,
)

EPS = 1e-6
ATOL = 1e-5
RTOL = 1e-3
# A check runs f twice and a backward pass once per input, and holds the whole Jacobian: past
# these sizes it would run for minutes or fill the memory (3,000 inputs took over 5 minutes).
MAX_INPUTS = 1000
MAX_ENTRIES = 1_000_000


@dataclass(frozen=True, repr=False)
class GradCheckResult:
    """Autograd's Jacobian next to the finite-difference one, and how far apart they are."""

    passed: bool  # the verdict of torch.autograd.gradcheck
    max_abs_error: float
    max_rel_error: float
    analytical: torch.Tensor = field(compare=False)  # by autograd
    numerical: torch.Tensor = field(compare=False)  # by central differences
    n_inputs: int | None  # None for a scalar input
    n_outputs: int | None  # None for a scalar output
    eps: float
    atol: float
    rtol: float

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        def space(n: int | None) -> str:
            return "ℝ" if n is None else f"ℝ^{n}"

        spaces = f"{space(self.n_inputs)} → {space(self.n_outputs)}"
        head = "gradcheck.report_passed" if self.passed else "gradcheck.report_failed"
        verdict = say("gradcheck.word_passed" if self.passed else "gradcheck.word_failed")
        return "\n".join(
            [
                say(head, spaces=spaces),
                say("gradcheck.report_step", eps=f"{self.eps:g}"),
                say("gradcheck.report_abs", error=f"{self.max_abs_error:.1e}"),
                say("gradcheck.report_rel", error=f"{self.max_rel_error:.1e}"),
                say(
                    "gradcheck.report_torch",
                    atol=f"{self.atol:g}",
                    rtol=f"{self.rtol:g}",
                    verdict=verdict,
                ),
            ]
        )


def _check_step(eps: object) -> float:
    if not is_real_number(eps) or not np.isfinite(eps) or not eps > 0:
        error = ValueError if is_real_number(eps) or isinstance(eps, str) else TypeError
        fail(error, "errors.gc_eps", got=describe(eps))
    return float(eps)


def _check_input(x: object, eps: float) -> None:
    if not isinstance(x, torch.Tensor):
        fail(TypeError, "errors.gc_not_tensor", got=describe(x))
    check_storage(x, "x")
    if x.is_complex():
        fail(TypeError, "errors.gc_complex")
    if not x.is_floating_point():
        fail(TypeError, "errors.gc_not_float", dtype=x.dtype)
    if x.dtype != torch.float64:
        roundoff = torch.finfo(x.dtype).eps
        fail(
            TypeError,
            "errors.gc_precision",
            dtype=x.dtype,
            roundoff=f"{roundoff:.0e}",
            step=f"{2 * eps:g}",
            error=f"{roundoff / (2 * eps):.0e}",
        )
    if x.ndim > 1:
        fail(ValueError, "errors.gc_matrix_in", shape=tuple(x.shape))
    if x.numel() == 0:
        fail(ValueError, "errors.gc_empty")
    finite = torch.isfinite(x.detach())
    if not bool(finite.all()):
        fail(ValueError, "errors.not_finite", name="x", count=int((~finite).sum()), total=x.numel())


def _check_size(x: torch.Tensor, y: torch.Tensor) -> None:
    """Refuse, after f ran once, a check that would take minutes or fill the memory."""
    if x.numel() > MAX_INPUTS or x.numel() * y.numel() > MAX_ENTRIES:
        fail(
            ValueError,
            "errors.gc_too_large",
            inputs=x.numel(),
            outputs=y.numel(),
            limit=MAX_INPUTS,
            entries=f"{MAX_ENTRIES:,}",
        )


def _call(f, x: torch.Tensor, shape: torch.Size | None = None) -> torch.Tensor:
    """f at a private copy of x: an f that works in place never changes the caller's tensor."""
    with refusing_numbers():  # a float() of a tensor with a history would cut the graph
        try:
            # For an x that requires grad the copy is recorded: f may work in place.
            y = f(x.clone())
        except RuntimeError as err:
            text = str(err)
            if "in-place" in text or "inplace" in text:
                fail(ValueError, "errors.f_in_place", detail=text.splitlines()[0])
            if "numpy" in text.lower():
                fail(TypeError, "errors.f_numpy", detail=f"{type(err).__name__}: {err}")
            raise
        except (TypeError, ValueError) as err:
            text = str(err).lower()
            if "numpy" in text or "only one element tensors" in text or "python scalar" in text:
                fail(TypeError, "errors.f_numpy", detail=f"{type(err).__name__}: {err}")
            raise
    if not isinstance(y, torch.Tensor):
        fail(TypeError, "errors.gc_f_not_tensor", got=describe(y))
    if y.is_complex():
        fail(TypeError, "errors.f_complex")
    if y.ndim > 1:
        fail(ValueError, "errors.gc_matrix_out", shape=tuple(y.shape))
    if y.numel() == 0:
        fail(ValueError, "errors.gc_empty_out", shape=tuple(y.shape))
    if y.dtype != torch.float64:
        fail(TypeError, "errors.gc_f_dtype", dtype=y.dtype)
    if shape is not None and y.shape != shape:
        fail(ValueError, "errors.gc_shape_changes", first=tuple(shape), second=tuple(y.shape))
    return y


def numerical_jacobian(f: Callable, x: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    """Return the Jacobian of f at x by central differences (the gradient if f is scalar)."""
    check_callable(f, "f", "check_grad(torch.sin, x)")
    eps = _check_step(eps)
    _check_input(x, eps)
    x = x.detach().clone()  # the caller's tensor is never handed to f
    with torch.no_grad():
        y = _call(f, x)
        _check_size(x, y)
        flat = x.reshape(-1)
        columns = []
        for i in range(flat.numel()):
            step = torch.zeros_like(flat)
            step[i] = eps
            up = _call(f, (flat + step).reshape(x.shape), y.shape)
            down = _call(f, (flat - step).reshape(x.shape), y.shape)
            columns.append((up - down).reshape(-1) / (2 * eps))
    return torch.stack(columns, dim=-1).reshape(y.shape + x.shape)


def check_grad(
    f: Callable,
    x: torch.Tensor,
    eps: float = EPS,
    atol: float = ATOL,
    rtol: float = RTOL,
) -> GradCheckResult:
    """Compare autograd's gradient (or Jacobian) of f at x with central differences."""
    check_callable(f, "f", "check_grad(torch.sin, x)")
    eps = _check_step(eps)
    atol = non_negative(atol, "atol", "1e-5")
    rtol = non_negative(rtol, "rtol", "1e-3")
    _check_input(x, eps)
    x = x.detach().clone().requires_grad_(True)
    y = _call(f, x)
    if y.grad_fn is None:
        fail(ValueError, "errors.gc_no_history")
    _check_size(x, y)
    numerical = numerical_jacobian(f, x, eps)
    analytical = torch.autograd.functional.jacobian(lambda v: f(v.clone()), x.detach().clone())
    diff = (analytical - numerical).abs()
    scale = torch.maximum(analytical.abs(), numerical.abs())
    # Two equal entries agree (also two zeros); anything else is divided by its scale, so a
    # NaN on either side stays NaN (and the maxima below propagate it): NaN is never agreement.
    rel = torch.where(diff == 0, 0.0, diff / scale)
    passed = torch.autograd.gradcheck(
        lambda v: f(v.clone()), (x,), eps=eps, atol=atol, rtol=rtol, raise_exception=False
    )
    return GradCheckResult(
        passed=bool(passed),
        max_abs_error=diff.max().item(),
        max_rel_error=rel.max().item(),
        analytical=analytical,
        numerical=numerical,
        n_inputs=None if x.ndim == 0 else x.numel(),
        n_outputs=None if y.ndim == 0 else y.numel(),
        eps=eps,
        atol=atol,
        rtol=rtol,
    )
