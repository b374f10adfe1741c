"""The classroom handouts (tools/handout.py): for each language and audience a self-contained
offline HTML and a PDF with typeset math and every notebook of that language, in that
language's own words, and no answers in the student editions.

The handouts are built once per module into a temporary folder. The PDF checks need Debian's
chromium and poppler-utils (installed by `make install`); without them they skip and say so.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import shutil
import subprocess

import nbformat
import pytest

from autograd_lab.course import COURSE
from tests.browser_helpers import chromium
from tests.helpers import CJK, small_course, solution_code_lines
from tools import handout, student_edition

CHROMIUM = handout.find_chromium(None)
PDFTOTEXT = shutil.which("pdftotext")
MISSING_CHROMIUM = "/nonexistent/chromium"
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium is not installed (make system): no PDF to check"
)
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed (make system)"
)
RAW_TEX = ("\\frac", "\\partial", "$$")

LANGUAGES = [g.language for g in handout.course_groups()]
HANDOUTS = [pytest.param(h.key, id=h.name) for h in handout.handouts(handout.course_groups())]
# What each language's handout must say in its own words (the Chinese ones as before).
INTERFACE_WORDS = {
    "zh": {"lang": "zh-CN", "contents": "目录", "student": "学生版", "instructor": "教师版"},
    "en": {
        "lang": "en",
        "contents": "Contents",
        "student": "Student edition",
        "instructor": "Instructor edition",
    },
}


def _build(out, **kwargs):
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = handout.build(out, **kwargs)
    return result, printed.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every handout of the course, and what the build printed."""
    return _build(tmp_path_factory.mktemp("handout"), chromium=CHROMIUM or MISSING_CHROMIUM)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Handouts of the first notebook alone, HTML only, as built on a machine without chromium.

    The output folder already holds a stale handout this tool wrote, a file it did not write
    that looks like one, and a file of someone else's."""
    out = tmp_path_factory.mktemp("small")
    (out / "autograd-lab-old-student.html").write_text("a handout this tool once built")
    (out / handout.WRITTEN).write_text('["autograd-lab-old-student.html"]')
    (out / "autograd-lab-mine.html").write_text("someone's own file with the tool's prefix")
    (out / "notes.html").write_text("not the tool's")
    course = small_course(tmp_path_factory.mktemp("notebooks"))
    return _build(out, course=course, chromium=MISSING_CHROMIUM)


def built_notebooks(built, language) -> list:
    """The notebooks of a language the build found (others may land while the tests run)."""
    return built[0]["notebooks"][language]


def visible_text(page: str) -> str:
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_text(pdf) -> str:
    return subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def heading_words(path) -> list[str]:
    """The words of a notebook's title that a reader sees in print: Chinese runs and words."""
    nb = nbformat.read(path, as_version=4)
    first = next(c.source for c in nb.cells if c.cell_type == "markdown")
    title = next(line for line in first.splitlines() if line.startswith("# "))
    title = re.sub(r"\$[^$]*\$|`[^`]*`", " ", title[2:])
    return re.findall(r"[\u4e00-\u9fff]{2,}|[A-Za-z]{3,}", title)


def own_cjk(paths) -> set[str]:
    """The CJK characters the notebooks themselves hold (in any cell or output)."""
    found = set()
    for path in paths:
        copy = COURSE.locate(path)
        editions = {
            COURSE.reader_copy(copy.notebook, copy.language, a).path for a in handout.AUDIENCES
        }
        for edition in editions:
            cells = json.loads(edition.read_text(encoding="utf-8"))["cells"]
            found |= set(CJK.findall(json.dumps(cells, ensure_ascii=False)))
    return found


def interface_parts(page: str) -> dict[str, str]:
    """The handout's own words in its HTML: title, cover, contents heading, answer marker."""
    marker = re.search(r'--handout-solution:\s*"([^"]*)"', page)
    return {
        "lang": re.search(r'<html lang="([^"]+)">', page).group(1),
        "title": html.unescape(re.search(r"<title>(.*?)</title>", page).group(1)),
        "cover": visible_text(
            re.search(r'<header class="handout-cover">.*?</header>', page).group(0)
        ),
        "contents": visible_text(
            re.search(r'<nav class="handout-toc"><h2>(.*?)</h2>', page).group(1)
        ),
        "marker": re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m.group(1), 16)), marker.group(1)),
    }


# --- what goes in ------------------------------------------------------------------------------


def test_notebooks_are_grouped_by_language_in_reading_order():
    groups = handout.course_groups()
    assert [g.language for g in groups] == list(COURSE.languages)
    for group in groups:
        student, instructor = group.readers["student"], group.readers["instructor"]
        assert [p.name for p in student] == [p.name for p in instructor]
        assert [p.name for p in instructor] == sorted(p.name for p in instructor)  # NN_ order
        assert all(p.parent == COURSE.root / group.language for p in instructor)
        editions = [s != i for s, i in zip(student, instructor, strict=True)]
        assert editions == [nb.student for nb in COURSE.notebooks]
    exercises = next(nb for nb in COURSE.notebooks if nb.student)
    zh = groups[0]
    position = list(COURSE.notebooks).index(exercises)
    assert zh.readers["student"][position] == COURSE.path(exercises, "zh", "student")
    assert zh.readers["instructor"][position] == COURSE.path(exercises, "zh", "instructor")
    assert [h.name for h in handout.handouts(groups)] == [
        f"autograd-lab-{lang}-{audience}"
        for lang in COURSE.languages
        for audience in handout.AUDIENCES
    ]


def test_every_language_has_its_handout_words():
    for language in COURSE.languages:
        words = handout.interface(language)
        assert words.contents and words.html_lang and set(words.audiences) == set(handout.AUDIENCES)
    assert handout.interface("en").contents == "Contents"
    assert handout.interface("zh").contents == "目录"
    with pytest.raises(ValueError, match="unknown language"):
        handout.interface("xx")


# --- HTML --------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", HANDOUTS)
def test_html_is_self_contained(built, key):
    path = built[0]["html"][key]
    assert path.name == "autograd-lab-{}-{}.html".format(*key)
    page = path.read_text(encoding="utf-8")
    external = [
        r"<script[^>]*\ssrc=",  # every script is inline
        r"<link[^>]*\shref=",  # every style sheet is inline
        r"url\(\s*[\"']?https?:",  # no remote fonts or backgrounds in CSS
        r"@import",
        r"import\(\s*[\"']https?:",  # no dynamic module imports (nbconvert's mermaid loader)
    ]
    for pattern in external:
        match = re.search(pattern, page)
        assert match is None, f"{key}: {page[match.start() : match.start() + 120]!r}"
    images = re.findall(r"<img[^>]*\ssrc=[\"']?([^\"' >]+)", page)
    assert images and all(src.startswith("data:") for src in images), "figures are embedded"
    assert "MathJax.Hub.Configured()" in page and "STIXMathJax_Main-Regular.woff" in page


@pytest.mark.parametrize("key", HANDOUTS)
def test_html_holds_its_languages_notebooks_in_order_with_a_table_of_contents(built, key):
    language, audience = key
    page = built[0]["html"][key].read_text(encoding="utf-8")
    sections = re.findall(r'<section class="handout-part" id="([^"]+)"', page)
    toc = page[page.index('<nav class="handout-toc">') : page.index("</nav>")]
    assert [a for a in re.findall(r'href="#([^"]+)"', toc) if a in sections] == sections
    readers = [COURSE.reader_copy(nb, language, audience).path for nb in COURSE.notebooks]
    assert sections == [handout.part_anchor(p) for p in readers]


@pytest.mark.parametrize("key", HANDOUTS)
def test_html_speaks_the_language_of_its_notebooks(built, key):
    language, audience = key
    if language not in INTERFACE_WORDS:
        pytest.skip(f"no expected interface words for language {language!r} in this test")
    want = INTERFACE_WORDS[language]
    words = interface_parts(built[0]["html"][key].read_text(encoding="utf-8"))
    assert words["lang"] == want["lang"]
    assert words["contents"] == want["contents"]
    assert want[audience] in words["cover"] and want[audience] in words["title"]
    assert "autograd-lab" in words["cover"]
    if language != "zh":  # none of the handout's own words is Chinese
        chinese = {name: text for name, text in words.items() if CJK.search(text)}
        assert not chinese, f"{key}: {chinese}"
        # Nor anywhere else: every Chinese character shown comes from the notebooks themselves.
        page = built[0]["html"][key].read_text(encoding="utf-8")
        shown = set(CJK.findall(visible_text(page)))
        assert shown <= own_cjk(built_notebooks(built, language)), sorted(shown)[:10]
    else:
        assert CJK.search(words["marker"]), "the Chinese answer marker stays Chinese"


def test_instructor_html_marks_worked_answers_in_its_language(built):
    editions = student_edition.solutions_editions()
    for language in built[0]["languages"]:
        page = built[0]["html"][(language, "instructor")].read_text(encoding="utf-8")
        marker = interface_parts(page)["marker"]
        assert marker == handout.interface(language).solution
        if language == "en":
            assert "answer" in marker.lower()
        if any(p in editions for p in built_notebooks(built, language)):
            assert 'jp-Notebook-cell handout-solution"' in page, f"{language}: answers marked"


def answer_lines(language: str) -> list[str]:
    """Answer code of the language's exercises that a student reads nowhere else: not in the
    other notebooks of that language, nor in the exercises' own prose (an exercise may say
    "return `a.grad`", which the rendered text shows as "return a.grad")."""
    group = next(g for g in handout.course_groups() if g.language == language)
    sources = [p for p in student_edition.solutions_editions() if p in group.notebooks]
    if not sources:
        pytest.skip(f"no exercises with answers in notebooks of language {language!r} yet")
    seen = [
        c.source
        for p in group.notebooks
        for c in nbformat.read(p, as_version=4).cells
        if p not in sources
        or (
            c.cell_type == "markdown"
            and student_edition.SOLUTION_TAG not in c.metadata.get("tags", [])
        )
    ]
    others = squeeze("\n".join(seen)).replace("`", "")
    lines = set().union(*(solution_code_lines(p) for p in sources))
    return sorted(line for line in lines if squeeze(line) not in others)


@pytest.mark.parametrize("language", LANGUAGES)
def test_student_html_has_no_solution_code(built, language):
    lines = answer_lines(language)
    assert len(lines) >= 20, f"the {language} exercises should hold answers to look for"
    html_of = built[0]["html"]
    student = squeeze(visible_text(html_of[(language, "student")].read_text(encoding="utf-8")))
    teacher = squeeze(visible_text(html_of[(language, "instructor")].read_text(encoding="utf-8")))
    assert all(squeeze(line) in teacher for line in lines), "instructor edition lost an answer"
    leaked = [line for line in lines if squeeze(line) in student]
    assert not leaked, leaked[:5]


def test_without_chromium_the_html_is_still_built(small):
    result, printed = small
    assert result["languages"] == list(COURSE.languages)
    for language in result["languages"]:
        for audience in handout.AUDIENCES:
            path = result["html"][(language, audience)]
            assert path.name == f"autograd-lab-{language}-{audience}.html" and path.is_file()
    assert result["pdf"] == {}
    assert "PDF skipped: Chromium not found" in printed
    out = result["out"]
    assert not (out / "autograd-lab-old-student.html").exists(), "its own stale handout removed"
    assert (out / "autograd-lab-mine.html").exists(), "a file it did not write is kept"
    assert (out / "notes.html").exists()
    assert "removed" in printed and "autograd-lab-mine" not in printed


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_html_typesets_math_with_networking_disabled(small, language):
    page_file = small[0]["html"][(language, "student")]
    with chromium() as browser:
        context = browser.new_context(offline=True)
        page = context.new_page()
        requested = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(page_file.as_uri(), wait_until="load")
        page.wait_for_function(
            "document.body.getAttribute('data-mathjax') === 'done'", timeout=120_000
        )
        typeset = page.evaluate("document.querySelectorAll('.MathJax, .MathJax_Display').length")
        errors = page.evaluate("document.querySelectorAll('.MathJax_Error, merror').length")
        text = page.evaluate("document.body.innerText")
    outside = [
        u for u in requested if u != page_file.as_uri() and not u.startswith(("data:", "about:"))
    ]
    assert outside == [], f"the handout asked for {outside[:3]}"
    assert typeset > 20 and errors == 0
    assert not any(tex in text for tex in RAW_TEX)


# --- PDF ---------------------------------------------------------------------------------------


@needs_chromium
@pytest.mark.parametrize("key", HANDOUTS)
def test_pdf_has_a_page_per_notebook_at_least(built, key):
    result = built[0]
    pdf = result["pdf"][key]
    assert pdf.name == "autograd-lab-{}-{}.pdf".format(*key)
    pages = result["pages"][key]
    assert pages >= len(built_notebooks(built, key[0]))
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        assert re.search(r"Pages:\s+(\d+)", info).group(1) == str(pages)
        assert "(A4)" in re.search(r"Page size:.*", info).group(0)


@needs_chromium
@needs_pdftotext
@pytest.mark.parametrize("key", HANDOUTS)
def test_pdf_text_has_every_heading_and_no_raw_tex(built, key):
    language, audience = key
    text = pdf_text(built[0]["pdf"][key])
    flat = squeeze(text)
    for path in built_notebooks(built, language):
        for word in heading_words(path):
            assert word in flat, f"{key} PDF lacks {word!r} of {path.name}"
    for tex in RAW_TEX:
        assert tex not in text, f"{key} PDF shows raw TeX {tex!r}"
    assert re.search(r"\b1 / \d+\b", text), "page numbers in the footer"
    if language in INTERFACE_WORDS:  # the cover, the contents and the page header
        want = INTERFACE_WORDS[language]
        assert squeeze(want["contents"]) in flat and squeeze(want[audience]) in flat
    # One page prints both audiences of a language: each PDF shows its own cover only.
    words = handout.interface(language)
    for other in handout.AUDIENCES:
        cover = squeeze(words.handout + words.separator + words.audiences[other])
        assert (cover in flat) == (other == audience), f"{key} PDF, cover of {other}"
    if language != "zh":
        shown = set(CJK.findall(text))
        assert shown <= own_cjk(built_notebooks(built, language)), sorted(shown)[:10]


@needs_chromium
@needs_pdftotext
@pytest.mark.parametrize("language", LANGUAGES)
def test_student_pdf_has_no_solution_code(built, language):
    lines = answer_lines(language)
    student = squeeze(pdf_text(built[0]["pdf"][(language, "student")]))
    teacher = squeeze(pdf_text(built[0]["pdf"][(language, "instructor")]))
    found = [line for line in lines if squeeze(line) in teacher]
    assert len(found) >= 0.8 * len(lines), "most answers should be legible in the teacher's PDF"
    leaked = [line for line in lines if squeeze(line) in student]
    assert not leaked, leaked[:5]


# --- progress and summary ----------------------------------------------------------------------


def test_build_reports_progress_per_notebook_and_one_summary(built):
    result, printed = built
    lines = printed.splitlines()
    progress = [line for line in lines if re.match(r"\[\d+/\d+\] ", line)]
    assert len(progress) >= sum(len(ps) for ps in result["notebooks"].values())
    rendered = [re.match(r"\[\d+/\d+\] (\S+):", line).group(1) for line in progress]
    assert len(rendered) == len(set(rendered)), "each notebook is rendered once"
    (summary,) = [line for line in lines if line.startswith("handout: ")]
    assert summary == lines[-1]
    assert re.search(r"\d+\.\d s$", summary) and "MB" in summary
    assert len(result["html"]) == 2 * len(result["languages"])
    if result["pdf"]:
        assert len(re.findall(r"\d+ pages", summary)) == len(result["pdf"]) == len(result["html"])


# --- explorers: frames and a plain slider instead of widgets -----------------------------------


def explorer_cell(tags=("explorer", "nbval-ignore-output"), frames=True):
    """A code cell with the outputs an executed explorer cell stores."""
    from autograd_lab.explorers import explore_tangent

    explorer = explore_tangent("abs", x0=1.0, lang="en")
    image, values = explorer.picture()
    picture = explorer._bundle(image, explorer.handout_frames() if frames else None)
    widget = {
        "application/vnd.jupyter.widget-view+json": {"model_id": "0" * 32, "version_major": 2},
        "text/plain": "(interactive controls: run this cell in JupyterLab to move the slider)",
    }
    cell = nbformat.v4.new_code_cell('explore_tangent("abs", x0=1.0)', execution_count=1)
    cell.metadata["tags"] = list(tags)
    cell.outputs = [
        nbformat.v4.new_output("display_data", data=picture),
        nbformat.v4.new_output("display_data", data=widget),
    ]
    return cell, explorer


def test_an_explorer_cell_becomes_its_frames_and_a_slider():
    cell, explorer = explorer_cell()
    nb = nbformat.v4.new_notebook(cells=[cell])
    assert handout.replace_explorers(nb, COURSE.files()[0]) == 1
    ((output,),) = [c.outputs for c in nb.cells]
    page = output["data"]["text/html"]
    assert set(output["data"]) == {"text/html"}, "no widget view, no placeholder text"
    tour = explorer.handout_frames()
    assert page.count('<figure class="explorer-frame') == len(tour["frames"])
    classes = re.findall(r'<figure class="([^"]+)"', page)
    assert sum("explorer-current" in c.split() for c in classes) == 1
    assert [i for i, c in enumerate(classes) if "explorer-key" in c.split()] == tour["key"]
    assert f'max="{len(tour["frames"]) - 1}"' in page and f'value="{tour["start"]}"' in page
    assert "<script" not in page, "the slider's code is the page's own, inline in its head"
    images = re.findall(r'<img src="([^"]+)"', page)
    assert len(images) == len(tour["frames"]) and all(
        i.startswith("data:image/png") for i in images
    )
    assert "kink" in visible_text(page), "the captions come along"


def test_an_explorer_cell_without_frames_keeps_its_outputs_and_says_so(capsys):
    cell, _ = explorer_cell(frames=False)
    untagged, _ = explorer_cell(tags=("nbval-ignore-output",))
    nb = nbformat.v4.new_notebook(cells=[cell, untagged])
    before = [list(c.outputs) for c in nb.cells]
    assert handout.replace_explorers(nb, COURSE.files()[0]) == 0
    assert [list(c.outputs) for c in nb.cells] == before
    assert "has no stored frames" in capsys.readouterr().out


def test_the_page_carries_the_slider_code_inline():
    page = handout.assemble("en", {"student": []}, "", "")
    assert handout.EXPLORER_SCRIPT.strip().splitlines()[0] in page
    assert "explorer-key" in page and not re.search(r"<script[^>]*\ssrc=", page)
