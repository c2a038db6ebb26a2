"""Rendering ``report.html`` from a :class:`ReportContent`.

The page is one file: CSS inline, each PNG figure embedded as a
``data:image/png;base64,...`` URI, no scripts, no external links but the
in-page anchors.  Every piece of text that comes from the user or the data
(names, labels, options, captions) goes through :func:`html.escape`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reglab.data import Dataset
from reglab.outputs.files import write_text
from reglab.outputs.report.command import changed_options, command_line, python_snippet
from reglab.outputs.palette import verdict_class
from reglab.outputs.report.page import embedded_figure, figures_section, footer, page, take_away
from reglab.version import reglab_version
from reglab.variant import Variant

if TYPE_CHECKING:
    from reglab.store import ExperimentRecord  # the store imports reglab.outputs.files

DATASET_FIGURE = "dataset"
"""The figure shown beside the data set's description rather than with the others."""

TASK_WORDS = {"binary": "binary classification", "multiclass": "multiclass classification", "regression": "regression"}


@dataclass
class ReportContent:
    """What the report shows.

    Attributes:
        dataset: the data set.
        record: the comparison as asked for (variants, seeds, epochs, preset).
        table: ``reglab.analysis.table_rows(...)``: header row first, then one row per variant.
        verdicts: ``reglab.analysis.Verdict`` objects (``label, kind, summary, evidence``).
        figures: ``reglab.figures.FigureFile`` objects (``name, title, path, caption``), PNGs on disk.
        created: when the report was made (shown in the footer).
        missing: ``(label, seed)`` runs absent from the store (an interrupted compare).
        out_dir: the directory, for the reproduce command.
        recommendation: ``reglab.analysis.Recommendation`` (the variant to pick), or ``None``.
    """

    dataset: Dataset
    record: ExperimentRecord
    table: list[list[str]]
    verdicts: Sequence[Any]
    figures: Sequence[Any]
    created: str = ""
    missing: list[tuple[str, int]] = field(default_factory=list)
    out_dir: Path | str = "reglab-out"
    recommendation: Any = None


def write_report(path: str | Path, content: ReportContent) -> Path:
    """Render ``content`` and write it to ``path`` atomically; return the path."""
    return write_text(path, render_report(content))


def render_report(content: ReportContent) -> str:
    """The whole page as a string."""
    ds, record = content.dataset, content.record
    title = f"reglab report: {_dataset_title(ds.name)}"
    beside_data = [f for f in content.figures if f.name == DATASET_FIGURE]
    sections = [
        _dataset_section(ds, record, beside_data),
        _verdicts_section(content.verdicts, content.recommendation),
        _table_section(content.table, record),
        figures_section([f for f in content.figures if f.name != DATASET_FIGURE]),
        _reproduce_section(content),
    ]
    missing = ""
    if content.missing:
        shown = ", ".join(f"{label} (seed {seed})" for label, seed in content.missing[:8])
        more = f" and {len(content.missing) - 8} more" if len(content.missing) > 8 else ""
        missing = (
            f'<p class="notice">This comparison was interrupted: {len(content.missing)} runs are missing '
            f"({escape(shown)}{more}). Run the command below again to finish it.</p>"
        )
    links = (("dataset", "Data set"), ("verdicts", "Verdicts"), ("table", "Table"), ("figures", "Figures"),
             ("reproduce", "Reproduce"))
    return page(title, _subtitle(ds, record), links, missing + "\n" + "".join(sections), footer(content.created))


# -- sections -------------------------------------------------------------------------


def _dataset_title(name: str) -> str:
    return Path(name).name if name.lower().endswith(".csv") else name


def _subtitle(ds: Dataset, record: ExperimentRecord) -> str:
    variants = len(record.variants)
    seeds = len(record.seeds)
    epochs = {int(v["epochs"]) for v in record.variants}
    epoch_text = f"{epochs.pop()} epochs" if len(epochs) == 1 else "epochs " + "/".join(str(e) for e in sorted(epochs))
    return (
        f"{TASK_WORDS.get(ds.task, ds.task)} · {variants} variant{'s' * (variants != 1)} × "
        f"{seeds} seed{'s' * (seeds != 1)} · {epoch_text} · mean ± std over seeds"
    )


def _dataset_section(ds: Dataset, record: ExperimentRecord, figures: Sequence[Any]) -> str:
    options = "".join(
        f"<dt>{escape(str(key))}</dt><dd>{escape(_value(value))}</dd>" for key, value in record.options.items()
    )
    changed = changed_options(record)
    note = (
        "All options at their defaults." if not changed
        else "Changed from the defaults: " + ", ".join(f"{k}={_value(v)}" for k, v in changed.items()) + "."
    )
    pictures = "".join(embedded_figure(figure, card=False) for figure in figures)
    return f"""
<section id="dataset"><h2>Data set</h2>
<div class="card{' split' if pictures else ''}"><div>
<p>{escape(ds.describe())}</p>
<p class="note">{escape(note)}</p>
<dl class="options">{options}</dl>
</div>{pictures}</div>
</section>"""


def _verdicts_section(verdicts: Sequence[Any], recommendation: Any = None) -> str:
    cards = []
    for verdict in verdicts:
        evidence = getattr(verdict, "evidence", None) or {}
        items = "".join(f"<li>{escape(str(k))}: {escape(_value(v))}</li>" for k, v in evidence.items())
        details = f'<details><summary>Evidence</summary><ul class="evidence">{items}</ul></details>' if items else ""
        cards.append(
            f'<div class="card verdict {verdict_class(verdict.kind)}">'
            f'<h3>{escape(verdict.label)}<span class="badge">{escape(str(verdict.kind))}</span></h3>'
            f"<p>{escape(_without_kind(str(verdict.summary), str(verdict.kind)))}</p>{details}</div>"
        )
    return f"""
<section id="verdicts"><h2>Verdicts</h2>
{_recommendation(recommendation)}
<div class="verdicts">{"".join(cards)}</div>
<p class="note">A verdict reads the mean training and validation loss curves over seeds; the rules are documented in docs/analysis.md.</p>
</section>"""


def _recommendation(recommendation: Any) -> str:
    """The pick as a highlighted paragraph (the rule is in ``reglab.analysis.recommend``)."""
    if recommendation is None:
        return ""
    return f'<p class="notice pick"><strong>Recommendation.</strong> {escape(recommendation.summary)}</p>'


def _without_kind(summary: str, kind: str) -> str:
    """The summary without a leading ``"kind: "`` (the badge already says it), capitalized."""
    if summary.lower().startswith(kind.lower() + ":"):
        summary = summary[len(kind) + 1 :].strip()
    return summary[:1].upper() + summary[1:]


def _table_section(rows: list[list[str]], record: ExperimentRecord) -> str:
    if not rows:
        return ""
    header = "".join(f'<th scope="col">{escape(cell)}</th>' for cell in rows[0])
    body = "".join(
        "<tr>" + "".join(
            (f'<th scope="row">{escape(cell)}</th>' if i == 0 else f"<td>{_cell(cell)}</td>")
            for i, cell in enumerate(row)
        ) + "</tr>"
        for row in rows[1:]
    )
    seeds = ", ".join(str(s) for s in record.seeds)
    return f"""
<section id="table"><h2>Table</h2>
<div class="scroll"><table>
<thead><tr>{header}</tr></thead>
<tbody>{body}</tbody>
</table></div>
<p class="note">Mean ± standard deviation over seeds {escape(seeds)}. Accuracy (or R²) on the training, validation and test splits of the
model kept at the end (the restored best epoch for early stopping); the gap is validation loss minus training loss; zeros are weights
exactly 0, near-zero |w| &lt; 1e-3; weight statistics cover the weight matrices, not the biases.</p>
</section>"""


def _cell(text: str) -> str:
    """A table cell; ``"mean ± std"`` shows the spread smaller, under the mean."""
    mean, sep, spread = text.partition(" ± ")
    if not sep:
        return escape(text)
    return f'{escape(mean)}<span class="sd">± {escape(spread)}</span>'


def _reproduce_section(content: ReportContent) -> str:
    record = content.record
    rows = []
    for settings in record.variants:
        variant = Variant.from_dict(settings)
        full = json.dumps(variant.settings(), indent=1)
        rows.append(
            f"<tr><td>{escape(variant.label)}</td><td><code>{escape(variant.short_form() or 'defaults')}</code></td>"
            f"<td><details><summary>all settings</summary><pre>{escape(full)}</pre></details></td></tr>"
        )
    return f"""
<section id="reproduce"><h2>Reproduce</h2>
<p>From a shell, with reglab {escape(reglab_version())} installed (runs already in the directory's runs.sqlite are not retrained):</p>
<pre>{escape(command_line(record, content.out_dir))}</pre>
<p>From Python:</p>
<pre>{escape(python_snippet(record, content.out_dir))}</pre>
{take_away(content.out_dir, content.recommendation.best) if content.recommendation is not None else ""}
<p>The variants, with the settings that differ from the defaults (two hidden ReLU layers of 64 and 32 units, Adam at learning rate 0.01, batch size 32, 500 epochs):</p>
<div class="scroll"><table class="settings">
<thead><tr><th>variant</th><th>differs from the defaults</th><th>resolved settings</th></tr></thead>
<tbody>{"".join(rows)}</tbody>
</table></div>
</section>"""


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
