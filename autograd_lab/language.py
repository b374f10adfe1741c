"""The course's languages, and the lookup of every sentence its code says to a learner.

A helper called from an English notebook speaks English, from a Chinese one Chinese. The
language of a call is, first match wins:

1. the `lang=` argument of the helper, where it has one;
2. the innermost `with use("en"):` block (a context variable: scoped, never leaking into
   other code, other threads or other tests);
3. the environment variable `AUTOGRAD_LAB_LANG`;
4. the working directory: a notebook's kernel runs in the notebook's folder, and
   `notebooks/en/...` is English (`course.language_of`);
5. the source language, Chinese.

The sentences themselves are data: one gettext catalog per language,
`autograd_lab/locale/<lang>/LC_MESSAGES/autograd_lab.po`, keyed by "topic.name" (the key a
caller passes, always as a literal string, so a test can find every key in use). A catalog is
read with Babel the first time a sentence of its language is needed, then kept. Sentences are
formatted with `{name}` fields by `say`. `python -m tools.catalogs` keeps the catalogs in step.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

from autograd_lab import course

ENV_VAR = "AUTOGRAD_LAB_LANG"
DOMAIN = "autograd_lab"  # the catalogs' file name, gettext's "domain"
LOCALE = Path(__file__).resolve().parent / "locale"
_scoped: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "autograd_lab_language", default=None
)


def check(lang: str) -> str:
    """Return `lang` if the course speaks it, else raise a ValueError naming the choices."""
    if lang not in course.LANGUAGES:
        choices = ", ".join(repr(choice) for choice in course.LANGUAGES)
        raise ValueError(f"unknown language {lang!r}: choose one of {choices}")
    return lang


def current(lang: str | None = None) -> str:
    """The language to speak: `lang` if given, else the scoped, environment or folder one."""
    if lang is not None:
        return check(lang)
    scoped = _scoped.get()
    if scoped is not None:
        return scoped
    try:
        here = course.language_of(os.getcwd())
    except OSError:  # the working directory was removed
        here = None
    here = here or course.SOURCE_LANGUAGE
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return _from_environment(env, here)
    return here


@functools.cache
def _from_environment(value: str, fallback: str) -> str:
    """The language `AUTOGRAD_LAB_LANG` names (any case); an unknown one is said once, not raised.

    The variable is set outside the notebook: refusing it would make every cell that speaks
    fail, so the course warns once and speaks the notebook's language instead.
    """
    code = value.lower().replace("_", "-").split("-")[0]  # "EN", "en_US", "zh-CN"
    if code in course.LANGUAGES:
        return code
    choices = ", ".join(course.LANGUAGES)
    warnings.warn(
        f"{ENV_VAR}={value!r} is not a language of the course ({choices}): using {fallback!r}",
        UserWarning,
        stacklevel=3,
    )
    return fallback


@contextlib.contextmanager
def use(lang: str) -> Iterator[str]:
    """Speak `lang` inside the block: `with use("en"): ...`."""
    token = _scoped.set(check(lang))
    try:
        yield lang
    finally:
        _scoped.reset(token)


def catalog_path(lang: str, locale: Path | None = None) -> Path:
    """The message catalog of a language (under `locale`, by default the package's own)."""
    return Path(locale or LOCALE) / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def sentences(lang: str, locale: Path | None = None) -> dict[str, str]:
    """Every sentence of a language's catalog, by key."""
    return _read(catalog_path(lang, locale))


@functools.cache
def _read(path: Path) -> dict[str, str]:
    # Babel is imported here, not at the top: `import autograd_lab` and the helpers that never
    # speak stay light.
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        catalog = read_po(f, domain=DOMAIN)
    return {message.id: message.string for message in catalog if message.id}


def template(key: str, lang: str | None = None) -> str:
    """The sentence `key` ("topic.name") in the current language, its `{name}` fields unfilled."""
    lang = current(lang)
    try:
        return sentences(lang)[key]
    except KeyError:
        where = course.shown(catalog_path(lang))
        raise KeyError(f"no message {key!r} in {where}: add it to the catalogs") from None


def say(key: str, lang: str | None = None, **fields: object) -> str:
    """The sentence `key` ("topic.name") in the current language, its `{name}` fields filled."""
    return template(key, lang).format(**fields)
