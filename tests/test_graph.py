"""The graph autograd records, read back from real PyTorch tensors."""

from __future__ import annotations

import matplotlib
import pytest
import torch
from matplotlib.figure import Figure

from autograd_lab import Graph, Node, autograd_graph, draw, draw_graph, graph_text, language
from autograd_lab.exercises import control_flow_f as control_flow  # the notes' f(a)
from autograd_lab.graph import layers


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """The messages these tests match are the English ones (the default language is Chinese)."""
    monkeypatch.setenv("AUTOGRAD_LAB_LANG", "en")


@pytest.fixture
def x():
    return torch.arange(4.0, requires_grad=True)


def kinds(graph: Graph) -> dict[str, str]:
    return {node.label: node.kind for node in graph.nodes}


def test_two_x_dot_x_is_mul_of_dot_of_x_twice(x):
    y = 2 * torch.dot(x, x)
    assert graph_text(y, {"x": x, "y": y}) == (
        "y  [output]\n"
        "└── MulBackward0\n"
        "    ├── DotBackward0\n"
        "    │   ├── x  [leaf]\n"
        "    │   └── x  [leaf]\n"
        "    └── 2  [const]"
    )


def test_graph_data_for_two_x_dot_x(x):
    y = 2 * torch.dot(x, x)
    graph = autograd_graph(y, {"x": x})
    assert graph.nodes == (
        Node("n0", "output", "output"),
        Node("n1", "MulBackward0", "op"),
        Node("n2", "DotBackward0", "op"),
        Node("n3", "x", "leaf"),
        Node("n4", "2", "const"),
    )
    # forward direction, x feeds the dot product twice, inputs in argument order
    assert graph.edges == (("n1", "n0"), ("n2", "n1"), ("n4", "n1"), ("n3", "n2"), ("n3", "n2"))


def test_the_walk_is_deterministic(x):
    texts = {graph_text(2 * torch.dot(x, x), {"x": x}) for _ in range(5)}
    assert len(texts) == 1


def test_x_times_x_then_sum(x):
    text = graph_text((x * x).sum(), {"x": x})
    assert text.splitlines() == [
        "output  [output]",
        "└── SumBackward0",
        "    └── MulBackward0",
        "        ├── x  [leaf]",
        "        └── x  [leaf]",
    ]


def test_detach_cuts_the_graph(x):
    y = x * x
    u = y.detach()
    z = u * x
    graph = autograd_graph(z, {"x": x, "u": u, "z": z})
    assert kinds(graph) == {"z": "output", "MulBackward0": "op", "u": "const", "x": "leaf"}
    # y's own multiplication is not in z's history
    assert [n.label for n in graph.nodes].count("MulBackward0") == 1


def test_constants_are_named_only_while_pytorch_holds_them(x):
    u = (x * x).detach()
    z = u * x
    before = graph_text(z, {"x": x, "u": u})
    z.sum().backward()  # frees the saved operands
    after = graph_text(z, {"x": x, "u": u})
    assert "u  [const]" in before
    assert "const  [const]" in after


@pytest.mark.parametrize(("a", "muls"), [(-0.7648, 12), (1.5, 10), (600.0, 1)])
def test_control_flow_graph_depends_on_the_input(a, muls):
    a = torch.tensor(a, requires_grad=True)
    graph = autograd_graph(control_flow(a), {"a": a})
    assert [n.label for n in graph.nodes].count("MulBackward0") == muls
    assert ("100  [const]" in graph.to_text()) == (a.item() < 0)


def test_named_intermediate_labels_its_operation(x):
    w = x.exp()
    text = graph_text((w * w + w).sum(), {"x": x, "w": w})
    assert text.count("ExpBackward0 → w") == 3
    # w feeds two operations: its inputs are listed once, then referred to
    assert text.count("(↑ shown above)") == 2
    assert text.count("x  [leaf]") == 1


def test_the_text_tree_speaks_the_learners_language(x):
    y = 2 * torch.dot(x, x)
    with language.use("zh"):
        assert graph_text(y, {"x": x}) == (
            "输出  [输出]\n"
            "└── MulBackward0\n"
            "    ├── DotBackward0\n"
            "    │   ├── x  [叶子]\n"
            "    │   └── x  [叶子]\n"
            "    └── 2  [常量]"
        )
        assert graph_text(torch.ones(2, 3, requires_grad=True)) == "叶子 (2, 3)  [叶子]"
        w = x.exp()
        shared = graph_text((w * w + w).sum(), {"x": x, "w": w})
        assert shared.count("ExpBackward0 → w  （↑ 见上方）") == 2
        u = (x * x).detach()
        z = u * x
        z.sum().backward()  # frees the saved operands: the constant has no name left
        freed = graph_text(z)
    assert "常量  [常量]" in freed
    for text in (shared, freed):  # and no English tag is left in the Chinese text
        assert not any(tag in text for tag in ("[leaf]", "[output]", "[const]", "shown above"))


def test_leaf_that_requires_grad_is_its_own_graph(x):
    assert autograd_graph(x, {"x": x}) == Graph(nodes=(Node("n0", "x", "leaf"),), edges=())
    assert graph_text(torch.ones(2, 3, requires_grad=True)) == "leaf (2, 3)  [leaf]"


def test_tensor_without_history_gets_a_clear_message(x):
    with pytest.raises(ValueError, match="no autograd history.*requires_grad=True"):
        autograd_graph(torch.arange(4.0))
    with pytest.raises(ValueError, match="detach"):
        graph_text((x * x).detach())


def test_non_tensor_is_a_type_error():
    with pytest.raises(TypeError, match="needs a torch.Tensor.*y = 2 \\* torch.dot"):
        autograd_graph([1.0, 2.0])


@pytest.mark.parametrize("names", [["x"], {"x": [0.0]}, {1: torch.zeros(1)}])
def test_bad_names_say_how_to_pass_them(x, names):
    with pytest.raises(TypeError, match='like {"x": x}'):
        autograd_graph(x * 2, names)


def test_deep_graph_does_not_hit_the_recursion_limit():
    a = torch.tensor(1.0, requires_grad=True)
    b = a
    for _ in range(3000):
        b = b * 1.0
    graph = autograd_graph(b)
    assert len(graph.nodes) == 1 + 3000 + 1 + 3000  # output, ops, leaf, constants
    assert len(graph.to_text(full=True).splitlines()) == len(graph.nodes)
    assert max(layers(graph).values()) == 3001


def test_hand_built_graph_renders_like_the_notes_example():
    # the lecture's z = (<x, w> - y)^2, as a teaching engine would build it
    graph = Graph(
        nodes=(
            Node("z", "z = b²", "output"),
            Node("sq", "square", "op"),
            Node("sub", "b = a - y", "op"),
            Node("dot", "a = <x, w>", "op"),
            Node("x", "x", "leaf"),
            Node("w", "w", "leaf"),
            Node("y", "y", "const"),
        ),
        edges=(
            ("sq", "z"),
            ("sub", "sq"),
            ("dot", "sub"),
            ("y", "sub"),
            ("x", "dot"),
            ("w", "dot"),
        ),
    )
    assert str(graph) == (
        "z = b²  [output]\n"
        "└── square\n"
        "    └── b = a - y\n"
        "        ├── a = <x, w>\n"
        "        │   ├── x  [leaf]\n"
        "        │   └── w  [leaf]\n"
        "        └── y  [const]"
    )
    assert layers(graph) == {"z": 0, "sq": 1, "sub": 2, "dot": 3, "x": 4, "w": 4, "y": 3}


def test_graph_without_output_starts_from_unconsumed_nodes():
    graph = Graph(
        nodes=(Node("a", "a", "leaf"), Node("f", "f", "op"), Node("g", "g", "op")),
        edges=(("a", "f"), ("a", "g")),
    )
    assert graph.to_text() == "f\n└── a  [leaf]\ng\n└── a  [leaf]"


@pytest.mark.parametrize(
    ("nodes", "edges", "message"),
    [
        ((Node("a", "a", "leaf"), Node("a", "b", "leaf")), (), "unique"),
        ((Node("a", "a", "leaf"),), (("a", "b"),), "pair of node ids"),
    ],
)
def test_malformed_graphs_are_rejected(nodes, edges, message):
    with pytest.raises(ValueError, match=message):
        Graph(nodes=nodes, edges=edges)


def test_unknown_kind_is_rejected():
    with pytest.raises(ValueError, match="one of"):
        Node("a", "a", "tensor")


def test_cycles_cannot_be_drawn():
    graph = Graph(
        nodes=(Node("a", "a", "op"), Node("b", "b", "op")), edges=(("a", "b"), ("b", "a"))
    )
    with pytest.raises(ValueError, match="cycle"):
        draw_graph(graph, ax=Figure().add_subplot())


def test_draw_returns_the_axes_it_was_given(x):
    ax = Figure().add_subplot()
    y = 2 * torch.dot(x, x)
    assert draw(y, {"x": x}, ax=ax) is ax
    texts = sorted(t.get_text() for t in ax.texts if t.get_text())
    assert texts == ["2", "DotBackward0", "MulBackward0", "output", "x"]
    arrows = [c for c in ax.get_children() if getattr(c, "arrow_patch", None) is not None]
    assert len(arrows) == len(autograd_graph(y).edges) == 5


def test_drawn_boxes_speak_the_drawings_language(x):
    y = 2 * torch.dot(x, x)

    def boxes(ax):
        return sorted(t.get_text() for t in ax.texts if t.get_text())

    with language.use("zh"):
        ax = draw(y, ax=Figure().add_subplot())
        assert boxes(ax) == ["2", "DotBackward0", "MulBackward0", "叶子 (4,)", "输出"]
        assert [t.get_text() for t in ax.get_legend().get_texts()][1:] == [
            "叶子节点",
            "输出",
            "常量",
        ]
        # lang= names the boxes as well as the legend, whatever the notebook speaks
        english = boxes(draw(y, ax=Figure().add_subplot(), lang="en"))
    assert english == ["2", "DotBackward0", "MulBackward0", "leaf (4,)", "output"]
    assert boxes(draw(y, ax=Figure().add_subplot(), lang="zh"))[-1] == "输出"


def test_draw_graph_needs_a_graph(x):
    with pytest.raises(TypeError, match="draw\\(y\\)"):
        draw_graph(x * 2)


def test_drawing_leaves_global_style_alone(x):
    before = dict(matplotlib.rcParams)
    draw(x * 2, ax=Figure().add_subplot())
    assert dict(matplotlib.rcParams) == before


def test_a_message_about_a_large_graph_lists_a_few_ids_in_the_learners_language():
    nodes = tuple(Node(f"n{i}", f"v{i}", "leaf") for i in range(12))
    with pytest.raises(ValueError, match=r"n0, n1, .*, … \(12 in all\)"):
        Graph(nodes=nodes, edges=(("n0", "nope"),))
    with language.use("zh"), pytest.raises(ValueError, match="…（共 12 个）"):
        Graph(nodes=nodes, edges=(("n0", "nope"),))


def test_lang_chooses_the_words_of_one_text_whatever_the_notebook_speaks(x):
    y = (x * 3).sum()
    with language.use("zh"):
        english = graph_text(y, lang="en")
        graph = autograd_graph(y, lang="en")
    assert english.splitlines()[0] == "output  [output]" and "leaf (4,)  [leaf]" in english
    assert graph.to_text(lang="zh").splitlines()[0] == "output  [输出]"  # names are data
    deep = torch.tensor(0.5, requires_grad=True)
    for _ in range(60):
        deep = deep.tanh()
    assert graph_text(deep, lang="zh").splitlines()[0] == "第 0 层： 输出  [输出]"
    with pytest.raises(ValueError, match="unknown language"):
        graph_text(y, lang="fr")
