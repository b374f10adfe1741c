"""The tracks live in the course model; the README, the start page and the word budget follow it."""

from __future__ import annotations

import re

import nbformat
import pytest

from autograd_lab.course import CORE, DEEP, Course, Notebook
from autograd_lab.course_map import course_map, english_words
from tests.helpers import COURSE
from tools import readme

START = "00_start_here"
CORE_WORDS = 9000  # the core track reads in about an hour


def test_the_start_page_comes_first_and_every_notebook_is_described():
    assert COURSE.notebooks[0].slug == START
    for nb in COURSE.notebooks:
        assert nb.minutes > 0, nb.slug
        assert set(nb.outcomes) == set(COURSE.languages), nb.slug


def test_the_core_track_is_about_an_hour_of_at_most_9000_english_words():
    core = COURSE.track(CORE)
    words = sum(english_words(COURSE.path(nb, "en")) for nb in core)
    assert words <= CORE_WORDS, f"the core track has {words} English words"
    assert 45 <= sum(nb.minutes for nb in core) <= 75


def test_practice_comes_before_the_engine():
    order = [nb.slug for nb in COURSE.notebooks]
    assert order.index("04_autograd_in_practice") < order.index("06_autograd_from_scratch")


def test_a_notebook_assumes_only_what_comes_before_it():
    first = Notebook("01_a", {"zh": "甲", "en": "A"}, minutes=5, requires=("02_b",))
    second = Notebook("02_b", {"zh": "乙", "en": "B"}, minutes=5)
    with pytest.raises(ValueError, match="must come before it"):
        Course((first, second))
    with pytest.raises(ValueError, match="track"):
        Notebook("03_c", {"zh": "丙", "en": "C"}, track="optional")


@pytest.mark.parametrize("lang", COURSE.languages)
def test_every_deep_dive_says_it_is_optional_at_its_top(lang):
    for nb in COURSE.track(DEEP):
        top = nbformat.read(COURSE.path(nb, lang), as_version=4).cells[0].source
        assert f"]({START}.ipynb)" in top.split("\n\n")[1], f"{lang}/{nb.slug}"


@pytest.mark.parametrize("lang", COURSE.languages)
def test_the_start_page_shows_the_map_the_model_gives_today(lang):
    nb = nbformat.read(COURSE.path(START, lang), as_version=4)
    shown = [
        out["data"]["text/markdown"]
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if "text/markdown" in out.get("data", {})
    ]
    assert shown == [course_map(lang)], "re-execute 00_start_here: the course model changed"
    for track in ("core", "deep"):
        assert all(f"({nb.slug}.ipynb)" in shown[0] for nb in COURSE.track(track) if not nb.student)
    assert "(student/08_exercises.ipynb)" in shown[0]


def test_the_readme_tables_are_what_the_model_says():
    text = readme.README.read_text(encoding="utf-8")
    assert readme.render(text) == text, "run python -m tools.readme"


def test_a_readme_without_markers_is_an_error():
    with pytest.raises(ValueError, match="course-table:zh"):
        readme.render("# no tables here\n")


# Every lesson ends with a "check yourself" section of two to four exercises with checks; the
# start page introduces the course and notebook 08 is the cumulative set.
LESSONS = [nb for nb in COURSE.notebooks if nb.slug not in ("00_start_here", "08_exercises")]
CHECK_YOURSELF = {"zh": "## 自测练习", "en": "## Check yourself"}
CHECK_CALL = re.compile(r"^\s*\w+\.check_\w+\(", re.MULTILINE)


@pytest.mark.parametrize("lang", COURSE.languages)
@pytest.mark.parametrize("nb", LESSONS, ids=lambda nb: nb.slug)
def test_every_lesson_ends_with_two_to_four_exercises_and_a_student_edition(nb, lang):
    assert nb.student, f"{nb.slug}: its exercises need a student edition (student=True)"
    cells = nbformat.read(COURSE.path(nb, lang), as_version=4).cells
    starts = [
        i
        for i, c in enumerate(cells)
        if c.cell_type == "markdown" and c.source.startswith(CHECK_YOURSELF[lang])
    ]
    assert len(starts) == 1, f"{nb.slug}: one section {CHECK_YOURSELF[lang]!r}"
    after = cells[starts[0] :]
    checks = [c for c in after if c.cell_type == "code" and CHECK_CALL.search(c.source)]
    assert 2 <= len(checks) <= 4, f"{nb.slug}: {len(checks)} checked exercises"
    later_sections = [
        c.source.splitlines()[0]
        for c in after[1:]
        if c.cell_type == "markdown" and c.source.startswith("## ")
    ]
    assert all(s.startswith(("## 小结", "## Summary")) for s in later_sections), later_sections
