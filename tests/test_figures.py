"""The lecture figures F1-F7: the builder redraws the committed PNGs, and the course shows them.

The committed `assets/f*.png` are the builder's output; a change to `autograd_lab/figures.py`
that alters a picture must come with the redrawn PNGs (`make figures`).
"""

from __future__ import annotations

import re

import matplotlib as mpl
import nbformat
import pytest
from matplotlib.testing.compare import compare_images

from autograd_lab import figures
from autograd_lab.fonts import cjk_family, course_rc
from tests.helpers import COURSE, ROOT, all_notebooks

FONT = "Noto Sans CJK SC"  # the font the committed PNGs were drawn with (Debian fonts-noto-cjk)
# RMS difference of pixel values (0-255) still counted as the same picture: room for
# anti-aliasing noise, far below a moved arrow or a changed label (see the last test).
TOL = 1.0
# Which notebook shows which lecture figure: the chain-rule notebook F1-F6, the modes notebook F7.
SHOWN_IN = {
    "03_chain_rule_and_graphs": [name for name in figures.FIGURES if name != "f7_complexity"],
    "05_modes_and_memory": ["f7_complexity"],
}
ASSET_LINK = re.compile(r"!\[[^\]]*\]\(\.\./\.\./assets/zh/([^)\s]+)\)")

needs_font = pytest.mark.skipif(
    cjk_family() != FONT,
    reason=f"the committed figures were drawn with {FONT} (Debian fonts-noto-cjk), not installed",
)


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory):
    """Draw every figure once into a temporary folder."""
    out = tmp_path_factory.mktemp("figures")
    return {p.stem: p for p in figures.build_figures(out)}


def markdown_links(path):
    nb = nbformat.read(path, as_version=4)
    return [
        link
        for cell in nb.cells
        if cell.cell_type == "markdown"
        for link in ASSET_LINK.findall(cell.source)
    ]


def test_assets_constant_is_the_repo_folder():
    assert figures.ASSETS == ROOT / "assets" / "zh"


def test_builder_writes_seven_pngs_into_the_given_folder_only(rebuilt, tmp_path):
    assert sorted(rebuilt) == sorted(figures.FIGURES)
    assert len(rebuilt) == 7
    folder = next(iter(rebuilt.values())).parent
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.png" for n in figures.FIGURES)


@needs_font
@pytest.mark.parametrize("name", sorted(figures.FIGURES))
def test_builder_redraws_the_committed_figure(name, rebuilt):
    committed = figures.ASSETS / f"{name}.png"
    assert committed.is_file(), f"{committed.name} is missing: run `make figures`"
    result = compare_images(str(committed), str(rebuilt[name]), tol=TOL, in_decorator=True)
    assert result is None, (
        f"{name} differs from the committed PNG (RMS {result['rms']:.2f} > {TOL}). "
        "If the change is intended, run `make figures` and commit the new PNGs."
    )


def test_redrawing_gives_identical_bytes(rebuilt, tmp_path):
    again = figures.build_figures(tmp_path)
    for path in again:
        assert path.read_bytes() == rebuilt[path.stem].read_bytes(), path.name


def test_pngs_carry_no_timestamp_or_software_tag(rebuilt):
    for path in rebuilt.values():
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG")
        assert b"tIME" not in data and b"Software" not in data, path.name


def test_no_stale_figures_in_assets():
    stored = {p.stem for p in figures.ASSETS.glob("f[0-9]_*.png")}
    assert stored == set(figures.FIGURES), "stale or missing figures: run `make figures`"


def test_f6_shows_the_corrected_derivative():
    """The slide wrote da/dx = w^T; the figure must derive dz/dw with da/dw = x^T."""
    fig = figures.draw_f6()
    texts = [t.get_text() for t in fig.axes[0].texts]
    steps = [t for t in texts if t.startswith(r"$\dfrac{\partial z}{\partial \mathbf{w}}=")]
    assert len(steps) == 1
    assert r"\dfrac{\partial a}{\partial \mathbf{w}}" in steps[0]
    assert steps[0].endswith(r"\cdot\,\mathbf{x}^{\top}$")
    assert r"\partial \mathbf{x}}" not in steps[0] and "w}^{\\top}" not in steps[0]


@pytest.mark.parametrize("lang", COURSE.languages)
def test_each_figure_is_shown_where_the_course_teaches_it(lang):
    for slug, names in SHOWN_IN.items():
        shown = markdown_links(COURSE.path(slug, lang))
        assert sorted(shown) == sorted(f"{name}.png" for name in names), (slug, lang)
    assert sorted(n for names in SHOWN_IN.values() for n in names) == sorted(figures.FIGURES)


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: p.name)
def test_figure_links_in_every_notebook_resolve(path):
    for link in markdown_links(path):
        assert (figures.ASSETS / link).is_file(), f"{path.name} links a missing figure: {link}"


def test_build_figures_rejects_bad_folders(tmp_path):
    with pytest.raises(TypeError, match="folder path"):
        figures.build_figures(42)
    a_file = tmp_path / "not_a_folder.png"
    a_file.write_bytes(b"")
    with pytest.raises(ValueError, match="pass a folder"):
        figures.build_figures(a_file)


@needs_font
def test_a_changed_figure_fails_the_comparison(tmp_path):
    """The tolerance is tight enough to notice one wrong symbol."""
    path = tmp_path / "f6_typo.png"
    with mpl.rc_context(course_rc()):  # fonts are picked when the text is created
        fig = figures.draw_f6()
        step = next(t for t in fig.axes[0].texts if r"\mathbf{x}^{\top}" in t.get_text())
        step.set_text(step.get_text().replace(r"\mathbf{x}^{\top}", r"\mathbf{w}^{\top}"))
        fig.savefig(path, dpi=figures.DPI, metadata={"Software": None}, facecolor="white")
    committed = figures.ASSETS / "f6_reverse_accumulation.png"
    result = compare_images(str(committed), str(path), tol=TOL, in_decorator=True)
    assert result is not None and result["rms"] > TOL
