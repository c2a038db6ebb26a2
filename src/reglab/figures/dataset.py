"""The data set: training and validation points of a 2-D data set."""

from __future__ import annotations

from typing import TYPE_CHECKING

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from reglab.errors import ReglabError
from reglab.figures._style import CLASS_COLORS, new_figure, styled
from reglab.outputs.figures import FigureSpec

if TYPE_CHECKING:
    from reglab.data import Dataset


def require_2d(dataset: Dataset, who: str) -> None:
    """Refuse a data set that is not 2-D, naming what was received."""
    if not dataset.is_2d:
        raise ReglabError(
            f"{who} needs a 2-D data set (2 input features). Received: {dataset.name} with "
            f"{dataset.n_features} features; save_figures skips this figure for such data."
        )


def scatter_classes(ax: Axes, X, y, dataset: Dataset, *, hollow: bool = False, size: float = 18,
                    edge: str = "white") -> None:
    """Points coloured by class (or by target value for regression), filled or hollow."""
    if dataset.task == "regression":
        ax.scatter(X[:, 0], X[:, 1], c=y, s=size, cmap="viridis", edgecolors=edge if not hollow else None,
                   linewidths=0.4, marker="o" if not hollow else "^", alpha=0.9)
        return
    for c in range(dataset.n_classes):
        pick = y == c
        color = CLASS_COLORS[c % len(CLASS_COLORS)]
        if hollow:
            ax.scatter(X[pick, 0], X[pick, 1], s=size, facecolors="none", edgecolors=color, linewidths=1.1)
        else:
            ax.scatter(X[pick, 0], X[pick, 1], s=size, color=color, edgecolors=edge, linewidths=0.4)


def class_handles(dataset: Dataset) -> list[Line2D]:
    """Legend entries naming the classes."""
    if dataset.task == "regression":
        return []
    return [
        Line2D([], [], marker="o", linestyle="", color=CLASS_COLORS[c % len(CLASS_COLORS)],
               label=f"class {name}")
        for c, name in enumerate(dataset.class_names or ())
    ]


def axis_labels(ax: Axes, dataset: Dataset) -> None:
    ax.set_xlabel(f"{dataset.feature_names[0]} (standardized)")
    ax.set_ylabel(f"{dataset.feature_names[1]} (standardized)")


@styled
def plot_dataset(dataset: Dataset) -> Figure:
    """Training points (filled) and validation points (hollow) of a 2-D data set, coloured by class.

    Raises:
        ReglabError: when the data set does not have exactly 2 features.
    """
    require_2d(dataset, "plot_dataset")
    fig = new_figure(6.4, 5.0)
    ax = fig.add_subplot()
    scatter_classes(ax, dataset.X_train, dataset.y_train, dataset)
    scatter_classes(ax, dataset.X_val, dataset.y_val, dataset, hollow=True)
    handles = class_handles(dataset) + [
        Line2D([], [], marker="o", linestyle="", color="0.35", label=f"training ({len(dataset.y_train)})"),
        Line2D([], [], marker="o" if dataset.task != "regression" else "^", linestyle="", markerfacecolor="none",
               color="0.35", label=f"validation ({len(dataset.y_val)})"),
    ]
    ax.legend(handles=handles, loc="best")
    axis_labels(ax, dataset)
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_title(f"{dataset.name}: {len(dataset.y_train)} training and {len(dataset.y_val)} validation points")
    return fig


DATASET = FigureSpec(
    "dataset", "The data set",
    (
        "Training points (filled) and validation points (hollow), coloured by class, in standardized units."
    ),
    draw=lambda subject: plot_dataset(subject.dataset),
    applies=lambda subject: subject.dataset.is_2d,
)
"""The figure as a compare report shows it (:mod:`reglab.outputs.figures`)."""
