"""The computation graph autograd recorded for a tensor: as data, as a text tree, as a figure.

`autograd_graph(y)` walks `y.grad_fn` and its `next_functions` back to the leaves and returns a
`Graph` whose edges point in the forward direction (input -> op -> output). Any other producer
of graphs (for example a teaching engine) can build a `Graph` itself and reuse
`Graph.to_text()` and `draw_graph()`.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import torch

from autograd_lab.fonts import family as font_family
from autograd_lab.language import check as check_language
from autograd_lab.language import current, say, use
from autograd_lab.validation import check_axes, check_bool, check_text, describe, fail

if TYPE_CHECKING:  # matplotlib is imported lazily: building a graph needs no plotting stack
    from matplotlib.axes import Axes
    from matplotlib.legend import Legend

KINDS = ("op", "leaf", "output", "const")
# Above these sizes a graph is summarized (first and last levels, and a count), as text and
# as a figure: a person cannot read more, and a full figure would be metres wide.
TEXT_MAX_NODES, TEXT_MAX_LEVELS, TEXT_ROW_NODES = 200, 40, 8
DRAW_MAX_NODES, DRAW_MAX_LEVELS, DRAW_ROW_NODES = 60, 16, 10
HEAD_LEVELS, TAIL_LEVELS = 3, 3
INDENT_LEVELS = 40  # deeper lines of a full text tree carry their depth instead of indentation
# The tag after a node's name in the text tree (an operation carries none).
TAGS = {"leaf": "graph.tag_leaf", "output": "graph.tag_output", "const": "graph.tag_const"}


@dataclass(frozen=True)
class Node:
    """One node of a computation graph."""

    id: str
    label: str
    kind: str  # "op", "leaf", "output" or "const"

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not isinstance(self.label, str):
            fail(TypeError, "errors.g_node_text", id=describe(self.id), label=describe(self.label))
        if not isinstance(self.kind, str) or self.kind not in KINDS:
            error = ValueError if isinstance(self.kind, str) else TypeError
            fail(error, "errors.g_node_kind", kinds=", ".join(KINDS), got=describe(self.kind))


@dataclass(frozen=True)
class Graph:
    """A computation graph; edges point forward, from an input to the node that consumes it.

    The same pair may appear twice in `edges` when one value feeds an operation twice
    (as `x` does in `torch.dot(x, x)`); the order of `edges` is the order of the inputs.
    """

    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]

    def __post_init__(self) -> None:
        nodes, edges = self.nodes, self.edges
        if not isinstance(nodes, (tuple, list)) or not all(isinstance(n, Node) for n in nodes):
            fail(TypeError, "errors.g_nodes_type", got=describe(nodes))
        if not isinstance(edges, (tuple, list)):
            fail(TypeError, "errors.g_edges_type", got=describe(edges))
        if not nodes:
            fail(ValueError, "errors.g_empty")
        # Lists are accepted and stored as tuples: a Graph stays hashable and immutable.
        object.__setattr__(self, "nodes", tuple(nodes))
        object.__setattr__(
            self, "edges", tuple(tuple(e) if isinstance(e, list) else e for e in edges)
        )
        ids = [node.id for node in self.nodes]
        if len(set(ids)) != len(ids):
            repeated = sorted({i for i in ids if ids.count(i) > 1}) if len(ids) < 1000 else "…"
            fail(ValueError, "errors.g_unique", ids=repeated)
        known = set(ids)
        for edge in self.edges:
            if not isinstance(edge, tuple) or len(edge) != 2 or not set(edge) <= known:
                fail(ValueError, "errors.g_edge", edge=describe(edge), known=_some(sorted(known)))

    def __str__(self) -> str:
        return self.to_text()

    def inputs(self, node_id: str) -> list[str]:
        """Return the ids feeding `node_id`, in input order (repeated if used twice)."""
        inputs = self.input_map()
        if not isinstance(node_id, str) or node_id not in inputs:
            fail(
                ValueError,
                "errors.g_unknown_node",
                got=describe(node_id),
                known=_some(list(inputs)),
            )
        return inputs[node_id]

    def input_map(self) -> dict[str, list[str]]:
        """Return, for every node id, the ids feeding it in input order."""
        inputs: dict[str, list[str]] = {node.id: [] for node in self.nodes}
        for src, dst in self.edges:
            inputs[dst].append(src)
        return inputs

    def roots(self) -> list[str]:
        """Return the ids the text tree starts from: the outputs, else the nodes nobody consumes."""
        outputs = [node.id for node in self.nodes if node.kind == "output"]
        if outputs:
            return outputs
        consumed = {src for src, _ in self.edges}
        return [node.id for node in self.nodes if node.id not in consumed]

    def to_text(self, full: bool = False, lang: str | None = None) -> str:
        """Return the graph as a text tree rooted at the output, inputs indented below.

        A graph too large to read (more than TEXT_MAX_NODES nodes or TEXT_MAX_LEVELS levels)
        is summarized: its first and last levels, and how much was left out; `full=True`
        prints every node all the same. The text grows linearly with the graph: below
        INDENT_LEVELS levels a line is not indented further but starts with its depth, [57].
        Its tags ([leaf], [output], [const]) speak `lang` (None: the current language).
        """
        check_bool(full, "full")
        if lang is not None:
            check_language(lang)
        layer = layers(self)  # also rejects a cycle, which has no tree to print
        depth = max(layer.values()) + 1
        if not full and (len(self.nodes) > TEXT_MAX_NODES or depth > TEXT_MAX_LEVELS):
            return self._summary(layer, depth, lang)
        by_id = {node.id: node for node in self.nodes}
        inputs = self.input_map()
        lines: list[str] = []
        expanded: set[str] = set()
        # Explicit stack rather than recursion: a loop can record thousands of operations.
        stack = [(root, "", "", 0) for root in reversed(self.roots())]
        while stack:
            node_id, lead, child_lead, level = stack.pop()
            text = _text_label(by_id[node_id], lang)
            if level > INDENT_LEVELS:
                text = f"[{level}] {text}"
            if node_id in expanded and inputs[node_id]:
                # its inputs were already listed higher up in the tree
                lines.append(f"{lead}{text}  {say('graph.shown_above', lang)}")
                continue
            lines.append(lead + text)
            expanded.add(node_id)
            children = inputs[node_id]
            for i in reversed(range(len(children))):
                last = i == len(children) - 1
                # Past INDENT_LEVELS the lead stops growing, so no line is longer than a
                # constant: the whole text stays linear in the size of the graph.
                deeper = level < INDENT_LEVELS
                stack.append(
                    (
                        children[i],
                        child_lead + ("└── " if last else "├── "),
                        child_lead + ("    " if last else "│   ") if deeper else child_lead,
                        level + 1,
                    )
                )
        return "\n".join(lines)

    def _summary(self, layer: dict[str, int], depth: int, lang: str | None) -> str:
        by_id = {node.id: node for node in self.nodes}
        rows = level_rows(self, layer, depth)
        lines = []
        for level in _shown_levels(depth):
            if level == depth - TAIL_LEVELS and level > HEAD_LEVELS:
                lines.append(self._gap(rows, depth, lang=lang))
            row = rows[level]
            names = [_text_label(by_id[i], lang) for i in row[:TEXT_ROW_NODES]]
            if len(row) > TEXT_ROW_NODES:
                names.append(say("errors.g_more", lang, count=len(row) - TEXT_ROW_NODES))
            lines.append(f"{say('errors.g_level', lang, level=level)} {', '.join(names)}")
        if depth <= HEAD_LEVELS + TAIL_LEVELS:
            lines.append(self._gap(rows, depth, lang=lang))
        return "\n".join(lines)

    def _gap(
        self,
        rows: list[list[str]],
        depth: int,
        row_nodes: int = TEXT_ROW_NODES,
        lang: str | None = None,
    ) -> str:
        hidden = rows[HEAD_LEVELS : max(HEAD_LEVELS, depth - TAIL_LEVELS)]
        hidden_nodes = sum(map(len, hidden)) + sum(
            max(0, len(r) - row_nodes) for r in _shown(rows, depth)
        )
        if not hidden:  # every level is shown, only wide ones cut short
            widest = max(map(len, rows))
            return say(
                "errors.g_summary_wide",
                lang,
                hidden_nodes=hidden_nodes,
                nodes=len(self.nodes),
                widest=widest,
                shown=row_nodes,
            )
        return say(
            "errors.g_summary",
            lang,
            hidden_levels=len(hidden),
            hidden_nodes=hidden_nodes,
            nodes=len(self.nodes),
            levels=depth,
            head=min(HEAD_LEVELS, depth),
            tail=min(TAIL_LEVELS, max(0, depth - HEAD_LEVELS)),
        )

    def tree_order(self) -> list[str]:
        """Return the node ids in the order the text tree first mentions them."""
        inputs = self.input_map()
        seen: dict[str, None] = {}
        stack = list(reversed(self.roots()))
        while stack:
            node_id = stack.pop()
            if node_id in seen:
                continue
            seen[node_id] = None
            stack.extend(reversed(inputs[node_id]))
        return list(seen) + [node.id for node in self.nodes if node.id not in seen]


def _shown_levels(depth: int) -> list[int]:
    """The levels a summary shows: the first HEAD_LEVELS and the last TAIL_LEVELS."""
    head = list(range(min(HEAD_LEVELS, depth)))
    return head + list(range(max(HEAD_LEVELS, depth - TAIL_LEVELS), depth))


def _shown(rows: list[list[str]], depth: int) -> list[list[str]]:
    """The rows a summary shows: the first HEAD_LEVELS and the last TAIL_LEVELS."""
    return [rows[i] for i in _shown_levels(depth)]


def _text_label(node: Node, lang: str | None = None) -> str:
    return node.label if node.kind == "op" else f"{node.label}  {say(TAGS[node.kind], lang)}"


def _some(ids: list[str], limit: int = 10) -> str:
    """The first ids of a list, for a message about a graph of any size."""
    more = ", " + say("errors.g_in_all", count=len(ids)) if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more


def level_rows(graph: Graph, layer: dict[str, int], depth: int) -> list[list[str]]:
    """The node ids of each level, each level in text-tree order."""
    if not isinstance(graph, Graph):
        fail(TypeError, "errors.not_graph", func="level_rows", got=describe(graph))
    rows: list[list[str]] = [[] for _ in range(depth)]
    for node_id in graph.tree_order():
        rows[layer[node_id]].append(node_id)
    return rows


def _leaf_name(t: torch.Tensor) -> str:
    """The name of a leaf nobody named, like "leaf (3,)", in the current language."""
    return say("graph.name_leaf", shape=tuple(t.shape))


def _check_names(names: Mapping[str, torch.Tensor] | None) -> dict[int, str]:
    if names is None:
        return {}
    if not isinstance(names, Mapping):
        fail(TypeError, "errors.g_names_type", name="names", got=describe(names))
    by_identity = {}
    for name, value in names.items():
        if not isinstance(name, str) or not isinstance(value, torch.Tensor):
            fail(
                TypeError,
                "errors.g_names_items",
                name="names",
                entry=repr(name),
                got=describe(value),
            )
        by_identity[id(value)] = name
    return by_identity


def _const_label(fn, slot: int, name_of: dict[int, str]) -> str:
    """Name the constant in input `slot` of `fn`, when PyTorch still holds it."""
    # Binary ops such as mul and div save their operands as _saved_self / _saved_other (slots
    # 0 / 1); backward frees them, after which the constant can only be called a constant.
    attrs = ("_saved_self", "_saved_other")
    # Looked up on the class: reading a freed saved tensor raises RuntimeError, not AttributeError.
    if slot > 1 or len(fn.next_functions) != 2 or not all(hasattr(type(fn), a) for a in attrs):
        return say("graph.name_const")
    try:
        value = getattr(fn, attrs[slot])
    except RuntimeError:
        return say("graph.name_const")
    if not isinstance(value, torch.Tensor):
        return say("graph.name_const")
    if id(value) in name_of:
        return name_of[id(value)]
    if value.numel() == 1:
        return f"{value.item():g}"
    return say("graph.name_const")


def walk_graph(root, output_label: str, op_label, inputs) -> Graph:
    """Walk a recorded graph from its last operation `root` back to the leaves.

    The one walk behind `autograd_graph` (PyTorch's graphs) and `engine.to_graph` (the
    teaching engine's), so the two agree whenever the recordings do. `op_label(op)` names an
    operation; `inputs(op)` lists its inputs in order, each as ("const", label, None),
    ("leaf", label, key) or ("op", None, op), with hashable keys and ops.
    """
    nodes: list[Node] = [Node("n0", output_label, "output")]
    edges: list[tuple[str, str]] = []
    # Keyed by the operations and leaf keys themselves (kept alive in these dicts while walking).
    op_ids: dict[object, str] = {}
    leaf_ids: dict[object, str] = {}

    def add(label: str, kind: str) -> str:
        nodes.append(Node(f"n{len(nodes)}", label, kind))
        return nodes[-1].id

    def add_op(op) -> str:
        op_ids[op] = add(op_label(op), "op")
        return op_ids[op]

    edges.append((add_op(root), "n0"))
    stack = [root]  # explicit rather than recursive: graphs may be deep
    while stack:
        op = stack.pop()
        for kind, label, item in inputs(op):
            if kind == "const":
                src = add(label, "const")
            elif kind == "leaf":
                if item not in leaf_ids:
                    leaf_ids[item] = add(label, "leaf")
                src = leaf_ids[item]
            elif item in op_ids:
                src = op_ids[item]
            else:
                src = add_op(item)
                stack.append(item)
            edges.append((src, op_ids[op]))
    # Discovery order above is depth-first from the last input; renumber in text-tree order
    # so ids read top to bottom like the printed tree.
    raw = Graph(nodes=tuple(nodes), edges=tuple(edges))
    renumber = {old: f"n{i}" for i, old in enumerate(raw.tree_order())}
    by_id = {node.id: node for node in nodes}
    return Graph(
        nodes=tuple(
            Node(renumber[old], by_id[old].label, by_id[old].kind)
            for old in sorted(renumber, key=renumber.get)
        ),
        edges=tuple((renumber[src], renumber[dst]) for src, dst in edges),
    )


def autograd_graph(
    tensor: torch.Tensor,
    names: Mapping[str, torch.Tensor] | None = None,
    *,
    lang: str | None = None,
) -> Graph:
    """Walk the graph autograd recorded for `tensor`; `names` like {"x": x} label tensors.

    The nodes `names` leaves unnamed are called "output", "leaf (3,)" or "const" in `lang`
    (None: the current language).
    """
    if not isinstance(tensor, torch.Tensor):
        fail(TypeError, "errors.g_not_tensor", func="autograd_graph", got=describe(tensor))
    name_of = _check_names(names)
    with use(current(lang)):
        return _walk_torch(tensor, names, name_of)


def _walk_torch(tensor: torch.Tensor, names, name_of: dict[int, str]) -> Graph:
    """The graph of a checked tensor, its unnamed nodes named in the current language."""
    if tensor.grad_fn is None:
        if not tensor.requires_grad:
            fail(ValueError, "errors.g_no_history")
        label = name_of.get(id(tensor), _leaf_name(tensor))
        return Graph(nodes=(Node("n0", label, "leaf"),), edges=())
    # (grad_fn, name) of named intermediate tensors; holding the grad_fn objects keeps the
    # identity checks valid. The output's own name already labels the output node.
    produced_by = [
        (t.grad_fn, name)
        for name, t in (names or {}).items()
        if t.grad_fn is not None and t is not tensor
    ]

    def op_label(fn) -> str:
        made = [name for grad_fn, name in produced_by if grad_fn is fn]
        return f"{type(fn).__name__} → {', '.join(made)}" if made else type(fn).__name__

    def inputs(fn):
        for slot, (parent, _) in enumerate(fn.next_functions):
            if parent is None:  # an input that needs no gradient: a constant to autograd
                yield "const", _const_label(fn, slot, name_of), None
            elif type(parent).__name__ == "AccumulateGrad":
                leaf = parent.variable
                yield "leaf", name_of.get(id(leaf), _leaf_name(leaf)), parent
            else:
                yield "op", None, parent

    output = name_of.get(id(tensor), say("graph.name_output"))
    return walk_graph(tensor.grad_fn, output, op_label, inputs)


def graph_text(
    tensor: torch.Tensor,
    names: Mapping[str, torch.Tensor] | None = None,
    *,
    full: bool = False,
    lang: str | None = None,
) -> str:
    """Return the text tree of the graph autograd recorded for `tensor` (large ones summarized)."""
    check_bool(full, "full")
    return autograd_graph(tensor, names, lang=lang).to_text(full=full, lang=lang)


def layers(graph: Graph) -> dict[str, int]:
    """Return each node's layer: 0 for the outputs, 1 + the deepest consumer for the rest."""
    if not isinstance(graph, Graph):
        fail(TypeError, "errors.not_graph", func="layers", got=describe(graph))
    pending = {node.id: 0 for node in graph.nodes}  # consumers not yet placed
    for src, _ in graph.edges:
        pending[src] += 1
    producers = graph.input_map()
    layer = {node.id: 0 for node in graph.nodes}
    ready = [node.id for node in graph.nodes if pending[node.id] == 0]
    done = 0
    while ready:
        node_id = ready.pop()
        done += 1
        for src in producers[node_id]:
            layer[src] = max(layer[src], layer[node_id] + 1)
            pending[src] -= 1
            if pending[src] == 0:
                ready.append(src)
    if done != len(graph.nodes):
        stuck = next(node_id for node_id, count in pending.items() if count > 0)
        fail(ValueError, "errors.g_cycle", node=stuck)
    return layer


STYLES = {
    "op": {"facecolor": "#dbe9f6", "edgecolor": "#3d6fa8", "linestyle": "-"},
    "leaf": {"facecolor": "#d8f0d2", "edgecolor": "#2f7d32", "linestyle": "-"},
    "output": {"facecolor": "#fde2c8", "edgecolor": "#c8661a", "linestyle": "-"},
    "const": {"facecolor": "#eeeeee", "edgecolor": "#888888", "linestyle": "--"},
}
LEGEND = {  # each kind of node's name in the legend
    "op": "graph.kind_op",
    "leaf": "graph.kind_leaf",
    "output": "graph.kind_output",
    "const": "graph.kind_const",
}


def drawn_rows(
    graph: Graph, lang: str | None = None
) -> tuple[list[list[str]], int | None, str | None]:
    """The rows of node ids `draw_graph` draws, top first; where a summary left levels out
    (an empty row), and the sentence saying so in `lang` (None when the whole graph is drawn)."""
    layer = layers(graph)
    levels = max(layer.values()) + 1
    full = level_rows(graph, layer, levels)
    if (
        len(graph.nodes) <= DRAW_MAX_NODES
        and levels <= DRAW_MAX_LEVELS
        and max(map(len, full)) <= DRAW_ROW_NODES
    ):
        return full, None, None
    rows = [full[i][:DRAW_ROW_NODES] for i in _shown_levels(levels)]
    gap = None
    if levels > HEAD_LEVELS + TAIL_LEVELS:  # an empty row where the left-out levels were
        gap = min(HEAD_LEVELS, levels)
        rows.insert(gap, [])
    return rows, gap, graph._gap(full, levels, DRAW_ROW_NODES, lang)


def draw_graph(
    graph: Graph, ax: Axes | None = None, *, title: str | None = None, lang: str | None = None
) -> Axes:
    """Draw `graph` in layers, output on top and inputs below, arrows in the forward direction.

    A graph too large to read (more than DRAW_MAX_NODES nodes, DRAW_MAX_LEVELS levels or
    DRAW_ROW_NODES nodes side by side) is summarized: its first and last levels, and between
    them a line saying how much was left out.
    """
    if not isinstance(graph, Graph):
        fail(TypeError, "errors.g_draw_type", got=describe(graph))
    check_axes(ax)
    check_text(title, "title")
    if lang is not None:
        check_language(lang)
    from matplotlib.patches import Patch

    rows, gap, note = drawn_rows(graph, lang)
    row_of = {node_id: r for r, row in enumerate(rows) for node_id in row}
    depth = len(rows)
    width = max((len(row) for row in rows), default=1)
    if ax is None:
        import matplotlib.pyplot as plt

        least = 3.0 if note is None else 6.0  # room for the summary's sentence
        top = 0.0 if note is None or gap is not None else 0.7
        fig, ax = plt.subplots(figsize=(max(least, 1.9 * width), 0.6 * depth + 0.8 + top))
        fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.98 if title is None else 0.9)

    family = font_family()
    kinds = {node.id: node.kind for node in graph.nodes}
    labels = {node.id: node.label for node in graph.nodes}
    boxes = {}
    for r, row in enumerate(rows):
        for c, node_id in enumerate(row):
            x = c - (len(row) - 1) / 2
            y = depth - 1 - r
            style = STYLES[kinds[node_id]]
            text = ax.text(
                x,
                y,
                labels[node_id],
                ha="center",
                va="center",
                fontsize=9,
                family=family,
                zorder=2,
                bbox={"boxstyle": "round,pad=0.35", "linewidth": 1.2, **style},
            )
            boxes[node_id] = (text, (x, y))

    extra_top = 0.0
    if note is not None:
        columns = int(ax.figure.get_size_inches()[0] * ax.get_position().width * 12)
        y, extra_top = (depth - 1 - gap, 0.0) if gap is not None else (depth - 0.3, 0.7)
        ax.text(
            0, y, textwrap.fill(note, max(columns, 30)), ha="center",
            va="center" if gap is not None else "bottom", fontsize=8, family=family,
            color="#555555", style="italic",
        )  # fmt: skip
    edges = [(src, dst) for src, dst in graph.edges if src in row_of and dst in row_of]
    seen: dict[tuple[str, str], int] = {}
    for src, dst in edges:
        seen[(src, dst)] = seen.get((src, dst), 0) + 1
    drawn: dict[tuple[str, str], int] = {}
    for src, dst in edges:
        k, i = seen[(src, dst)], drawn.get((src, dst), 0)
        drawn[(src, dst)] = i + 1
        rad = 0.0 if k == 1 else 0.35 * (i - (k - 1) / 2)  # bend repeated inputs apart
        (x0, y0), (x1, y1) = boxes[src][1], boxes[dst][1]
        if row_of[src] - row_of[dst] > 1:  # bow edges that skip a layer around the nodes between
            # an arc3 bulges by rad * length / 2; clear about 0.75 units, half a wide box
            rad -= 1.5 / math.hypot(x1 - x0, y1 - y0)
        # Above the boxes: an arrow is clipped to the box outlines, which matplotlib only
        # positions when it draws the text, so the text must be drawn first.
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            zorder=3,
            arrowprops={
                "arrowstyle": "-|>",
                "color": "#555555",
                "linewidth": 1.1,
                "shrinkA": 1,
                "shrinkB": 1,
                "patchA": boxes[src][0].get_bbox_patch(),
                "patchB": boxes[dst][0].get_bbox_patch(),
                "connectionstyle": f"arc3,rad={rad}",
            },
        )

    present = [kind for kind in KINDS if kind in {kinds[i] for i in row_of}]
    handles = [
        Patch(label=say(LEGEND[kind], lang), **{k: v for k, v in STYLES[kind].items()})
        for kind in present
    ]
    ax.legend(
        handles=handles,
        loc="lower center",
        ncol=len(handles),
        frameon=False,
        prop={"family": family, "size": 8},
        handlelength=1.2,
        columnspacing=1.0,
    )
    half = max(width, 2) / 2
    ax.set_xlim(-half, half)
    ax.set_ylim(-1.15, depth - 0.5 + extra_top)
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title, family=family, fontsize=10)
    return ax


def draw(
    tensor: torch.Tensor,
    names: Mapping[str, torch.Tensor] | None = None,
    ax: Axes | None = None,
    *,
    title: str | None = None,
    lang: str | None = None,
) -> Axes:
    """Draw the graph autograd recorded for `tensor`."""
    check_axes(ax)
    check_text(title, "title")
    # lang names the unnamed boxes ("output", "leaf (3,)") as well as the legend
    return draw_graph(autograd_graph(tensor, names, lang=lang), ax=ax, title=title, lang=lang)


def merge_legends(axes: Sequence[Axes]) -> Legend | None:
    """Replace the legends of side-by-side drawings by one legend below their figure."""
    if hasattr(axes, "get_legend"):
        axes = [axes]
    elif not isinstance(axes, Sequence) and not hasattr(axes, "flat"):
        fail(TypeError, "errors.not_axes", name="axes", got=describe(axes))
    axes = list(getattr(axes, "flat", axes))  # a list, or plt.subplots' array of Axes
    for ax in axes:
        if ax is None:
            fail(TypeError, "errors.not_axes", name="axes", got=describe(ax))
        check_axes(ax, "axes")
    if not axes:
        return None
    shared = {}  # label -> handle: an entry the drawings share is listed once, in first order
    for ax in axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        for handle, text in zip(legend.legend_handles, legend.get_texts(), strict=True):
            shared.setdefault(text.get_text(), handle)
        legend.remove()
    if not shared:
        return None
    fig = axes[0].figure
    return fig.legend(
        list(shared.values()), list(shared), loc="lower center", ncol=len(shared), frameon=False
    )
