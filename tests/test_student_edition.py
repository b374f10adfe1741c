"""The student edition is generated from the solutions edition, is current, hides every answer,
and its stored run shows each check answering "not attempted" cleanly, in the language of the
edition: Chinese for notebooks/zh/, English for notebooks/en/."""

from __future__ import annotations

import re

import nbformat
import pytest

from autograd_lab import course
from tests.helpers import CJK, COURSE, solution_lines
from tools import student_edition as se

WITH_STUDENT = [nb for nb in COURSE.notebooks if nb.student]
EXERCISES = COURSE.notebook("08_exercises")
# (slug, language) -> (solutions edition, student edition), for every notebook with one
EDITIONS_OF = {
    (nb.slug, lang): (COURSE.path(nb, lang, "instructor"), COURSE.path(nb, lang, "student"))
    for nb in WITH_STUDENT
    for lang in COURSE.languages
}
# language -> the editions of the exercises notebook 08
EDITIONS = {lang: EDITIONS_OF[(EXERCISES.slug, lang)] for lang in COURSE.languages}
NOT_ATTEMPTED = {"zh": "【未作答】", "en": "[Not attempted]"}
# A call of an exercise check in a notebook: `ex.check_ex3(...)`, `lesson04.check_freeze(...)`.
CHECK_CALL = re.compile(r"\b(?:ex|lesson\d\d)\.check_\w+\(")


@pytest.fixture(scope="module", params=sorted(EDITIONS))
def language(request):
    return request.param


@pytest.fixture(scope="module")
def source(language):
    return nbformat.read(EDITIONS[language][0], as_version=4)


@pytest.fixture(scope="module")
def student(language):
    return nbformat.read(EDITIONS[language][1], as_version=4)


@pytest.fixture(scope="module", params=sorted(EDITIONS_OF), ids="/".join)
def editions(request):
    """(language, solutions edition, student edition) of one notebook with a student edition."""
    slug, lang = request.param
    source_path, student_path = EDITIONS_OF[request.param]
    return lang, source_path, student_path


def test_every_lesson_with_exercises_has_a_student_edition():
    assert EXERCISES.student
    assert len(WITH_STUDENT) >= 1


def test_the_solutions_edition_is_found(editions):
    language, source_path, student_path = editions
    assert source_path in se.solutions_editions()
    assert se.student_path(source_path) == student_path
    assert course.language_of(source_path) == language


def test_student_edition_is_current(editions):
    """Regenerating from the source gives the same cells: run `make student` if this fails."""
    language, source_path, student_path = editions
    fresh = se.student_notebook(nbformat.read(source_path, as_version=4), language)
    assert se.comparable(fresh) == se.comparable(nbformat.read(student_path, as_version=4))
    assert se.is_current(source_path)


def test_student_edition_is_valid(editions):
    student = nbformat.read(editions[2], as_version=4)
    nbformat.validate(student)
    counts = [c.execution_count for c in student.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), "stored outputs must come from one run"


def test_student_edition_contains_no_solution(editions):
    _, source_path, student_path = editions
    source = nbformat.read(source_path, as_version=4)
    student = nbformat.read(student_path, as_version=4)
    _, hidden = solution_lines(source)
    assert len(hidden) >= 3, "the solutions edition should hold answers to hide"
    text = "\n".join(c.source for c in student.cells)
    leaked = sorted(line for line in hidden if line in text)
    assert not leaked, f"solution lines in the student edition: {leaked[:5]}"
    assert se.BEGIN not in text and se.END not in text
    assert not any(se.SOLUTION_TAG in c.metadata.get("tags", []) for c in student.cells)


def test_every_check_answers_not_attempted_cleanly(editions):
    language, _, student_path = editions
    student = nbformat.read(student_path, as_version=4)
    checks = [
        c
        for c in student.cells
        if c.cell_type == "code" and CHECK_CALL.search(c.source) and "check_predict" not in c.source
    ]
    assert len(checks) >= 2, "two to four exercises at least"
    for cell in checks:
        (output,) = cell.outputs
        assert output.output_type == "execute_result", cell.source
        text = output.data["text/plain"]
        assert NOT_ATTEMPTED[language] in text, text
        if language == "en":
            assert not CJK.search(text), f"Chinese feedback in the English edition: {text}"
    for cell in student.cells:
        # A lesson shows some errors on purpose: those cells say so with the raises-exception tag.
        shows_error = "raises-exception" in cell.metadata.get("tags", [])
        for output in cell.get("outputs", []):
            assert output.get("name") != "stderr", cell.id
            assert output.output_type != "error" or shows_error, cell.id


def test_notebook08_has_its_six_exercises(student):
    checks = [c for c in student.cells if c.cell_type == "code" and "ex.check_ex" in c.source]
    assert len(checks) == 6


def test_every_prediction_answers_not_attempted_and_keeps_the_result_back(language, student):
    """A prediction's result is shown only once a prediction was written."""
    checks = [c for c in student.cells if c.cell_type == "code" and "ex.check_predict" in c.source]
    assert len(checks) == 4
    heading = {"zh": "预测", "en": "Prediction"}[language]
    for number, cell in enumerate(checks, start=1):
        (output,) = cell.outputs
        text = output.data["text/plain"]
        assert text.startswith(f"{heading} {number} {NOT_ATTEMPTED[language]}"), text
        assert not re.search(r"\d{3}", text), f"the result shows before a prediction: {text}"


def test_english_student_edition_is_english_throughout():
    """Placeholders, prose, code comments and printed text: no Chinese (but the course title)."""
    for (_, language), (_, student_path) in EDITIONS_OF.items():
        if language == "en":
            _assert_english(nbformat.read(student_path, as_version=4))
    english_08 = nbformat.read(EDITIONS["en"][1], as_version=4)
    assert se.placeholders("en").analysis in [c.source for c in english_08.cells]


def _assert_english(student):
    for cell in student.cells:
        texts = [cell.source]
        for output in cell.get("outputs", []):
            texts.append(output.get("text", "") + output.get("data", {}).get("text/plain", ""))
        for text in texts:
            assert not CJK.search(text.replace("自动求导", "")), f"{cell.id}: {text[:80]!r}"
    placeholders = se.placeholders("en")
    sources = [c.source for c in student.cells]
    assert any(placeholders.code in s for s in sources)


def test_answer_cells_keep_their_signature(language, student):
    by_id = {c.id: c.source for c in student.cells}
    stub = f"def second_derivative(f, x):\n    {se.placeholders(language).code}\n    ..."
    assert stub in by_id.values()
    assert any(s.startswith("x = ...") for s in by_id.values())


# --- the generator itself --------------------------------------------------------------------


def test_strip_solutions_inside_a_function():
    source = "def f(x):\n    # BEGIN SOLUTION\n    return x + 1\n    # END SOLUTION\n"
    assert se.strip_solutions(source) == f"def f(x):\n    {se.placeholders('zh').code}\n    ..."


def test_strip_solutions_at_top_level_keeps_the_lines_around():
    source = "y = ...\n# BEGIN SOLUTION\ny = 3\n# END SOLUTION\nprint(y)"
    assert se.strip_solutions(source) == f"y = ...\n{se.placeholders('zh').code}\nprint(y)"


@pytest.mark.parametrize(
    "source",
    [
        "# BEGIN SOLUTION\nx = 1",
        "x = 1\n# END SOLUTION",
        "# BEGIN SOLUTION\n# BEGIN SOLUTION\n# END SOLUTION",
    ],
)
def test_unbalanced_markers_are_an_error(source):
    with pytest.raises(ValueError, match="SOLUTION"):
        se.strip_solutions(source)


def test_solution_cells_become_one_invitation_and_images_are_relinked():
    nb = nbformat.v4.new_notebook()
    tagged = {"tags": ["solution"]}
    nb.cells = [
        nbformat.v4.new_markdown_cell("![f](../assets/f1.png) ![w](https://example.org/x.png)"),
        nbformat.v4.new_markdown_cell("worked answer", metadata=tagged),
        nbformat.v4.new_code_cell("secret = 42", metadata=tagged),
        nbformat.v4.new_markdown_cell("more of the answer", metadata=tagged),
        nbformat.v4.new_code_cell("x = 1", execution_count=3),
    ]
    student = se.student_notebook(nb)
    sources = [c.source for c in student.cells]
    assert sources == [
        "![f](../../assets/f1.png) ![w](https://example.org/x.png)",
        se.placeholders("zh").analysis,
        "x = 1",
    ]
    assert student.cells[-1].execution_count is None
    assert se.is_solutions_edition(nb) and not se.is_solutions_edition(student)


def test_language_is_told_by_the_folder(tmp_path):
    assert course.language_of(tmp_path / "zh" / "05_x.ipynb", required=True) == "zh"
    assert course.language_of(tmp_path / "en" / "05_x.ipynb", required=True) == "en"
    for language, (source, _) in EDITIONS.items():
        assert course.language_of(source, required=True) == language
    assert course.language_of(tmp_path / "elsewhere" / "05_x.ipynb") is None
    with pytest.raises(ValueError, match="language folder"):
        course.language_of(tmp_path / "elsewhere" / "05_x.ipynb", required=True)


def test_english_placeholders(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "def f(x):\n    # BEGIN SOLUTION\n    return x\n    # END SOLUTION"
        ),
        nbformat.v4.new_markdown_cell("worked answer", metadata={"tags": ["solution"]}),
    ]
    student = se.student_notebook(nb, "en")
    assert [c.source for c in student.cells] == [
        "def f(x):\n    # Write your code here\n    ...",
        se.placeholders("en").analysis,
    ]
    assert not any(CJK.search(c.source) for c in student.cells)
    # The folder decides: the same notebook under en/ gets English placeholders.
    (tmp_path / "en").mkdir()
    nbformat.write(nb, tmp_path / "en" / "05_x.ipynb")
    target = se.write_student_edition(tmp_path / "en" / "05_x.ipynb", execute=False)
    assert target == tmp_path / "en" / "student" / "05_x.ipynb"
    written = nbformat.read(target, as_version=4)
    assert se.comparable(written) == se.comparable(student)
    assert se.is_current(tmp_path / "en" / "05_x.ipynb")


def test_unknown_language_is_an_error():
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        se.student_notebook(nbformat.v4.new_notebook(), "fr")


def test_check_command_reports_current(capsys):
    sources = [str(source) for source, _ in EDITIONS.values()]
    assert se.main(["--check", *sources]) == 0
    out = capsys.readouterr().out
    assert out.count(": current") == len(EDITIONS), out
