"""The course as a map: its tracks in reading order, with times and prerequisites, from the model.

The start page prints this map, the README holds it between marker comments (`python -m
tools.readme` writes it), and a test checks that both are what the model says today.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import nbformat

from autograd_lab.course import CORE, COURSE, STUDENT, TRACKS, Copy, Course, Notebook
from autograd_lab.language import current, say

_TRACK_KEYS = {CORE: "course.track_core", "deep": "course.track_deep"}
_WORD = re.compile(r"\S+")


def track_name(track: str, lang: str | None = None) -> str:
    """Return what a track is called in a language ("core", "deep dive")."""
    if track not in TRACKS:
        raise ValueError(f"unknown track {track!r}: one of {TRACKS}")
    return say(_TRACK_KEYS[track], lang)


def track_label(nb: Notebook, lang: str | None = None) -> str:
    """Return a notebook's track and time as the contents show it ("core · 15 min")."""
    label = track_name(nb.track, lang)
    return f"{label} · {say('course.minutes', lang, minutes=nb.minutes)}" if nb.minutes else label


def time_cell(nb: Notebook, lang: str | None = None) -> str:
    """Return a notebook's time in the map: reading and running, and its exercises beside."""
    if nb.exercise_minutes:
        return say(
            "course.minutes_and_exercises",
            lang,
            minutes=nb.minutes,
            exercises=nb.exercise_minutes,
        )
    return say("course.minutes", lang, minutes=nb.minutes)


def english_words(path: Path) -> int:
    """Count the words of prose (markdown cells) in a notebook."""
    nb = nbformat.read(path, as_version=4)
    return sum(len(_WORD.findall(c.source)) for c in nb.cells if c.cell_type == "markdown")


def relative_link(copy: Copy) -> str:
    """Link a notebook from a page in its own language folder (the start page)."""
    return copy.path.relative_to(copy.path.parents[1 if copy.edition == STUDENT else 0]).as_posix()


def table(lang: str, link: Callable[[Copy], str] = relative_link, course: Course = COURSE) -> str:
    """Return the reading order as a markdown table: notebook, track, time, assumes, outcome."""
    head = (
        say("course.column_notebook", lang),
        say("course.column_track", lang),
        say("course.column_minutes", lang),
        say("course.column_assumes", lang),
        say("course.column_outcomes", lang),
    )
    rows = [
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for nb in course.notebooks:
        copy = course.reader_copy(nb, lang, STUDENT)
        title = f"[{nb.number} {nb.titles[lang]}]({link(copy)})"
        if copy.edition == STUDENT:
            title += f" ({say('course.student_edition', lang)})"
        assumes = ", ".join(course.notebook(slug).number for slug in nb.requires)
        cells = (
            title,
            track_name(nb.track, lang),
            time_cell(nb, lang),
            assumes or say("course.assumes_nothing", lang),
            nb.outcomes.get(lang, ""),
        )
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def totals(lang: str, course: Course = COURSE) -> str:
    """Return one line per track: how many notebooks and about how many minutes."""
    lines = []
    for track in TRACKS:
        notebooks = course.track(track)
        minutes = sum(nb.minutes for nb in notebooks)
        exercises = sum(nb.exercise_minutes for nb in notebooks)
        name = track_name(track, lang)
        count = len(notebooks)
        lines.append(
            say(
                "course.track_total",
                lang,
                track=name,
                count=count,
                minutes=minutes,
                exercises=exercises,
            )
        )
    return "\n".join(f"- {line}" for line in lines)


def course_map(lang: str | None = None, course: Course = COURSE) -> str:
    """Return the start page's map: the totals per track, then the table (links from the page)."""
    lang = current(lang)
    return totals(lang, course) + "\n\n" + table(lang, relative_link, course)
