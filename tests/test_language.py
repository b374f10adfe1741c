"""autograd_lab.language: every sentence in every language, and how the language is chosen."""

from __future__ import annotations

import os
import string
import subprocess
import sys

import pytest

from autograd_lab import language as lang
from autograd_lab.course import LANGUAGES
from tests.helpers import CJK

MESSAGES = [(topic, key) for topic, table in lang.TOPICS.items() for key in table]
# Words that are the same in every language (names, markup), so need no CJK in Chinese.
LANGUAGE_NEUTRAL = {
    ("handout", "html_lang"),
    ("handout", "separator"),
    ("exercises", "sentence_gap"),
}


@pytest.mark.parametrize(("topic", "key"), MESSAGES, ids=[f"{t}.{k}" for t, k in MESSAGES])
def test_every_message_exists_in_every_language_with_the_same_fields(topic, key):
    texts = lang.TOPICS[topic][key]
    assert set(texts) == set(LANGUAGES), f"{topic}.{key}"
    parse = string.Formatter().parse
    names = {code: sorted(n for _, n, _, _ in parse(text) if n) for code, text in texts.items()}
    assert names["zh"] == names["en"], f"{topic}.{key}: the languages fill different fields"
    assert not CJK.search(texts["en"]), f"{topic}.{key}: the English message has Chinese"
    if (topic, key) not in LANGUAGE_NEUTRAL:
        assert CJK.search(texts["zh"]), f"{topic}.{key}: the Chinese message has no Chinese"


def test_an_unknown_message_or_language_is_a_clear_error():
    with pytest.raises(KeyError, match="add it to autograd_lab.language"):
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
