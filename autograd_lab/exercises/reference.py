"""The functions the exercises are about, as the notebooks define them."""

from __future__ import annotations

import torch


def control_flow_f(a: torch.Tensor) -> torch.Tensor:
    """Return the control-flow function of notebook 01 applied to `a` (never ends for a = 0)."""
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c


def ex6_f(x: torch.Tensor) -> torch.Tensor:
    """Return f(x) = log(x²)·sin(x) + 1/x, the function of exercise 6."""
    return torch.log(x**2) * torch.sin(x) + 1 / x
