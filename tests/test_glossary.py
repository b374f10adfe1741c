"""The Chinese edition speaks one vocabulary: the glossary's, and prints its labels in Chinese.

The glossary (autograd_lab/locale/zh/glossary.toml) names one Chinese term per concept, the
variants the course does not use, and the few words kept in Latin letters (software, API
names, abbreviations). Its prose is every markdown cell of every zh notebook, both editions,
and every sentence of the zh catalog; prose means the text outside code, math, link targets,
HTML tags and quotations.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from babel.messages.pofile import read_po

from autograd_lab import language
from tests.helpers import CJK, COURSE

GLOSSARY_FILE = Path(language.__file__).parent / "locale" / "zh" / "glossary.toml"
SOURCE = COURSE.languages[0]

FENCE = re.compile(r"^```.*?^```", re.S | re.M)
DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$[^$\n]+?\$")
CODE = re.compile(r"``.*?``|`[^`\n]*`")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
HTML = re.compile(r"<[^>]+>")
URL = re.compile(r"https?://\S+")
QUOTE = re.compile(r"“[^”]*”|\"[^\"\n]*\"|《[^》]*》|「[^」]*」")
FIELD = re.compile(r"\{[^{}]*\}")  # a catalog sentence's {field}
# A word in Latin letters that is not part of an identifier (x.grad, zero_(), d_in, 2x).
WORD = re.compile(
    r"(?<![A-Za-z0-9_.\\])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z]+)*(?![A-Za-z0-9_(]|\.[A-Za-z0-9_])"
)
GLOSS = re.compile(r"（([^（）]*)）")
# A printed label in English: a line that begins with two or more English words, then ':' or
# '=' with no Chinese before it ("frozen weight .grad is None: True").
ENGLISH_LABEL = re.compile(
    r"^[ \t]*([A-Za-z]+ [A-Za-z]+\b[^:=\n\u3000-\u9fff\uff00-\uffef]*?)\s*[:=]", re.M
)
# Lines printed by the tools themselves, not by the course: IPython's %xmode.
NOT_OURS = {"Exception reporting mode:"}


@dataclass(frozen=True)
class Text:
    """One piece of zh prose and where it lives."""

    where: str
    prose: str


def load_glossary(file: Path = GLOSSARY_FILE) -> dict:
    """The glossary as TOML reads it."""
    with file.open("rb") as f:
        return tomllib.load(f)


def prose(markdown: str) -> str:
    """The prose of a markdown text: code, math, link targets, tags and quotations removed."""
    for pattern, keep in (
        (FENCE, " "),
        (DISPLAY_MATH, " "),
        (CODE, " "),
        (INLINE_MATH, " "),
        (LINK, r"\1"),
        (HTML, " "),
        (URL, " "),
        (QUOTE, " "),
    ):
        markdown = pattern.sub(keep, markdown)
    return markdown


def zh_texts() -> list[Text]:
    """Every markdown cell of every zh notebook, and every zh catalog sentence, as prose."""
    texts = []
    for path in COURSE.files(language=SOURCE):
        nb = nbformat.read(path, as_version=4)
        name = path.relative_to(COURSE.root).as_posix()
        texts += [
            Text(f"{name} {cell.id}", prose(cell.source))
            for cell in nb.cells
            if cell.cell_type == "markdown"
        ]
    with language.catalog_path(SOURCE).open("rb") as f:
        catalog = read_po(f, locale=SOURCE, domain=language.DOMAIN)
    texts += [Text(f"catalog {m.id}", prose(FIELD.sub(" ", m.string))) for m in catalog if m.id]
    return texts


def rejected_variants(text: str, glossary: dict) -> list[str]:
    """Each variant of a term the glossary rejects that the text uses, with the term to use."""
    found = []
    for term in glossary["term"]:
        use = f"{term['zh']} ({term['english']})"
        for variant in term["avoid"]:
            if variant in text:
                found.append(f"{variant!r}: write {use}")
        if "avoid_pattern" in term:
            for m in re.finditer(term["avoid_pattern"], text):
                found.append(f"{m.group(0)!r}: write {use}")
        near = term.get("avoid_near")
        if near and near["variant"] in text and any(w in text for w in near["near"]):
            found.append(f"{near['variant']!r} beside {near['near']}: write {use}")
    return found


def misnamed(text: str, glossary: dict) -> list[str]:
    """Each way the text names a notebook like a section (or a section like a notebook)."""
    return [
        f"{m.group(0)!r}: write {rule['instead']}"
        for rule in glossary["naming"]["avoid"]
        for m in re.finditer(rule["pattern"], text)
    ]


def english_words(text: str, glossary: dict, feedback: bool = False) -> list[str]:
    """Each Latin-letter word the glossary does not keep in English (one letter is math).

    A catalog sentence (`feedback`) is plain text without code spans: it may also quote the
    names of the learner's own code that the glossary lists under `code`.
    """
    kept = glossary["english"]
    allowed = set(kept["names"]) | set(kept["abbreviations"]) | set(kept["api"])
    if feedback:
        allowed |= set(kept["code"])
    glossed = {w.lower() for t in glossary["term"] for w in re.findall(r"[A-Za-z]+", t["english"])}
    found = []
    for m in WORD.finditer(text):
        word = m.group(0)
        if len(word) == 1 or word in allowed:
            continue
        inside = [g for g in GLOSS.finditer(text) if g.start() < m.start() < g.end()]
        if inside and all(part.lower() in glossed for part in word.split("-")):
            continue  # a gloss: **叶子节点**（leaf）
        found.append(word)
    return found


def problems(texts: list[Text], glossary: dict) -> list[str]:
    """Every term outside the glossary in the texts, as 'where: what'."""
    found = []
    for text in texts:
        for what in rejected_variants(text.prose, glossary) + misnamed(text.prose, glossary):
            found.append(f"{text.where}: {what}")
        for word in english_words(text.prose, glossary, text.where.startswith("catalog")):
            found.append(f"{text.where}: English {word!r} is not kept in English by the glossary")
    return found


NOTEBOOK_IN_ENGLISH = re.compile(
    r"\b(?:this|earlier|previous|the first \w+) notebooks?\b|\bthis one\b", re.I
)
SECTION_IN_ENGLISH = re.compile(r"\b(?:this|earlier|previous) sections?\b", re.I)


def notebook_called_a_section(zh_cell: str, en_cell: str, glossary: dict) -> list[str]:
    """The section words a zh cell uses where its English twin speaks only of a notebook."""
    words = [w for w in glossary["naming"]["section_words"] if w in prose(zh_cell)]
    if words and NOTEBOOK_IN_ENGLISH.search(en_cell) and not SECTION_IN_ENGLISH.search(en_cell):
        instead = "write 这个笔记本 / 前几个笔记本"
        return [f"{w!r} where the English twin says notebook: {instead}" for w in words]
    return []


def twin_pairs() -> list[tuple[str, str, str]]:
    """Each zh markdown cell with its English twin's source: (where, zh, en)."""
    pairs = []
    for copy in COURSE.copies(language=SOURCE):
        zh = nbformat.read(copy.path, as_version=4)
        en_path = COURSE.path(copy.notebook, COURSE.languages[1], copy.edition)
        en = {c.id: c.source for c in nbformat.read(en_path, as_version=4).cells}
        name = copy.path.relative_to(COURSE.root).as_posix()
        pairs += [
            (f"{name} {c.id}", c.source, en.get(f"{c.id}-en", ""))
            for c in zh.cells
            if c.cell_type == "markdown"
        ]
    return pairs


def english_labels(path: Path) -> list[str]:
    """Each stdout line of a notebook that starts with an English label."""
    nb = nbformat.read(path, as_version=4)
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type != "stream" or out.name != "stdout":
                continue
            for m in ENGLISH_LABEL.finditer(out.text):
                if m.group(0).strip() not in NOT_OURS:
                    found.append(f"{cell.id}: {m.group(0).strip()!r}")
    return found


GLOSSARY = load_glossary()


def test_the_glossary_names_each_concept_once_and_rejects_no_term_it_uses():
    terms = GLOSSARY["term"]
    for key in ("english", "zh", "avoid", "note"):
        assert all(key in t for t in terms), f"every term needs {key!r}"
    chosen = [t["zh"] for t in terms]
    assert len(chosen) == len(set(chosen)), "one concept per Chinese term"
    english = [t["english"] for t in terms]
    assert len(english) == len(set(english)), "one Chinese term per concept"
    for t in terms:  # a term never matches its own or another term's rejection
        for other in chosen:
            assert not rejected_variants(other, {"term": [t]}), (
                f"{t['english']}: its variants reject the term {other!r}"
            )
    kept = GLOSSARY["english"]
    assert not CJK.search(" ".join(kept["names"] + kept["abbreviations"] + kept["api"]))


def test_zh_prose_uses_only_the_glossarys_terms():
    assert problems(zh_texts(), GLOSSARY) == []


def test_a_zh_notebook_calls_itself_a_notebook_where_its_twin_does():
    found = [
        f"{where}: {what}"
        for where, zh, en in twin_pairs()
        for what in notebook_called_a_section(zh, en, GLOSSARY)
    ]
    assert found == []


def test_a_notebook_called_a_section_is_found():
    en = "The earlier notebooks explained what autograd computes. This one is about using it."
    assert notebook_called_a_section("前几节讲清楚了算的是什么。", en, GLOSSARY)
    assert not notebook_called_a_section("前几个笔记本讲清楚了算的是什么。", en, GLOSSARY)
    assert not notebook_called_a_section("本节的误差", "the error of this section", GLOSSARY)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("拆成两个小批量累加梯度。", "'小批量': write 微批次 (micro-batch)"),
        ("正向模式让每个值带着一个切线。", "'切线' beside"),
        ("宽的雅可比用反向。", "'雅可比': write 雅可比矩阵"),
        ("第 04 节会在训练循环里用到它。", "'第 04 节': write 笔记本 0N"),
        ("见笔记本 4 的第 3 节。", "'笔记本 4': write 笔记本 0N"),
        ("计算图的 leaf 没有 grad_fn。", "English 'leaf'"),
        ("PyTorch 的 backward 算出 Jacobian。", "English 'Jacobian'"),
    ],
)
def test_a_planted_wrong_term_fails(sentence, expected):
    found = problems([Text("planted", prose(sentence))], GLOSSARY)
    assert len(found) == 1 and expected in found[0], found


@pytest.mark.parametrize(
    "sentence",
    [
        "拆成两个微批次累加梯度；`torch.autograd.functional.jacobian` 给出雅可比矩阵。",
        "曲线在 $x = 1$ 处的切线；笔记本 04 第 5 节；见[笔记本 02](02_derivatives.ipynb)。",
        "叶子节点（leaf）；报错 “a leaf Variable that requires grad” 说的是它。",
        "正向模式让每个值带着一个切向量（JVP）。",
    ],
)
def test_the_glossarys_own_terms_pass(sentence):
    assert problems([Text("right", prose(sentence))], GLOSSARY) == []


@pytest.mark.parametrize(
    "path", COURSE.files(language=SOURCE), ids=lambda p: p.relative_to(COURSE.root).as_posix()
)
def test_every_label_a_zh_notebook_prints_is_chinese(path):
    assert english_labels(path) == []


def test_an_english_label_is_found_and_a_chinese_one_is_not(tmp_path):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("print(...)", id="planted")
    cell.outputs = [
        nbformat.v4.new_output(
            "stream",
            name="stdout",
            text="冻结权重的 .grad 是 None: True\nx.grad: tensor([1.])\n"
            "frozen weight .grad is None: True\nException reporting mode: Minimal\n",
        )
    ]
    nb.cells = [cell]
    path = tmp_path / "planted.ipynb"
    nbformat.write(nb, path)
    assert english_labels(path) == ["planted: 'frozen weight .grad is None:'"]
