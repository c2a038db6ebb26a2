"""Generalization gap and validation score per variant."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from reglab.figures._bars import label_rows, metric_bars
from reglab.figures._style import check_runs, colors_for, loss_name, metric_values, new_figure, score_key, styled, wrap
from reglab.outputs.figures import FigureSpec
from reglab.run import Run

R2_FLOOR = -1.0
"""The R² axis stops here: a worse model is off scale (its value is still printed)."""


@styled
def plot_generalization_gap(runs: Sequence[Run], *, colors: Mapping[str, str] | None = None) -> Figure:
    """Two panels sharing the variant axis.

    Left: the generalization gap, validation loss minus training loss of the
    final (or restored) model; bars are the mean over seeds, error bars ± one
    standard deviation, dots the seeds.  Right: the validation accuracy (R²
    for regression) the same way, with the training score as a black
    diamond: the distance between them is the gap in accuracy terms.
    """
    groups = check_runs(runs, "plot_generalization_gap")
    palette = colors_for(groups, colors)
    labels = list(groups)
    task = next(iter(groups.values()))[0].task
    suffix, score = score_key(task)
    fig = new_figure(10.5, max(3.0, 0.36 * len(labels) + 1.4))
    gap_ax, score_ax = fig.subplots(1, 2, sharey=True)

    metric_bars(gap_ax, groups, palette, lambda group: metric_values(group, "generalization_gap"))
    gap_ax.axvline(0, color="0.3", lw=0.8)
    gap_ax.margins(x=0.25)
    gap_ax.set_title("Generalization gap")
    gap_ax.set_xlabel(f"validation − training loss ({loss_name(task)})")
    gap_ax.set_ylabel("variant")

    metric_bars(score_ax, groups, palette, lambda group: metric_values(group, f"val_{suffix}"),
                text_after=lambda group: metric_values(group, f"train_{suffix}"))
    positions = np.arange(len(labels))[::-1]
    shown = []
    for y, label in zip(positions, labels):
        for key in (f"val_{suffix}", f"train_{suffix}"):
            shown.extend(metric_values(groups[label], key))
        train = metric_values(groups[label], f"train_{suffix}")
        if train.size:
            score_ax.plot(train.mean(), y, "D", color="black", ms=4.5, zorder=4)
    if shown:
        low = max(min(shown), R2_FLOOR) if task == "regression" else min(shown)
        floor = 0.0 if task == "regression" and low < 0 else max(0.0, low - 0.08)
        left, right = (min(floor, low - 0.02) if low < 0 else floor), max(1.0, max(shown)) + 0.2
        score_ax.set_xlim(left, right)
        score_ax.set_xticks([t for t in score_ax.get_xticks() if left <= t <= 1.0 + 1e-9])
    score_ax.set_title(f"Validation {score}")
    score_ax.set_xlabel(f"{score} (bar: validation; ◆: training)")
    label_rows(gap_ax, labels, palette, [wrap(label, 30) for label in labels])
    fig.suptitle("Generalization: the gap between validation and training (mean ± std over seeds)", fontsize=10.5)
    return fig


GENERALIZATION_GAP = FigureSpec(
    "generalization_gap", "Generalization gap",
    (
        "Validation minus training loss of the final model, and the validation score with the training score "
        "as a diamond. A large gap means the model fits the training set better than unseen data."
    ),
    draw=lambda subject: plot_generalization_gap(subject.runs),
)
"""The figure as a compare report shows it (:mod:`reglab.outputs.figures`)."""
