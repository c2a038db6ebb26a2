"""The lessons as HTML: one card per lesson (the report's sections and a notebook's display), the index, the page.

Everything is self-contained: the report's CSS, figures as ``data:`` PNG
URIs, no scripts; every piece of text goes through :func:`html.escape`.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING

from reglab.lessons.verdict import DOES_NOT_HOLD, HOLDS, HOLDS_ONLY_WHEN
from reglab.notebook import LEFT, figure_html, table_html
from reglab.outputs.report.page import page
from reglab.version import reglab_version

if TYPE_CHECKING:
    from reglab.lessons.lesson import LessonFigure, LessonResult

VERDICT_CLASS = {HOLDS: "good-fit", HOLDS_ONLY_WHEN: "underfits", DOES_NOT_HOLD: "overfits"}
"""The report's verdict colours: green holds, amber holds only when, red does not hold here."""


def anchor(result: LessonResult) -> str:
    return f"lesson-{result.lesson.name}"


def lesson_figure_html(figure: LessonFigure) -> str:
    return figure_html(figure.png, figure.title, figure.caption)


def verdict_badge(result: LessonResult) -> str:
    verdict = result.verdict
    return f'<span class="badge">{escape(verdict.text)}</span>'


def lesson_card(result: LessonResult) -> str:
    """One lesson: the claim and its source, the verdict with its findings, the experiment, the rule, what to
    look at, the numbers and the figures."""
    lesson, verdict = result.lesson, result.verdict
    findings = table_html([["condition", "the claimed effect", "measured"]] + [
        [f.condition, "shows" if f.shows else "does not show", f.evidence] for f in verdict.findings], text_columns=3)
    sources = ", ".join(lesson.source_files)
    seeds = ", ".join(str(s) for s in result.seeds)
    size = "quick sizes" if result.quick else "default sizes"
    return f"""
<section id="{escape(anchor(result))}" class="lesson">
<h2>{escape(lesson.title)}</h2>
<div class="card verdict {VERDICT_CLASS[verdict.kind]}">
<h3>The claim {verdict_badge(result)}</h3>
<blockquote><p>“{escape(lesson.claim)}”</p></blockquote>
<p class="note">Quoted from the seed notes: {escape(sources)}. Lesson <code>{escape(lesson.name)}</code>.</p>
<p><strong>Verdict: the claim {escape(verdict.text)}.</strong></p>
{findings}
</div>
<h3>What was done</h3>
<p>{escape(lesson.experiment)} Seeds {escape(seeds)} ({escape(size)}); paired: for a seed, every variant of one
architecture starts from the same weights and sees the same minibatches.</p>
<details><summary>The rule behind the verdict</summary><pre>{escape(lesson.rule)}</pre>
<p class="note">Per condition the rule says whether the effect shows. The claim holds when it shows under every
condition, holds only when … names the conditions where it shows, and does not hold here when it shows under none.</p>
</details>
<h3>What to look at</h3>
<p>{escape(lesson.look)}</p>
<h3>The numbers</h3>
{table_html(result.outcome.table)}
<p class="note">Mean ± standard deviation over seeds {escape(seeds)}; {result.seconds:.1f} s.</p>
<h3>Figures</h3>
{"".join(lesson_figure_html(f) for f in result.outcome.figures)}
</section>"""


def index_table(results: Sequence[LessonResult]) -> str:
    """The list of lessons with their verdicts, each linking to its section."""
    rows = []
    for result in results:
        lesson, verdict = result.lesson, result.verdict
        rows.append(
            f'<tr><td{LEFT}><a href="#{escape(anchor(result))}">{escape(lesson.name)}</a></td>'
            f"<td{LEFT}>{escape(lesson.claim)}</td><td{LEFT}>{escape(', '.join(lesson.sources))}</td>"
            f'<td{LEFT} class="{VERDICT_CLASS[verdict.kind]}"><span class="badge">{escape(verdict.text)}</span></td></tr>'
        )
    header = "".join(f'<th scope="col"{LEFT}>{name}</th>' for name in ("lesson", "claim", "seed notes", "verdict"))
    return ('<section id="index"><h2>The claims and their verdicts</h2><div class="scroll"><table>'
            f'<thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table></div></section>')


def render_page(results: Sequence[LessonResult], command: str, seconds: float) -> str:
    """The whole ``index.html``: the index, then one section per lesson."""
    seeds = sorted({s for r in results for s in r.seeds})
    subtitle = (f"{len(results)} claim{'s' * (len(results) != 1)} of the seed course notes, each tested by an "
                f"experiment · seeds {', '.join(map(str, seeds))} · {seconds:.0f} s")
    links = [("index", "Index")] + [(anchor(r), r.lesson.name) for r in results]
    body = index_table(results) + "".join(lesson_card(r) for r in results) + (
        f'<section id="reproduce"><h2>Reproduce</h2><pre>{escape(command)}</pre>'
        "<p class=\"note\">Runs are kept in runs.sqlite beside this page: the same command trains nothing "
        "again and gives the same numbers.</p></section>")
    footer = f"Made by reglab {escape(reglab_version())}. Files beside this page: lessons.json and the figures as PNG."
    return page("reglab lessons: the claims of the seed notes, tested", subtitle, links, body, footer)
