"""Notebooks 04 and 05 state values: recompute them here, and check what both editions print.

The fit of the lecture's Example 2 is run again three ways (by hand under no_grad,
torch.optim.SGD, the course engine); the notebook's predict-then-run cells are executed with
the right and with the usual wrong predictions, in one fresh kernel.
"""

from __future__ import annotations

import nbformat
import numpy as np
import pytest
import torch
from nbclient import NotebookClient

import autograd_lab.engine as engine
from tests.helpers import COURSE

# The practice of the core track and its deep dive (higher order, custom Functions, NaN hunting).
SLUG, MORE = "04_autograd_in_practice", "05_more_practice"
LR, STEPS, RTOL = 0.05, 25, 1e-12
# The predictions asked for, in the notebook's order: (right answer, a usual wrong answer).
PREDICTIONS = {
    SLUG: [
        ("False", "True"),  # y = x * 2 is a leaf?
        ("False", "True"),  # computed under no_grad, requires grad?
        ("2", "0"),  # version after two in-place operations
        ("[0.0, 4.0, 8.0]", "[0.0, 2.0, 4.0]"),  # x.grad after backward twice with retain_graph
        ("None", "[0.0, 2.0, 4.0]"),  # x.grad after torch.autograd.grad
        ("True", "False"),  # forgetting zero_grad leaves a larger loss?
        ("3", "1"),  # mean losses of 3 micro-batches, accumulated: times the full gradient
        ("False", "True"),  # a frozen first layer changed by an optimizer given every parameter?
    ],
    MORE: [
        ("False", "True"),  # a first derivative without create_graph requires grad?
        ("True", "False"),  # naive softplus gradient at 1000 is nan?
        ("False", "True"),  # torch.func.grad accepts the ctx-style Softplus?
        ("True", "False"),  # the gradient of where(x > 0, sqrt(x), 0) at 0 is nan?
        ("False", "True"),  # the forward traceback points at the line calling backward()?
        ("[[1.0, 2.0, 0.0]]", "[[1.0, 2.0, 3.0]]"),  # the ReLU's grad_input in its backward hook
        ("True", "False"),  # .grad is None after a post-accumulate-grad hook stepped and zeroed
    ],
}
# What notebook 05 prints in each language (every label a zh notebook prints is Chinese).
LABELS05 = {
    "en": {
        "hv": "H v by double backward equals 2 XᵀX v: True",
        "gradcheck": "gradcheck passes:     True",
        "gradgradcheck": "gradgradcheck passes: True",
    },
    "zh": {
        "hv": "两次反向求得的 H v 等于 2 XᵀX v： True",
        "gradcheck": "gradcheck 通过：     True",
        "gradgradcheck": "gradgradcheck 通过： True",
    },
}


# What notebook 04 prints before each stated value, in each language (zh prints Chinese labels).
LABELS = {
    "zh": {
        "manual": "手写：",
        "sgd": "SGD：",
        "engine": "引擎：",
        "first": "第一步的损失：",
        "last": "最后一步：",
        "manual_sgd": "每一步都是 手写 == SGD：",
        "manual_engine": "每一步都是 手写 == 引擎：",
        "never": "不清零就不收敛：",
        "mean": "平均损失，直接累加：",
        "sum": "求和损失，直接累加：",
        "right": "正确：",
    },
    "en": {
        "manual": "manual:",
        "sgd": "SGD:   ",
        "engine": "engine:",
        "first": "first loss:",
        "last": "last:",
        "manual_sgd": "manual == SGD at every step:",
        "manual_engine": "manual == engine at every step:",
        "never": "never converges without zeroing:",
        "mean": "mean, accumulated as is:",
        "sum": "sum, accumulated as is: ",
        "right": "right:",
    },
}


def data():
    torch.manual_seed(0)
    X = torch.randn(6, 2, dtype=torch.float64)
    w_true = torch.tensor([2.0, -1.0], dtype=torch.float64)
    return X, X @ w_true + 0.1 * torch.randn(6, dtype=torch.float64)


def fits():
    """The losses at every step of the three fits, and the fit that forgets zero_grad."""
    X, y = data()

    def loss_fn(w):
        return ((X @ w - y) ** 2).sum()

    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    manual = []
    for _ in range(STEPS):
        loss = loss_fn(w)
        manual.append(loss.item())
        loss.backward()
        with torch.no_grad():
            w -= LR * w.grad
        w.grad = None
    runs = {"manual": (manual, w.detach().clone())}
    for name, zero in (("sgd", True), ("forgot", False)):
        w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
        optimizer = torch.optim.SGD([w], lr=LR)
        losses = []
        for _ in range(STEPS):
            if zero:
                optimizer.zero_grad()
            loss = loss_fn(w)
            losses.append(loss.item())
            loss.backward()
            optimizer.step()
        runs[name] = (losses, w.detach().clone())
    Xe, ye = engine.tensor(X.numpy()), engine.tensor(y.numpy())
    we = engine.zeros(2, requires_grad=True)
    losses = []
    for _ in range(STEPS):
        loss = ((Xe @ we - ye) ** 2).sum()
        losses.append(loss.item())
        loss.backward()
        with engine.no_grad():
            we -= LR * we.grad
        we.grad = None
    runs["engine"] = (losses, torch.tensor(we.numpy()))
    return runs


def printed(lang: str) -> str:
    """Everything the two stored notebooks print (stdout and results), in one text."""
    cells = [
        cell
        for slug in PREDICTIONS
        for cell in nbformat.read(COURSE.path(slug, lang), as_version=4).cells
    ]
    parts = []
    for cell in cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stdout":
                parts.append(out.text)
            elif "data" in out:
                parts.append(out.data.get("text/plain", ""))
    return "\n".join(parts)


@pytest.mark.slow
def test_the_three_fits_agree_at_every_step_to_the_stated_tolerance():
    runs = fits()
    manual = np.array(runs["manual"][0])
    for name in ("sgd", "engine"):
        other = np.array(runs[name][0])
        assert np.all(np.abs(other - manual) <= RTOL * np.abs(manual)), name
        assert torch.allclose(runs[name][1], runs["manual"][1], rtol=RTOL, atol=0)
    # and they really descend: a check that agreeing on garbage cannot pass
    assert manual[-1] < 1e-3 * manual[0]
    assert torch.allclose(
        runs["manual"][1], torch.tensor([2.0, -1.0], dtype=torch.float64), atol=0.1
    )


@pytest.mark.parametrize("lang", COURSE.languages)
def test_the_notebook_prints_the_fit_as_recomputed(lang):
    runs = fits()
    manual, w = runs["manual"]
    text = printed(lang)
    said = LABELS[lang]
    stated = [round(v, 4) for v in w.tolist()]
    gap = " " if lang == "en" else ""  # a Chinese label ends in a full-width colon
    for name in ("manual", "sgd", "engine"):
        assert f"{said[name]}{gap}w = {stated}" in text
    first, last = round(manual[0], 4), round(manual[-1], 4)
    assert f"{said['first']} {first} | {said['last']} {last}" in text
    assert f"{said['manual_sgd']} True" in text
    assert f"{said['manual_engine']} True" in text
    forgot = runs["forgot"][0]
    assert min(forgot[5:]) > 100 * manual[-1]
    assert f"{said['never']} True" in text


@pytest.mark.parametrize("lang", COURSE.languages)
def test_the_other_stated_values(lang):
    text = printed(lang)
    X, y = data()
    v = torch.tensor([1.0, -1.0], dtype=torch.float64)
    w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(((X @ w - y) ** 2).sum(), w, create_graph=True)
    (hv,) = torch.autograd.grad(g @ v, w)
    assert torch.allclose(hv, 2 * X.T @ X @ v)
    assert LABELS05[lang]["hv"] in text
    said = LABELS[lang]
    assert f"{said['mean']} False" in text and f"{said['sum']} True" in text
    xs = torch.tensor([1000.0], dtype=torch.float64, requires_grad=True)
    (naive,) = torch.autograd.grad(torch.log(1 + torch.exp(xs)).sum(), xs)
    assert naive.isnan().all()
    assert LABELS05[lang]["gradcheck"] in text and LABELS05[lang]["gradgradcheck"] in text
    assert f"x.grad = tensor([0., 0., 0.]) | {said['right']} False" in text  # .data hides it
    assert "tensor([0.0000, 0.2500])" in text  # the double where
    assert "Function 'SqrtBackward0' returned nan values in its 0th output." in text


def executed_with_both(slug: str, lang: str) -> list[tuple[str, str]]:
    """Run a notebook once in a fresh kernel, each prediction cell followed by a copy that
    predicts the usual wrong answer; return the feedback shown, (right, wrong) per cell."""
    path = COURSE.path(slug, lang)
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code" and "prediction = ..." in c.source]
    assert len(cells) == len(PREDICTIONS[slug])
    pairs = []
    for cell, (right, wrong) in zip(cells, PREDICTIONS[slug], strict=True):
        # The check is the cell's last line and only reads what the cell computed.
        *_, check = cell.source.rstrip().splitlines()
        cell.source = cell.source.replace("prediction = ...", f"prediction = {right}")
        again = nbformat.v4.new_code_cell(f"prediction = {wrong}\n{check}")
        nb.cells.insert(nb.cells.index(cell) + 1, again)
        pairs.append((cell, again))
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(path.parent)}}).execute()
    return [tuple(c.outputs[-1]["data"]["text/plain"] for c in pair) for pair in pairs]


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.parametrize(("slug", "lang"), [(SLUG, "en"), (MORE, "zh")])
def test_every_right_prediction_is_confirmed_and_every_usual_wrong_one_is_not(slug, lang):
    labels = {"en": ("[Correct prediction]", "[Think again]"), "zh": ("【预测正确】", "【再想想】")}
    correct, again = labels[lang]
    for right, wrong in executed_with_both(slug, lang):
        assert right.startswith(correct), right
        assert wrong.startswith(again), wrong


@pytest.mark.parametrize("lang", COURSE.languages)
def test_the_stored_notebook_leaves_every_prediction_to_the_reader(lang):
    text = printed(lang)
    marker = "[Not attempted]" if lang == "en" else "【未作答】"
    assert text.count(marker) == sum(len(p) for p in PREDICTIONS.values())
