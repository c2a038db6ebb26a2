"""Decision boundaries: what each variant predicts over the input plane (2-D data)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure

from reglab.figures._style import CLASS_COLORS, check_runs, colors_for, label_grid, panel_grid, styled, wrap
from reglab.figures.dataset import require_2d, scatter_classes
from reglab.outputs.figures import FigureSpec
from reglab.run import Run

if TYPE_CHECKING:
    from reglab.data import Dataset

GRID = 150
"""Points per side of the prediction grid."""
MARGIN = 0.5
"""Extra room around the data, in standardized units."""
PROBABILITY_LEVELS = np.linspace(0.0, 1.0, 11)


@styled
def plot_decision_boundaries(
    runs: Sequence[Run], dataset: Dataset, *, colors: Mapping[str, str] | None = None
) -> Figure:
    """One panel per variant: its first seed's prediction over the plane, training points on top.

    (A diverged first seed is replaced by the first seed that did not diverge,
    named in the panel title; with none, the panel says so.)

    Binary data: the predicted probability of class 1 as a filled contour
    (blue = class 0, red = class 1) and the 0.5 contour as a black line.
    Multiclass data: regions coloured by the predicted class, boundaries in
    black.  Regression: the predicted value.  The panel title gives the
    variant and its validation accuracy (or R²) for that seed.

    Raises:
        ReglabError: when the data set is not 2-D or ``runs`` is empty.
    """
    require_2d(dataset, "plot_decision_boundaries")
    groups = check_runs(runs, "plot_decision_boundaries")
    palette = colors_for(groups, colors)
    fig, axes, cols = panel_grid(len(groups), 3.1, 0.9, aspect=0.93, extra_height=0.5)

    X_all = np.concatenate([dataset.X_train, dataset.X_val])
    lo, hi = X_all.min(0) - MARGIN, X_all.max(0) + MARGIN
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], GRID), np.linspace(lo[1], hi[1], GRID))
    plane = np.c_[xx.ravel(), yy.ravel()].astype(np.float32)
    mappable = None
    first_seed = next(iter(groups.values()))[0].seed
    for ax, (label, group) in zip(axes, groups.items()):
        run = next((r for r in group if not r.diverged), group[0])
        with np.errstate(all="ignore"):
            out = np.asarray(run.predict_proba(plane), dtype=float)
        if run.diverged or not np.isfinite(out).all():
            ax.text(0.5, 0.5, f"seed {run.seed} diverged:\nprediction not drawn", transform=ax.transAxes, ha="center",
                    va="center", color="#b2182b", fontsize=10, zorder=5,
                    bbox=dict(facecolor="white", edgecolor="#b2182b", alpha=0.9))
        elif dataset.task == "binary":
            mappable = ax.contourf(xx, yy, out[:, 0].reshape(xx.shape), levels=PROBABILITY_LEVELS,
                                   cmap="RdBu_r", alpha=0.6, vmin=0, vmax=1)
            ax.contour(xx, yy, out[:, 0].reshape(xx.shape), levels=[0.5], colors="black", linewidths=1.2)
        elif dataset.task == "multiclass":
            k = dataset.n_classes
            predicted = out.argmax(1).reshape(xx.shape)
            cmap = ListedColormap([CLASS_COLORS[c % len(CLASS_COLORS)] for c in range(k)])
            ax.pcolormesh(xx, yy, predicted, cmap=cmap, norm=BoundaryNorm(np.arange(-0.5, k), k), alpha=0.35,
                          shading="auto", rasterized=True)
            ax.contour(xx, yy, predicted, levels=np.arange(0.5, k - 1), colors="black", linewidths=0.9)
        else:
            mappable = ax.contourf(xx, yy, out[:, 0].reshape(xx.shape), levels=12, cmap="viridis", alpha=0.8)
        scatter_classes(ax, dataset.X_train, dataset.y_train, dataset, size=11, edge="black")
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.grid(False)
        seed_note = f" (seed {run.seed})" if run.seed != first_seed else ""
        ax.set_title(f"{wrap(label)}\n{_score_text(run, dataset.task)}{seed_note}", color=palette[label])
    label_grid(axes, len(groups), cols, dataset.feature_names[0], dataset.feature_names[1])
    if mappable is not None:
        bar = fig.colorbar(mappable, ax=list(axes[: len(groups)]), shrink=0.8, pad=0.02)
        bar.set_label("P(class 1)" if dataset.task == "binary" else "predicted value (standardized)")
    kind = {"binary": "predicted probability, 0.5 boundary in black",
            "multiclass": "predicted class, boundaries in black",
            "regression": "predicted value"}[dataset.task]
    fig.suptitle(f"Decision boundaries on {dataset.name} (seed {first_seed}; {kind}; "
                 f"training points on top)", fontsize=10.5)
    return fig


def _score_text(run: Run, task: str) -> str:
    key, name = ("val_r2", "val R²") if task == "regression" else ("val_acc", "val acc")
    value = run.metrics.get(key, float("nan"))
    return f"{name} {value:.3f}" if np.isfinite(value) else f"{name} —"


DECISION_BOUNDARIES = FigureSpec(
    "decision_boundaries", "Decision boundaries",
    (
        "What each variant predicts over the plane (first seed), training points on top. A boundary that "
        "winds around single points is memorizing noise; a smooth one generalizes."
    ),
    draw=lambda subject: plot_decision_boundaries(subject.runs, subject.dataset),
    applies=lambda subject: subject.dataset.is_2d,
)
"""The figure as a compare report shows it (:mod:`reglab.outputs.figures`)."""
