"""autograd-lab: helpers for an interactive course on PyTorch automatic differentiation."""

from autograd_lab import engine, exercises
from autograd_lab.gradcheck import GradCheckResult, check_grad, numerical_jacobian
from autograd_lab.graph import Graph, Node, autograd_graph, draw, draw_graph, graph_text
from autograd_lab.plotting import derivative, plot, plot_tangent, plot_with_derivative, tangent

__version__ = "0.1.0"


def load_ipython_extension(shell) -> None:
    """`%load_ext autograd_lab`: explain common autograd errors under their tracebacks."""
    from autograd_lab import explain  # only when loaded: importing the package stays cheap

    explain.load(shell)


def unload_ipython_extension(shell) -> None:
    """`%unload_ext autograd_lab`: stop explaining, restore IPython's previous handlers."""
    from autograd_lab import explain

    explain.unload(shell)


__all__ = [
    "__version__",
    "Graph",
    "Node",
    "autograd_graph",
    "draw",
    "draw_graph",
    "graph_text",
    "GradCheckResult",
    "check_grad",
    "numerical_jacobian",
    "derivative",
    "plot",
    "plot_tangent",
    "plot_with_derivative",
    "tangent",
    "engine",
    "exercises",
]
