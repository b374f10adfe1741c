"""The handout's HTML, on nbconvert's own extension points.

A handout's notebooks are merged into one notebook (`merge`), which an HTMLExporter renders
with the template in tools/handout_template/ (it extends nbconvert's `lab` template). Before
rendering, preprocessors

- drop the comments and tags written for nbval, the test tool (`DropTestComments`);
- turn an explorer cell (tagged `explorer`) into the frames its picture output stored
  (`ExplorerFrames`), which the template shows with a plain range slider;
- collect each notebook's title and level-2 headings for the contents (`Headings`).

Headings get ids unique in the handout (their notebook's anchor first) from the exporter's
markdown renderer, which also inlines the images a notebook links relatively. Worked answers
need nothing here: nbconvert writes a cell's tags as classes (`celltag_solution`), and the
template's CSS marks them.
"""

from __future__ import annotations

import base64
import dataclasses
import mimetypes
import re
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import quote

import nbformat
from bs4 import BeautifulSoup
from jinja2 import pass_context
from nbconvert import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from autograd_lab.course import shown
from autograd_lab.explorers.explorer import MIME as EXPLORER_MIME
from autograd_lab.language import say, template

TEMPLATE = Path(__file__).with_name("handout_template")
# Written into every handout's <head>: the build removes or overwrites only pages carrying it.
SIGNATURE = "autograd-lab handout"
EXPLORER_TAG = "explorer"
# A marker comment for nbval: the whole line, e.g. `# NBVAL_IGNORE_OUTPUT`.
NBVAL_MARKER = re.compile(r"\s*#\s*NBVAL_[A-Z_]+\s*")
MATHJAX_DIRS = (
    "jax/input/TeX",
    "jax/element",
    "jax/output/HTML-CSS",
    "extensions/TeX",
    "extensions/HTML-CSS",
    "extensions/MathML",
)


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
    title_with_audience: str  # the document title, from {title} and {audience}

    def document_title(self, audience: str) -> str:
        """The title of the audience's handout: the HTML <title> and the PDF's Title."""
        return self.title_with_audience.format(title=self.title, audience=self.audiences[audience])

    def edition(self, audience: str) -> str:
        """The cover's and the page header's line, e.g. "Classroom handout – Student edition"."""
        return self.handout + self.separator + self.audiences[audience]


_AUDIENCES = {"student": "handout.audience_student", "instructor": "handout.audience_instructor"}


def interface(language: str, audiences: tuple[str, ...]) -> Interface:
    """The handout's words for a course language."""
    return Interface(
        html_lang=say("handout.html_lang", language),
        title=say("handout.title", language),
        handout=say("handout.handout", language),
        separator=say("handout.separator", language),
        audiences={a: say(_AUDIENCES[a], language) for a in audiences},
        contents=say("handout.contents", language),
        solution=say("handout.solution", language),
        title_with_audience=template("handout.title_with_audience", language),
    )


# --- preprocessors ------------------------------------------------------------------------------


def without_test_comments(source: str) -> str:
    """Drop nbval's marker lines, and every comment block that talks about nbval."""
    lines = [line for line in source.splitlines() if not NBVAL_MARKER.fullmatch(line)]
    kept: list[str] = []
    block: list[str] = []  # consecutive comment lines, judged together: a sentence may wrap
    for line in [*lines, ""]:
        if line.lstrip().startswith("#"):
            block.append(line)
            continue
        if not any("nbval" in comment.lower() for comment in block):
            kept += block
        block = []
        kept.append(line)
    return "\n".join(kept[:-1])


class DropTestComments(Preprocessor):
    """Keep the test tool out of a learner's page: its comments and its tags."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.source = without_test_comments(cell.source)
        tags = cell.metadata.get("tags", [])
        if tags:
            cell.metadata["tags"] = [t for t in tags if not t.lower().startswith("nbval")]
        return cell, resources


class ExplorerFrames(Preprocessor):
    """Leave an explorer cell one output: the frames its picture stored (see the template)."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or EXPLORER_TAG not in cell.metadata.get("tags", []):
            return cell, resources
        frames = next(
            (o["data"][EXPLORER_MIME] for o in cell.outputs if EXPLORER_MIME in o.get("data", {})),
            None,
        )
        if frames is None:
            part = resources["handout"]["parts"][cell.metadata["handout"]["part"]]
            print(
                f"  warning: explorer cell {cell.id} of {part['shown']} has no stored frames "
                "(execute the notebook): the handout shows its outputs as they are",
                flush=True,
            )
        else:
            cell.outputs = [nbformat.v4.new_output("display_data", data={EXPLORER_MIME: frames})]
        return cell, resources


class Headings(Preprocessor):
    """Collect each notebook's title (its first level-1 heading) and level-2 headings."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            part = resources["handout"]["parts"][cell.metadata["handout"]["part"]]
            renderer = PartRenderer(part["anchor"], escape=False)
            MarkdownWithMath(renderer=renderer).render(cell.source)
            for level, ident, text in renderer.headings:
                if level == 1 and "title" not in part:
                    part["title"] = BeautifulSoup(text, "html.parser").get_text().strip()
                elif level == 2:
                    part["sections"].append({"id": ident, "html": text})
        return cell, resources


# --- the exporter -------------------------------------------------------------------------------


def heading_id(anchor: str, text: str) -> str:
    """The id of a heading: its notebook's anchor, then nbconvert's id for the heading text."""
    plain = BeautifulSoup(text, "html.parser").get_text().strip()
    return anchor + "-" + quote(plain.replace(" ", "-"), safe="?/:@!$&'()*+,;=")


class PartRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, with heading ids unique in the handout and images linked
    from anywhere in the course (nbconvert embeds only those in the notebook's own folder)."""

    def __init__(self, anchor: str, **options):
        super().__init__(**options)
        self.anchor = anchor
        self.headings: list[tuple[int, str, str]] = []

    def heading(self, text, level, **attrs):
        ident = heading_id(self.anchor, text)
        self.headings.append((level, ident, text))
        link = ""
        if not self.exclude_anchor_links:
            link = f'<a class="anchor-link" href="#{ident}">{self.anchor_link_text}</a>'
        return f'<h{level} id="{ident}">{text}{link}</h{level}>\n'

    def _src_to_base64(self, src):
        if re.match(r"[a-z][a-z0-9+.-]*:|/", src):
            return None  # a URL or an absolute path is not the course's
        image = Path(self.path) / src
        if not image.is_file():
            print(f"  warning: image {src} not found next to {shown(Path(self.path))}", flush=True)
            return None
        mime = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
        return f"data:{mime};base64,{base64.b64encode(image.read_bytes()).decode('ascii')}"


class HandoutExporter(HTMLExporter):
    """nbconvert's HTML exporter with the handout's markdown renderer and <html lang>."""

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        handout = context["resources"]["handout"]
        part = handout["parts"][cell.get("metadata", {}).get("handout", {}).get("part", 0)]
        renderer = PartRenderer(
            part["anchor"],
            escape=False,
            attachments=cell.get("attachments", {}),
            embed_images=True,
            path=part["folder"],
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
        )
        return MarkdownWithMath(renderer=renderer).render(source)

    def _init_resources(self, resources):
        resources = super()._init_resources(resources)
        # nbconvert accepts ISO 639-1 codes only; Chinese text wants zh-CN for its glyphs.
        resources["language_code"] = resources["handout"]["words"].html_lang
        return resources


def _inline_script(code: str) -> str:
    # "</" inside inline JavaScript would end the <script> element early.
    return code.replace("</", "<\\/")


def _css_string(text: str) -> str:
    """Quote text for a CSS string value, safe inside a <style> element."""
    return '"' + re.sub(r'["\\<\n]', lambda m: f"\\{ord(m.group(0)):x} ", text) + '"'


def exporter() -> HandoutExporter:
    """An exporter with the handout's template, preprocessors and filters."""
    priority = HTMLExporter().default_config.NbConvertBase.display_data_priority
    # Last: an explorer cell left with its frames alone shows them; any other output as it was.
    config = Config({"NbConvertBase": {"display_data_priority": [*priority, EXPLORER_MIME]}})
    html = HandoutExporter(
        config=config,
        extra_template_basedirs=[str(TEMPLATE.parent)],
        template_name=TEMPLATE.name,
        embed_images=True,
        mathjax_url="",
        require_js_url="",
        filters={"inline_script": _inline_script, "css_string": _css_string},
    )
    for preprocessor in (DropTestComments, ExplorerFrames, Headings):
        html.register_preprocessor(preprocessor, enabled=True)
    return html


# --- the notebooks of a handout, merged ---------------------------------------------------------


def read_notebook(path: Path) -> nbformat.NotebookNode:
    """Read a course notebook, or raise a ValueError that says which one is broken."""
    try:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
    except Exception as err:  # nbformat raises JSON, schema and key errors alike
        reason = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise ValueError(say("handout.notebook_invalid", path=shown(path), reason=reason)) from err
    return nb


def merge(notebooks: list[tuple[Path, str]]) -> tuple[nbformat.NotebookNode, list[dict]]:
    """One notebook of the (path, anchor) notebooks in order, and the parts it is made of.

    Every cell carries metadata `handout.part`, the index of its notebook in the parts; the
    first cell of a notebook also `handout.opens`, where the template starts its section.
    """
    merged = nbformat.v4.new_notebook()
    parts = []
    for number, (path, anchor) in enumerate(notebooks):
        nb = read_notebook(path)
        if number == 0:
            merged.metadata = {k: v for k, v in nb.metadata.items() if k != "widgets"}
        parts.append(
            {"anchor": anchor, "folder": str(path.parent), "shown": shown(path), "sections": []}
        )
        for position, cell in enumerate(nb.cells):
            cell.metadata["handout"] = {"part": number, "opens": position == 0}
            merged.cells.append(cell)
    return merged, parts


def render(
    notebooks: list[tuple[Path, str]],
    words: Interface,
    audience: str,
    mathjax: dict,
    labels: Mapping[Path, str] | None = None,
) -> tuple[str, list[dict]]:
    """Render one handout's notebooks as one page; also return its parts, titles included.

    `labels` puts a note beside a notebook's entry in the contents (its track and time).
    """
    nb, parts = merge(notebooks)
    for part, (path, _) in zip(parts, notebooks, strict=True):
        part["label"] = (labels or {}).get(path, "")
    nb.metadata["title"] = words.document_title(audience)
    handout = {
        "words": words,
        "edition": words.edition(audience),
        "parts": parts,
        "mathjax": mathjax,
        "signature": SIGNATURE,
        "explorer_mime": EXPLORER_MIME,
    }
    resources = {"metadata": {"name": "handout", "path": parts[0]["folder"] if parts else ""}}
    resources["handout"] = handout
    page, resources = exporter().from_notebook_node(nb, resources=resources)
    parts = resources["handout"]["parts"]  # the preprocessors' copy, with titles and sections
    for part, (path, _) in zip(parts, notebooks, strict=True):
        part.setdefault("title", path.stem)
    return page, parts


# --- MathJax, inline ------------------------------------------------------------------------------


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


def mathjax(static: Path) -> dict:
    """MathJax 2.7 for the page: the library, and its components and web fonts by name."""
    files = [static / "config" / "TeX-AMS-MML_HTMLorMML-full.js"]
    files += sorted(static.glob("extensions/*.js"))
    for folder in MATHJAX_DIRS:
        files += sorted((static / folder).rglob("*.js"))
    fonts = static / "fonts" / "HTML-CSS" / "STIX-Web" / "woff"
    return {
        "library": (static / "MathJax.js").read_text(),
        "files": {
            "sources": {
                "mathjax/" + p.relative_to(static).as_posix(): p.read_text() for p in files
            },
            "fonts": {
                p.name: base64.b64encode(p.read_bytes()).decode("ascii")
                for p in sorted(fonts.glob("*.woff"))
            },
        },
    }


def is_handout_page(path: Path) -> bool:
    """Return True if `path` is an HTML page this tool wrote (its head carries the signature)."""
    try:
        with open(path, "rb") as page:
            head = page.read(4096)
    except OSError:
        return False
    # nbconvert's last pass (BeautifulSoup) may reorder the attributes of the <meta> element.
    tag = rb'<meta\b(?=[^>]*\bname="generator")(?=[^>]*\bcontent="' + SIGNATURE.encode() + rb'")'
    return re.search(tag, head) is not None
