"""Programs that make the pinned PyTorch raise each error of `autograd_lab.torch_errors`.

Shared by the table's own test and the explainer's, which runs them in a real IPython shell.
"""

from __future__ import annotations

import warnings

import torch

# One program per error (several where PyTorch has several messages or ways to reach it).
PROVOKE: list[tuple[str, str]] = [
    (
        "backward_twice",
        "x = torch.ones(2, requires_grad=True); y = (x * x).sum()\ny.backward(); y.backward()",
    ),
    (
        "backward_twice",
        "x = torch.ones(2, requires_grad=True); y = x.exp().sum()\n"
        "torch.autograd.grad(y, x); torch.autograd.grad(y, x)",
    ),
    ("not_scalar", "x = torch.ones(2, requires_grad=True); (x * x).backward()"),
    ("complex_output", "x = torch.ones(2, requires_grad=True); (x * (1 + 1j)).sum().backward()"),
    (
        "inplace_modified",
        "x = torch.ones(2, requires_grad=True); y = x.exp(); y += 1\ny.sum().backward()",
    ),
    ("no_grad_fn", "torch.ones(2).sum().backward()"),
    (
        "no_grad_fn",
        "x = torch.tensor(2.0, requires_grad=True)\n"
        "(g,) = torch.autograd.grad(x**3, x); torch.autograd.grad(g, x)",
    ),
    (
        "input_no_grad",
        "x = torch.ones(2, requires_grad=True); w = torch.ones(2)\n"
        "torch.autograd.grad((x * w).sum(), w)",
    ),
    ("leaf_inplace", "w = torch.ones(2, requires_grad=True); w -= 0.1"),
    ("view_of_leaf_inplace", "w = torch.ones(2, requires_grad=True); w[0] = 0.0"),
    ("multi_view_inplace", "a, b = (torch.ones(4, requires_grad=True) * 1).split(2); a.add_(1)"),
    ("grad_is_none", "torch.ones(2, requires_grad=True).grad.zero_()"),
    ("attribute_of_none", "torch.ones(2, requires_grad=True).grad.item()"),
    ("numpy_requires_grad", "torch.ones(2, requires_grad=True).numpy()"),
    ("float_only", "torch.arange(3, requires_grad=True)"),
    ("float_only", "torch.arange(3).requires_grad_()"),
    ("nonleaf_requires_grad", "(torch.ones(2, requires_grad=True) * 2).requires_grad_(False)"),
    (
        "inference_tensor",
        "with torch.inference_mode():\n    a = torch.ones(2)\n"
        "w = torch.ones(2, requires_grad=True); (w * a).sum().backward()",
    ),
    ("inference_tensor", "with torch.inference_mode():\n    a = torch.ones(2)\na.add_(1)"),
    ("inference_tensor", "with torch.inference_mode():\n    a = torch.ones(2)\na.requires_grad_()"),
    (
        "unused_input",
        "x = torch.ones(2, requires_grad=True); z = torch.ones(1, requires_grad=True)\n"
        "torch.autograd.grad((x * x).sum(), [x, z])",
    ),
    ("grad_shape", "x = torch.ones(2, requires_grad=True); (x * x).backward(torch.ones(3))"),
    ("optimize_nonleaf", "torch.optim.SGD([torch.ones(2, requires_grad=True) * 2], lr=0.1)"),
    (
        "nan_backward",
        "x = torch.tensor([0.0, 4.0], requires_grad=True)\n"
        "with warnings.catch_warnings():\n    warnings.simplefilter('ignore')\n"
        "    with torch.autograd.detect_anomaly():\n"
        "        torch.where(x > 0, x.sqrt(), 0 * x).sum().backward()",
    ),
]
# The same for the warnings of the table: each program warns once.
WARNINGS: list[tuple[str, str]] = [
    ("nonleaf_grad", "x = torch.ones(2, requires_grad=True); y = x * 2\ny.sum().backward(); y.grad")
]


def provoked(code: str) -> BaseException:
    """Run `code` in plain Python and return the exception it raises."""
    try:
        exec(code, {"torch": torch, "warnings": warnings})
    except Exception as error:  # noqa: BLE001 - the exception is what we want
        return error
    raise AssertionError(f"did not raise: {code}")


def warned(code: str) -> warnings.WarningMessage:
    """Run `code` in plain Python and return the one warning it gives."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(code, {"torch": torch, "warnings": warnings})
    (warning,) = caught
    return warning
