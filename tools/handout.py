"""Build the classroom handout: per audience one self-contained HTML and one A4 PDF, offline.

    python tools/handout.py                     # into build/handout/
    python tools/handout.py --out DIR           # somewhere else (the tests use a tmp folder)
    python tools/handout.py --chromium PATH     # a browser other than /usr/bin/chromium

Every notebook under notebooks/ is included in reading order, grouped by language folder
(notebooks/*.ipynb first, then notebooks/<lang>/*.ipynb). The student handout takes the
student edition of a notebook where one exists (notebooks/student/, see
tools/student_edition.py); the instructor handout takes the solutions. The notebooks are not
re-executed: their stored outputs are the ones nbval checks.

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
import time
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUT = ROOT / "build" / "handout"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
STUDENT_DIR = "student"
AUDIENCES = {"student": "学生版", "instructor": "教师版"}
LANGUAGES = {"": "中文", "en": "English"}
COURSE_TITLE = "autograd-lab · 自动求导实验课"
NOTEBOOK_NAME = re.compile(r"\d\d_[a-z0-9_]+\.ipynb")
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


@dataclasses.dataclass
class Part:
    """One notebook rendered for the handout."""

    path: Path
    anchor: str
    title: str
    sections: list[tuple[str, str]]  # (anchor, heading html) of the level-2 headings
    body: str


@dataclasses.dataclass
class Group:
    """The notebooks of one language folder, in reading order."""

    language: str
    label: str
    notebooks: list[Path]


# --- what goes in -----------------------------------------------------------------------------


def course_groups(root: Path = NOTEBOOKS) -> list[Group]:
    """Find the course notebooks by name, grouped by language folder, Chinese first."""
    groups = []
    folders = [root] + sorted(
        p
        for p in root.iterdir()
        if p.is_dir() and p.name not in (STUDENT_DIR,) and p.name[0] != "."
    )
    for folder in folders:
        notebooks = sorted(p for p in folder.glob("*.ipynb") if NOTEBOOK_NAME.fullmatch(p.name))
        if notebooks:
            language = "" if folder == root else folder.name
            groups.append(Group(language, LANGUAGES.get(language, language), notebooks))
    return groups


def part_anchor(path: Path, root: Path = NOTEBOOKS) -> str:
    """The id of a notebook's section in the handout, e.g. nb-student-05-exercises."""
    return "nb-" + re.sub(r"[^a-z0-9]+", "-", path.relative_to(root).with_suffix("").as_posix())


def edition(path: Path, audience: str) -> Path:
    """The file a given audience reads: the student edition of `path` if there is one."""
    student = path.parent / STUDENT_DIR / path.name
    return student if audience == "student" and student.exists() else path


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


def render_notebook(path: Path, anchor: str, exporter: HTMLExporter) -> tuple[Part, str]:
    """Convert one notebook into a handout part; also return the page's CSS."""
    nb = nbformat.read(path, as_version=4)
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
        if "solution" in cell.metadata.get("tags", []):
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
    return Part(path, anchor, title, sections, body), styles


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

HANDOUT_CSS = """
:root {
  --jp-content-font-family: "Noto Sans CJK SC", "Noto Sans", "DejaVu Sans", sans-serif;
  --jp-ui-font-family: "Noto Sans CJK SC", "Noto Sans", "DejaVu Sans", sans-serif;
  --jp-code-font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK SC", monospace;
}
body { margin: 0 auto; max-width: 60rem; padding: 1rem 2rem; }
.handout-cover h1 { font-size: 2rem; margin-bottom: 0.2rem; }
.handout-cover .edition { color: #555; font-size: 1.1rem; margin-top: 0; }
.handout-toc ol { line-height: 1.6; list-style: none; padding-left: 1.2em; }
.handout-toc ol ol { font-size: 0.92em; color: #333; }
.handout-toc a { color: inherit; text-decoration: none; }
.handout-group-title { margin-top: 1.2rem; }
.handout-solution { border-left: 3px solid #c62828; padding-left: 4px; }
.handout-solution::before {
  content: "参考答案与解析（教师版）"; display: block; color: #c62828; font-size: 0.8em;
}
pre, .jp-OutputArea-output pre, .jp-InputArea-editor pre {
  white-space: pre-wrap !important; overflow-wrap: anywhere; word-break: break-word;
}
.jp-OutputArea-output img { max-width: 100%; height: auto; }
@page { size: A4; margin: 16mm 13mm 16mm 13mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 12px; }
  .handout-part, .handout-group { break-before: page; }
  .handout-group > .handout-part:first-of-type { break-before: avoid; }
  .jp-InputPrompt, .jp-OutputPrompt { display: none !important; }
  .jp-InputArea-editor, .jp-OutputArea-output pre { font-size: 10.5px !important; }
  .jp-Cell { padding: 2px 0; }
  .jp-OutputArea-output img, .MathJax_Display, table { break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; }
  a.anchor-link { display: none; }
}
"""


def table_of_contents(groups: list[tuple[Group, list[Part]]]) -> str:
    """Return the table of contents: notebooks and their sections, grouped by language."""
    items = []
    for group, parts in groups:
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
        heading = f'<h2 class="handout-group-title">{html.escape(group.label)}</h2>'
        items.append(heading + "<ol>" + "".join(entries) + "</ol>")
    return '<nav class="handout-toc"><h2>目录</h2>' + "".join(items) + "</nav>"


def assemble(
    audience: str, groups: list[tuple[Group, list[Part]]], styles: str, mathjax: str
) -> str:
    """Put the cover, the table of contents and every part into one HTML document."""
    label = AUDIENCES[audience]
    body = [
        '<header class="handout-cover">'
        f"<h1>{html.escape(COURSE_TITLE)}</h1>"
        f'<p class="edition">课堂讲义 · {label}</p></header>',
        table_of_contents(groups),
    ]
    for group, parts in groups:
        if len(groups) > 1:
            body.append(f'<section class="handout-group"><h1>{html.escape(group.label)}</h1>')
        for part in parts:
            body.append(f'<section class="handout-part" id="{part.anchor}">{part.body}</section>')
        if len(groups) > 1:
            body.append("</section>")
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
        f"<title>{html.escape(COURSE_TITLE)}（{label}）</title>\n"
        f"{styles}\n<style>{HANDOUT_CSS}</style>\n{mathjax}\n</head>\n"
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


def print_pdfs(jobs: list[tuple[Path, Path, str]], chromium: str) -> list[float]:
    """Print each HTML to PDF once MathJax is done, offline; return when each was written."""
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
            for html_path, _, _ in jobs:  # all pages typeset at once, one renderer each
                page = context.new_page()
                page.emulate_media(media="print")
                page.goto(html_path.resolve().as_uri(), wait_until="load")
                pages.append(page)
            for page, (_, pdf_path, label) in zip(pages, jobs, strict=True):
                page.wait_for_function(
                    "document.body.getAttribute('data-mathjax') === 'done'",
                    timeout=MATHJAX_TIMEOUT_MS,
                )
                page.pdf(
                    path=str(pdf_path),
                    format="A4",
                    print_background=True,
                    prefer_css_page_size=True,
                    display_header_footer=True,
                    header_template=(
                        '<div style="font-size:7px;width:100%;padding:0 13mm;color:#888;'
                        f'font-family:sans-serif">{html.escape(COURSE_TITLE)} · {label}</div>'
                    ),
                    footer_template=(
                        '<div style="font-size:8px;width:100%;text-align:center;color:#555;'
                        'font-family:sans-serif"><span class="pageNumber"></span> / '
                        '<span class="totalPages"></span></div>'
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


def _shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


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


def build(out: Path, notebooks: Path = NOTEBOOKS, chromium: str | None = None) -> dict:
    """Build both handouts into `out`; return what was written (paths, pages, seconds)."""
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    groups = course_groups(notebooks)
    if not groups:
        raise SystemExit(f"no notebooks found under {notebooks}")
    exporter = _exporter()
    rendered: dict[Path, Part] = {}
    styles = ""
    wanted = [edition(p, a) for a in AUDIENCES for g in groups for p in g.notebooks]
    unique = list(dict.fromkeys(wanted))
    for number, path in enumerate(unique, start=1):
        t0 = time.perf_counter()
        rendered[path], page_styles = render_notebook(path, part_anchor(path, notebooks), exporter)
        styles = styles or page_styles
        print(
            f"[{number}/{len(unique)}] {_shown(path)}: {rendered[path].title} "
            f"({time.perf_counter() - t0:.1f} s)",
            flush=True,
        )
    mathjax = mathjax_inline(mathjax_dir())

    result = {
        "out": out,
        "notebooks": [p for g in groups for p in g.notebooks],
        "html": {},
        "pdf": {},
        "pages": {},
    }
    for audience, label in AUDIENCES.items():
        parts = [(g, [rendered[edition(p, audience)] for p in g.notebooks]) for g in groups]
        target = out / f"autograd-lab-{audience}.html"
        target.write_text(assemble(audience, parts, styles, mathjax), encoding="utf-8")
        result["html"][audience] = target
        print(f"HTML {label}: {_shown(target)} ({_size(target)})", flush=True)

    browser = find_chromium(chromium)
    reason = _pdf_unavailable(browser, chromium)
    if reason:
        print(f"PDF skipped: {reason}; the HTML handouts are built.", flush=True)
    else:
        jobs = [
            (result["html"][a], out / f"autograd-lab-{a}.pdf", label)
            for a, label in AUDIENCES.items()
        ]
        for (_, pdf, label), seconds, audience in zip(
            jobs, print_pdfs(jobs, browser), AUDIENCES, strict=True
        ):
            result["pdf"][audience] = pdf
            result["pages"][audience] = pdf_pages(pdf)
            print(
                f"PDF {label}: {_shown(pdf)}, {result['pages'][audience]} pages, "
                f"{_size(pdf)} (written {seconds:.1f} s after Chromium started)",
                flush=True,
            )
    result["seconds"] = time.perf_counter() - start
    summary = "; ".join(
        f"{label} "
        + (
            f"{result['pages'][a]} pages PDF {_size(result['pdf'][a])}, "
            if a in result["pdf"]
            else ""
        )
        + f"HTML {_size(result['html'][a])}"
        for a, label in AUDIENCES.items()
    )
    count = sum(len(g.notebooks) for g in groups)
    print(
        f"handout: {count} notebooks -> {_shown(out)}: {summary}; {result['seconds']:.1f} s",
        flush=True,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    parser.add_argument("--notebooks", type=Path, default=NOTEBOOKS, help="course notebooks")
    parser.add_argument("--chromium", help=f"Chromium executable (default {DEFAULT_CHROMIUM})")
    args = parser.parse_args(argv)
    build(args.out, args.notebooks, args.chromium)
    return 0


if __name__ == "__main__":
    sys.exit(main())
