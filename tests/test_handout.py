"""The classroom handout (tools/handout.py): self-contained offline HTML, a PDF per audience
with typeset math and every notebook, and no answers in the student edition.

The handout is built once per module into a temporary folder. The PDF checks need Debian's
chromium and poppler-utils (installed by `make install`); without them they skip and say so.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import shutil
import subprocess

import handout
import nbformat
import pytest
from conftest import NOTEBOOKS
from test_student_edition import solution_code_lines

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


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The full handout of the course, and what the build printed."""
    out = tmp_path_factory.mktemp("handout")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = handout.build(out, chromium=CHROMIUM or MISSING_CHROMIUM)
    return result, printed.getvalue()


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A handout of notebook 01 alone, HTML only, as built on a machine without chromium."""
    notebooks = tmp_path_factory.mktemp("notebooks")
    shutil.copy(NOTEBOOKS / "01_autograd_basics.ipynb", notebooks)
    out = tmp_path_factory.mktemp("small")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = handout.build(out, notebooks=notebooks, chromium=MISSING_CHROMIUM)
    return result, printed.getvalue()


def course_notebooks() -> list:
    return [p for g in handout.course_groups() for p in g.notebooks]


def built_notebooks(built) -> list:
    """The notebooks the build found (others may land while the tests run)."""
    return built[0]["notebooks"]


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


# --- what goes in ------------------------------------------------------------------------------


def test_notebooks_are_grouped_by_language_in_reading_order(tmp_path):
    for name in ["02_b.ipynb", "01_a.ipynb", "en/01_a.ipynb", "student/01_a.ipynb", "notes.ipynb"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        nbformat.write(nbformat.v4.new_notebook(), tmp_path / name)
    groups = handout.course_groups(tmp_path)
    assert [(g.label, [p.name for p in g.notebooks]) for g in groups] == [
        ("中文", ["01_a.ipynb", "02_b.ipynb"]),
        ("English", ["01_a.ipynb"]),
    ]
    first, second = groups[0].notebooks
    assert handout.edition(first, "student") == tmp_path / "student" / "01_a.ipynb"
    assert handout.edition(first, "instructor") == first
    assert handout.edition(second, "student") == second


def test_the_course_is_picked_up_by_glob():
    names = [p.relative_to(NOTEBOOKS).as_posix() for p in course_notebooks()]
    assert names[0] == "01_autograd_basics.ipynb" and "05_exercises.ipynb" in names
    assert not any(n.startswith("student/") for n in names)


# --- HTML --------------------------------------------------------------------------------------


@pytest.mark.parametrize("audience", handout.AUDIENCES)
def test_html_is_self_contained(built, audience):
    page = built[0]["html"][audience].read_text(encoding="utf-8")
    external = [
        r"<script[^>]*\ssrc=",  # every script is inline
        r"<link[^>]*\shref=",  # every style sheet is inline
        r"url\(\s*[\"']?https?:",  # no remote fonts or backgrounds in CSS
        r"@import",
        r"import\(\s*[\"']https?:",  # no dynamic module imports (nbconvert's mermaid loader)
    ]
    for pattern in external:
        match = re.search(pattern, page)
        assert match is None, f"{audience}: {page[match.start() : match.start() + 120]!r}"
    images = re.findall(r"<img[^>]*\ssrc=[\"']?([^\"' >]+)", page)
    assert images and all(src.startswith("data:") for src in images), "figures are embedded"
    assert "MathJax.Hub.Configured()" in page and "STIXMathJax_Main-Regular.woff" in page


@pytest.mark.parametrize("audience", handout.AUDIENCES)
def test_html_holds_every_notebook_in_order_with_a_table_of_contents(built, audience):
    page = built[0]["html"][audience].read_text(encoding="utf-8")
    sections = re.findall(r'<section class="handout-part" id="([^"]+)"', page)
    assert len(sections) == len(built_notebooks(built))
    toc = page[page.index('<nav class="handout-toc">') : page.index("</nav>")]
    assert [a for a in re.findall(r'href="#([^"]+)"', toc) if a in sections] == sections
    expected = [handout.part_anchor(handout.edition(p, audience)) for p in built_notebooks(built)]
    assert sections == expected


def answer_lines() -> list[str]:
    """Answer code of notebook 05 that no other notebook of the course contains."""
    others = squeeze(
        "\n".join(
            c.source
            for p in course_notebooks()
            if p.name != "05_exercises.ipynb"
            for c in nbformat.read(p, as_version=4).cells
        )
    )
    return sorted(line for line in solution_code_lines() if squeeze(line) not in others)


def test_student_html_has_no_solution_code(built):
    lines = answer_lines()
    assert len(lines) >= 20, "notebook 05 should hold answers to look for"
    student = squeeze(visible_text(built[0]["html"]["student"].read_text(encoding="utf-8")))
    teacher = squeeze(visible_text(built[0]["html"]["instructor"].read_text(encoding="utf-8")))
    assert all(squeeze(line) in teacher for line in lines), "instructor edition lost an answer"
    leaked = [line for line in lines if squeeze(line) in student]
    assert not leaked, leaked[:5]


def test_without_chromium_the_html_is_still_built(small):
    result, printed = small
    assert result["html"]["student"].is_file() and result["html"]["instructor"].is_file()
    assert result["pdf"] == {}
    assert "PDF skipped: Chromium not found" in printed


@needs_chromium
def test_html_typesets_math_with_networking_disabled(small):
    from playwright.sync_api import sync_playwright

    page_file = small[0]["html"]["student"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=handout.CHROMIUM_ARGS)
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
        browser.close()
    outside = [
        u for u in requested if u != page_file.as_uri() and not u.startswith(("data:", "about:"))
    ]
    assert outside == [], f"the handout asked for {outside[:3]}"
    assert typeset > 20 and errors == 0
    assert not any(tex in text for tex in RAW_TEX)


# --- PDF ---------------------------------------------------------------------------------------


@needs_chromium
@pytest.mark.parametrize("audience", handout.AUDIENCES)
def test_pdf_has_a_page_per_notebook_at_least(built, audience):
    result = built[0]
    pages = result["pages"][audience]
    assert pages >= len(built_notebooks(built))
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(result["pdf"][audience])], capture_output=True, text=True, check=True
        ).stdout
        assert re.search(r"Pages:\s+(\d+)", info).group(1) == str(pages)
        assert "(A4)" in re.search(r"Page size:.*", info).group(0)


@needs_chromium
@needs_pdftotext
@pytest.mark.parametrize("audience", handout.AUDIENCES)
def test_pdf_text_has_every_heading_and_no_raw_tex(built, audience):
    text = pdf_text(built[0]["pdf"][audience])
    flat = squeeze(text)
    for path in built_notebooks(built):
        for word in heading_words(path):
            assert word in flat, f"{audience} PDF lacks {word!r} of {path.name}"
    for tex in RAW_TEX:
        assert tex not in text, f"{audience} PDF shows raw TeX {tex!r}"
    assert re.search(r"\b1 / \d+\b", text), "page numbers in the footer"


@needs_chromium
@needs_pdftotext
def test_student_pdf_has_no_solution_code(built):
    lines = answer_lines()
    student = squeeze(pdf_text(built[0]["pdf"]["student"]))
    teacher = squeeze(pdf_text(built[0]["pdf"]["instructor"]))
    found = [line for line in lines if squeeze(line) in teacher]
    assert len(found) >= 0.8 * len(lines), "most answers should be legible in the teacher's PDF"
    leaked = [line for line in lines if squeeze(line) in student]
    assert not leaked, leaked[:5]


# --- progress and summary ----------------------------------------------------------------------


def test_build_reports_progress_per_notebook_and_one_summary(built):
    result, printed = built
    lines = printed.splitlines()
    progress = [line for line in lines if re.match(r"\[\d+/\d+\] ", line)]
    assert len(progress) >= len(built_notebooks(built))
    (summary,) = [line for line in lines if line.startswith("handout: ")]
    assert summary == lines[-1]
    assert re.search(r"\d+\.\d s$", summary) and "MB" in summary
    if result["pdf"]:
        assert re.search(r"\d+ pages", summary)
