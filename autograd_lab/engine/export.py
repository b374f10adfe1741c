"""The engine's recorded graph as an `autograd_lab.graph.Graph`, to print or draw.

It uses the walk `autograd_graph` uses for PyTorch, so for the same program the two graphs are
equal: the engine records the same operations with the same inputs as PyTorch does.
"""

from __future__ import annotations

from autograd_lab.engine.core import Tensor

# PyTorch can show a constant's value only where its node keeps the constant as
# `_saved_self` / `_saved_other` (see autograd_lab.graph._const_label): mul and div here.
_KEEPS_OPERANDS = {"MulBackward0", "DivBackward0"}


def to_graph(t: Tensor, names: dict[str, Tensor] | None = None):
    """Return the recorded graph of `t` as an autograd_lab.graph.Graph; names label tensors.

    One node per operation, per leaf that requires a gradient, and per constant input. Draw
    it with `autograd_lab.graph.draw_graph`.
    """
    from autograd_lab.graph import Graph, Node, walk_graph  # plotting stack only when drawing
    from autograd_lab.language import say  # default names in the learner's language, as PyTorch's
    from autograd_lab.validation import describe

    if not isinstance(t, Tensor):
        raise TypeError(say("errors.to_graph_not_tensor", got=describe(t)))
    name_of = _names_by_identity(names)
    if t.is_leaf:
        if not t.requires_grad:
            raise ValueError(say("errors.to_graph_no_history"))
        name = name_of.get(id(t), say("graph.name_leaf", shape=t.shape))
        return Graph(nodes=(Node("n0", name, "leaf"),), edges=())

    def op_label(u: Tensor) -> str:
        made = [name for name, v in (names or {}).items() if v is u and u is not t]
        return f"{u._op} → {', '.join(made)}" if made else u._op

    def inputs(u: Tensor):
        nodes = (*u._parents, u)
        saved = {id(nodes[i]) for i in u._rule.saves} if u._op in _KEEPS_OPERANDS else set()
        for parent in u._parents:
            if not parent.requires_grad:
                unnamed = say("graph.name_const")
                yield "const", _const_label(parent, id(parent) in saved, name_of, unnamed), None
            elif parent.is_leaf:
                name = name_of.get(id(parent), say("graph.name_leaf", shape=parent.shape))
                yield "leaf", name, parent
            else:
                yield "op", None, parent

    return walk_graph(t, name_of.get(id(t), say("graph.name_output")), op_label, inputs)


def _const_label(t: Tensor, kept: bool, name_of: dict[int, str], unnamed: str) -> str:
    """Name a constant input as PyTorch's graph would: its name, its value, or `unnamed`."""
    if not kept:
        return unnamed
    if id(t) in name_of:
        return name_of[id(t)]
    return f"{t.item():g}" if t.data.size == 1 else unnamed


def _names_by_identity(names) -> dict[int, str]:
    if names is None:
        return {}
    if not isinstance(names, dict) or not all(
        isinstance(k, str) and isinstance(v, Tensor) for k, v in names.items()
    ):
        from autograd_lab.language import say
        from autograd_lab.validation import describe

        raise TypeError(say("errors.to_graph_names", got=describe(names)))
    return {id(v): k for k, v in names.items()}
