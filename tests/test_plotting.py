"""Plot helpers: d2l-compatible `plot`, f with its autograd derivative, tangent lines."""

from __future__ import annotations

import math
import warnings

import matplotlib
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from autograd_lab import derivative, language, plot, plot_tangent, plot_with_derivative, tangent


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """The messages these tests match are the English ones (the default language is Chinese)."""
    monkeypatch.setenv("AUTOGRAD_LAB_LANG", "en")


def f(x):
    return 3 * x**2 - 4 * x


@pytest.fixture
def ax():
    return Figure(figsize=(3.5, 2.5)).add_subplot()


def curves(ax):
    return [(line.get_xdata(), line.get_ydata()) for line in ax.get_lines()]


def test_the_books_tangent_example_runs_unchanged(ax):
    x = np.arange(0, 3, 0.1)
    out = plot(x, [f(x), 2 * x - 3], "x", "f(x)", legend=["f(x)", "Tangent line (x=1)"], axes=ax)
    assert out is ax
    (x1, y1), (x2, y2) = curves(ax)
    np.testing.assert_array_equal(x1, x)
    np.testing.assert_allclose(y1, f(x))
    np.testing.assert_allclose(y2, 2 * x - 3)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["f(x)", "Tangent line (x=1)"]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "f(x)")
    assert [line.get_linestyle() for line in ax.get_lines()] == ["-", "--"]
    assert ax.get_lines()[1].get_color() == "m"


def test_without_axes_a_new_figure_of_the_given_size_is_made():
    import matplotlib.pyplot as plt

    out = plot([1, 2, 4], figsize=(2, 1))
    try:
        assert tuple(out.figure.get_size_inches()) == (2, 1)
        np.testing.assert_array_equal(out.get_lines()[0].get_ydata(), [1, 2, 4])
    finally:
        plt.close(out.figure)


def test_tensors_that_require_grad_are_detached_for_the_user(ax):
    x = torch.arange(0.0, 1.0, 0.25, requires_grad=True)
    y = x * x
    plot(x, [y, 2 * x], axes=ax)
    (x1, y1), (_, y2) = curves(ax)
    np.testing.assert_array_equal(x1, [0, 0.25, 0.5, 0.75])
    np.testing.assert_array_equal(y1, [0, 0.0625, 0.25, 0.5625])
    np.testing.assert_array_equal(y2, [0, 0.5, 1, 1.5])


def test_lists_and_a_single_series_without_x(ax):
    plot([3, 1, 2], axes=ax)
    ((x1, y1),) = curves(ax)
    np.testing.assert_array_equal(x1, [0, 1, 2])
    np.testing.assert_array_equal(y1, [3, 1, 2])


def test_two_dimensional_y_plots_its_rows(ax):
    x = torch.linspace(0, 1, 5)
    plot(x, torch.stack([x, 2 * x, 3 * x]), axes=ax)
    assert len(ax.get_lines()) == 3


def test_axes_options_like_d2l(ax):
    h = [1e-1, 1e-2, 1e-3]
    plot(h, [[1.0, 2.0, 3.0]], xscale="log", yscale="log", xlim=[1e-4, 1], ylim=[0.5, 5], axes=ax)
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert ax.get_xlim() == pytest.approx((1e-4, 1))
    assert ax.get_ylim() == pytest.approx((0.5, 5))


def test_plot_clears_the_axes_it_redraws_like_d2l(ax):
    plot([1, 2], axes=ax)
    plot([3, 4], axes=ax)
    assert len(ax.get_lines()) == 1


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "hint"),
    [
        (([1, 2, 3], [1, 2]), {}, ValueError, "same x"),
        (([1, 2], [[1, 2]] * 5), {}, ValueError, "one format string per curve"),
        (([1, 2], [[1, 2], [3, 4]]), {"legend": ["a", "b", "c"]}, ValueError, "one per curve"),
        (([],), {}, ValueError, "at least 1 point"),
        ((torch.zeros(2, 2, 2),), {}, ValueError, "1-D tensor"),
        (("abc",), {}, TypeError, "pass numbers.*not a string"),
        (([[1, 2], [3, 4]], [[1, 2], [3, 4], [5, 6]]), {}, ValueError, "one X per curve"),
    ],
)
def test_bad_plot_input_says_what_to_do(ax, args, kwargs, error, hint):
    with pytest.raises(error, match=hint):
        plot(*args, axes=ax, **kwargs)


def test_derivative_of_sin_is_cos_without_using_cos():
    x = torch.linspace(-2 * math.pi, 2 * math.pi, 50)
    assert torch.allclose(derivative(torch.sin, x), torch.cos(x), atol=1e-6)


def test_derivative_accepts_arrays_lists_and_integers():
    np.testing.assert_array_equal(derivative(f, np.array([0.0, 1.0, 2.0])).numpy(), [-4, 2, 8])
    np.testing.assert_array_equal(derivative(f, [0, 1, 2]).numpy(), [-4, 2, 8])
    assert derivative(f, torch.arange(3)).dtype == torch.get_default_dtype()


def test_derivative_leaves_the_callers_tensor_alone():
    x = torch.arange(3.0, requires_grad=True)
    derivative(torch.sin, x)
    assert x.grad is None


def test_autograd_at_kinks():
    x = torch.tensor([-1.0, 0.0, 1.0])
    assert derivative(torch.abs, x).tolist() == [-1, 0, 1]
    assert derivative(torch.relu, x).tolist() == [0, 0, 1]
    # the same function written differently: PyTorch picks a different value at 0 (these two
    # agree across releases; clamp's changed from 1 to 0 in 2.14, which notebook 02 tells)
    assert derivative(lambda v: torch.where(v >= 0, v, 0.0), x).tolist() == [0, 1, 1]
    assert derivative(lambda v: torch.maximum(v, torch.zeros_like(v)), x).tolist() == [0, 0.5, 1]


@pytest.mark.parametrize(
    ("fn", "error", "hint"),
    [
        (math.pi, TypeError, "pass the function"),
        (lambda v: v.sum(), ValueError, "element-wise"),
        (lambda v: np.sin(v), TypeError, "torch.sin\\(x\\), not np.sin"),
        (lambda v: [1.0] * len(v), TypeError, "not a tensor"),
        (lambda v: torch.ones_like(v), ValueError, "no autograd history"),
    ],
)
def test_bad_functions_say_what_to_do(fn, error, hint):
    with pytest.raises(error, match=hint):
        derivative(fn, torch.arange(3.0))


def test_plot_with_derivative_draws_f_and_its_autograd_derivative(ax):
    x = torch.linspace(-3, 3, 31)
    assert plot_with_derivative(torch.sin, x, ax=ax, title="正弦") is ax
    (x1, y1), (x2, dy) = curves(ax)
    np.testing.assert_allclose(y1, np.sin(x.numpy()), atol=1e-6)
    np.testing.assert_allclose(dy, np.cos(x.numpy()), atol=1e-6)
    assert ax.get_title() == "正弦"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["f(x)", "f'(x)"]


def test_plot_with_derivative_needs_two_labels(ax):
    with pytest.raises(ValueError, match="two entries"):
        plot_with_derivative(torch.sin, [0.0, 1.0], ax=ax, labels=("f",))


def test_tangent_of_the_books_function_at_one():
    assert tangent(f, 1) == (-1.0, 2.0)  # f(1) = -1, f'(1) = 2: y = 2x - 3
    with pytest.raises(TypeError, match="one number"):
        tangent(f, [1.0, 2.0])


def test_plot_tangent_draws_the_books_line(ax):
    x = np.arange(0, 3, 0.1)
    assert plot_tangent(f, 1.0, x, ax=ax, lang="zh") is ax
    (_, y_f), (_, y_t), (x0, y0) = curves(ax)
    np.testing.assert_allclose(y_f, f(x))
    np.testing.assert_allclose(y_t, 2 * x - 3)
    assert (list(x0), list(y0)) == ([1.0], [-1.0])
    assert ax.get_legend().get_texts()[1].get_text() == "切线 (x=1)"


def test_plot_tangent_alone_on_a_default_range(ax):
    plot_tangent(torch.sin, 0.0, ax=ax, show_f=False, label="y = x")
    (x_t, y_t), _ = curves(ax)
    np.testing.assert_allclose(y_t, x_t)
    assert (x_t.min(), x_t.max()) == (-2, 2)


def test_helpers_leave_global_style_alone(ax):
    before = dict(matplotlib.rcParams)
    plot(np.arange(3), np.arange(3), "x", "中文标签", legend=["曲线"], axes=ax)
    plot_with_derivative(torch.sin, [0.0, 1.0], ax=ax)
    plot_tangent(torch.sin, 0.0, ax=ax)
    assert dict(matplotlib.rcParams) == before


def test_importing_the_package_does_not_import_pyplot():
    import subprocess
    import sys

    code = "import sys, autograd_lab; print('matplotlib.pyplot' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    assert out.stderr == ""


# --- issue 25: the element-wise check refuses only what mixes elements ---------------------------


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32, torch.bfloat16])
@pytest.mark.parametrize(
    ("name", "g", "dg"),
    [
        ("sin-squared", lambda x: torch.sin(x) ** 2, lambda x: torch.sin(2 * x)),
        (
            "where",
            lambda x: torch.where(x > 0, x**3, -x),
            lambda x: torch.where(x > 0, 3 * x**2, -1),
        ),
        ("relu-exp", lambda x: torch.relu(x).exp(), lambda x: (x > 0) * torch.relu(x).exp()),
        ("in-place", lambda x: x.mul_(2).add_(1), lambda x: torch.full_like(x, 2.0)),
    ],
)
def test_element_wise_functions_pass_the_check_in_every_precision(name, g, dg, dtype):
    x = torch.linspace(-2.0, 2.0, 41, dtype=torch.float64).to(dtype)
    got = derivative(g, x)
    assert got.dtype == dtype
    expected = dg(x.to(torch.float64))
    tolerance = {torch.float64: 1e-12, torch.float32: 1e-5, torch.bfloat16: 5e-2}[dtype]
    assert torch.allclose(got.to(torch.float64), expected, rtol=tolerance, atol=tolerance)


def test_a_cumsum_derivative_is_refused_not_wrong():
    # Before: derivative(cumsum) returned [5, 4, 3, 2, 1], the column sums of its Jacobian.
    with pytest.raises(ValueError, match="must act element-wise.*jacobian"):
        derivative(lambda t: t.cumsum(0), torch.linspace(-1, 1, 5))


def test_the_probe_leaves_the_learners_random_numbers_alone():
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    derivative(torch.sin, torch.linspace(-1, 1, 5))
    assert torch.equal(torch.rand(3), expected)


def test_plot_with_derivative_draws_bfloat16(ax):
    # Before: TypeError "Got unsupported ScalarType BFloat16" from .numpy()
    x = torch.linspace(-3, 3, 31).to(torch.bfloat16)
    plot_with_derivative(torch.sin, x, ax=ax)
    (xs, ys), (_, dys) = curves(ax)
    np.testing.assert_array_equal(xs, x.float().numpy())
    np.testing.assert_allclose(ys, np.sin(xs), atol=1e-2)
    np.testing.assert_allclose(dys, np.cos(xs), atol=1e-2)


def test_plot_tangent_where_f_is_undefined_on_part_of_the_range(ax):
    plot_tangent(torch.sqrt, 1.0, ax=ax)
    (xs, ys), (_, line), _ = curves(ax)
    assert np.isnan(ys[xs < 0]).all() and np.allclose(ys[xs >= 0], np.sqrt(xs[xs >= 0]))
    np.testing.assert_allclose(line, 1 + 0.5 * (xs - 1))
    ax.figure.canvas.draw()  # the limits are finite


@pytest.mark.parametrize(
    "label", ["$x^2$", "price in \\$", "$\\frac{1}{2}$ and \\$5", "no math", "one $ sign"]
)
def test_labels_matplotlib_can_typeset_are_kept(ax, label):
    plot([0.0, 1.0], [0.0, 1.0], xlabel=label, legend=[label], axes=ax)
    ax.figure.canvas.draw()
    assert ax.get_xlabel() == label


@pytest.mark.parametrize("fmt", ["r:", "C1--", "o", "red", "#1f77b4", "g^-"])
def test_format_strings_matplotlib_reads_are_kept(ax, fmt):
    plot_tangent(torch.sin, 0.5, fmt=fmt, ax=ax)
    assert len(ax.get_lines()) == 3


# What a notebook kernel stores for a figure once use_course_style() ran: a real IPython shell
# with the inline backend, in its own process (the shell is a process-wide singleton).
INLINE_FIGURE = """
import base64, io, json, sys
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
from IPython.core.interactiveshell import InteractiveShell
from PIL import Image
import torch
from autograd_lab import plot
from autograd_lab.fonts import use_course_style

shell = InteractiveShell.instance()
use_course_style()
x = torch.linspace(-2 * torch.pi, 2 * torch.pi, 200)
ax = plot(x, [torch.sin(x), torch.cos(x)], "x", legend=["sin(x)", "cos(x)"], figsize=(5, 3))
data, metadata = shell.display_formatter.format(ax.figure)
raw = base64.b64decode(data["image/png"])
json.dump({"text": data["text/plain"], "size": Image.open(io.BytesIO(raw)).size,
           "shown": metadata["image/png"], "bytes": len(raw),
           "software": b"Software" in raw}, sys.stdout)
"""


def test_inline_figures_are_stored_at_twice_the_pixels(tmp_path):
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "HOME": str(tmp_path), "MPLCONFIGDIR": str(tmp_path / "mpl")}
    run = subprocess.run(
        [sys.executable, "-c", INLINE_FIGURE], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    stored = json.loads(run.stdout)
    assert stored["text"] == "<Figure size 500x300 with 1 Axes>"  # what nbval compares
    width, height = stored["size"]
    assert (stored["shown"]["width"], stored["shown"]["height"]) == (width // 2, height // 2)
    assert width > 800  # 5 inches at twice the 100 dpi, less the tight bounding box's trim
    assert stored["bytes"] < 150_000
    assert not stored["software"]


def _legend_on_a_curve(ax) -> bool:
    """Whether the legend's drawn box holds any point of the Axes' curves."""
    ax.figure.figure.draw_without_rendering()
    box = ax.get_legend().get_window_extent()
    for line in ax.get_lines():
        xy = line.get_transform().transform(line.get_xydata())
        inside = (
            (xy[:, 0] >= box.x0)
            & (xy[:, 0] <= box.x1)
            & (xy[:, 1] >= box.y0)
            & (xy[:, 1] <= box.y1)
        )
        if inside.any():
            return True
    return False


@pytest.mark.parametrize(
    "draw",
    [
        pytest.param(
            lambda ax, x: plot(
                x, [np.sin(x), np.cos(x)], "x", legend=["sin(x)", "cos(x)"], axes=ax
            ),
            id="plot-sin-cos",
        ),
        pytest.param(
            lambda ax, x: plot_with_derivative(torch.sin, torch.as_tensor(x), ax=ax, title="sin"),
            id="with-derivative",
        ),
    ],
)
def test_a_legend_with_no_free_corner_goes_above_the_curves(draw):
    ax = Figure(figsize=(5, 3)).add_subplot()
    x = np.linspace(-2 * math.pi, 2 * math.pi, 400)
    draw(ax, x)
    assert not _legend_on_a_curve(ax)
    if ax.get_title():  # the title stays readable above the legend's row
        ax.figure.draw_without_rendering()
        legend_box = ax.get_legend().get_window_extent()
        assert ax.title.get_window_extent().y0 >= legend_box.y1


def test_a_legend_with_room_stays_inside_the_axes(ax):
    x = np.arange(0, 3, 0.1)
    plot(x, [f(x), 2 * x - 3], "x", "f(x)", legend=["f(x)", "Tangent line (x=1)"], axes=ax)
    assert not _legend_on_a_curve(ax)
    assert ax.get_window_extent().contains(*ax.get_legend().get_window_extent().p0)


def test_a_legend_is_placed_on_an_axes_of_a_subfigure():
    ax = Figure(figsize=(8, 3)).subfigures(1, 2)[0].add_subplot()
    x = np.linspace(-2 * math.pi, 2 * math.pi, 400)
    plot(x, [np.sin(x), np.cos(x)], "x", legend=["sin(x)", "cos(x)"], axes=ax)
    assert not _legend_on_a_curve(ax)


@pytest.mark.parametrize(
    ("f", "x"),
    [
        (math.sin, torch.tensor(0.5)),  # f gives a float: PyTorch warned, then the door refused
        (lambda t: t * float(t.sum()), torch.arange(3.0)),  # a tensor, its derivative wrong
    ],
    ids=["math-sin", "cut-by-float"],
)
def test_an_f_that_turns_a_tensor_into_a_number_is_refused_in_words_only(f, x):
    for lang, words in [("en", "turned a tensor into a Python number"), ("zh", "变成了 Python 数")]:
        with language.use(lang), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # Twice: PyTorch warns of the conversion only once per session, the refusal stays.
            for _ in range(2):
                with pytest.raises(TypeError, match=words):
                    derivative(f, x)
        assert caught == []  # PyTorch's own warning is not shown beside the refusal
    assert not torch.is_warn_always_enabled()  # the session's setting is left as it was


def test_other_warnings_of_f_pass_through_unchanged():
    def f(t):
        warnings.warn("a warning of f's own", RuntimeWarning, stacklevel=1)
        return torch.sin(t) * float(torch.tensor(2.0))  # a number from a constant: no cut

    with pytest.warns(RuntimeWarning, match="a warning of f's own"):
        slope = derivative(f, torch.tensor([0.0, 1.0]))
    torch.testing.assert_close(slope, 2 * torch.cos(torch.tensor([0.0, 1.0])))
