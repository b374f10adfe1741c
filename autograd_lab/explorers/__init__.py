"""Interactive explorers: move a quantity and watch the derivative answer.

Each explorer is a pure function `*_frame(...) -> (Figure, values)` (what the tests call) and
a thin live widget around it (`explore_*`, ipywidgets 8), whose labels speak the notebook's
language. In a notebook, end a cell with the explorer to show it:

    from autograd_lab.explorers import explore_tangent
    explore_tangent("abs", x0=0.0)
"""

from autograd_lab.explorers.backward import Trace, backward_frame, explore_backward, trace
from autograd_lab.explorers.descent import descend, descent_frame, explore_gradient_descent
from autograd_lab.explorers.explorer import MIME, Explorer, png
from autograd_lab.explorers.finite_differences import (
    explore_finite_differences,
    finite_difference_frame,
)
from autograd_lab.explorers.tangent import explore_tangent, tangent_frame

__all__ = [
    "MIME",
    "Explorer",
    "Trace",
    "backward_frame",
    "descend",
    "descent_frame",
    "explore_backward",
    "explore_finite_differences",
    "explore_gradient_descent",
    "explore_tangent",
    "finite_difference_frame",
    "png",
    "tangent_frame",
    "trace",
]
