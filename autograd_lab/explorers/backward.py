"""The backward stepper: walk a backward pass one operation at a time.

For a scalar computed by PyTorch or by the course engine (`autograd_lab.engine`), `trace`
records what a backward pass does, node by node: which operation runs, the gradient arriving
at it, what it passes to each input, the `+=` where a value was used more than once (a
fan-out), and how the leaves' `.grad` fill in. The graph is the course's `Graph`
(`autograd_graph` for PyTorch, `engine.to_graph` for the engine), so it is drawn as elsewhere.

- PyTorch: the gradients and the order are PyTorch's own. A hook on every `grad_fn` node
  records, while `torch.autograd.grad` runs, what arrived at that node and what it passed on.
  Nothing is accumulated into any `.grad`, and the hooks are removed afterwards.
- The engine: the steps of its own backward loop (`engine.backpropagate`, the generator
  `backward()` runs), each shown instead of summed into `.grad`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch
from matplotlib.figure import Figure

from autograd_lab import engine, torch_errors
from autograd_lab.explorers.explorer import (
    Control,
    Explorer,
    Tour,
    array_text,
    new_figure,
    resolve,
)
from autograd_lab.fonts import family
from autograd_lab.graph import Graph, autograd_graph, draw_graph, drawn_rows
from autograd_lab.language import say, use
from autograd_lab.validation import describe

RUNNING = "#d62728"


@dataclass(frozen=True)
class Step:
    """One operation of the backward pass."""

    node: str  # its id in the graph
    arriving: np.ndarray  # the gradient of its output, complete when it runs
    sends: tuple[tuple[str, np.ndarray | None], ...]  # per input, in order; None: a constant


@dataclass(frozen=True)
class Trace:
    """A recorded backward pass: the graph, the steps in the order they ran, the leaves."""

    graph: Graph
    output: str  # the id of the output node
    seed: np.ndarray
    steps: tuple[Step, ...]
    leaves: tuple[str, ...]  # leaf ids in graph order

    def labels(self) -> dict[str, str]:
        """Node id -> label."""
        return {node.id: node.label for node in self.graph.nodes}

    def state(self, k: int) -> tuple[dict[str, np.ndarray], dict[str, int]]:
        """After `k` steps: each node's gradient so far, and how many shares it received."""
        grads: dict[str, np.ndarray] = {}
        shares: dict[str, int] = {}
        op_of_output = self.graph.inputs(self.output)[0]
        grads[self.output] = self.seed
        grads[op_of_output] = self.seed
        for step in self.steps[:k]:
            for target, grad in step.sends:
                if grad is None:
                    continue
                grads[target] = grads[target] + grad if target in grads else grad
                shares[target] = shares.get(target, 0) + 1
        return grads, shares

    def leaf_grads(self) -> dict[str, np.ndarray]:
        """The leaves' gradients once every step has run (what backward() leaves in .grad)."""
        grads, _ = self.state(len(self.steps))
        return {leaf: grads[leaf] for leaf in self.leaves if leaf in grads}


def _pair_torch(graph: Graph, tensor: torch.Tensor) -> tuple[dict[str, object], dict[str, object]]:
    """Match the graph's op and leaf ids with PyTorch's grad_fn nodes and leaf tensors."""
    output = next(n.id for n in graph.nodes if n.kind == "output")
    kinds = {n.id: n.kind for n in graph.nodes}
    inputs_of = graph.input_map()  # once: a lookup per node would rebuild it each time
    ops: dict[str, object] = {inputs_of[output][0]: tensor.grad_fn}
    leaves: dict[str, object] = {}
    todo = list(ops.items())
    while todo:
        op_id, fn = todo.pop()
        for src, (parent, _) in zip(inputs_of[op_id], fn.next_functions, strict=True):
            if parent is None:
                expected = "const"
            elif type(parent).__name__ == "AccumulateGrad":
                expected = "leaf"
                leaves[src] = parent.variable
            else:
                expected = "op"
                if src not in ops:
                    ops[src] = parent
                    todo.append((src, parent))
            if kinds[src] != expected:  # the graph and autograd disagree: a bug, not bad input
                raise RuntimeError(f"node {src} is a {kinds[src]} in the graph, {expected} here")
    return ops, leaves


def _trace_torch(tensor: torch.Tensor, names, lang: str) -> Trace:
    graph = autograd_graph(tensor, names)
    output = next(n.id for n in graph.nodes if n.kind == "output")
    ops, leaves = _pair_torch(graph, tensor)
    id_of = {fn: op_id for op_id, fn in ops.items()}
    recorded: list[tuple[str, tuple, tuple]] = []

    def record(fn):
        def hook(grad_inputs, grad_outputs):
            recorded.append((id_of[fn], grad_inputs, grad_outputs))

        return hook

    handles = [fn.register_hook(record(fn)) for fn in ops.values()]
    try:
        # Gradients with respect to the leaves: PyTorch runs every node, accumulates nothing.
        torch.autograd.grad(tensor, list(leaves.values()), retain_graph=True, allow_unused=True)
    except RuntimeError as err:
        if torch_errors.key_of(err) == "backward_twice":
            raise ValueError(say("explorers.bad_freed", lang)) from None
        raise
    finally:
        for handle in handles:
            handle.remove()

    def as_array(t) -> np.ndarray | None:
        return None if t is None else t.detach().cpu().numpy().astype(np.float64)

    steps = []
    inputs_of = graph.input_map()
    for op_id, grad_inputs, grad_outputs in recorded:
        sends = tuple(
            (src, as_array(g)) for src, g in zip(inputs_of[op_id], grad_inputs, strict=True)
        )
        steps.append(Step(op_id, as_array(grad_outputs[0]), sends))
    leaf_ids = tuple(n.id for n in graph.nodes if n.kind == "leaf")
    seed = np.ones(tuple(tensor.shape), dtype=np.float64)
    return Trace(graph, output, seed, tuple(steps), leaf_ids)


def _trace_engine(tensor: engine.Tensor, names) -> Trace:
    graph = engine.to_graph(tensor, names)
    output = next(n.id for n in graph.nodes if n.kind == "output")
    inputs_of = graph.input_map()
    ops: dict[str, engine.Tensor] = {inputs_of[output][0]: tensor}
    todo = list(ops.items())
    while todo:
        op_id, u = todo.pop()
        for src, parent in zip(inputs_of[op_id], u._parents, strict=True):
            if parent.requires_grad and not parent.is_leaf and src not in ops:
                ops[src] = parent
                todo.append((src, parent))
    id_of = {id(u): op_id for op_id, u in ops.items()}
    kinds = {n.id: n.kind for n in graph.nodes}
    # The engine's own backward loop: the steps backward() adds up, shown instead of summed.
    steps = []
    for node, grad, shares in engine.backpropagate(tensor):
        if node.is_leaf:  # a leaf hands nothing on: its step is the .grad it ends with
            continue
        sends = tuple(  # a constant drops its share: None
            (src, None if kinds[src] == "const" else np.array(share, dtype=np.float64))
            for src, share in zip(inputs_of[id_of[id(node)]], shares, strict=True)
        )
        steps.append(Step(id_of[id(node)], np.array(grad, dtype=np.float64), sends))
    seed = np.ones_like(tensor.data, dtype=np.float64)
    leaf_ids = tuple(n.id for n in graph.nodes if n.kind == "leaf")
    return Trace(graph, output, seed, tuple(steps), leaf_ids)


def example_1() -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Example 1 of the lecture: z = (⟨x, w⟩ − y)², x and w leaves that need gradients."""
    x = torch.arange(4.0, requires_grad=True)
    w = torch.tensor([1.0, -1.0, 0.5, 2.0], requires_grad=True)
    y = torch.tensor(3.0)
    z = (torch.dot(x, w) - y) ** 2
    return z, {"x": x, "w": w, "z": z}


def trace(tensor=None, names: Mapping | None = None, *, lang: str | None = None) -> Trace:
    """Record the backward pass of a scalar tensor (PyTorch or engine); Example 1 by default."""
    lang = resolve(lang)
    if tensor is None:
        tensor, names = example_1()
    if isinstance(tensor, torch.Tensor):
        library = "torch"
    elif isinstance(tensor, engine.Tensor):
        library = "engine"
    else:
        raise TypeError(say("explorers.bad_tensor", lang, got=type(tensor).__name__))
    if tensor.numel() != 1:
        raise ValueError(say("explorers.bad_scalar", lang, shape=tuple(tensor.shape)))
    has_history = tensor.grad_fn is not None
    if not has_history:
        raise ValueError(say("explorers.bad_history", lang))
    with use(lang):  # the nodes nobody named ("output", "leaf (3,)") are named in `lang`
        if library == "torch":
            return _trace_torch(tensor, names, lang)
        return _trace_engine(tensor, names)


def _node_order(graph: Graph) -> list[str]:
    """The ids of the nodes draw_graph draws, in the order it creates their boxes (row by row);
    a summarized drawing leaves some out."""
    return [node_id for row in drawn_rows(graph)[0] for node_id in row]


def _leaf_name(label: str) -> str:
    return label if label.isidentifier() else f"({label})"


def backward_frame(trace: Trace, step: int = 0, *, lang: str | None = None) -> tuple[Figure, dict]:
    """Draw the graph after `step` operations of the backward pass have run."""
    lang = resolve(lang)
    if not isinstance(trace, Trace):  # a tensor where its recorded backward pass belongs
        raise TypeError(say("explorers.bad_trace", lang, got=describe(trace, lang)))
    total = len(trace.steps)
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        raise TypeError(say("explorers.bad_step", lang, high=total, got=repr(step)))
    if not 0 <= step <= total:
        raise ValueError(say("explorers.bad_step", lang, high=total, got=repr(step)))
    labels = trace.labels()
    grads, shares = trace.state(step)
    running = trace.steps[step - 1] if step else None

    if running is None:
        lines = [say("explorers.bw_seed", lang, output=labels[trace.output])]
    else:
        lines = [
            say(
                "explorers.bw_runs",
                lang,
                step=step,
                total=total,
                node=labels[running.node],
                grad=array_text(running.arriving),
            )
        ]
        totals, counts = trace.state(step - 1)
        kinds = {node.id: node.kind for node in trace.graph.nodes}
        for target, grad in running.sends:
            name = labels[target]
            if kinds[target] == "leaf":
                name = f"{_leaf_name(name)}.grad"
            if grad is None:
                lines.append(say("explorers.bw_constant", lang, target=labels[target]))
                continue
            totals[target] = totals[target] + grad if target in totals else grad
            counts[target] = counts.get(target, 0) + 1
            if counts[target] > 1:  # a value used more than once: its shares add up
                lines.append(
                    say(
                        "explorers.bw_accumulates",
                        lang,
                        target=name,
                        grad=array_text(grad),
                        total=array_text(totals[target]),
                    )
                )
            else:
                lines.append(say("explorers.bw_sends", lang, target=name, grad=array_text(grad)))
    leaf_lines = []
    for leaf in trace.leaves:
        name = _leaf_name(labels[leaf])
        if leaf in grads:
            leaf_lines.append(f"{name}.grad = {array_text(grads[leaf])}")
        else:
            leaf_lines.append(say("explorers.bw_leaf_empty", lang, leaf=name))
    if step == total:
        lines.append(say("explorers.bw_done", lang))
    values = {
        "step": step,
        "total": total,
        "running": running.node if running else None,
        "grads": grads,
        "leaves": {leaf: grads.get(leaf) for leaf in trace.leaves},
        "caption": lines + leaf_lines,
    }

    # The narrative goes in the caption below the picture; the picture holds the graph, the
    # gradient each node holds so far, and the leaves' .grad.
    rows = drawn_rows(trace.graph)[0]  # a summarized drawing is shorter than the graph
    fig = new_figure(6.0, 0.7 * (len(rows) - 1) + 2.4)
    graph_ax = fig.add_subplot()
    draw_graph(trace.graph, ax=graph_ax, lang=lang)
    fonts = family()
    drawn = _node_order(trace.graph)
    for node_id, box in zip(drawn, graph_ax.texts[: len(drawn)], strict=True):
        patch = box.get_bbox_patch()
        if running is not None and node_id == running.node:
            patch.set_edgecolor(RUNNING)
            patch.set_linewidth(3.0)
        if node_id in grads:  # the gradient this node holds so far, right of its box
            fan_in = shares.get(node_id, 0) > 1
            graph_ax.annotate(
                array_text(grads[node_id]),
                xy=(1.0, 0.5),
                xycoords=box,
                xytext=(4, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=8,
                color=RUNNING if fan_in else "#1a1a1a",
                family=fonts,
                zorder=4,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            )
    title = say("explorers.bw_runs_short", lang) + ": " + labels[running.node] if running else ""
    graph_ax.set_title(
        f"{step}/{total}  {title}".rstrip(),
        family=fonts,
        fontsize=10,
        color=RUNNING if running else "black",
    )
    # Anchored a few points inside the axes' top-left corner: the box's padding would otherwise
    # reach past the axes, and the axes of a graph drawing reach the figure's left edge.
    graph_ax.annotate(
        say("explorers.bw_leaves", lang) + "\n" + "\n".join(leaf_lines),
        xy=(0.0, 1.0),
        xycoords="axes fraction",
        xytext=(6, -6),
        textcoords="offset points",
        va="top",
        ha="left",
        fontsize=9,
        family=fonts,
        bbox={"boxstyle": "round,pad=0.4", "facecolor": "#d8f0d2", "edgecolor": "#2f7d32"},
    )
    return fig, values


def explore_backward(tensor=None, names: Mapping | None = None, *, lang: str | None = None):
    """A live backward stepper for a scalar tensor (PyTorch or engine); Example 1 by default."""
    lang = resolve(lang)
    recorded = trace(tensor, names, lang=lang)
    total = len(recorded.steps)
    key = tuple(sorted({0, (total + 1) // 2, total}))
    return Explorer(
        kind="backward",
        controls=(Control("step", "explorers.step", "int", 0, total),),
        render=lambda lang, trace, step: backward_frame(trace, step, lang=lang),
        params={"trace": recorded, "step": 0},
        tour=Tour("step", tuple(range(total + 1)), key=key),
        lang=lang,
    )
