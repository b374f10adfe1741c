"""Notebook 01 stores the values of every example in the learner's notes.

nbval proves the stored outputs are what PyTorch prints today; this test proves the
stored outputs are the ones the course promises (including the erratum and the replay).
"""

from __future__ import annotations

import nbformat

from tests.helpers import COURSE

NB = COURSE.path("01_autograd_basics", "zh")


def stored_outputs() -> list[str]:
    nb = nbformat.read(NB, as_version=4)
    texts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            texts.append(out.get("text") or out.get("data", {}).get("text/plain", ""))
    return texts


def test_notes_values_in_order():
    expected = [
        "tensor([0., 1., 2., 3.])",
        "None",
        "tensor(28., grad_fn=<MulBackward0>)",
        "tensor([ 0.,  4.,  8., 12.])",
        "tensor([True, True, True, True])",
        "tensor([1., 1., 1., 1.])",
        # mean losses of 2 micro-batches, accumulated: twice the batch's gradient; each divided
        # by 2 first: the batch's gradient
        "8.0 = 2 × 4.0 True\n先除以 2 再累加： 4.0 True",
        "tensor([0., 2., 4., 6.])",  # x * x: the true value, not the notes' erratum
        "tensor([ 0.,  4.,  8., 12.])",  # the erratum reproduced by accumulating twice
        "tensor([0., 2., 4., 6.])",  # detach: y's own graph still gives 2x
        "(True, True)",  # f at a = 0: doubling 0 leaves 0, the loop condition holds forever
        "tensor(204800.)",  # the notes' own draw a = -0.7648, replayed
        "Trying to backward through the graph a second time",  # no retain_graph
        "tensor([True, True, True, True])",  # retain_graph=True: a second backward accumulates
        "(tensor([0., 2., 4., 6.]), tensor([0., 0., 0., 0.]))",  # autograd.grad leaves .grad
        "(tensor(3., grad_fn=<MulBackward0>), tensor(6.))",  # create_graph: y' = 3, y'' = 6
    ]
    outputs = stored_outputs()
    position = 0
    for value in expected:
        hits = [i for i, text in enumerate(outputs) if value in text and i >= position]
        assert hits, f"{value!r} not stored after output #{position}"
        position = hits[0] + 1


def test_seeded_draw_and_identity():
    joined = "\n".join(stored_outputs())
    assert "(tensor(1.5410, requires_grad=True), tensor(1024.))" in joined
    assert "tensor(True)" in joined  # a.grad == d / a
    assert "grad can be implicitly created only for scalar outputs" in joined
