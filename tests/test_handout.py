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

from autograd_lab import language as speech
from autograd_lab.course import COURSE
from autograd_lab.course_map import track_label
from autograd_lab.language import say
from tests.browser_helpers import chromium
from tests.helpers import CJK, small_course, solution_code_lines
from tools import handout, handout_html, student_edition

CHROMIUM = handout.find_chromium(None)
PDFTOTEXT = shutil.which("pdftotext")
PDFINFO = shutil.which("pdfinfo")
MISSING_CHROMIUM = "/nonexistent/chromium"
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian chromium is not installed (make system): no PDF to check"
)
needs_pdftotext = pytest.mark.skipif(
    PDFTOTEXT is None, reason="pdftotext (poppler-utils) is not installed (make system)"
)
RAW_TEX = ("\\frac", "\\partial", "$$")

LANGUAGES = list(COURSE.languages)
HANDOUTS = [pytest.param(h.key, id=h.name) for h in handout.handouts()]
# Text of a test tool that must never reach a learner's page.
TEST_TOOL = re.compile("nbval", re.IGNORECASE)
NO_MATHJAX = {"library": "", "files": {"sources": {}, "fonts": {}}}
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


# A handout of an older build, as the tool wrote it: it carries the tool's signature.
OLD_HANDOUT = (
    '<!DOCTYPE html>\n<html lang="en">\n<head><meta content="autograd-lab handout" '
    'name="generator"/>\n<title>old</title></head><body></body></html>\n'
)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Handouts of the first lesson alone, HTML only, as built on a machine without chromium.

    The output folder already holds a stale handout this tool wrote, a file it did not write
    that looks like one, a file of someone else's, and the record older builds kept of what
    they wrote, edited to list the user's thesis, with entries that are no file names at all."""
    out = tmp_path_factory.mktemp("small")
    (out / "autograd-lab-old-student.html").write_text(OLD_HANDOUT)
    (out / "autograd-lab-mine.html").write_text("someone's own file with the tool's prefix")
    (out / "notes.html").write_text("not the tool's")
    (out / "my-thesis.pdf").write_bytes(b"%PDF-1.4\n% a thesis\n")
    record = ["my-thesis.pdf", "autograd-lab-old-student.html", 1, None, {"a": []}]
    (out / ".autograd-lab-handout.json").write_text(json.dumps(record))
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
    todo = handout.handouts()
    assert [h.name for h in todo] == [
        f"autograd-lab-{lang}-{audience}"
        for lang in COURSE.languages
        for audience in handout.AUDIENCES
    ]
    for lang in COURSE.languages:
        readers = {h.audience: h.notebooks for h in todo if h.language == lang}
        student, instructor = readers["student"], readers["instructor"]
        assert [p.name for p in student] == [p.name for p in instructor]
        assert [p.name for p in instructor] == sorted(p.name for p in instructor)  # NN_ order
        assert all(p.parent == COURSE.root / lang for p in instructor)
        editions = [s != i for s, i in zip(student, instructor, strict=True)]
        assert editions == [nb.student for nb in COURSE.notebooks]
    exercises = next(nb for nb in COURSE.notebooks if nb.student)
    zh = {h.audience: h.notebooks for h in todo if h.language == "zh"}
    position = list(COURSE.notebooks).index(exercises)
    assert zh["student"][position] == COURSE.path(exercises, "zh", "student")
    assert zh["instructor"][position] == COURSE.path(exercises, "zh", "instructor")


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


def solution_cells(language: str, audience: str) -> int:
    """How many cells of a handout's notebooks are worked answers (tagged `solution`)."""
    h = next(h for h in handout.handouts() if h.key == (language, audience))
    return sum(
        student_edition.SOLUTION_TAG in c.metadata.get("tags", [])
        for p in h.notebooks
        for c in nbformat.read(p, as_version=4).cells
    )


@pytest.mark.parametrize("key", HANDOUTS)
def test_every_worked_answer_is_marked_in_the_instructor_html(built, key):
    language, audience = key
    page = built[0]["html"][key].read_text(encoding="utf-8")
    marker = interface_parts(page)["marker"]
    assert marker == handout.interface(language).solution
    if language == "en":
        assert "answer" in marker.lower()
    marked = len(re.findall(r'class="[^"]*\bcelltag_solution\b', page))
    expected = solution_cells(language, audience)
    assert marked == expected, f"{key}: {marked} marked, {expected} worked answers"
    assert (expected > 0) == (audience == "instructor")
    assert ".celltag_solution::before" in page and "var(--handout-solution)" in page


def answer_lines(language: str) -> list[str]:
    """Answer code of the language's exercises that a student reads nowhere else: not in the
    other notebooks of that language, nor in what the student editions keep (an exercise may say
    "return `a.grad`", which the rendered text shows as "return a.grad"; a lesson's own code may
    share a line with another lesson's answer)."""
    notebooks = next(h.notebooks for h in handout.handouts() if h.key == (language, "instructor"))
    sources = [p for p in student_edition.solutions_editions() if p in notebooks]
    if not sources:
        pytest.skip(f"no exercises with answers in notebooks of language {language!r} yet")
    # What a student reads anyway: the other notebooks, and everything the student editions of
    # the notebooks with answers keep (their prose, and a lesson's own worked code).
    readable = [p for p in notebooks if p not in sources]
    readable += [student_edition.student_path(p) for p in sources]
    seen = [c.source for p in readable for c in nbformat.read(p, as_version=4).cells]
    others = squeeze("\n".join(seen)).replace("`", "")
    lines = set().union(*(solution_code_lines(p) for p in sources))
    # Less the comments written for the test tool, which no handout shows.
    shown = squeeze(
        "\n".join(
            handout_html.without_test_comments(c.source)
            for p in sources
            for c in nbformat.read(p, as_version=4).cells
        )
    )
    lines = {line for line in lines if squeeze(line) in shown}
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


def test_the_build_removes_only_its_own_stale_handouts(small):
    result, printed = small
    out = result["out"]
    assert not (out / "autograd-lab-old-student.html").exists(), "its own stale handout removed"
    assert (out / "autograd-lab-mine.html").exists(), "a file without its signature is kept"
    assert (out / "notes.html").exists()
    assert "removed" in printed and "autograd-lab-mine" not in printed


def test_a_users_file_listed_in_an_old_record_survives(small):
    out = small[0]["out"]
    assert (out / "my-thesis.pdf").read_bytes() == b"%PDF-1.4\n% a thesis\n"
    assert "my-thesis" not in small[1]


def test_an_old_record_with_non_strings_is_left_alone(small):
    out = small[0]["out"]
    record = json.loads((out / ".autograd-lab-handout.json").read_text())
    assert record[2:] == [1, None, {"a": []}], "read by no one, changed by no one"
    assert all(path.is_file() for path in small[0]["html"].values())


def test_every_page_it_writes_carries_its_signature(small):
    for path in small[0]["html"].values():
        assert handout_html.is_handout_page(path)
    out = small[0]["out"]
    assert not handout_html.is_handout_page(out / "autograd-lab-mine.html")
    assert not handout.is_ours(out / "my-thesis.pdf")


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


@needs_chromium
@needs_pdftotext
@pytest.mark.parametrize("key", HANDOUTS)
def test_every_worked_answer_is_marked_in_the_pdf(built, key):
    language, audience = key
    marker = squeeze(handout.interface(language).solution)
    printed = squeeze(pdf_text(built[0]["pdf"][key])).count(marker)
    assert printed == solution_cells(language, audience), f"{key}: {printed} markers printed"


# --- progress and summary ----------------------------------------------------------------------


def test_build_reports_progress_per_handout_and_one_summary(built):
    result, printed = built
    lines = printed.splitlines()
    progress = [line for line in lines if re.match(r"\[\d+/\d+\] HTML ", line)]
    assert len(progress) == len(result["html"]) == 2 * len(result["languages"])
    for notebooks in result["notebooks"].values():
        for path in notebooks:
            assert any(line.strip().startswith(handout.shown(path) + ": ") for line in lines)
    (summary,) = [line for line in lines if line.startswith("handout: ")]
    assert summary == lines[-1]
    assert re.search(r"\d+\.\d s$", summary) and "MB" in summary
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
        "text/plain": say("explorers.controls", "en"),
    }
    cell = nbformat.v4.new_code_cell('explore_tangent("abs", x0=1.0)', execution_count=1)
    cell.metadata["tags"] = list(tags)
    cell.outputs = [
        nbformat.v4.new_output("display_data", data=picture),
        nbformat.v4.new_output("display_data", data=widget),
    ]
    return cell, explorer


def render_cells(tmp_path, cells) -> str:
    """Render a notebook of `cells` as an English student handout (without MathJax)."""
    path = tmp_path / "explorer.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    words = handout.interface("en")
    page, _ = handout_html.render([(path, "nb-explorer")], words, "student", NO_MATHJAX)
    return page


def test_an_explorer_cell_becomes_its_frames_and_a_slider(tmp_path):
    cell, explorer = explorer_cell()
    page = render_cells(tmp_path, [cell])
    (box,) = re.findall(r'<div class="explorer".*?</figure></div>', page, flags=re.S)
    assert "(interactive controls" not in visible_text(page), "no widget placeholder"
    tour = explorer.handout_frames()
    assert box.count('<figure class="explorer-frame') == len(tour["frames"])
    classes = re.findall(r'<figure class="([^"]+)"', box)
    assert sum("explorer-current" in c.split() for c in classes) == 1
    assert [i for i, c in enumerate(classes) if "explorer-key" in c.split()] == tour["key"]
    assert f'max="{len(tour["frames"]) - 1}"' in box and f'value="{tour["start"]}"' in box
    assert "<script" not in box, "the slider's code is the page's own, inline in its head"
    images = re.findall(r'<img[^>]* src="([^"]+)"', box)
    assert len(images) == len(tour["frames"]) and all(
        i.startswith("data:image/png") for i in images
    )
    assert "kink" in visible_text(box), "the captions come along"


def test_an_explorer_cell_without_frames_keeps_its_outputs_and_says_so(tmp_path, capsys):
    cell, _ = explorer_cell(frames=False)
    untagged, _ = explorer_cell(tags=("nbval-ignore-output",))
    page = render_cells(tmp_path, [cell, untagged])
    assert 'class="explorer"' not in page
    assert visible_text(page).count("(interactive controls") == 2, "outputs as they are"
    assert "has no stored frames" in capsys.readouterr().out


def test_the_page_carries_the_slider_code_inline(tmp_path):
    page = render_cells(tmp_path, [])
    script = (handout_html.TEMPLATE / "explorer.js").read_text().splitlines()
    assert next(line for line in script if not line.startswith("//")) in page
    assert "explorer-key" in page and not re.search(r"<script[^>]*\ssrc=", page)


# --- no test tool on a learner's page ----------------------------------------------------------


def test_test_tool_comments_are_dropped_and_the_rest_kept():
    source = (
        "# NBVAL_IGNORE_OUTPUT\n"
        "# Versions differ between machines, so nbval does not\n"
        "# compare this cell's output.\n"
        "import torch\n"
        "# Timings differ on every run.\n"
        "print(torch.__version__)  # the version\n"
        "    # NBVAL_SKIP\n"
    )
    assert handout_html.without_test_comments(source) == (
        "import torch\n# Timings differ on every run.\nprint(torch.__version__)  # the version"
    )
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["nbval-ignore-output", "explorer", "raises-exception"]
    cell, _ = handout_html.DropTestComments().preprocess_cell(cell, {}, 0)
    assert cell.metadata["tags"] == ["explorer", "raises-exception"]
    assert not TEST_TOOL.search(cell.source)


@pytest.mark.parametrize("key", HANDOUTS)
def test_no_test_tool_text_reaches_an_html_page(built, key):
    page = built[0]["html"][key].read_text(encoding="utf-8")
    found = [page[max(m.start() - 60, 0) : m.end() + 60] for m in TEST_TOOL.finditer(page)]
    assert not found, found[:3]


@needs_chromium
@needs_pdftotext
@pytest.mark.parametrize("key", HANDOUTS)
def test_no_test_tool_text_reaches_a_pdf(built, key):
    text = pdf_text(built[0]["pdf"][key])
    assert not TEST_TOOL.search(text), TEST_TOOL.findall(text)[:3]


# --- PDF titles and metadata ---------------------------------------------------------------------


@needs_chromium
@pytest.mark.skipif(PDFINFO is None, reason="pdfinfo (poppler-utils) is not installed")
@pytest.mark.parametrize("key", HANDOUTS)
def test_pdf_title_names_its_edition_and_language(built, key):
    language, audience = key
    pdf = built[0]["pdf"][key]
    info = subprocess.run([PDFINFO, str(pdf)], capture_output=True, text=True, check=True).stdout
    title = re.search(r"^Title:\s+(.*)$", info, flags=re.M).group(1)
    words = handout.interface(language)
    assert title == words.document_title(audience) == built[0]["titles"][key]
    assert words.audiences[audience] in title
    others = [words.audiences[a] for a in handout.AUDIENCES if a != audience]
    assert not any(other in title for other in others)
    assert (CJK.search(title) is not None) == (language == "zh"), "the title is in its language"
    assert re.search(r"^Tagged:\s+yes$", info, flags=re.M)
    lang = re.search(rb"/Lang\s*\(([^)]*)\)", pdf.read_bytes())
    assert lang and lang.group(1).decode() == words.html_lang, "the document's language"
    assert handout.pdf_title(pdf) == title and handout.is_ours(pdf)


# --- bad input: the output folder, the browser, the notebooks -------------------------------------


def test_an_empty_out_is_refused_and_nothing_written(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with speech.use("en"):
        assert handout.main(["--out", ""]) == 2
    assert "--out is empty" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    with speech.use("zh"), pytest.raises(ValueError, match="--out 是空的"):
        handout.build("")


def test_an_out_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "handout.pdf"
    target.write_text("a file")
    with speech.use("en"):
        assert handout.main(["--out", str(target)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert target.read_text() == "a file"


@pytest.fixture
def frozen(tmp_path):
    """A folder nobody may write into: immutable (as root), or read-only (as anyone else)."""
    folder = tmp_path / "frozen"
    folder.mkdir()
    if shutil.which("chattr") and subprocess.run(["chattr", "+i", str(folder)]).returncode == 0:
        yield folder
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


def test_an_out_that_cannot_be_written_is_refused(frozen):
    with speech.use("en"), pytest.raises(ValueError, match="cannot write into") as err:
        handout.build(frozen)
    assert "choose a folder you can write to" in str(err.value)
    with speech.use("zh"), pytest.raises(ValueError, match="无法写入"):
        handout.build(frozen / "inside")


def test_a_file_it_did_not_write_is_never_overwritten(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    theirs = out / "autograd-lab-en-student.pdf"
    theirs.write_bytes(b"%PDF-1.4\n% someone's own\n")
    course = small_course(tmp_path / "notebooks")
    with speech.use("en"), pytest.raises(ValueError, match="was not written by the handout"):
        handout.build(out, course=course, chromium=MISSING_CHROMIUM)
    assert theirs.read_bytes() == b"%PDF-1.4\n% someone's own\n"
    assert not list(out.glob("*.html")), "refused before writing anything"


def test_a_chromium_that_does_not_start_is_named(tmp_path):
    course = small_course(tmp_path / "notebooks")
    with speech.use("en"):
        result, printed = _build(tmp_path / "out", course=course, chromium="/bin/false")
    assert "Chromium (/bin/false) did not start" in result["pdf_error"]
    assert "PDF skipped: Chromium (/bin/false) did not start" in printed
    assert "Traceback" not in printed and result["pdf"] == {}
    assert all(path.is_file() for path in result["html"].values()), "the HTML is built"


@pytest.mark.parametrize(
    "broken", ["{not json", '{"cells": "none", "metadata": {}}'], ids=["not-json", "not-a-notebook"]
)
def test_an_invalid_notebook_is_named(tmp_path, broken):
    course = small_course(tmp_path / "notebooks")
    path = course.path(course.notebooks[0].slug, "en")
    path.write_text(broken)
    with speech.use("en"), pytest.raises(ValueError, match="is not a valid notebook") as err:
        handout.build(tmp_path / "out", course=course, chromium=MISSING_CHROMIUM)
    assert handout.shown(path) in str(err.value) and "git checkout" in str(err.value)


@pytest.mark.parametrize("language", COURSE.languages)
def test_the_contents_show_each_notebooks_track_and_time_from_the_course_model(language):
    readers = [COURSE.reader_copy(nb, language, "student").path for nb in COURSE.notebooks[:3]]
    labels = {p: track_label(COURSE.locate(p).notebook, language) for p in readers}
    notebooks = [(p, handout.part_anchor(p)) for p in readers]
    words = handout.interface(language)
    page, _ = handout_html.render(notebooks, words, "student", NO_MATHJAX, labels)
    toc = page[page.index('<nav class="handout-toc">') : page.index("</nav>")]
    shown = re.findall(r'<span class="handout-track">([^<]*)</span>', toc)
    assert shown == [html.escape(labels[p]) for p in readers]
    track, minutes = say("course.track_core", language), say("course.minutes", language, minutes=5)
    assert shown[0] == f"{track} · {minutes}"  # the start page: core, 5 minutes
