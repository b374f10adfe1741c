"""The English edition mirrors the Chinese one: same programs, same prose-free outputs.

Every notebook of the course (autograd_lab.course) in notebooks/zh/ has a twin with the same
file name in each other language's folder, edition by edition. Their code
cells are the same program: identical token for token once comments are dropped and string
literals (labels, messages) are blanked. Their outputs are identical wherever the Chinese
output holds no Chinese text (tensors, booleans, numbers, graphs as text).
"""

from __future__ import annotations

import io
import re
import tokenize

import nbformat
import pytest

from tests.helpers import CJK, COURSE

MARKER = re.compile(r"^# NBVAL_\w+$", re.M)

SOURCE = COURSE.languages[0]
# Every notebook in the source language and each edition, with its twin in each other language.
PAIRS = [
    (copy.path, COURSE.path(copy.notebook, lang, copy.edition))
    for copy in COURSE.copies(language=SOURCE)
    for lang in COURSE.languages[1:]
]
# Python >= 3.12 splits f-strings into several tokens; 3.11 has one STRING token.
FSTRING_PARTS = {
    getattr(tokenize, name)
    for name in ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
    if hasattr(tokenize, name)
}


def program(source: str) -> list[tuple[int, str]]:
    """Tokens of a cell without comments, with every string literal blanked."""
    tokens = []
    skip = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENDMARKER,
        tokenize.ENCODING,
    }
    for tok in tokenize.generate_tokens(io.StringIO(source + "\n").readline):
        if tok.type in skip:
            continue
        if tok.type == tokenize.STRING:
            tokens.append((tok.type, "<str>"))
        elif tok.type in FSTRING_PARTS:
            tokens.append((tokenize.STRING, "<str>"))
        else:
            tokens.append((tok.type, tok.string))
    return tokens


def outputs_text(cell) -> list[str]:
    texts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            texts.append(f"{out.name}:{out.text}")
        elif out.output_type in ("execute_result", "display_data"):
            texts.append(f"{out.output_type}:{out.data.get('text/plain', '')}")
        elif out.output_type == "error":
            texts.append(f"error:{out.ename}")
    return texts


def compare(zh_nb, en_nb) -> list[str]:
    """Return every difference between the two notebooks beyond prose."""
    problems = []
    zh_code = [c for c in zh_nb.cells if c.cell_type == "code"]
    en_code = [c for c in en_nb.cells if c.cell_type == "code"]
    if len(zh_code) != len(en_code):
        return [f"{len(zh_code)} code cells in Chinese, {len(en_code)} in English"]
    for n, (zh, en) in enumerate(zip(zh_code, en_code, strict=True), start=1):
        if program(zh.source) != program(en.source):
            problems.append(f"code cell {n}: the programs differ")
        if MARKER.findall(zh.source) != MARKER.findall(en.source):
            problems.append(f"code cell {n}: nbval markers differ")
        if sorted(zh.metadata.get("tags", [])) != sorted(en.metadata.get("tags", [])):
            problems.append(f"code cell {n}: tags differ")
        zh_out, en_out = outputs_text(zh), outputs_text(en)
        if len(zh_out) != len(en_out):
            problems.append(f"code cell {n}: {len(zh_out)} outputs vs {len(en_out)}")
            continue
        for a, b in zip(zh_out, en_out, strict=True):
            if not CJK.search(a) and a != b:
                problems.append(f"code cell {n}: prose-free output differs: {a[:60]!r}")
    return problems


@pytest.mark.parametrize(
    ("zh_path", "en_path"), PAIRS, ids=[COURSE.locate(twin).key for _, twin in PAIRS]
)
def test_english_twin_mirrors_chinese(zh_path, en_path):
    assert en_path.exists(), f"{zh_path.name} has no twin at {en_path}"
    zh_nb = nbformat.read(zh_path, as_version=4)
    en_nb = nbformat.read(en_path, as_version=4)
    assert compare(zh_nb, en_nb) == []
    for cell in en_nb.cells:
        if cell.cell_type == "markdown":
            assert not CJK.search(cell.source.replace("自动求导", "")), (
                f"{en_path.name}: untranslated Chinese prose in cell {cell.id}"
            )


def test_pairing_catches_a_changed_code_cell():
    """The comparison itself must fail on a real change, and pass on a comment/string change."""
    basics = COURSE.path("01_autograd_basics", "zh")  # its cells compute with torch.arange
    zh_nb = nbformat.read(basics, as_version=4)
    en_nb = nbformat.read(basics, as_version=4)
    cell = next(c for c in en_nb.cells if c.cell_type == "code" and "torch.arange" in c.source)
    original = cell.source
    cell.source = original + '  # a comment\nlabel = "a string"'
    zh_cell = next(c for c in zh_nb.cells if c.id == cell.id)
    zh_cell.source = original + '  # 注释\nlabel = "一个字符串"'
    assert compare(zh_nb, en_nb) == []
    cell.source = original.replace("4.0", "5.0")
    assert any("programs differ" in p for p in compare(zh_nb, en_nb))
