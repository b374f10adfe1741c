"""Keep the message catalogs honest: complete, consistent, and no translation left stale.

    python -m tools.catalogs check    # report what is wrong, exit 1 if anything is
    python -m tools.catalogs mark     # flag translations whose source sentence changed (fuzzy)
    python -m tools.catalogs format   # rewrite every catalog in the one canonical layout
    python -m tools.catalogs add topic.name --zh "…" --en "…"   # a new sentence, everywhere

Each course language has one gettext catalog, autograd_lab/locale/<lang>/LC_MESSAGES/
autograd_lab.po (read and written with Babel). The message id is the key a caller passes to
`autograd_lab.language.say` ("topic.name"), a stable id that never changes with the wording.
The source language's catalog (Chinese) holds the sentences as written; every other catalog
holds their translations.

Because the id is a key and not the source sentence, gettext's own staleness check (msgmerge
compares msgids) cannot see a reworded source sentence. So each translation records the source
sentence it was made from, as an extracted comment a translator's editor shows beside it:

    #. zh: "练习 {number} {label}"
    msgid "exercises.heading"
    msgstr "Exercise {number} {label}"

`mark` compares the record with the source catalog; where the source changed, it flags the
translation `fuzzy` (gettext's "needs review", understood by every PO editor) and records the
new source. The translator revises the sentence and removes the flag; until then `check`, and
the test that runs it, fail naming the key.
"""

from __future__ import annotations

import argparse
import json
import re
import string
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po
from babel.util import TextWrapper

from autograd_lab import course, language

SOURCE_NOTE = "{lang}:"  # how the extracted comment recording a translation's source begins
WIDTH = 76  # gettext's own line width


def path(lang: str, locale: Path | None = None) -> Path:
    """The catalog file of a language."""
    return language.catalog_path(lang, locale)


def load(lang: str, locale: Path | None = None) -> Catalog:
    """The catalog of a language, as Babel reads it."""
    with path(lang, locale).open("rb") as f:
        return read_po(f, locale=lang, domain=language.DOMAIN)


def save(catalog: Catalog, file: Path) -> None:
    """Write a catalog in the canonical layout: no source locations, gettext's line width."""
    file.parent.mkdir(parents=True, exist_ok=True)
    with file.open("wb") as f:
        write_po(f, catalog, width=WIDTH, no_location=True, omit_header=False)


def fields(sentence: str) -> set[str]:
    """The names of a sentence's `{name}` fields."""
    return {name for _, name, _, _ in string.Formatter().parse(sentence) if name is not None}


def _wrap(text: str) -> list[str]:
    """A comment's lines as Babel writes them (write_po wraps comments with this wrapper)."""
    wrapper = TextWrapper(width=WIDTH, break_long_words=False)
    return [line.strip() for line in wrapper.wrap(text)]


def _record(sentence: str, source_lang: str) -> str:
    return SOURCE_NOTE.format(lang=source_lang) + " " + json.dumps(sentence, ensure_ascii=False)


def _record_lines(message: Message, source_lang: str) -> list[str] | None:
    """The lines of a translation's source record (the last extracted comments), or None."""
    prefix = SOURCE_NOTE.format(lang=source_lang)
    comments = list(message.auto_comments)
    starts = [i for i, comment in enumerate(comments) if comment.startswith(prefix)]
    if not starts:
        return None
    return [line for comment in comments[starts[-1] :] for line in _wrap(comment)]


def is_current(message: Message, source_lang: str, sentence: str) -> bool:
    """Whether a translation records `sentence` as its source.

    Compared as Babel writes the record, wrapped, so a record read back from a file and one
    just made compare alike; a JSON string keeps line breaks and quotes exact.
    """
    return _record_lines(message, source_lang) == _wrap(_record(sentence, source_lang))


def recorded_source(message: Message, source_lang: str) -> str | None:
    """The source sentence a translation records (to show a translator), or None."""
    lines = _record_lines(message, source_lang)
    if lines is None:
        return None
    text = " ".join(lines)[len(SOURCE_NOTE.format(lang=source_lang)) :]
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def record_source(message: Message, source_lang: str, sentence: str) -> None:
    """Record `sentence` as the source a translation was made from (replacing an older one)."""
    prefix = SOURCE_NOTE.format(lang=source_lang)
    notes = []
    for comment in message.auto_comments:  # notes for translators come before the record
        if comment.startswith(prefix):
            break
        notes.append(comment)
    message.auto_comments = [*notes, _record(sentence, source_lang)]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a catalog, naming the language and the key."""

    lang: str
    key: str
    what: str

    def __str__(self) -> str:
        return f"{self.lang}: {self.key}: {self.what}"


def problems(languages: Sequence[str] | None = None, locale: Path | None = None) -> list[Problem]:
    """Everything wrong with the catalogs: missing or extra keys, fields, stale translations."""
    languages = tuple(languages or course.LANGUAGES)
    source_lang = languages[0]
    source = {m.id: m for m in load(source_lang, locale) if m.id}
    found: list[Problem] = []
    for key, message in source.items():
        if message.fuzzy:
            found.append(Problem(source_lang, key, "flagged fuzzy in the source catalog"))
    for lang in languages[1:]:
        catalog = {m.id: m for m in load(lang, locale) if m.id}
        for key in source.keys() - catalog.keys():
            found.append(Problem(lang, key, "missing: translate it"))
        for key in catalog.keys() - source.keys():
            found.append(Problem(lang, key, f"not in the source catalog ({source_lang})"))
        for key in source.keys() & catalog.keys():
            found += _translation_problems(lang, source_lang, source[key], catalog[key])
    return sorted(found, key=lambda p: (p.lang, p.key))


def _translation_problems(
    lang: str, source_lang: str, source: Message, translation: Message
) -> Iterable[Problem]:
    key = source.id
    if translation.string == "" and source.string != "":
        yield Problem(lang, key, "missing: translate it")
        return
    if fields(translation.string) != fields(source.string):
        yield Problem(
            lang,
            key,
            f"fields {sorted(fields(translation.string))} differ from the source's "
            f"{sorted(fields(source.string))}",
        )
    recorded = recorded_source(translation, source_lang)
    if recorded is None:
        yield Problem(lang, key, f"records no source sentence (#. {source_lang}: ...)")
    elif translation.fuzzy:
        yield Problem(
            lang, key, f"stale: the source changed to {source.string!r}; revise, then unflag fuzzy"
        )
    elif not is_current(translation, source_lang, source.string):
        yield Problem(
            lang,
            key,
            f"stale: translated from {recorded!r}, the source is now {source.string!r} "
            "(python -m tools.catalogs mark)",
        )


def mark(languages: Sequence[str] | None = None, locale: Path | None = None) -> list[str]:
    """Flag fuzzy every translation whose source changed, recording the new source; list them."""
    languages = tuple(languages or course.LANGUAGES)
    source_lang = languages[0]
    source = {m.id: m.string for m in load(source_lang, locale) if m.id}
    marked = []
    for lang in languages[1:]:
        catalog = load(lang, locale)
        changed = False
        for message in catalog:
            if not message.id or message.id not in source:
                continue
            if not is_current(message, source_lang, source[message.id]):
                message.flags.add("fuzzy")
                record_source(message, source_lang, source[message.id])
                marked.append(f"{lang}: {message.id}")
                changed = True
        if changed:
            save(catalog, path(lang, locale))
    return marked


def format_all(languages: Sequence[str] | None = None, locale: Path | None = None) -> None:
    """Rewrite every catalog canonically, translations in the source catalog's order."""
    languages = tuple(languages or course.LANGUAGES)
    source = load(languages[0], locale)
    order = [m.id for m in source if m.id]
    save(source, path(languages[0], locale))
    for lang in languages[1:]:
        catalog = load(lang, locale)
        _reorder(catalog, order)
        save(catalog, path(lang, locale))


def _reorder(catalog: Catalog, order: Sequence[str]) -> None:
    """Put a catalog's messages in the given order of keys (unknown keys last, sorted)."""
    place = {key: i for i, key in enumerate(order)}
    messages = sorted(
        (m for m in catalog if m.id), key=lambda m: (place.get(m.id, len(place)), m.id)
    )
    for message in messages:
        del catalog[message.id]
    for message in messages:
        catalog[message.id] = message


def add(
    key: str,
    sentences: Mapping[str, str],
    note: str | None = None,
    languages: Sequence[str] | None = None,
    locale: Path | None = None,
) -> None:
    """Add a sentence in every language, after the others of its topic, recording its source."""
    languages = tuple(languages or course.LANGUAGES)
    source_lang = languages[0]
    if set(sentences) != set(languages):
        raise ValueError(f"{key}: give the sentence in each of {', '.join(languages)}")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*\.[a-z0-9_]+", key):
        raise ValueError(f"{key!r}: a key looks like topic.name (lower case, digits, _)")
    source = load(source_lang, locale)
    if key in source:
        raise ValueError(f"{key} is already in the catalogs")
    order = [m.id for m in source if m.id]
    topic = key.partition(".")[0]
    same_topic = [i for i, k in enumerate(order) if k.partition(".")[0] == topic]
    order.insert(same_topic[-1] + 1 if same_topic else len(order), key)
    for lang in languages:
        catalog = source if lang == source_lang else load(lang, locale)
        message = Message(key, sentences[lang], auto_comments=[note] if note else [])
        if lang != source_lang:
            record_source(message, source_lang, sentences[source_lang])
        catalog[key] = message
        _reorder(catalog, order)
        save(catalog, path(lang, locale))


def main(argv: Sequence[str] | None = None) -> int:
    """Check, mark, format or add to the catalogs from the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.catalogs",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--locale", type=Path, default=None, help="the catalogs' folder (default: the package's)"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="report what is wrong; exit 1 if anything is")
    commands.add_parser("mark", help="flag fuzzy the translations whose source changed")
    commands.add_parser("format", help="rewrite every catalog in the canonical layout")
    adding = commands.add_parser("add", help="add a sentence in every language")
    adding.add_argument("key", help='its key, "topic.name"')
    for code in course.LANGUAGES:
        adding.add_argument(f"--{code}", required=True, metavar="SENTENCE", help=f"in {code}")
    adding.add_argument("--note", help="a note for translators (where it is shown, why)")
    args = parser.parse_args(argv)
    if args.command == "add":
        sentences = {code: getattr(args, code) for code in course.LANGUAGES}
        add(args.key, sentences, args.note, locale=args.locale)
        return 0
    if args.command == "mark":
        for line in mark(locale=args.locale):
            print(f"stale, flagged fuzzy: {line}")
        return 0
    if args.command == "format":
        format_all(locale=args.locale)
        return 0
    found = problems(locale=args.locale)
    for problem in found:
        print(problem)
    print(f"{len(found)} problem(s) in the catalogs of {', '.join(course.LANGUAGES)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
