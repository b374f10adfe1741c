"""Check autograd's gradients against central finite differences, in float64.

`check_grad(f, x)` works for f: ℝⁿ → ℝ and f: ℝⁿ → ℝᵐ. The verdict comes from
`torch.autograd.gradcheck`; the result also keeps both Jacobians and the largest absolute
and relative differences between them, so a learner can see *how far* apart they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch

EPS = 1e-6
ATOL = 1e-5
RTOL = 1e-3


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

        verdict = "passed" if self.passed else "FAILED"
        return "\n".join(
            [
                f"gradient check {verdict}: f: {space(self.n_inputs)} → {space(self.n_outputs)}",
                f"  central differences, eps = {self.eps:g}",
                f"  max absolute error: {self.max_abs_error:.1e}",
                f"  max relative error: {self.max_rel_error:.1e}",
                f"  torch.autograd.gradcheck (atol={self.atol:g}, rtol={self.rtol:g}): {verdict}",
            ]
        )


def _check_function(f) -> None:
    if not callable(f):
        raise TypeError(
            f"f must be a function of a tensor, got {type(f).__name__}: pass the function "
            "itself, e.g. check_grad(torch.sin, x), not its value f(x)"
        )


def _check_input(x, eps: float) -> None:
    if not isinstance(eps, (int, float)) or not eps > 0:
        raise ValueError(f"eps must be a small positive step, like 1e-6; got {eps!r}")
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"x must be a torch.Tensor, got {type(x).__name__}: wrap it, e.g. "
            "torch.tensor([1.0, 2.0], dtype=torch.float64)"
        )
    if x.is_complex():
        raise TypeError("x is complex: this check handles real functions only; pass a real x")
    if not x.is_floating_point():
        raise TypeError(
            f"x has dtype {x.dtype}, and only floating-point tensors have gradients: "
            "use x.double() or torch.tensor([1.0, 2.0], dtype=torch.float64)"
        )
    if x.dtype != torch.float64:
        raise TypeError(
            f"x has dtype {x.dtype}: use x.double(). {x.dtype} rounds f to about "
            f"{torch.finfo(x.dtype).eps:.0e}·|f|, and a central difference divides that "
            f"rounding error by 2·eps = {2 * eps:g}: the numerical gradient would be off by "
            f"about {torch.finfo(x.dtype).eps / (2 * eps):.0e}·|f|, too much to check anything. "
            "float64 rounds at about 2e-16."
        )
    if x.ndim > 1:
        raise ValueError(
            f"x has shape {tuple(x.shape)}, but f: ℝⁿ → ℝᵐ takes a vector: pass x.reshape(-1) "
            "and reshape inside f"
        )
    if x.numel() == 0:
        raise ValueError("x is empty: pass at least one number")


def _call(f, x: torch.Tensor, shape: torch.Size | None = None) -> torch.Tensor:
    y = f(x)
    if not isinstance(y, torch.Tensor):
        raise TypeError(
            f"f returned {type(y).__name__}, not a tensor: compute with torch operations "
            "(torch.sin(x), not math.sin(x); keep results as tensors, without .item())"
        )
    if y.ndim > 1:
        raise ValueError(
            f"f returned shape {tuple(y.shape)}, but f: ℝⁿ → ℝᵐ returns a scalar or a vector: "
            "return y.reshape(-1)"
        )
    if y.dtype != torch.float64:
        raise TypeError(
            f"f returned dtype {y.dtype} for a float64 x: keep the computation in float64 "
            "(no .float() inside f), or the rounding errors swamp the finite differences"
        )
    if shape is not None and y.shape != shape:
        raise ValueError(
            f"f returned shape {tuple(shape)} at x but {tuple(y.shape)} at a nearby point: "
            "f must return the same shape near x"
        )
    return y


def numerical_jacobian(f: Callable, x: torch.Tensor, eps: float = EPS) -> torch.Tensor:
    """Return the Jacobian of f at x by central differences (the gradient if f is scalar)."""
    _check_function(f)
    _check_input(x, eps)
    x = x.detach()
    with torch.no_grad():
        y = _call(f, x)
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
    _check_function(f)
    _check_input(x, eps)
    x = x.detach().clone().requires_grad_(True)
    y = _call(f, x)
    if y.grad_fn is None:
        raise ValueError(
            "f(x) has no autograd history, so there is nothing to check: compute from x "
            "with torch operations (.item(), .numpy(), .detach() or torch.tensor(...) inside "
            "f cut the graph)"
        )
    numerical = numerical_jacobian(f, x, eps)
    analytical = torch.autograd.functional.jacobian(f, x.detach())
    diff = (analytical - numerical).abs()
    scale = torch.maximum(analytical.abs(), numerical.abs())
    rel = torch.where(scale > 0, diff / scale.clamp_min(torch.finfo(torch.float64).tiny), 0.0)
    passed = torch.autograd.gradcheck(f, (x,), eps=eps, atol=atol, rtol=rtol, raise_exception=False)
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
