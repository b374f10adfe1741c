"""autograd-lab: helpers for an interactive course on PyTorch automatic differentiation.

The helpers are imported on first use (PEP 562 `__getattr__`), so `import autograd_lab.engine`
or `autograd_lab.course` loads neither PyTorch nor matplotlib, and `import autograd_lab` is cheap.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> the module that defines it
_EXPORTS = {
    "GradCheckResult": "autograd_lab.gradcheck",
    "check_grad": "autograd_lab.gradcheck",
    "numerical_jacobian": "autograd_lab.gradcheck",
    "Graph": "autograd_lab.graph",
    "Node": "autograd_lab.graph",
    "autograd_graph": "autograd_lab.graph",
    "draw": "autograd_lab.graph",
    "draw_graph": "autograd_lab.graph",
    "graph_text": "autograd_lab.graph",
    "merge_legends": "autograd_lab.graph",
    "derivative": "autograd_lab.plotting",
    "plot": "autograd_lab.plotting",
    "plot_tangent": "autograd_lab.plotting",
    "plot_with_derivative": "autograd_lab.plotting",
    "tangent": "autograd_lab.plotting",
}
_SUBMODULES = ("course", "engine", "exercises", "explorers", "language", "versions")

__all__ = ["__version__", *_EXPORTS, *_SUBMODULES]


def __getattr__(name: str):
    """Import a public helper or submodule the first time it is asked for."""
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"autograd_lab.{name}")
    else:
        raise AttributeError(f"module 'autograd_lab' has no attribute {name!r}")
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def load_ipython_extension(shell) -> None:
    """`%load_ext autograd_lab`: explain common autograd errors; enable `%course_version`."""
    from autograd_lab import explain  # only when loaded: importing the package stays cheap
    from autograd_lab.torch_notices import preload_torch_internals
    from autograd_lab.versions import course_version_magic

    preload_torch_internals()
    explain.load(shell)
    shell.register_magic_function(course_version_magic, "line", "course_version")


def unload_ipython_extension(shell) -> None:
    """`%unload_ext autograd_lab`: stop explaining, restore IPython's previous handlers."""
    from autograd_lab import explain

    explain.unload(shell)
