"""Build the classroom handouts: per language and audience one self-contained HTML and one A4
PDF, offline.

    python -m tools.handout                     # into build/handout/
    python -m tools.handout --out DIR           # somewhere else (the tests use a tmp folder)
    python -m tools.handout --chromium PATH     # a browser other than /usr/bin/chromium

Each language of the course (autograd_lab.course) gets its own handouts, its notebooks in
reading order, e.g. build/handout/autograd-lab-zh-student.html and
autograd-lab-en-instructor.pdf. The handout's own words (cover, contents, answer markers, page
header) are in the handout's language (autograd_lab.language, topic `handout`). The student
handout takes the student edition of a notebook where the course has one; the instructor
handout takes the solutions. The notebooks are not re-executed: their stored outputs are the
ones nbval checks. Each notebook is rendered once, and one Chromium prints every PDF.

A cell tagged `explorer` (a live widget of autograd_lab.explorers) becomes the frames its
picture output stored when the notebook was executed, with a plain range slider and a few
lines of inline JavaScript (no widget code, nothing from a CDN); the PDF prints a strip of its
key frames instead.

The HTML carries everything inline: the JupyterLab styles, the figures, and MathJax 2.7 from
the installed jupyter-server-mathjax package (scripts and web fonts), so it typesets math with
no network at all. The PDF is printed by headless Chromium (through playwright) once MathJax
has finished. Without Chromium the PDF step says so and the HTML is still built.
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import html
import json
import mimetypes
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

from autograd_lab.course import COURSE, INSTRUCTOR, ROOT, STUDENT, Course, shown
from autograd_lab.explorers.explorer import MIME as EXPLORER_MIME
from autograd_lab.language import say, template
from tools.student_edition import SOLUTION_TAG, is_solutions_edition

DEFAULT_OUT = ROOT / "build" / "handout"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
AUDIENCES = (STUDENT, INSTRUCTOR)
# What this tool wrote into its output folder last time: only those files are ever removed.
WRITTEN = ".autograd-lab-handout.json"
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
MATHJAX_TIMEOUT_MS = 180_000
# A4 (210 mm) less the 13 mm side margins of @page, in CSS pixels (96 per inch).
PRINT_VIEWPORT = {"width": round((210 - 2 * 13) / 25.4 * 96), "height": 1000}


@dataclasses.dataclass(frozen=True)
class Interface:
    """What a handout says in its own words, in one language."""

    html_lang: str
    title: str
    handout: str
    separator: str  # between the handout and its audience, on the cover and the page header
    audiences: dict[str, str]
    contents: str
    solution: str
    title_with_audience: str  # the HTML <title>, from {title} and {audience}
    fonts: str  # CSS font families for text, CJK ones in the variant of the language


# CSS font families for text: every handout may quote Chinese (the course title does).
FONTS = '"Noto Sans CJK SC", "Noto Sans", "DejaVu Sans"'


def interface(language: str) -> Interface:
    """The handout's words for a course language."""

    return Interface(
        html_lang=say("handout.html_lang", language),
        title=say("handout.title", language),
        handout=say("handout.handout", language),
        separator=say("handout.separator", language),
        audiences={
            STUDENT: say("handout.audience_student", language),
            INSTRUCTOR: say("handout.audience_instructor", language),
        },
        contents=say("handout.contents", language),
        solution=say("handout.solution", language),
        title_with_audience=template("handout.title_with_audience", language),
        fonts=FONTS,
    )


@dataclasses.dataclass
class Part:
    """One notebook rendered for the handout."""

    path: Path
    anchor: str
    title: str
    sections: list[tuple[str, str]]  # (anchor, heading html) of the level-2 headings
    body: str
    answers: bool  # holds solutions a student edition would hide


@dataclasses.dataclass
class Group:
    """The notebooks of one language, in reading order, and the file each audience reads."""

    language: str
    readers: dict[str, list[Path]]  # audience -> the files it reads, in reading order

    @property
    def notebooks(self) -> list[Path]:
        """The instructor editions, in reading order."""
        return self.readers[INSTRUCTOR]


@dataclasses.dataclass
class Handout:
    """One language's notebooks for one audience: one HTML and one PDF."""

    group: Group
    audience: str

    @property
    def key(self) -> tuple[str, str]:
        return self.group.language, self.audience

    @property
    def name(self) -> str:
        return f"autograd-lab-{self.group.language}-{self.audience}"

    @property
    def words(self) -> Interface:
        return interface(self.group.language)

    @property
    def label(self) -> str:
        return f"{self.group.language} {self.audience}"


# --- what goes in -----------------------------------------------------------------------------


def course_groups(course: Course = COURSE) -> list[Group]:
    """The course's notebooks grouped by language, in the course's order of languages."""
    groups = []
    for language in course.languages:
        readers = {
            audience: [course.reader_copy(nb, language, audience).path for nb in course.notebooks]
            for audience in AUDIENCES
        }
        groups.append(Group(language, readers))
    return groups


def part_anchor(path: Path, course: Course = COURSE) -> str:
    """The id of a notebook's section in the handout, e.g. nb-zh-student-07-exercises."""
    key = path.relative_to(course.root).with_suffix("").as_posix()
    return "nb-" + re.sub(r"[^a-z0-9]+", "-", key)


def handouts(groups: list[Group]) -> list[Handout]:
    """Every handout to build: each language, each audience."""
    return [Handout(g, a) for g in groups for a in AUDIENCES]


# --- notebooks to HTML ---------------------------------------------------------------------------


def _exporter() -> HTMLExporter:
    # No MathJax or require.js URLs: the handout brings its own MathJax inline, and the lab
    # template's scripts (which would reach for a CDN) are dropped when the parts are assembled.
    return HTMLExporter(template_name="lab", embed_images=True, mathjax_url="", require_js_url="")


def _strip_tags(fragment: str) -> str:
    fragment = re.sub(r'<a class="anchor-link".*?</a>', "", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def _embed_local_images(body: str, folder: Path) -> str:
    """Inline the images a notebook links relatively (nbconvert only embeds its own folder's)."""

    def embed(match: re.Match) -> str:
        src = html.unescape(match.group(2))
        if re.match(r"^[a-z]+:", src):
            return match.group(0)
        image = (folder / src).resolve()
        if not image.is_file():
            print(f"  warning: image {src} not found next to {folder}", flush=True)
            return match.group(0)
        mime = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
        data = base64.b64encode(image.read_bytes()).decode("ascii")
        return f'{match.group(1)}"data:{mime};base64,{data}"'

    return re.sub(r'(<img[^>]*\ssrc=)"([^"]+)"', embed, body)


# --- explorers, offline ---------------------------------------------------------------------
# A cell tagged `explorer` shows a live widget in JupyterLab. Its stored picture output also
# carries precomputed frames (autograd_lab.explorers, under EXPLORER_MIME); the handout shows
# them with a plain range input and a few lines of inline JavaScript, with no widget code: on
# screen one frame at a time, in print a strip of the key frames.
EXPLORER_TAG = "explorer"

EXPLORER_SCRIPT = """
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".explorer").forEach(function (box) {
    var slider = box.querySelector(".explorer-slider");
    var setting = box.querySelector(".explorer-setting");
    var frames = box.querySelectorAll(".explorer-frame");
    function show() {
      var current = Number(slider.value);
      frames.forEach(function (frame, i) {
        frame.classList.toggle("explorer-current", i === current);
      });
      setting.textContent = frames[current].getAttribute("data-setting");
    }
    slider.addEventListener("input", show);
    show();
  });
});
"""

EXPLORER_CSS = """
.explorer { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.4rem 0.6rem; }
.explorer-live { display: flex; align-items: center; gap: 0.6rem; margin-bottom: 0.3rem; }
.explorer-slider { width: 18rem; }
.explorer-frame { display: none; margin: 0; }
.explorer-frame.explorer-current { display: block; }
.explorer-frame figcaption { font-size: 0.88em; color: #333; line-height: 1.4; }
@media print {
  .explorer { border: none; padding: 0; }
  .explorer-live { display: none; }
  .explorer-frame.explorer-current { display: none; }
  .explorer-frame.explorer-key {
    display: inline-block; vertical-align: top; box-sizing: border-box; padding: 0 1mm;
    width: calc(100% / var(--explorer-keys)); break-inside: avoid;
  }
  .explorer-frame figcaption { font-size: 7.5px; }
}
"""


def explorer_html(frames: dict) -> str:
    """The offline form of an explorer: its frames, a range input, the current setting."""
    items = frames["frames"]
    start = int(frames["start"])
    keys = {int(k) for k in frames["key"]}
    figures = []
    for i, frame in enumerate(items):
        classes = "explorer-frame" + (" explorer-current" if i == start else "")
        classes += " explorer-key" if i in keys else ""
        caption = "<br>".join(html.escape(line) for line in [frame["setting"], *frame["caption"]])
        figures.append(
            f'<figure class="{classes}" data-setting="{html.escape(frame["setting"])}">'
            f'<img src="data:image/png;base64,{frame["png"]}" '
            f'alt="{html.escape(frames["title"] + ": " + frame["setting"])}">'
            f"<figcaption>{caption}</figcaption></figure>"
        )
    control = html.escape(frames["control"])
    return (
        f'<div class="explorer" data-explorer="{html.escape(frames["explorer"])}" '
        f'style="--explorer-keys: {max(len(keys), 1)}">'
        f'<div class="explorer-live"><strong>{html.escape(frames["title"])}</strong>'
        f'<label>{control} <input type="range" class="explorer-slider" min="0" '
        f'max="{len(items) - 1}" step="1" value="{start}" aria-label="{control}"></label>'
        f'<output class="explorer-setting">{html.escape(items[start]["setting"])}</output>'
        "</div>" + "".join(figures) + "</div>"
    )


def replace_explorers(nb: nbformat.NotebookNode, path: Path) -> int:
    """Replace each explorer cell's outputs by its offline frames; return how many."""
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or EXPLORER_TAG not in cell.metadata.get("tags", []):
            continue
        frames = next(
            (o["data"][EXPLORER_MIME] for o in cell.outputs if EXPLORER_MIME in o.get("data", {})),
            None,
        )
        if frames is None:
            print(
                f"  warning: explorer cell {cell.id} of {shown(path)} has no stored frames "
                "(execute the notebook): the handout shows its outputs as they are",
                flush=True,
            )
            continue
        cell.outputs = [
            nbformat.v4.new_output("display_data", data={"text/html": explorer_html(frames)})
        ]
        count += 1
    return count


def render_notebook(path: Path, anchor: str, exporter: HTMLExporter) -> tuple[Part, str]:
    """Convert one notebook into a handout part; also return the page's CSS."""
    nb = nbformat.read(path, as_version=4)
    replace_explorers(nb, path)
    resources = {"metadata": {"path": str(path.parent), "name": path.stem}}
    page, _ = exporter.from_notebook_node(nb, resources=resources)
    styles = "\n".join(re.findall(r"<style[^>]*>.*?</style>", page, flags=re.S))
    main = re.search(r"<main>(.*)</main>", page, flags=re.S)
    if main is None:
        raise RuntimeError(f"{path}: nbconvert's lab template produced no <main> element")
    body = main.group(1)

    # Heading anchors repeat across notebooks ("小结"): make them unique to this part.
    ids = re.findall(r'<h[1-6] id="([^"]+)"', body)
    for old in sorted(set(ids), key=len, reverse=True):
        body = body.replace(f'id="{old}"', f'id="{anchor}-{old}"')
        body = body.replace(f'href="#{old}"', f'href="#{anchor}-{old}"')

    body = _embed_local_images(body, path.parent)

    # Worked answers are marked, so a teacher sees at a glance what students do not get.
    for cell in nb.cells:
        if SOLUTION_TAG in cell.metadata.get("tags", []):
            body = body.replace(
                f'jp-Notebook-cell" id="cell-id={cell.id}"',
                f'jp-Notebook-cell handout-solution" id="cell-id={cell.id}"',
            )

    h1 = re.search(r'<h1 id="([^"]+)">(.*?)</h1>', body, flags=re.S)
    title = _strip_tags(h1.group(2)) if h1 else path.stem
    sections = [
        (ident, re.sub(r'<a class="anchor-link".*?</a>', "", text))
        for ident, text in re.findall(r'<h2 id="([^"]+)">(.*?)</h2>', body, flags=re.S)
    ]
    return Part(path, anchor, title, sections, body, is_solutions_edition(nb)), styles


# --- MathJax, inline ------------------------------------------------------------------------

MATHJAX_CONFIG = {
    "root": "mathjax",
    # Startup waits until the inline loader below is installed (MathJax.Hub.Configured()).
    "delayStartupUntil": "configured",
    "config": ["TeX-AMS-MML_HTMLorMML-full.js"],
    "tex2jax": {
        "inlineMath": [["$", "$"], ["\\(", "\\)"]],
        "displayMath": [["$$", "$$"], ["\\[", "\\]"]],
        "processEscapes": True,
        "processEnvironments": True,
    },
    "TeX": {"equationNumbers": {"autoNumber": "AMS", "useLabelIds": True}},
    "displayAlign": "center",
    "messageStyle": "none",
    "showMathMenu": False,
    "showProcessingMessages": False,
    # One typesetting pass, in big chunks without pauses: the preview pass and the chunk
    # delays help a reader scrolling a live page, and only slow down printing.
    "fast-preview": {"disabled": True},
    "processSectionDelay": 0,
    "HTML-CSS": {
        "availableFonts": [],
        "imageFont": None,
        "preferredFont": None,
        "webFont": "STIX-Web",
        "linebreaks": {"automatic": True},
        "EqnChunk": 1000,
        "EqnChunkFactor": 1,
        "EqnChunkDelay": 0,
    },
}

# MathJax 2 loads its components with <script src=...>. This loader serves them from a table
# embedded in the page instead, and points the web fonts at data: URLs; when the first typeset
# is done it marks <body data-mathjax="done"> for the PDF printer (and the tests) to wait on.
MATHJAX_LOADER = """
(function () {
  var SOURCES = %(sources)s, WOFF = %(fonts)s, AJAX = MathJax.Ajax, fetchJS = AJAX.loader.JS;
  AJAX.loader.JS = function (file, callback) {
    var key = file.replace(/\\?.*$/, "");
    if (!SOURCES.hasOwnProperty(key)) { return fetchJS.call(this, file, callback); }
    var script = document.createElement("script");
    this.loading[file] = {callback: callback, status: this.STATUS.OK, script: script,
                          message: MathJax.Message.File(this.fileName(file))};
    script.text = SOURCES[key];
    this.head.appendChild(script);
  };
  MathJax.Hub.Register.StartupHook("HTML-CSS Jax Startup", function () {
    var font = MathJax.OutputJax["HTML-CSS"].Font, fontFace = font.fontFace;
    font.fontFace = function () {
      var def = fontFace.apply(this, arguments);
      var name = /([A-Za-z0-9_-]+\\.woff)/.exec(def.src || "");
      if (name && WOFF[name[1]]) {
        def.src = "url(data:font/woff;base64," + WOFF[name[1]] + ") format('woff')";
      }
      return def;
    };
  });
  MathJax.Hub.Register.StartupHook("End", function () {
    document.body.setAttribute("data-mathjax", "done");
  });
  MathJax.Hub.Configured();
})();
"""
MATHJAX_DIRS = (
    "jax/input/TeX",
    "jax/element",
    "jax/output/HTML-CSS",
    "extensions/TeX",
    "extensions/HTML-CSS",
    "extensions/MathML",
)


def mathjax_dir() -> Path:
    """Locate MathJax 2.7 in the installed jupyter-server-mathjax package."""
    try:
        import jupyter_server_mathjax
    except ImportError as err:
        raise SystemExit(
            "MathJax 2.7 not found: install jupyter-server-mathjax (make install)"
        ) from err
    static = Path(jupyter_server_mathjax.__file__).parent / "static"
    if not (static / "MathJax.js").is_file():
        raise SystemExit(f"MathJax 2.7 not found in {static}: reinstall jupyter-server-mathjax")
    return static


def _script(code: str) -> str:
    # "</" inside inline JavaScript would end the <script> element early.
    return "<script>" + code.replace("</", "<\\/") + "</script>"


def mathjax_inline(static: Path) -> str:
    """Return <script> elements carrying MathJax 2.7, its components and its web fonts."""
    files = [static / "config" / "TeX-AMS-MML_HTMLorMML-full.js"]
    files += sorted(static.glob("extensions/*.js"))
    for folder in MATHJAX_DIRS:
        files += sorted((static / folder).rglob("*.js"))
    sources = {"mathjax/" + p.relative_to(static).as_posix(): p.read_text() for p in files}
    fonts = {
        p.name: base64.b64encode(p.read_bytes()).decode("ascii")
        for p in sorted((static / "fonts" / "HTML-CSS" / "STIX-Web" / "woff").glob("*.woff"))
    }
    loader = MATHJAX_LOADER % {"sources": json.dumps(sources), "fonts": json.dumps(fonts)}
    return (
        _script("window.MathJax = " + json.dumps(MATHJAX_CONFIG) + ";")
        + _script((static / "MathJax.js").read_text())
        + _script(loader)
    )


# --- the page ------------------------------------------------------------------------------------

# The fonts and the answer marker's words come per language, see language_css().
HANDOUT_CSS = """
body {
  font-family: var(--jp-content-font-family); margin: 0 auto; max-width: 60rem;
  padding: 1rem 2rem;
}
.handout-cover h1 { font-size: 2rem; margin-bottom: 0.2rem; }
.handout-cover .edition { color: #555; font-size: 1.1rem; margin-top: 0; }
.handout-toc ol { line-height: 1.6; list-style: none; padding-left: 1.2em; }
.handout-toc ol ol { font-size: 0.92em; color: #333; }
.handout-toc a { color: inherit; text-decoration: none; }
.handout-solution { border-left: 3px solid #c62828; padding-left: 4px; }
.handout-solution::before {
  content: var(--handout-solution); display: block; color: #c62828; font-size: 0.8em;
}
pre, .jp-OutputArea-output pre, .jp-InputArea-editor pre {
  white-space: pre-wrap !important; overflow-wrap: anywhere; word-break: break-word;
}
.jp-OutputArea-output img { max-width: 100%; height: auto; }
@page { size: A4; margin: 16mm 13mm 16mm 13mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 12px; }
  .handout-part { break-before: page; }
  .jp-InputPrompt, .jp-OutputPrompt { display: none !important; }
  .jp-InputArea-editor, .jp-OutputArea-output pre { font-size: 10.5px !important; }
  .jp-Cell { padding: 2px 0; }
  .jp-OutputArea-output img, .MathJax_Display, table { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  a.anchor-link { display: none; }
}
"""


def _css_string(text: str) -> str:
    """Quote text for a CSS string value, safe inside a <style> element."""
    return '"' + re.sub(r'["\\<\n]', lambda m: f"\\{ord(m.group(0)):x} ", text) + '"'


def language_css(words: Interface) -> str:
    """The handout's per-language styles: text fonts, and the marker of worked answers."""
    return (
        ":root {\n"
        f"  --jp-content-font-family: {words.fonts}, sans-serif;\n"
        f"  --jp-ui-font-family: {words.fonts}, sans-serif;\n"
        '  --jp-code-font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace;\n'
        f"  --handout-solution: {_css_string(words.solution)};\n"
        "}\n"
    )


def table_of_contents(parts: list[Part], words: Interface, attributes: str = "") -> str:
    """Return the table of contents: the notebooks and their sections."""
    entries = []
    for part in parts:
        sections = "".join(
            f'<li><a href="#{anchor}">{text}</a></li>' for anchor, text in part.sections
        )
        entries.append(
            f'<li><a href="#{part.anchor}">{html.escape(part.title)}</a>'
            + (f"<ol>{sections}</ol>" if sections else "")
            + "</li>"
        )
    return (
        f'<nav class="handout-toc"{attributes}><h2>{html.escape(words.contents)}</h2>'
        + "<ol>"
        + "".join(entries)
        + "</ol></nav>"
    )


def assemble(language: str, editions: dict[str, list[Part]], styles: str, mathjax: str) -> str:
    """Put the cover, the table of contents and every part into one HTML document.

    `editions` maps each audience to its parts, in reading order. With one audience this is
    that audience's handout. With several it is the page a language's PDFs are printed from:
    what the audiences share appears once, the rest once per audience, marked data-audience
    and shown only while <body data-print> names that audience (see print_pdfs). So a notebook
    both audiences read is typeset once. (The course numbers no equations; numbered ones in an
    audience's own part would count on from the other audience's.)
    """
    words = interface(language)
    several = len(editions) > 1

    def only(audience: str) -> str:
        return f' data-audience="{audience}"' if several else ""

    body = []
    for audience, parts in editions.items():
        edition_line = words.handout + words.separator + words.audiences[audience]
        body += [
            f'<header class="handout-cover"{only(audience)}>'
            f"<h1>{html.escape(words.title)}</h1>"
            f'<p class="edition">{html.escape(edition_line)}</p>'
            "</header>",
            table_of_contents(parts, words, only(audience)),
        ]

    def section(part: Part, attributes: str) -> str:
        return f'<section class="handout-part" id="{part.anchor}"{attributes}>{part.body}</section>'

    for same in zip(*editions.values(), strict=True):
        if all(part.path == same[0].path for part in same):
            body.append(section(same[0], ""))
        else:
            body += [section(part, only(a)) for a, part in zip(editions, same, strict=True)]
    css = language_css(words) + HANDOUT_CSS + EXPLORER_CSS
    if several:
        css += "body[data-print] [data-audience] { display: none !important; }\n" + "".join(
            f'body[data-print="{a}"] [data-audience="{a}"] {{ display: block !important; }}\n'
            for a in editions
        )
    audience = words.audiences[next(iter(editions))]
    title = words.title_with_audience.format(title=words.title, audience=audience)
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(words.html_lang)}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"{styles}\n<style>{css}</style>\n{mathjax}\n{_script(EXPLORER_SCRIPT)}\n</head>\n"
        '<body class="jp-Notebook" data-jp-theme-light="true" '
        'data-jp-theme-name="JupyterLab Light">\n<main>\n' + "\n".join(body) + "\n</main>\n"
        "</body>\n</html>\n"
    )


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


def print_pdfs(jobs: list[tuple[Path, list[tuple[str, Path, str]]]], chromium: str) -> list[float]:
    """Print PDFs offline in one browser, each page once MathJax is done typesetting it.

    A job is an HTML page (see assemble) and what to print from it: (audience, PDF, page
    header) each. Return when each PDF was written, in seconds after the browser started.
    """
    from playwright.sync_api import sync_playwright

    start = time.perf_counter()
    seconds = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            # Lay the page out at the printed width with the print styles, so that MathJax
            # breaks long formulas for the paper rather than for a wide screen.
            context = browser.new_context(offline=True, viewport=PRINT_VIEWPORT)
            pages = []
            for html_path, _ in jobs:  # all pages typeset at once, one renderer each
                page = context.new_page()
                page.emulate_media(media="print")
                page.goto(html_path.resolve().as_uri(), wait_until="load")
                pages.append(page)
            for page, (html_path, prints) in zip(pages, jobs, strict=True):
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
                for audience, pdf_path, header in prints:
                    page.evaluate("a => document.body.setAttribute('data-print', a)", audience)
                    page.pdf(
                        path=str(pdf_path),
                        format="A4",
                        print_background=True,
                        prefer_css_page_size=True,
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


def _forget_stale(out: Path, current: set[str]) -> None:
    """Remove what this tool wrote into `out` last time and no longer builds; nothing else."""
    record = out / WRITTEN
    try:
        before = json.loads(record.read_text("utf-8")) if record.exists() else []
    except (OSError, ValueError):
        before = []  # an unreadable record: remove nothing
    for name in sorted(set(before) - current):
        stale = out / Path(name).name  # only names inside `out`
        if stale.is_file():
            stale.unlink()
            print(f"removed {shown(stale)}: no longer built", flush=True)


def build(out: Path, course: Course = COURSE, chromium: str | None = None) -> dict:
    """Build every language's handouts into `out`; return what was written.

    The result maps each handout's key, (language, audience), to its HTML, PDF and pages;
    "notebooks" maps each language to its notebooks.
    """
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    groups = course_groups(course)
    missing = [p for g in groups for ps in g.readers.values() for p in ps if not p.exists()]
    if missing:
        raise SystemExit(f"course notebooks missing: {', '.join(map(shown, missing))}")
    todo = handouts(groups)
    current = {f"{h.name}{suffix}" for h in todo for suffix in (".html", ".pdf")}
    _forget_stale(out, current)

    # Each file once, in reading order: a student edition next to its solutions.
    exporter = _exporter()
    rendered: dict[Path, Part] = {}
    styles = ""
    wanted = [p for g in groups for ps in zip(*g.readers.values(), strict=True) for p in ps]
    unique = list(dict.fromkeys(wanted))
    for number, path in enumerate(unique, start=1):
        t0 = time.perf_counter()
        rendered[path], page_styles = render_notebook(path, part_anchor(path, course), exporter)
        styles = styles or page_styles
        print(
            f"[{number}/{len(unique)}] {shown(path)}: {rendered[path].title} "
            f"({time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
    mathjax = mathjax_inline(mathjax_dir())

    result = {
        "out": out,
        "languages": [g.language for g in groups],
        "notebooks": {g.language: list(g.notebooks) for g in groups},
        "html": {},
        "pdf": {},
        "pages": {},
    }
    editions: dict[tuple[str, str], list[Part]] = {}
    for handout in todo:
        parts = [rendered[p] for p in handout.group.readers[handout.audience]]
        editions[handout.key] = parts
        if handout.audience == "student":
            for part in parts:
                if part.answers:
                    print(
                        f"  warning: {shown(part.path)} holds answers and has no student "
                        f"edition (make student): the {handout.label} handout shows them",
                        flush=True,
                    )
        target = out / f"{handout.name}.html"
        page = assemble(handout.group.language, {handout.audience: parts}, styles, mathjax)
        target.write_text(page, encoding="utf-8")
        result["html"][handout.key] = target
        print(f"HTML {handout.label}: {shown(target)} ({_size(target)})", flush=True)

    browser = find_chromium(chromium)
    reason = _pdf_unavailable(browser, chromium)
    if reason:
        print(f"PDF skipped: {reason}; the HTML handouts are built.", flush=True)
    else:
        # One page per language, typeset once, prints that language's handouts.
        with tempfile.TemporaryDirectory(prefix="handout-") as folder:
            jobs = []
            for group in groups:
                mine = [h for h in todo if h.group is group]
                page = Path(folder) / f"autograd-lab-{group.language}.html"
                both = {h.audience: editions[h.key] for h in mine}
                page.write_text(assemble(group.language, both, styles, mathjax), "utf-8")
                prints = []
                for h in mine:
                    words = h.words
                    header = words.title + words.separator + words.audiences[h.audience]
                    prints.append((h.audience, out / f"{h.name}.pdf", header))
                jobs.append((page, prints))
            written = print_pdfs(jobs, browser)
        for handout, seconds in zip(todo, written, strict=True):
            pdf = out / f"{handout.name}.pdf"
            result["pdf"][handout.key] = pdf
            result["pages"][handout.key] = pdf_pages(pdf)
            print(
                f"PDF {handout.label}: {shown(pdf)}, {result['pages'][handout.key]} pages, "
                f"{_size(pdf)} (written {seconds:.1f} s after Chromium started)",
                flush=True,
            )
    written_names = sorted(p.name for kind in ("html", "pdf") for p in result[kind].values())
    (out / WRITTEN).write_text(json.dumps(written_names, indent=1) + "\n", "utf-8")
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
    count = sum(len(g.notebooks) for g in groups)
    print(
        f"handout: {count} notebooks, {len(todo)} handouts -> {shown(out)}: {summary}; "
        f"{result['seconds']:.1f} s",
        flush=True,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--chromium", help=f"Chromium executable (default {DEFAULT_CHROMIUM})")
    args = parser.parse_args(argv)
    build(args.out, COURSE, args.chromium)
    return 0


if __name__ == "__main__":
    sys.exit(main())
