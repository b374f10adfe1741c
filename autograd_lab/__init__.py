"""autograd-lab: helpers for an interactive course on PyTorch automatic differentiation."""

from autograd_lab.graph import Graph, Node, autograd_graph, draw, draw_graph, graph_text

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "Graph",
    "Node",
    "autograd_graph",
    "draw",
    "draw_graph",
    "graph_text",
]
