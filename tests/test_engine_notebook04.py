"""Notebook 04 stores what the course promises: the engine prints what PyTorch prints.

nbval proves the stored outputs are reproduced today; this test proves they say the right
thing (every side-by-side example identical, the notes' values, the graph comparison).
"""

from __future__ import annotations

import nbformat

from tests.helpers import COURSE

NB = COURSE.path("04_autograd_from_scratch", "zh")


def stored_outputs() -> list[str]:
    nb = nbformat.read(NB, as_version=4)
    return [
        out.get("text") or out.get("data", {}).get("text/plain", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
    ]


def test_every_side_by_side_example_is_identical():
    lines = [line for text in stored_outputs() for line in text.splitlines()]
    verdicts = [line for line in lines if "一字不差" in line]
    assert len(verdicts) == 6
    assert all(line == "一字不差: True" for line in verdicts)


def test_notes_values_on_the_engine():
    joined = "\n".join(stored_outputs())
    for value in [
        "  engine: tensor(28., grad_fn=<MulBackward0>)  tensor([ 0.,  4.,  8., 12.])",
        "  engine: tensor([1., 1., 1., 1.])",
        "  engine: tensor([0., 2., 4., 6.])  tensor([ 0.,  4.,  8., 12.])",  # true value, erratum
        "  engine: tensor(204800.)  tensor(True)",
        "  engine: tensor(1024.)  tensor(True)",
        "  engine: RuntimeError: grad can be implicitly created only for scalar outputs",
    ]:
        assert value in joined, value


def test_toy_engine_lessons():
    outputs = stored_outputs()
    assert "(65536.0, 131071)" in outputs  # one path at a time: 2^17 - 1 visits
    assert "(65536.0, 17)" in outputs  # topological order: each node once
    assert "RecursionError" in "".join(outputs)
    assert ["4.0", "1.0", "tensor(4.)"] == [o for o in outputs if o in {"4.0", "1.0", "tensor(4.)"}]
