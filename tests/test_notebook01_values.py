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
        "tensor([0., 2., 4., 6.])",  # x * x: the true value, not the notes' erratum
        "tensor([ 0.,  4.,  8., 12.])",  # the erratum reproduced by accumulating twice
        "tensor([0., 2., 4., 6.])",  # detach: y's own graph still gives 2x
        "tensor(204800.)",  # the notes' own draw a = -0.7648, replayed
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
