"""The lecture figures F1-F7: the builder redraws the committed PNGs, and the course shows them.

The committed `assets/<lang>/f*.png` are the builder's output; a change to
`autograd_lab/figures.py` or to the figures' words that alters a picture must come with the
redrawn PNGs (`make figures`). What the figures say is checked in test_figure_text.py.
"""

from __future__ import annotations

import re

import matplotlib as mpl
import nbformat
import pytest
from matplotlib.testing.compare import compare_images

from autograd_lab import figures
from autograd_lab.course import LANGUAGES, language_of
from autograd_lab.fonts import cjk_family, course_rc
from tests.helpers import ASSETS, COURSE, all_notebooks, notebook_ids

FONT = "Noto Sans CJK SC"  # the font the committed PNGs were drawn with (Debian fonts-noto-cjk)
# RMS difference of pixel values (0-255) still counted as the same picture: room for
# anti-aliasing noise, far below a moved arrow or a changed label (see the last test).
TOL = 1.0
# Which notebook shows which lecture figure: the chain-rule notebook F1-F6, the modes notebook F7.
SHOWN_IN = {
    "03_chain_rule_and_graphs": [
        name for name in figures.FIGURES if name not in ("f6_reverse_accumulation", "f7_complexity")
    ],
    "06_autograd_from_scratch": ["f6_reverse_accumulation"],  # reverse mode step by step
    "07_modes_and_memory": ["f7_complexity"],
}
FIGURE_LINK = re.compile(r"!\[[^\]]*\]\(([^)\s]*assets/[^)\s]+\.png)\)")
BUILT = [(lang, name) for lang in LANGUAGES for name in figures.FIGURES]
BUILT_IDS = [f"{lang}-{name}" for lang, name in BUILT]
NOTEBOOK_PATHS = all_notebooks()

needs_font = pytest.mark.skipif(
    cjk_family() != FONT,
    reason=f"the committed figures were drawn with {FONT} (Debian fonts-noto-cjk), not installed",
)


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """Run the builder's command line once, into a folder inside a folder with a neighbour."""
    parent = tmp_path_factory.mktemp("build")
    (parent / "neighbour.txt").write_text("untouched")
    committed = {p: p.stat().st_mtime_ns for p in ASSETS.rglob("*.png")}
    code = figures.main([str(parent / "out")])
    return {"code": code, "parent": parent, "committed": committed}


@pytest.fixture(scope="module")
def rebuilt(build):
    """Every figure in every language, as the builder just drew them."""
    out = build["parent"] / "out"
    return {(p.parent.name, p.stem): p for p in out.glob("*/*.png")}


def figure_links(path):
    """The lecture-figure links in a notebook's markdown, as written."""
    nb = nbformat.read(path, as_version=4)
    return [
        link
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for link in FIGURE_LINK.findall(cell.source)
    ]


def files_under(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.mark.slow
def test_builder_writes_every_figure_into_the_given_folder_and_nothing_else(build):
    parent = build["parent"]
    assert build["code"] == 0
    expected = sorted(f"{lang}/{name}.png" for lang, name in BUILT)
    assert files_under(parent / "out") == expected
    assert files_under(parent) == sorted(["neighbour.txt", *(f"out/{e}" for e in expected)])
    assert (parent / "neighbour.txt").read_text() == "untouched"
    assert {p: p.stat().st_mtime_ns for p in ASSETS.rglob("*.png")} == build["committed"], (
        "building into another folder touched assets/"
    )


@pytest.mark.slow
def test_redrawing_one_language_gives_identical_bytes_and_only_that_language(rebuilt, tmp_path):
    paths = figures.build_figures(tmp_path, languages=("en",))
    assert files_under(tmp_path) == sorted(f"en/{name}.png" for name in figures.FIGURES)
    for path in paths:
        assert path.read_bytes() == rebuilt["en", path.stem].read_bytes(), path


@pytest.mark.slow
@needs_font
@pytest.mark.parametrize(("lang", "name"), BUILT, ids=BUILT_IDS)
def test_builder_redraws_the_committed_figure(lang, name, rebuilt):
    committed = figures.figure_path(name, lang)
    assert committed.is_file(), f"{lang}/{committed.name} is missing: run `make figures`"
    result = compare_images(str(committed), str(rebuilt[lang, name]), tol=TOL, in_decorator=True)
    assert result is None, (
        f"{lang}/{name} differs from the committed PNG (RMS {result['rms']:.2f} > {TOL}). "
        "If the change is intended, run `make figures` and commit the new PNGs."
    )


@pytest.mark.slow
def test_the_languages_are_drawn_differently(rebuilt):
    """One drawing function per figure, but its words change with the language."""
    for name in figures.FIGURES:
        zh, en = (rebuilt[lang, name].read_bytes() for lang in ("zh", "en"))
        assert zh != en, f"{name} looks the same in Chinese and English"


@pytest.mark.slow
def test_pngs_carry_no_timestamp_or_software_tag(rebuilt):
    for path in rebuilt.values():
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG")
        assert b"tIME" not in data and b"Software" not in data, path.name


def test_no_stale_figures_in_assets():
    folders = sorted(p.name for p in ASSETS.iterdir() if p.is_dir())
    assert folders == sorted(LANGUAGES), "assets/ holds one folder per course language"
    assert files_under(ASSETS) == sorted(f"{lang}/{name}.png" for lang, name in BUILT), (
        "stale or missing figures: run `make figures`"
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_f6_shows_the_corrected_derivative(lang):
    """The slip to avoid is da/dx = w^T; the figure must derive dz/dw with da/dw = x^T."""
    fig = figures.draw("f6_reverse_accumulation", lang)
    texts = [t.get_text() for t in fig.axes[0].texts]
    steps = [t for t in texts if t.startswith(r"$\dfrac{\partial z}{\partial \mathbf{w}}=")]
    assert len(steps) == 1
    assert r"\dfrac{\partial a}{\partial \mathbf{w}}" in steps[0]
    assert steps[0].endswith(r"\cdot\,\mathbf{x}^{\top}$")
    assert r"\partial \mathbf{x}}" not in steps[0] and "w}^{\\top}" not in steps[0]


@pytest.mark.parametrize("lang", COURSE.languages)
def test_each_figure_is_shown_where_the_course_teaches_it(lang):
    for slug, names in SHOWN_IN.items():
        shown = [link.rsplit("/", 1)[-1] for link in figure_links(COURSE.path(slug, lang))]
        assert sorted(shown) == sorted(f"{name}.png" for name in names), (slug, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_figure_is_shown_in_the_course(lang):
    shown = {link.rsplit("/", 1)[-1] for path in COURSE.files(lang) for link in figure_links(path)}
    assert shown == {f"{name}.png" for name in figures.FIGURES}


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=notebook_ids(NOTEBOOK_PATHS))
def test_notebooks_show_the_figures_the_builder_draws_in_their_language(path):
    lang = language_of(path)
    built = {figures.figure_path(name, lang).resolve() for name in figures.FIGURES}
    for link in figure_links(path):
        target = (path.parent / link).resolve()
        assert target.is_file(), f"{path.name} links a missing figure: {link}"
        assert target in built, f"{path.name} ({lang}) shows {link}, not its {lang} figure"


@pytest.fixture
def english():
    from autograd_lab import language

    with language.use("en"):
        yield


def test_build_figures_rejects_bad_folders_and_languages(tmp_path, english):
    with pytest.raises(TypeError, match="folder path"):
        figures.build_figures(42)
    a_file = tmp_path / "not_a_folder.png"
    a_file.write_bytes(b"")
    with pytest.raises(ValueError, match="pass a folder"):
        figures.build_figures(a_file)
    with pytest.raises(TypeError, match=r"tuple of language codes, e.g. \('en',\)"):
        figures.build_figures(tmp_path, languages="en")
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        figures.build_figures(tmp_path, languages=("en", "fr"))
    with pytest.raises(ValueError, match="unknown figure 'f8'"):
        figures.draw("f8", "en")
    assert files_under(tmp_path) == ["not_a_folder.png"], "a refused call wrote something"


@needs_font
@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_changed_figure_fails_the_comparison(lang, tmp_path):
    """The tolerance is tight enough to notice one wrong symbol."""
    with mpl.rc_context(course_rc()):
        fig = figures.draw("f6_reverse_accumulation", lang)
        step = next(t for t in fig.axes[0].texts if r"\mathbf{x}^{\top}" in t.get_text())
        step.set_text(step.get_text().replace(r"\mathbf{x}^{\top}", r"\mathbf{w}^{\top}"))
    path = figures.save(fig, tmp_path / "f6_typo.png")
    committed = figures.figure_path("f6_reverse_accumulation", lang)
    result = compare_images(str(committed), str(path), tol=TOL, in_decorator=True)
    assert result is not None and result["rms"] > TOL
