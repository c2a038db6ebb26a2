"""A sweep in a Jupyter notebook: what ``SweepResult._repr_html_`` shows."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from reglab.notebook import figure_html, notebook_html, png_bytes, table_html
from reglab.sweeps.figures import plot_heatmap, plot_path, plot_validation_curve
from reglab.sweeps.report import table_rows

if TYPE_CHECKING:
    from reglab.sweeps.result import SweepResult


def sweep_html(result: SweepResult) -> str:
    """A ``SweepResult``: the choice, the table of grid points and the validation curve (or heat map, and the L1 path)."""
    figures = [("Heat map", plot_heatmap)] if result.is_2d else [("Validation curve", plot_validation_curve)]
    if result.path is not None:
        figures.append(("Regularization path", plot_path))
    pictures = "".join(figure_html(png_bytes(draw(result)), title, "") for title, draw in figures)
    body = (f"<h3>reglab sweep of {escape(', '.join(p.name for p in result.params))} on {escape(result.dataset.name)}</h3>"
            f"<p><strong>{escape(result.choice_line())}</strong></p>{table_html(table_rows(result))}{pictures}")
    return notebook_html(body)
