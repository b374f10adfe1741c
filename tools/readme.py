"""Write the README's notebook tables from the course model, between marker comments.

    python -m tools.readme           # rewrite the tables in README.md
    python -m tools.readme --check   # exit 1 if README.md is not what the model says
    python -m tools.readme --words   # the reading order with the English words of each notebook

Each language's section of the README holds one table between `<!-- course-table:<lang> -->`
and `<!-- /course-table:<lang> -->`; everything else in the README is written by hand.
"""

from __future__ import annotations

import argparse
import re
import sys

from autograd_lab.course import CORE, COURSE, ROOT, Copy, Course
from autograd_lab.course_map import english_words, table, totals

README = ROOT / "README.md"


def markers(lang: str) -> tuple[str, str]:
    """Return the comments that open and close a language's table."""
    return f"<!-- course-table:{lang} -->", f"<!-- /course-table:{lang} -->"


def repo_link(copy: Copy) -> str:
    """Link a notebook from the README at the repository's root."""
    return copy.path.relative_to(ROOT).as_posix()


def block(lang: str, course: Course = COURSE) -> str:
    """Return what stands between a language's markers: the totals and the table."""
    return totals(lang, course) + "\n\n" + table(lang, repo_link, course)


def render(text: str, course: Course = COURSE) -> str:
    """Return the README text with every language's table replaced by the model's."""
    for lang in course.languages:
        start, end = markers(lang)
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        if not pattern.search(text):
            raise ValueError(f"README.md has no {start} … {end} block for {lang}")
        new = f"{start}\n{block(lang, course)}\n{end}"
        text = pattern.sub(lambda _, new=new: new, text)
    return text


def reading_order(course: Course = COURSE) -> list[tuple[str, str, int, int, str]]:
    """Return (notebook, track, minutes, English words, assumes) in reading order."""
    return [
        (
            nb.slug,
            nb.track,
            nb.minutes,
            english_words(course.path(nb, "en")),
            ", ".join(s[:2] for s in nb.requires) or "-",
        )
        for nb in course.notebooks
    ]


def main(argv: list[str] | None = None) -> int:
    """Rewrite, check or measure the README's notebook tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is stale")
    parser.add_argument("--words", action="store_true", help="print the reading order and words")
    args = parser.parse_args(argv)
    if args.words:
        rows = reading_order()
        print("| notebook | track | minutes | English words | assumes |\n|---|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(str(x) for x in row) + " |")
        core = [r for r in rows if r[1] == CORE]
        print(f"core track: {sum(r[3] for r in core)} words, {sum(r[2] for r in core)} min")
        return 0
    text = README.read_text(encoding="utf-8")
    new = render(text)
    if args.check:
        if new != text:
            print("README.md's notebook tables are stale: run python -m tools.readme")
            return 1
        return 0
    if new != text:
        README.write_text(new, encoding="utf-8")
        print("README.md: notebook tables rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
