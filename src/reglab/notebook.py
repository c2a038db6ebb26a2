"""reglab's results in a Jupyter notebook: the HTML a result shows when it is the last value of a cell.

``CompareResult``, ``SweepResult`` (:mod:`reglab.sweeps.notebook`), a
lesson's result and a lessons run each have a ``_repr_html_`` built from the
helpers here: the verdicts, the table and the figures inline (PNG as
``data:`` URIs), under a small stylesheet scoped to ``.reglab`` so the
notebook's own page is left alone.  Training
shows a notebook progress bar by itself (``tqdm.auto``: a widget when
``ipywidgets`` is installed, which the ``notebook`` extra does).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from reglab.outputs.figures import DPI
from reglab.outputs.palette import verdict_class, verdict_rules
from reglab.outputs.report.html import _cell  # the report's "mean ± std" cell

NOTEBOOK_CSS = (
    ".reglab table{border-collapse:collapse;font-size:.9em;margin:.4em 0}"
    ".reglab th,.reglab td{padding:2px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}"
    ".reglab .badge{color:#fff;border-radius:4px;padding:1px 7px;margin-left:6px;font-size:.85em;background:#777}"
    + verdict_rules(".reglab .{cls} .badge{{background:{colour}}}") +
    ".reglab .sd{display:block;font-size:.8em;color:#666}"
    ".reglab .note{color:#555;font-size:.9em}.reglab img{max-width:100%}.reglab figure{margin:.6em 0}"
    ".reglab figcaption strong{display:block}"
)
"""The few rules a notebook cell needs, scoped to ``.reglab``."""


def notebook_html(body: str) -> str:
    """``body`` in a ``.reglab`` wrapper with :data:`NOTEBOOK_CSS`."""
    return f'<div class="reglab"><style>{NOTEBOOK_CSS}</style>{body}</div>'


def png_bytes(figure: Figure) -> bytes:
    """A matplotlib figure as PNG bytes (Agg, :data:`reglab.figures.DPI`)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.15)
    return buffer.getvalue()


def figure_html(png: bytes, title: str, caption: str) -> str:
    """A ``<figure>`` with the PNG inline, its title and caption."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure class="card"><img src="data:image/png;base64,{data}" alt="{escape(title)}">'
            f"<figcaption><strong>{escape(title)}</strong>{escape(caption)}</figcaption></figure>")


LEFT = ' style="text-align:left"'


def table_html(rows: Sequence[Sequence[str]], *, text_columns: int = 2) -> str:
    """Rows (header first) as a table; ``mean ± std`` cells show the spread under the mean.

    The first ``text_columns`` columns hold words (names, conditions) and are
    aligned left; the others hold numbers and are aligned right.
    """
    if not rows:
        return ""

    def align(i: int) -> str:
        return LEFT if i < text_columns else ""

    header = "".join(f'<th scope="col"{align(i)}>{escape(str(c))}</th>' for i, c in enumerate(rows[0]))
    body = "".join("<tr>" + "".join(f"<td{align(i)}>{_cell(str(c))}</td>" for i, c in enumerate(row)) + "</tr>"
                   for row in rows[1:])
    return f'<div class="scroll"><table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table></div>'


def _files_html(figures: Sequence[Any]) -> str:
    """Saved figures (``FigureFile``: ``title``, ``caption``, ``path``) inline."""
    return "".join(figure_html(Path(f.path).read_bytes(), f.title, f.caption) for f in figures if Path(f.path).is_file())


def compare_html(result: Any) -> str:
    """A ``CompareResult``: the verdicts, the pick, the table and the figures of its report."""
    from reglab.analysis import table_rows

    verdicts = "".join(
        f'<li class="{escape(verdict_class(v.kind))}"><strong>{escape(v.label)}</strong>'
        f'<span class="badge">{escape(v.kind)}</span> {escape(str(v.summary))}</li>' for v in result.verdicts)
    pick = f"<p><strong>{escape(result.recommendation.summary)}</strong></p>" if result.recommendation else ""
    body = (f"<h3>reglab compare on {escape(result.dataset.name)}</h3><ul>{verdicts}</ul>{pick}"
            f"{table_html(table_rows(result.summaries, result.dataset.task))}"
            f'<p class="note">Report: {escape(str(result.report))}</p>{_files_html(result.figures)}')
    return notebook_html(body)


