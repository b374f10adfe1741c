"""The grading report: pass rate per item and the misconceptions to re-teach, one offline page.

    python -m tools.grade_report GRADES_CSV [--out report.html] [--lang zh]

Reads a gradebook written by `tools.grade` and writes a self-contained HTML page in the course
language: a chart and a table of the pass rate per item, the hints the checks gave most often
to wrong answers (each with its count and its sentence, which names the misconception), the
submissions marked tampered and those that did not run to the end. The chart is a PNG drawn
with the course's fonts and embedded in the page, so the page needs no network and no files.
"""

from __future__ import annotations

import argparse
import base64
import collections
import html
import io
from pathlib import Path

from autograd_lab import language
from autograd_lab.course import COURSE
from autograd_lab.grading import ITEMS, NOTEBOOK
from autograd_lab.language import say

# verdict -> its word in the report (every verdict `tools.grade` writes)
VERDICTS = {
    "correct": "grade.verdict_correct",
    "wrong": "grade.verdict_wrong",
    "not_attempted": "grade.verdict_not_attempted",
    "tampered": "grade.verdict_tampered",
    "invalid": "grade.verdict_invalid",
    "timeout": "grade.verdict_timeout",
    "too_much_output": "grade.verdict_too_much_output",
    "killed": "grade.verdict_killed",
    "crashed": "grade.verdict_crashed",
}
_DID_NOT_RUN = ("invalid", "timeout", "too_much_output", "killed", "crashed")
TOP = 12  # misconceptions listed


class _Unfilled(dict):
    """Fields of a hint that only the check knew (the learner's line, a point): shown as …"""

    def __missing__(self, key: str) -> str:
        return "…"


def hint_text(hint: str, lang: str) -> str:
    """The sentence of a hint id in `lang`, its fields that vary per learner left as …"""
    return language.template(hint, lang).format_map(_Unfilled())


def item_name(item: str, lang: str) -> str:
    """ "Prediction 2" / "Exercise 4" in `lang`."""
    number = int(item.removeprefix("ex").removeprefix("p"))
    if item.startswith("p"):
        return say("grade.item_prediction", lang, number=number)
    return say("grade.item_exercise", lang, number=number)


def summarize(grades: dict[str, dict[str, tuple[str, str]]]) -> dict:
    """Counts per item and verdict, the hints of wrong answers, the flagged students."""
    counts = {item: collections.Counter() for item in ITEMS}
    hints: collections.Counter = collections.Counter()
    tampered, not_run = [], {}
    for student, items in grades.items():
        for item, (verdict, hint) in items.items():
            counts[item][verdict] += 1
            if verdict == "wrong" and hint:
                hints[(item, hint)] += 1
        verdicts = {verdict for verdict, _ in items.values()}
        if "tampered" in verdicts:
            tampered.append(student)
        stopped = [v for v in _DID_NOT_RUN if v in verdicts]
        if stopped:
            not_run[student] = stopped[0]
    total = len(grades)
    rates = {item: (counts[item]["correct"] / total if total else 0.0) for item in ITEMS}
    return {
        "students": total,
        "counts": counts,
        "rates": rates,
        "hints": hints.most_common(TOP),
        "tampered": tampered,
        "not_run": not_run,
    }


def chart_png(rates: dict[str, float], lang: str) -> bytes:
    """A bar chart of the pass rate per item, as PNG bytes, with the course's fonts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from autograd_lab.fonts import course_rc, silence_missing_glyphs

    silence_missing_glyphs()
    with matplotlib.rc_context(course_rc()):
        fig, ax = plt.subplots(figsize=(8, 3.6), dpi=110)
        names = [item_name(item, lang) for item in rates]
        values = [100 * rate for rate in rates.values()]
        colours = ["#8e99a8" if item.startswith("p") else "#2e7d32" for item in rates]
        bars = ax.bar(names, values, color=colours)
        ax.bar_label(bars, labels=[f"{v:.0f}" for v in values], fontsize=8)
        ax.set_ylim(0, 105)
        ax.set_ylabel(say("grade.chart_axis", lang))
        ax.set_title(say("grade.pass_rates", lang))
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        plt.close(fig)
    return buffer.getvalue()


def render(grades: dict[str, dict[str, tuple[str, str]]], lang: str) -> str:
    """The report page for a gradebook, in `lang`, as one self-contained HTML string."""
    lang = language.check(lang)
    summary = summarize(grades)
    e = html.escape

    def words(key: str, **fields: object) -> str:
        return e(say(key, lang, **fields))

    png = base64.b64encode(chart_png(summary["rates"], lang)).decode("ascii")
    graded = COURSE.notebook(NOTEBOOK)
    title = f"{graded.number} {graded.titles[lang]}"
    shown_verdicts = [v for v in VERDICTS if any(summary["counts"][i][v] for i in ITEMS)]
    head = "".join(f"<th>{words(VERDICTS[v])}</th>" for v in shown_verdicts)
    rows = []
    for item in ITEMS:
        cells = "".join(f"<td>{summary['counts'][item][v]}</td>" for v in shown_verdicts)
        rate = f"{100 * summary['rates'][item]:.0f}%"
        rows.append(f"<tr><td>{e(item_name(item, lang))}</td><td>{rate}</td>{cells}</tr>")
    misconceptions = [
        f"<tr><td>{count}</td><td>{e(item_name(item, lang))}</td>"
        f"<td>{e(hint_text(hint, lang))}<br><code>{e(hint)}</code></td></tr>"
        for (item, hint), count in summary["hints"]
    ]
    if misconceptions:
        hints_block = (
            f"<table><tr><th>{words('grade.column_count')}</th><th>{words('grade.column_item')}"
            f"</th><th>{words('grade.column_hint')}</th></tr>{''.join(misconceptions)}</table>"
        )
    else:
        hints_block = f"<p>{words('grade.none_wrong')}</p>"
    tampered = ", ".join(e(s) for s in summary["tampered"]) or words("grade.nobody")
    not_run = ", ".join(
        f"{e(s)} ({words(VERDICTS[v])})" for s, v in summary["not_run"].items()
    ) or words("grade.nobody")
    return f"""<!DOCTYPE html>
<html lang="{e(say("handout.html_lang", lang))}"><head><meta charset="utf-8">
<title>{words("grade.title", notebook=title)}</title>
<style>
body {{ font-family: "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; max-width: 1100px;
  margin: 2em auto; padding: 0 1em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }}
th {{ background: #f3f3f3; }}
code {{ color: #666; font-size: 85%; }}
img {{ max-width: 100%; }}
</style></head><body>
<h1>{words("grade.title", notebook=title)}</h1>
<p>{words("grade.summary", students=summary["students"], items=len(ITEMS))}</p>
<h2>{words("grade.pass_rates")}</h2>
<img alt="{words("grade.chart_alt")}" src="data:image/png;base64,{png}">
<table><tr><th>{words("grade.column_item")}</th><th>{words("grade.column_pass_rate")}</th>{head}</tr>
{"".join(rows)}</table>
<h2>{words("grade.misconceptions")}</h2>
{hints_block}
<h2>{words("grade.tampered_heading")}</h2>
<p>{tampered}</p>
<h2>{words("grade.not_run_heading")}</h2>
<p>{not_run}</p>
</body></html>
"""


def write_report(grades: dict[str, dict[str, tuple[str, str]]], path: Path, lang: str) -> None:
    """Write the report page for a gradebook."""
    path.write_text(render(grades, lang), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Write the report page of a gradebook."""
    from tools.grade import read_csv

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("grades", type=Path)
    parser.add_argument("--out", type=Path, default=None, help="default: report.html beside it")
    parser.add_argument("--lang", default="zh")
    args = parser.parse_args(argv)
    out = args.out or args.grades.with_name("report.html")
    write_report(read_csv(args.grades), out, language.check(args.lang))
    print(f"wrote {out.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
