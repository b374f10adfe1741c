"""The helpers' figures, rendered to PNG and compared with stored baselines.

nbval does not compare images, so a plot that silently changes is caught here. Baselines change
only through `make baselines` (tools/update_baselines.py), after a change that was meant.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.testing.compare import compare_images

from autograd_lab import plot_tangent
from autograd_lab.fonts import cjk_family
from tools.update_baselines import BASELINES, CASES, FONT, plot_tangent_zh, render

# RMS difference of the pixel values (0-255) that still counts as the same picture: room for
# anti-aliasing noise, far below what a moved line or a changed label produces (see below).
TOL = 1.0

pytestmark = pytest.mark.skipif(
    cjk_family() != FONT,
    reason=f"image baselines were drawn with {FONT} (Debian fonts-noto-cjk), not installed here",
)


def compare(expected, actual):
    return compare_images(str(expected), str(actual), tol=TOL, in_decorator=True)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_matches_its_baseline(name, tmp_path):
    expected = BASELINES / f"{name}.png"
    assert expected.is_file(), f"no baseline for {name}: run `make baselines`"
    result = compare(expected, render(name, tmp_path / f"{name}.png"))
    assert result is None, (
        f"{name} no longer looks like its baseline (RMS {result['rms']:.2f} > {TOL}; the "
        f"difference image is {result['diff']}). If the change is intended, run "
        "`make baselines` and commit the new PNGs."
    )


def test_every_baseline_belongs_to_a_figure():
    stored = {p.stem for p in BASELINES.glob("*.png")}
    assert stored == set(CASES), "stale or missing baselines: run `make baselines`"


def test_rendering_twice_gives_the_same_pixels(tmp_path):
    first = render("graph_dot", tmp_path / "a.png")
    second = render("graph_dot", tmp_path / "b.png")
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(
            lambda ax: plot_tangent(lambda x: 3 * x**2 - 4 * x, 1.2, np.arange(0, 3, 0.1), ax=ax),
            id="tangent-moved",
        ),
        pytest.param(
            lambda ax: (plot_tangent_zh(ax), ax.get_legend().get_texts()[1].set_text("切线 (x=2)")),
            id="label-changed",
        ),
    ],
)
def test_a_changed_plot_fails_the_comparison(changed, tmp_path):
    """The tolerance is tight enough to notice a small change."""
    result = compare(
        BASELINES / "plot_tangent_zh.png",
        render("plot_tangent_zh", tmp_path / "changed.png", draw_case=changed),
    )
    assert result is not None and result["rms"] > TOL


def test_graph_figure_changes_with_the_graph(tmp_path):
    def other_graph(ax):
        from autograd_lab import draw

        x = torch.arange(4.0, requires_grad=True)
        draw(3 * torch.dot(x, x), {"x": x}, ax=ax, title="y = 2 * torch.dot(x, x)")

    result = compare(
        BASELINES / "graph_dot.png", render("graph_dot", tmp_path / "g.png", draw_case=other_graph)
    )
    assert result is not None and result["rms"] > TOL
