"""Build the classroom handouts: per language and audience one self-contained HTML and one A4
PDF, offline.

    python -m tools.handout                     # into build/handout/
    python -m tools.handout --out DIR           # somewhere else (the tests use a tmp folder)
    python -m tools.handout --chromium PATH     # a browser other than /usr/bin/chromium

Each language of the course (autograd_lab.course) gets its own handouts, its notebooks in
reading order, e.g. build/handout/autograd-lab-zh-student.html and
autograd-lab-en-instructor.pdf. The student handout takes the student edition of a notebook
where the course has one; the instructor handout takes the solutions. The notebooks are not
re-executed: their stored outputs are the ones nbval checks.

The page is nbconvert's (tools/handout_html.py and its template tools/handout_template/); this
module chooses the notebooks, guards the output folder and prints the PDFs with headless
Chromium (through playwright) once MathJax has finished. Without Chromium the PDF step says so
and the HTML is still built. The build writes, overwrites and removes only handouts it wrote
itself, told by their content, never a file of someone else's.
"""

from __future__ import annotations

import argparse
import dataclasses
import html
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from autograd_lab.course import COURSE, INSTRUCTOR, ROOT, STUDENT, Course, shown
from autograd_lab.course_map import track_label
from autograd_lab.language import say
from tools import handout_html
from tools.handout_html import Interface, is_handout_page, mathjax, mathjax_dir, read_notebook
from tools.student_edition import is_solutions_edition

DEFAULT_OUT = ROOT / "build" / "handout"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
AUDIENCES = (STUDENT, INSTRUCTOR)
# Flags that work for Debian's Chromium in a container (see tooling-facts.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MATHJAX_TIMEOUT_MS = 300_000
# A4 (210 mm) less the 13 mm side margins of @page, in CSS pixels (96 per inch).
PRINT_VIEWPORT = {"width": round((210 - 2 * 13) / 25.4 * 96), "height": 1000}


def interface(language: str) -> Interface:
    """The handout's words for a course language."""
    return handout_html.interface(language, AUDIENCES)


@dataclasses.dataclass(frozen=True)
class Handout:
    """One language's notebooks for one audience: one HTML and one PDF."""

    language: str
    audience: str
    notebooks: tuple[Path, ...]  # the files this audience reads, in reading order

    @property
    def key(self) -> tuple[str, str]:
        return self.language, self.audience

    @property
    def name(self) -> str:
        return f"autograd-lab-{self.language}-{self.audience}"

    @property
    def label(self) -> str:
        return f"{self.language} {self.audience}"


# --- what goes in -----------------------------------------------------------------------------


def handouts(course: Course = COURSE) -> list[Handout]:
    """Every handout to build: each language of the course, each audience."""
    return [
        Handout(
            language,
            audience,
            tuple(course.reader_copy(nb, language, audience).path for nb in course.notebooks),
        )
        for language in course.languages
        for audience in AUDIENCES
    ]


def part_anchor(path: Path, course: Course = COURSE) -> str:
    """The id of a notebook's section in the handout, e.g. nb-zh-student-07-exercises."""
    key = path.relative_to(course.root).with_suffix("").as_posix()
    return "nb-" + re.sub(r"[^a-z0-9]+", "-", key)


# --- the output folder: only the tool's own files -------------------------------------------------


def output_folder(out: str | Path) -> Path:
    """Return `out` as a folder this tool can write into, or raise a ValueError saying why not."""
    if not str(out).strip():
        raise ValueError(say("handout.out_empty"))
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ValueError(say("handout.out_not_folder", out=shown(folder)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise ValueError(say("handout.out_unwritable", out=shown(folder), reason=reason)) from err
    return folder


def pdf_title(path: Path) -> str | None:
    """The Title of a PDF's document information, as Chromium writes it (UTF-16 in hex)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    # The trailer names the information dictionary (bookmarks have titles of their own).
    info = re.findall(rb"/Info\s+(\d+)\s+0\s+R", data)
    entries = info and re.search(rb"\b" + info[-1] + rb"\s+0\s+obj\s*<<(.*?)>>", data, re.S)
    title = entries and re.search(rb"/Title\s*<FEFF([0-9A-Fa-f]*)>", entries.group(1))
    try:
        return bytes.fromhex(title.group(1).decode("ascii")).decode("utf-16-be") if title else None
    except ValueError:
        return None


def html_title(path: Path) -> str | None:
    """The <title> of an HTML page, from its head."""
    try:
        with open(path, "rb") as page:
            head = page.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return None
    title = re.search(r"<title>([^<]*)</title>", head)
    return html.unescape(title.group(1)) if title else None


def is_ours(path: Path, course: Course = COURSE) -> bool:
    """Return True if `path` is a handout this tool wrote, told by its content: a page with
    the tool's signature, or a page or PDF titled as a handout (as older builds wrote them)."""
    titles = {
        interface(language).document_title(audience)
        for language in course.languages
        for audience in AUDIENCES
    }
    if path.suffix == ".html":
        return is_handout_page(path) or html_title(path) in titles
    if path.suffix == ".pdf":
        return pdf_title(path) in titles
    return False


def claim(out: Path, todo: list[Handout], course: Course) -> None:
    """Refuse to overwrite a file the tool did not write; remove its own stale handouts."""
    current = {f"{h.name}{suffix}" for h in todo for suffix in (".html", ".pdf")}
    for name in sorted(current):
        if (out / name).exists() and not is_ours(out / name, course):
            raise ValueError(say("handout.not_ours", path=shown(out / name)))
    for stale in sorted(out.glob("*.*")):
        if stale.name not in current and stale.is_file() and is_ours(stale, course):
            stale.unlink()
            print(f"removed {shown(stale)}: no longer built", flush=True)


# --- the PDF --------------------------------------------------------------------------------------


def find_chromium(candidate: str | None) -> str | None:
    """Return the path of a usable Chromium, or None."""
    path = candidate or DEFAULT_CHROMIUM
    if Path(path).is_file():
        return path
    return shutil.which(path)


def pdf_pages(pdf: Path) -> int:
    """Count the pages of a PDF written by Chromium (one /Type /Page object per page)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))


def print_pdfs(jobs: list[tuple[Path, Path, str]], chromium: str) -> list[float]:
    """Print each (HTML, PDF, page header) offline in one browser, once MathJax is done.

    Return when each PDF was written, in seconds after the browser started. A browser that
    does not start raises a ValueError that says so.
    """
    from playwright.sync_api import Error, sync_playwright

    start = time.perf_counter()
    seconds = []
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        except Error as err:
            reason = (str(err).strip().splitlines() or ["?"])[0]
            raise ValueError(
                say("handout.chromium_failed", chromium=chromium, reason=reason)
            ) from err
        try:
            # Lay the pages out at the printed width with the print styles, so that MathJax
            # breaks long formulas for the paper rather than for a wide screen.
            context = browser.new_context(offline=True, viewport=PRINT_VIEWPORT)
            pages = []
            for html_path, _, _ in jobs:  # every page typesets at once, one renderer each
                page = context.new_page()
                page.emulate_media(media="print")
                page.goto(html_path.resolve().as_uri(), wait_until="load")
                pages.append(page)
            for page, (html_path, pdf_path, header) in zip(pages, jobs, strict=True):
                page.wait_for_function(
                    "document.body.getAttribute('data-mathjax') === 'done'",
                    timeout=MATHJAX_TIMEOUT_MS,
                )
                errors = page.evaluate("document.querySelectorAll('.MathJax_Error, merror').length")
                if errors:
                    print(
                        f"  warning: MathJax failed on {errors} formulas of {html_path.name}",
                        flush=True,
                    )
                page.pdf(
                    path=str(pdf_path),
                    format="A4",
                    print_background=True,
                    prefer_css_page_size=True,
                    tagged=True,  # the document's language and structure, for readers
                    outline=True,  # bookmarks: the notebooks and their sections
                    display_header_footer=True,
                    header_template=(
                        '<div style="font-size:7px;width:100%;padding:0 13mm;color:#888;'
                        f'font-family:sans-serif">{html.escape(header)}</div>'
                    ),
                    footer_template=(
                        '<div style="font-size:8px;width:100%;text-align:center;'
                        'color:#555;font-family:sans-serif"><span class="pageNumber">'
                        '</span> / <span class="totalPages"></span></div>'
                    ),
                )
                seconds.append(time.perf_counter() - start)
            context.close()
        finally:
            browser.close()
    return seconds


# --- the command -----------------------------------------------------------------------------


def _size(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.1f} MB"


def _pdf_unavailable(browser: str | None, asked: str | None) -> str | None:
    """Say why no PDF can be printed here, or None if it can."""
    if browser is None:
        return (
            f"Chromium not found ({asked or DEFAULT_CHROMIUM}); "
            "install Debian's chromium with make system"
        )
    try:
        import playwright.sync_api  # noqa: F401  (it drives Chromium)
    except ImportError:
        return "the playwright package is missing (make install)"
    return None


def build(out: str | Path, course: Course = COURSE, chromium: str | None = None) -> dict:
    """Build every language's handouts into `out`; return what was written.

    The result maps each handout's key, (language, audience), to its HTML, PDF and pages;
    "notebooks" maps each language to its notebooks; "pdf_error" says why no PDF was printed
    by a Chromium that failed. Bad input (the folder, a notebook) raises a ValueError.
    """
    start = time.perf_counter()
    out = output_folder(out)
    todo = handouts(course)
    missing = sorted({p for h in todo for p in h.notebooks if not p.exists()})
    if missing:
        raise SystemExit(f"course notebooks missing: {', '.join(map(shown, missing))}")
    claim(out, todo, course)
    scripts = mathjax(mathjax_dir())

    result = {
        "out": out,
        "languages": list(course.languages),
        "notebooks": {h.language: list(h.notebooks) for h in todo if h.audience == INSTRUCTOR},
        "html": {},
        "pdf": {},
        "pages": {},
        "titles": {},
    }
    for number, handout in enumerate(todo, start=1):
        t0 = time.perf_counter()
        words = interface(handout.language)
        if handout.audience == STUDENT:
            for path in handout.notebooks:
                if is_solutions_edition(read_notebook(path)):
                    print(
                        f"  warning: {shown(path)} holds answers and has no student edition "
                        f"(make student): the {handout.label} handout shows them",
                        flush=True,
                    )
        notebooks = [(p, part_anchor(p, course)) for p in handout.notebooks]
        language = handout.language
        labels = {p: track_label(course.locate(p).notebook, language) for p in handout.notebooks}
        page, parts = handout_html.render(notebooks, words, handout.audience, scripts, labels)
        for part in parts:
            print(f"  {part['shown']}: {part['title']}", flush=True)
        target = out / f"{handout.name}.html"
        target.write_text(page, encoding="utf-8")
        result["html"][handout.key] = target
        result["titles"][handout.key] = words.document_title(handout.audience)
        print(
            f"[{number}/{len(todo)}] HTML {handout.label}: {shown(target)} ({_size(target)}, "
            f"{time.perf_counter() - t0:.1f} s)",
            flush=True,
        )

    browser = find_chromium(chromium)
    reason = _pdf_unavailable(browser, chromium)
    if not reason:
        jobs = []
        for h in todo:
            words = interface(h.language)
            header = words.title + words.separator + words.audiences[h.audience]
            jobs.append((result["html"][h.key], out / f"{h.name}.pdf", header))
        try:
            written = print_pdfs(jobs, browser)
        except ValueError as err:
            reason = result["pdf_error"] = str(err)
    if reason:
        print(f"PDF skipped: {reason}; the HTML handouts are built.", flush=True)
    else:
        for handout, seconds in zip(todo, written, strict=True):
            pdf = out / f"{handout.name}.pdf"
            result["pdf"][handout.key] = pdf
            result["pages"][handout.key] = pdf_pages(pdf)
            print(
                f"PDF {handout.label}: {shown(pdf)}, {result['pages'][handout.key]} pages, "
                f"{_size(pdf)} (written {seconds:.1f} s after Chromium started)",
                flush=True,
            )
    result["seconds"] = time.perf_counter() - start
    summary = "; ".join(
        f"{h.label} "
        + (
            f"{result['pages'][h.key]} pages PDF {_size(result['pdf'][h.key])}, "
            if h.key in result["pdf"]
            else ""
        )
        + f"HTML {_size(result['html'][h.key])}"
        for h in todo
    )
    count = sum(len(ps) for ps in result["notebooks"].values())
    print(
        f"handout: {count} notebooks, {len(todo)} handouts -> {shown(out)}: {summary}; "
        f"{result['seconds']:.1f} s",
        flush=True,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="output folder")
    parser.add_argument("--chromium", help=f"Chromium executable (default {DEFAULT_CHROMIUM})")
    args = parser.parse_args(argv)
    try:
        result = build(args.out, COURSE, args.chromium)
    except ValueError as err:
        print(f"handout: {err}", file=sys.stderr, flush=True)
        return 2
    return 1 if "pdf_error" in result else 0


if __name__ == "__main__":
    sys.exit(main())
