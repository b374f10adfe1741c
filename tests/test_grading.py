"""`make grade`: real submissions graded in real kernels, with the verdicts a teacher expects.

A class of made-up submissions (`tools.submissions`: right, wrong, not a notebook, an endless
loop, megabytes of output, a kernel that exits or is killed, three kinds of tampering) is graded
by `python -m tools.grade` into a CSV; each gets its verdicts, the grader never hangs, and the
report page names the misconceptions in both languages.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time

import nbformat
import pytest
import torch

from autograd_lab import grading
from autograd_lab.exercises import checks, sandbox
from autograd_lab.language import template
from tests.helpers import ROOT, SLACK
from tools import grade, grade_report, submissions

ITEMS = list(grading.ITEMS)


# --- without a kernel ---------------------------------------------------------------------------


def test_a_grade_cell_follows_each_check_cell_and_a_removed_check_is_graded_at_the_end():
    base = submissions.student_edition("en")
    base["cells"] = [c for c in base["cells"] if "check_ex6" not in "".join(c["source"])]
    runnable, grade_cells = grade.prepare(nbformat.from_dict(base), "results.jsonl", "s3cret")
    assert list(grade_cells.values()) == ITEMS  # ex6's check cell is gone: graded last
    assert max(grade_cells) == len(runnable.cells) - 1 and grade_cells[max(grade_cells)] == "ex6"
    assert "grading.start('results.jsonl', 's3cret')" in runnable.cells[0].source
    for index, item in grade_cells.items():
        assert f'grade("{item}", globals())' in runnable.cells[index].source
    # the student's own check calls are not run a second time; their other lines are
    students = [c.source for i, c in enumerate(runnable.cells) if i not in grade_cells]
    assert not any(grade._CHECK_CALL.search(source) for source in students)
    kept = grade.without_checks("ex.check_ex2 = lambda f: 1\nprint(ex.check_ex2(f))")
    assert kept == "ex.check_ex2 = lambda f: 1\nprint(ex.check_ex2(f))"


def test_a_submission_is_a_notebook_or_a_folder_and_its_id_is_the_name(tmp_path):
    (tmp_path / "alice.ipynb").write_text("{}")
    (tmp_path / "bob").mkdir()
    (tmp_path / "bob" / "08_exercises.ipynb").write_text("{}")
    (tmp_path / "carol").mkdir()  # a folder without a notebook
    (tmp_path / "notes.txt").write_text("")
    found = grade.collect(tmp_path)
    assert [(s, p and p.name) for s, p in found] == [
        ("alice", "alice.ipynb"),
        ("bob", "08_exercises.ipynb"),
        ("carol", None),
    ]
    assert grade.run_one(None, 10, 1024)["outcome"] == grade.INVALID
    (tmp_path / "dave.ipynb").write_text('{"cells": [', encoding="utf-8")
    assert grade.run_one(tmp_path / "dave.ipynb", 10, 1024)["outcome"] == grade.INVALID


def test_the_secret_of_the_first_cell_is_forgotten_before_the_student_runs(tmp_path):
    # a real kernel: the first cell passes the secret, the next looks for it everywhere
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(f"{grade._item('', 'p1')}"),
        nbformat.v4.new_code_cell(
            "import linecache\n"
            "seen = [v for v in globals().values() if isinstance(v, (str, list))]\n"
            "seen += [str(entry) for entry in linecache.cache.values()]\n"
            "print('s3' 'cret' in repr(seen) + repr(In) + repr(_i) + repr(_ih))"
        ),
    ]
    runnable, _ = grade.prepare(nb, str(tmp_path / "r.jsonl"), "s3cret")
    from nbclient import NotebookClient

    runnable.metadata["kernelspec"] = {"name": "python3"}
    NotebookClient(runnable, kernel_name="python3", timeout=120).execute()
    looked = next(c for c in runnable.cells if "linecache" in c.source)
    assert looked.outputs[0]["text"] == "False\n"
    record = json.loads((tmp_path / "r.jsonl").read_text().splitlines()[0])
    assert record["secret"] == "s3cret" and record["status"] == "not_attempted"


def test_the_fingerprint_sees_a_replaced_function_and_rewritten_code(monkeypatch):
    before = grading.fingerprint()
    assert grading.changed(before) == []
    monkeypatch.setattr(torch, "allclose", lambda *a, **k: True)
    monkeypatch.setattr(checks, "check_ex2", lambda f: None)
    monkeypatch.setattr(sandbox.close, "__code__", (lambda a, b, tol=1e-6: True).__code__)
    monkeypatch.setattr(torch.Tensor, "backward", lambda self, *a, **k: None)
    assert set(grading.changed(before)) == {
        "autograd_lab.exercises.checks.check_ex2",
        "autograd_lab.exercises.sandbox.close",
        "autograd_lab.exercises.checks.close",  # the same function, imported there
        "torch.Tensor.backward",
        "torch.allclose",
    }
    monkeypatch.undo()
    assert grading.changed(before) == []


# --- a class graded in real kernels -------------------------------------------------------------

# kind of submission -> its expected verdict per item (None: the same for every item)
_RIGHT = {item: "correct" for item in ITEMS}
_AFTER_EX1 = ITEMS.index("ex2")  # the misbehaviours sit in the answer cell of exercise 2
EXPECTED = {
    "right": _RIGHT,
    "invalid": {item: "invalid" for item in ITEMS},
    "loop": {i: "correct" if n < _AFTER_EX1 else "timeout" for n, i in enumerate(ITEMS)},
    "flood": {i: "correct" if n < _AFTER_EX1 else "too_much_output" for n, i in enumerate(ITEMS)},
    "exit": {i: "correct" if n < _AFTER_EX1 else "killed" for n, i in enumerate(ITEMS)},
    "kill": {i: "correct" if n < _AFTER_EX1 else "killed" for n, i in enumerate(ITEMS)},
    # the checks are replaced after the answer cell of the item: from there on nothing counts
    "tampered-check": {
        i: "not_attempted" if n < _AFTER_EX1 else "tampered" for n, i in enumerate(ITEMS)
    },
    "tampered-allclose": {item: "tampered" for item in ITEMS},
    "tampered-grader": {item: "tampered" for item in ITEMS},
    "tampered-sandbox": {
        i: "not_attempted" if n < ITEMS.index("ex1") else "tampered" for n, i in enumerate(ITEMS)
    },
}
WRONG_HINTS = {
    "p1": "exercises.p1_once",
    "p2": "exercises.p2_ones",
    "p3": "exercises.p3_through",
    "p4": "exercises.p4_branch",
    "ex1": "exercises.ex1_first_derivative",
    "ex2": "exercises.ex2_freed",
    "ex3": "exercises.ex3_not_scalar",
    "ex4": "exercises.ex4_one_path",
    "ex5": "exercises.ex5_no_backward",
    "ex6": "exercises.ex6_inner",
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A class of real submissions graded by `python -m tools.grade`: (folder, wall seconds)."""
    folder = tmp_path_factory.mktemp("class")
    subs = folder / "submissions"
    kinds = list(EXPECTED)
    paths = submissions.write(subs, kinds, lang="en")
    # one student hands in a folder, as a hub's collect step gives it
    (subs / "wrong").mkdir()
    wrong = submissions.fill(submissions.student_edition("en"), submissions.WRONG)
    (subs / "wrong" / "08_exercises.ipynb").write_text(json.dumps(wrong), encoding="utf-8")
    started = time.monotonic()
    command = [sys.executable, "-m", "tools.grade", str(subs), "--out", str(folder / "out")]
    command += ["--jobs", "2", "--timeout", "25", "--lang", "en"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    ids = {path.stem: kind for path, kind in zip(paths, kinds, strict=True)}
    return folder / "out", ids, time.monotonic() - started


@pytest.mark.slow
def test_every_submission_gets_its_verdicts_and_the_grader_finishes(graded):
    out, ids, seconds = graded
    with (out / "grades.csv").open(encoding="utf-8") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert set(rows) == {*ids, "wrong"}
    for student, kind in ids.items():
        verdicts = {item: rows[student][item] for item in ITEMS}
        assert verdicts == EXPECTED[kind], kind
        assert int(rows[student]["total"]) == sum(v == "correct" for v in verdicts.values())
    for item in ITEMS:  # the wrong answers: each misconception's own hint, recomputed
        assert (rows["wrong"][item], rows["wrong"][f"{item}_hint"]) == ("wrong", WRONG_HINTS[item])
    # eleven kernels, a loop stopped at 25 s: never stuck
    assert seconds < 300 + SLACK


@pytest.mark.slow
def test_the_report_names_the_misconceptions_in_each_language(graded):
    out, ids, _ = graded
    page = (out / "report.html").read_text(encoding="utf-8")
    grades = grade.read_csv(out / "grades.csv")
    assert "data:image/png;base64," in page and "http" not in page  # offline, self-contained
    assert '<html lang="en">' in page
    for lang in ("en", "zh"):
        page = grade_report.render(grades, lang)
        for hint in WRONG_HINTS.values():
            assert grade_report.hint_text(hint, lang) in page.replace("&#x27;", "'")
        assert template("grade.misconceptions", lang) in page
        flagged = page.split(template("grade.tampered_heading", lang))[1]
        for student, kind in ids.items():
            assert (student in flagged.split("</p>")[0]) == kind.startswith("tampered")
