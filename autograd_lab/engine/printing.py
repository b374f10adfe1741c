"""Print values the way PyTorch prints them: 4 decimals, `0.` for whole numbers, e+XX, and
`...` in place of the middle of a tensor with more than 1000 elements."""

from __future__ import annotations

import math

import numpy as np

LINEWIDTH = 80
INDENT = len("tensor(")
THRESHOLD = 1000  # PyTorch's print options: summarize above this many elements ...
EDGEITEMS = 3  # ... showing this many at each end of every dimension


def format_tensor(data) -> str:
    """Return the text between `tensor(` and `)` for these values."""
    array = np.asarray(data)
    if array.size == 0:
        return "[]"
    summarize = array.size > THRESHOLD
    element = _element_formatter(_summarized(array) if summarize else array)
    return _format_nested(array, element, INDENT, summarize)


def _summarized(array: np.ndarray) -> np.ndarray:
    """Keep only the elements a summarized print shows (they alone choose the format)."""
    if array.ndim == 0:
        return array
    if array.shape[0] > 2 * EDGEITEMS:
        array = np.concatenate([array[:EDGEITEMS], array[-EDGEITEMS:]])
    if array.ndim == 1:
        return array
    return np.stack([_summarized(row) for row in array])


def _element_formatter(array: np.ndarray):
    if array.dtype == np.bool_:
        width = 5 if (~array).any() else 4
        return lambda v: f"{v}".rjust(width)
    values = array[np.isfinite(array) & (array != 0)]
    if values.size == 0:  # only zeros, inf and nan: print them as whole numbers
        return lambda v: f"{v:.0f}" + ("." if math.isfinite(v) else "")
    magnitudes = np.abs(values)
    lo, hi = magnitudes.min(), magnitudes.max()
    whole = bool(np.all(values == np.ceil(values)))
    spread = hi / lo > 1000.0 or hi > 1.0e8
    if whole and not spread:
        width = max(len(f"{v:.0f}") + 1 for v in values.tolist())
        return lambda v: (f"{v:.0f}" + ("." if math.isfinite(v) else "")).rjust(width)
    if spread or (not whole and lo < 1.0e-4):
        width = max(len(f"{v:.4e}") for v in values.tolist())
        return lambda v: f"{v:{width}.4e}"
    width = max(len(f"{v:.4f}") for v in values.tolist())
    return lambda v: f"{v:.4f}".rjust(width)


def _edges(array: np.ndarray, summarize: bool) -> list:
    """The rows (or elements) to print, with None where `...` stands for the middle."""
    n = array.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        return (
            [array[i] for i in range(EDGEITEMS)]
            + [None]
            + [array[i] for i in range(n - EDGEITEMS, n)]
        )
    return list(array)


def _format_nested(array: np.ndarray, element, indent: int, summarize: bool) -> str:
    if array.ndim == 0:
        return element(array.item())
    if array.ndim == 1:
        items = [" ..." if v is None else element(v.item()) for v in _edges(array, summarize)]
        width = max(len(item) for item in items if item != " ...")
        per_line = max(1, (LINEWIDTH - indent) // (width + 2))
        lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
        return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"
    rows = [
        "..." if row is None else _format_nested(row, element, indent + 1, summarize)
        for row in _edges(array, summarize)
    ]
    return "[" + ("," + "\n" * (array.ndim - 1) + " " * (indent + 1)).join(rows) + "]"
