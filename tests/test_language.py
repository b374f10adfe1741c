"""The message catalogs and their lookup: every sentence in every language, every key the code
uses found in them, no translation left stale, a new language added in one place, and how the
language of a call is chosen."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from autograd_lab import course
from autograd_lab import language as lang
from tests.helpers import CJK, ROOT
from tools import catalogs

SOURCE, *TWINS = course.LANGUAGES
KEYS = list(lang.sentences(SOURCE))
TOPICS = sorted({key.partition(".")[0] for key in KEYS})
KEY = re.compile(rf"(?:{'|'.join(TOPICS)})\.[a-z0-9_]+")
CODE = [ROOT / "autograd_lab", ROOT / "tools"]
# Words that are the same in every language (names, markup), so need no CJK in Chinese.
LANGUAGE_NEUTRAL = {"handout.html_lang", "handout.separator", "exercises.sentence_gap"}


def _python_files() -> list[Path]:
    return sorted(p for folder in CODE for p in folder.rglob("*.py"))


def _keys_in_code() -> dict[str, list[str]]:
    """Every string literal of the package and the tools that is a message key, with where."""
    used: dict[str, list[str]] = {}
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if KEY.fullmatch(node.value):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    used.setdefault(node.value, []).append(where)
    return used


def _built_keys() -> list[str]:
    """Message keys assembled at run time (f"topic.{x}", "topic." + x): no test could see them."""
    prefix = re.compile(rf"(?:{'|'.join(TOPICS)})\.")
    found = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.JoinedStr):
                head = node.values[0] if node.values else None
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
                head = node.left
            else:
                continue
            if isinstance(head, ast.Constant) and prefix.match(str(head.value)):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    return found


# --- the catalogs ------------------------------------------------------------------------------


def test_the_catalogs_are_complete_consistent_and_current():
    # every key in every language, the same {fields}, each translation made from today's source
    assert [str(p) for p in catalogs.problems()] == []


def test_every_key_the_code_uses_is_in_every_catalog_and_every_sentence_is_used():
    used = _keys_in_code()
    for code in course.LANGUAGES:
        missing = {key: where for key, where in used.items() if key not in lang.sentences(code)}
        assert not missing, f"keys used but not in the {code} catalog: {missing}"
    unused = sorted(set(KEYS) - set(used))
    assert not unused, f"sentences no code says (delete them, or say them): {unused}"


def test_every_key_is_written_out_literally():
    assert _built_keys() == []


# The functions that take a message key, and the position of the key among their arguments.
_TAKES_A_KEY = {"say": 0, "template": 0, "fail": 1}


def test_every_key_handed_to_say_template_or_fail_is_a_full_key():
    """A literal without its topic ("not_axes") would escape the scan above: none may exist."""
    short = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            position = _TAKES_A_KEY.get(name)
            if position is None or len(node.args) <= position:
                continue
            arg = node.args[position]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                if not KEY.fullmatch(arg.value):
                    short.append(f"{path.relative_to(ROOT)}:{node.lineno}: {arg.value!r}")
    assert short == [], "message keys must be written in full, 'topic.name'"


@pytest.mark.parametrize("key", KEYS)
def test_each_sentence_is_written_in_its_language(key):
    english, chinese = lang.template(key, "en"), lang.template(key, "zh")
    assert not CJK.search(english), f"{key}: the English sentence has Chinese"
    if key not in LANGUAGE_NEUTRAL:
        assert CJK.search(chinese), f"{key}: the Chinese sentence has no Chinese"


def test_the_catalogs_are_package_data_in_the_canonical_layout(tmp_path):
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = data["package-data"]["autograd_lab"]
    for code in course.LANGUAGES:
        file = lang.catalog_path(code).relative_to(ROOT / "autograd_lab")
        assert any(file.match(pattern) for pattern in patterns), f"{file} is not package data"
    copy = _copy_catalogs(tmp_path)
    catalogs.format_all(locale=copy)
    for code in course.LANGUAGES:
        assert lang.catalog_path(code, copy).read_bytes() == lang.catalog_path(code).read_bytes(), (
            f"{code}: not in the canonical layout: run python -m tools.catalogs format"
        )


def test_every_language_pack_is_a_dependency_of_the_course():
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    named = {re.split(r"[<>=!~ \[]", req)[0].lower() for req in extra["course"]}
    for info in course.LANGUAGE_INFO:
        if info.language_pack is not None:
            assert info.language_pack.lower() in named, info
    assert course.LANGUAGES == tuple(info.code for info in course.LANGUAGE_INFO)


# --- stale translations --------------------------------------------------------------------------


def _copy_catalogs(tmp_path: Path) -> Path:
    locale = tmp_path / "locale"
    for code in course.LANGUAGES:
        target = lang.catalog_path(code, locale)
        target.parent.mkdir(parents=True)
        shutil.copy(lang.catalog_path(code), target)
    return locale


def _check(locale: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.catalogs", "--locale", str(locale), "check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_a_changed_source_sentence_makes_its_translation_stale_until_revisited(tmp_path):
    locale = _copy_catalogs(tmp_path)
    key = "exercises.label_wrong"
    source = catalogs.load(SOURCE, locale)
    source[key].string = "【再想一想】"  # the source sentence is reworded ...
    catalogs.save(source, lang.catalog_path(SOURCE, locale))

    run = _check(locale)  # ... and its English twin is not revisited
    print(run.stdout)
    assert run.returncode == 1
    assert f"en: {key}: stale: translated from '【再想想】'" in run.stdout
    assert run.stdout.count("stale") == 1  # only the changed one

    assert catalogs.mark(locale=locale) == [f"en: {key}"]  # flagged for the translator
    english = catalogs.load("en", locale)[key]
    assert english.fuzzy and catalogs.recorded_source(english, SOURCE) == "【再想一想】"
    assert [p.key for p in catalogs.problems(locale=locale)] == [key]  # still stale: fuzzy

    revisited = catalogs.load("en", locale)  # the translator revises it and unflags it
    revisited[key].string = "[Think it over]"
    revisited[key].flags.discard("fuzzy")
    catalogs.save(revisited, lang.catalog_path("en", locale))
    assert _check(locale).returncode == 0


@pytest.mark.parametrize(
    "sentence",
    [
        "的" * 200,  # longer than a line, nowhere to wrap
        "vector-Jacobian products, (f(x+h)-f(x))/h and  two  spaces, " * 3,
        'a line break\nand "quotes"',
        "",
    ],
)
def test_the_recorded_source_survives_babels_line_wrapping(tmp_path, sentence):
    catalog = catalogs.Catalog(locale="en")
    catalog["k"] = catalogs.Message("k", "t")
    catalogs.record_source(catalog["k"], SOURCE, sentence)
    catalogs.save(catalog, tmp_path / "x.po")
    with (tmp_path / "x.po").open("rb") as f:
        message = catalogs.read_po(f)["k"]
    assert catalogs.recorded_source(message, SOURCE) == sentence
    assert catalogs.is_current(message, SOURCE, sentence)
    assert not catalogs.is_current(message, SOURCE, sentence + "!")


def test_a_translation_with_other_fields_or_none_is_reported(tmp_path):
    locale = _copy_catalogs(tmp_path)
    english = catalogs.load("en", locale)
    english["exercises.heading"].string = "Exercise {number}"
    del english["exercises.label_correct"]
    catalogs.save(english, lang.catalog_path("en", locale))
    found = {(p.key, p.what.split(" ")[0]) for p in catalogs.problems(locale=locale)}
    assert found == {("exercises.heading", "fields"), ("exercises.label_correct", "missing:")}


def test_a_new_sentence_is_added_to_every_catalog_beside_its_topic(tmp_path):
    locale = _copy_catalogs(tmp_path)
    sentences = {"zh": "常量 {name}", "en": "constant {name}"}
    catalogs.add("graph.kind_example", sentences, "a legend entry", locale=locale)
    assert catalogs.problems(locale=locale) == []
    for code in course.LANGUAGES:
        keys = list(lang.sentences(code, locale))
        at = keys.index("graph.kind_example")
        assert keys[at - 1].startswith("graph.") and not keys[at + 1].startswith("graph.")
        assert lang.sentences(code, locale)["graph.kind_example"] == sentences[code]
    with pytest.raises(ValueError, match="already in the catalogs"):
        catalogs.add("graph.kind_example", sentences, locale=locale)


# --- a third language ----------------------------------------------------------------------------


@pytest.fixture
def third_language(tmp_path, monkeypatch):
    """A throw-away language "de": a catalog in a temporary folder and one course-model entry."""
    locale = _copy_catalogs(tmp_path)
    german = catalogs.load("en", locale)  # a stand-in translation: the English, marked
    german.locale = "de"
    for message in german:
        if message.id:
            message.string = f"[de] {message.string}"
    catalogs.save(german, lang.catalog_path("de", locale))
    info = (*course.LANGUAGE_INFO, course.Language("de", "de_DE", "jupyterlab-language-pack-de-DE"))
    monkeypatch.setattr(course, "LANGUAGE_INFO", info)
    monkeypatch.setattr(course, "LANGUAGES", tuple(i.code for i in info))
    monkeypatch.setattr(lang, "LOCALE", locale)
    return tmp_path


def test_a_third_language_is_a_catalog_and_one_line_in_the_course(third_language):
    from autograd_lab.exercises import check_ex1

    assert lang.say("graph.kind_leaf", "de") == "[de] leaf"
    with lang.use("de"):
        assert lang.say("exercises.heading", number=1, label="x") == "[de] Exercise 1 x"
        feedback = check_ex1(...)  # a helper speaks it too
    assert str(feedback).startswith("[de] Exercise 1 [de] [Not attempted] [de] Replace")
    notebook = third_language / "notebooks" / "de" / "08_exercises.ipynb"
    assert course.language_of(notebook) == "de"
    assert catalogs.problems() == []  # complete, same fields, made from today's source
    with pytest.raises(ValueError, match="choose one of 'zh', 'en', 'de'"):
        lang.check("fr")


# --- the lookup and the choice of language -------------------------------------------------------


def test_an_unknown_message_or_language_is_a_clear_error():
    with pytest.raises(KeyError, match="no message 'graph.no_such_thing'.*add it to the catalogs"):
        lang.say("graph.no_such_thing")
    with pytest.raises(ValueError, match="choose one of 'zh', 'en'"):
        lang.say("graph.kind_leaf", "fr")


def _current_in(cwd, **env_update) -> str:
    env = {k: v for k, v in os.environ.items() if k != lang.ENV_VAR} | env_update
    code = "from autograd_lab import language; print(language.current())"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, env=env, check=True
    )
    return run.stdout.strip()


def test_the_folder_then_the_environment_choose_the_language(tmp_path):
    (tmp_path / "notebooks" / "en" / "student").mkdir(parents=True)
    assert _current_in(tmp_path) == "zh"  # outside any language folder: the source language
    assert _current_in(tmp_path / "notebooks" / "en" / "student") == "en"
    assert _current_in(tmp_path, AUTOGRAD_LAB_LANG="en") == "en"
    assert _current_in(tmp_path / "notebooks" / "en", AUTOGRAD_LAB_LANG="zh") == "zh"


def test_an_argument_beats_a_scope_which_beats_the_rest():
    with lang.use("en"):
        assert lang.current() == "en"
        assert lang.current("zh") == "zh"
        assert lang.say("graph.kind_leaf") == "leaf"
        assert lang.say("graph.kind_leaf", "zh") == "叶子节点"
