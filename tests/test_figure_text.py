"""What the figures say: English figures carry no Chinese, Chinese ones do, no glyph is missing.

Every string a figure draws is collected from its text artists after a full draw (titles, axis
labels, tick labels, texts, legend entries, annotations), for the lecture figures F1-F7, the
graph drawings of `autograd_lab.graph` and the default plot labels of `autograd_lab.plotting`.
"""

from __future__ import annotations

import re
import string
import warnings

import matplotlib as mpl
import numpy as np
import pytest
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from autograd_lab import draw, draw_graph, figures, language, plot_tangent
from autograd_lab.course import LANGUAGES
from autograd_lab.fonts import GLYPH_WARNING, cjk_family, course_rc
from autograd_lab.graph import autograd_graph
from tests.helpers import CJK

DRAWN = [(lang, name) for lang in LANGUAGES for name in figures.FIGURES]
DRAWN_IDS = [f"{lang}-{name}" for lang, name in DRAWN]


def draw_fully(fig) -> list[str]:
    """Draw the figure as saving it would; return the missing-glyph warnings it raised."""
    with mpl.rc_context(course_rc()), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.canvas.draw()
    return [str(w.message) for w in caught if re.search(GLYPH_WARNING, str(w.message))]


def shown_texts(fig) -> list[str]:
    """Every non-empty string the figure shows (draw it first, so that its ticks are placed)."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def cut_texts(fig) -> list[str]:
    """The strings that reach past the edge of the figure (call after a full draw)."""
    renderer, edge = fig.canvas.get_renderer(), fig.bbox
    cut = []
    for t in fig.findobj(Text):
        if t.get_visible() and t.get_text().strip():
            box = t.get_window_extent(renderer)
            if (
                box.x0 < edge.x0 - 1
                or box.x1 > edge.x1 + 1
                or box.y0 < edge.y0 - 1
                or (box.y1 > edge.y1 + 1)
            ):
                cut.append(t.get_text())
    return cut


def drawn_texts(fig) -> list[str]:
    """Every non-empty string the figure shows, after a full draw."""
    draw_fully(fig)
    return shown_texts(fig)


def chinese(texts) -> list[str]:
    return [t for t in texts if CJK.search(t)]


def new_axes():
    fig = Figure(figsize=(5, 3))
    FigureCanvasAgg(fig)
    return fig.add_subplot()


@pytest.fixture(scope="module")
def drawn():
    """Every lecture figure in every language, drawn once: its strings and missing glyphs."""
    result = {}
    for lang, name in DRAWN:
        fig = figures.draw(name, lang)
        missing = draw_fully(fig)
        result[lang, name] = {"texts": shown_texts(fig), "missing": missing, "cut": cut_texts(fig)}
    return result


@pytest.fixture(scope="module")
def texts(drawn):
    return {key: figure["texts"] for key, figure in drawn.items()}


@pytest.mark.parametrize(("lang", "name"), DRAWN, ids=DRAWN_IDS)
def test_a_figure_speaks_only_its_language(texts, lang, name):
    found = texts[lang, name]
    assert len(found) >= 3, f"{name}: hardly any text collected: {found}"
    if lang == "zh":
        assert chinese(found), f"{name}: the Chinese figure draws no Chinese"
    else:
        assert chinese(found) == [], f"{name} ({lang}) draws Chinese: {chinese(found)}"


def _literal_parts(sentence: str) -> list[str]:
    """The pieces of a message between its {fields}, split at line breaks, stripped."""
    parts = [literal for literal, *_ in string.Formatter().parse(sentence)]
    return [p.strip() for part in parts for p in part.split("\n") if len(p.strip()) >= 2]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_word_of_the_figures_topic_is_drawn_in_its_figure(texts, lang):
    """The words come from the catalogs: each one shows up in the figure it names."""
    by_number = {name[:2]: name for name in figures.FIGURES}
    for key, sentence in language.sentences(lang).items():
        topic, _, name = key.partition(".")
        if topic != "figures":
            continue
        drawn = "\n".join(texts[lang, by_number[name[:2]]])
        for part in _literal_parts(sentence):
            assert part in drawn, f"{key} ({lang}): {part!r} is not drawn"


def test_the_collector_sees_titles_ticks_legends_and_annotations():
    """Plant Chinese in each kind of text artist of an English figure: every one is found."""
    fig = figures.draw("f7_complexity", "en")
    time_ax, memory_ax = fig.axes
    time_ax.set_xticks([0, 10], ["零", "十"])
    memory_ax.get_legend().get_texts()[0].set_text("反向")
    memory_ax.annotate("注释", (10, 10))
    time_ax.set_title("时间")
    assert set(chinese(drawn_texts(fig))) == {"零", "十", "反向", "注释", "时间"}


@pytest.mark.skipif(cjk_family() is None, reason="no CJK font installed (Debian fonts-noto-cjk)")
@pytest.mark.parametrize(("lang", "name"), DRAWN, ids=DRAWN_IDS)
def test_no_glyph_is_missing(drawn, lang, name):
    """A missing glyph would be drawn as a box: matplotlib warns about each one."""
    assert drawn[lang, name]["missing"] == []


@pytest.mark.parametrize(("lang", "name"), DRAWN, ids=DRAWN_IDS)
def test_no_text_is_cut_at_the_edge(drawn, lang, name):
    assert drawn[lang, name]["cut"] == [], f"{name} ({lang}) cuts off {drawn[lang, name]['cut']}"


def test_a_text_past_the_edge_is_noticed():
    fig = figures.draw("f5_two_modes", "en")
    fig.axes[0].text(11.5, 1.0, "a note that runs past the right edge", fontsize=12)
    draw_fully(fig)
    assert cut_texts(fig) == ["a note that runs past the right edge"]


def test_a_missing_glyph_is_noticed():
    """Without the CJK font, Chinese text has no glyphs: the check above would see it."""
    fig = figures.draw("f7_complexity", "en")
    fig.axes[0].set_title("时间", family="DejaVu Sans")
    assert any("missing from" in message for message in draw_fully(fig))


def _graph_output():
    x = torch.arange(3.0, requires_grad=True)
    return 2 * torch.dot(x, x) + 1, {"x": x}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_graph_legends_speak_the_language_asked_for(lang):
    y, names = _graph_output()
    drawings = [draw(y, names, ax=new_axes(), lang=lang)]
    # A Graph is data: the names of its unnamed nodes are chosen when it is built.
    graph = autograd_graph(y, names, lang=lang)
    drawings.append(draw_graph(graph, ax=new_axes(), lang=lang))
    for ax in drawings:
        found = drawn_texts(ax.figure)
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert legend and set(legend) <= set(found)
        if lang == "zh":
            assert chinese(legend) == legend, f"untranslated legend entries: {legend}"
        else:
            assert chinese(found) == [], f"the English graph draws Chinese: {chinese(found)}"


def test_a_scoped_language_reaches_the_graph_legend():
    y, names = _graph_output()
    with language.use("en"):
        ax = draw(y, names, ax=new_axes())
    assert chinese(drawn_texts(ax.figure)) == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_default_tangent_label_speaks_the_language_asked_for(lang):
    ax = plot_tangent(
        lambda x: 3 * x**2 - 4 * x, 1.0, np.arange(0, 3, 0.1), ax=new_axes(), lang=lang
    )
    found = drawn_texts(ax.figure)
    label = ax.get_legend().get_texts()[1].get_text()
    assert label == language.say("plotting.tangent_label", lang, x0=1.0)
    if lang == "zh":
        assert "切线" in label
    else:
        assert label == "tangent (x=1)" and chinese(found) == []
