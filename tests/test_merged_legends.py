"""Side-by-side graph drawings share one legend below the figure (notebooks 02 and 04).

The notebooks only call `merge_legends`; these tests draw the same figures and check that the
panels lost their own legends, that one legend sits below the figure, and that it lists each
kind of node once.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
import torch

import autograd_lab.engine as engine
from autograd_lab import draw, draw_graph, merge_legends
from autograd_lab.exercises import control_flow_f  # notebook 02's f(a)

KINDS_EN = ["op (grad_fn)", "leaf", "output", "constant"]


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("AUTOGRAD_LAB_LANG", "en")


@pytest.fixture
def close_figures():
    yield
    plt.close("all")


def labels(legend) -> list[str]:
    return [text.get_text() for text in legend.get_texts()]


def test_notebook_02_two_runs_of_f_get_one_legend(close_figures):
    fig, axes = plt.subplots(1, 2, figsize=(7, 6), sharey=True)
    for ax, value in zip(axes, [600.0, 3.0], strict=True):
        a = torch.tensor(value, requires_grad=True)
        draw(control_flow_f(a), {"a": a}, ax=ax, title=f"a = {value:g}")
    assert all(ax.get_legend() is not None for ax in axes)  # each drawing brings its own
    legend = merge_legends(axes)
    assert [ax.get_legend() for ax in axes] == [None, None]
    assert fig.legends == [legend] and legend.get_frame_on() is False
    assert labels(legend) == KINDS_EN
    assert legend._loc == 8  # "lower center": below the panels, overlapping neither


def test_notebook_04_engine_and_pytorch_get_one_legend(close_figures):
    x = engine.arange(4.0, requires_grad=True)
    u = (x * x).detach()
    z = (u * x).sum()
    xt = torch.arange(4.0, requires_grad=True)
    ut = (xt * xt).detach()
    zt = (ut * xt).sum()
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.2))
    draw_graph(engine.to_graph(z, {"x": x, "u": u, "z": z}), ax=left, title="Course engine")
    draw(zt, {"x": xt, "u": ut, "z": zt}, ax=right, title="PyTorch")
    legend = merge_legends([left, right])
    assert left.get_legend() is None and right.get_legend() is None
    assert fig.legends == [legend]
    assert sorted(labels(legend)) == sorted(set(labels(legend)))  # each kind once
    assert set(labels(legend)) == set(KINDS_EN)


def test_nothing_to_merge_gives_none(close_figures):
    fig, axes = plt.subplots(1, 2)
    assert merge_legends(axes) is None and fig.legends == []
    assert merge_legends([]) is None


@pytest.mark.parametrize("bad", [3, [None], ["ax"]])
def test_not_axes_is_refused_clearly(bad):
    with pytest.raises(TypeError, match="must be a matplotlib Axes"):
        merge_legends(bad)
