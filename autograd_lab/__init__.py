"""autograd-lab: helpers for an interactive course on PyTorch automatic differentiation."""

from autograd_lab import engine, exercises
from autograd_lab.gradcheck import GradCheckResult, check_grad, numerical_jacobian
from autograd_lab.graph import Graph, Node, autograd_graph, draw, draw_graph, graph_text
from autograd_lab.plotting import derivative, plot, plot_tangent, plot_with_derivative, tangent

__version__ = "0.1.0"

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
