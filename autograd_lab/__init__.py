"""autograd-lab: helpers for an interactive course on PyTorch automatic differentiation."""

__version__ = "0.1.0"

__all__ = ["__version__"]
