"""Shared look of reglab's figures: the style, the variant colours, small helpers.

Figures are built with :class:`matplotlib.figure.Figure` directly (no
``pyplot``), so nothing depends on an interactive backend and nothing is kept
alive in a global figure manager; PNGs are written by the Agg canvas.
"""

from __future__ import annotations

import functools
import math
import textwrap
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reglab.analysis.summary import group_by_variant
from reglab.errors import ReglabError
from reglab.outputs.figures import DPI
from reglab.run import Run

MAX_WIDTH = 12.5
"""Widest figure, in inches (about 1375 pixels at :data:`DPI`)."""

STYLE: dict[str, Any] = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "legend.frameon": False,
    "legend.fontsize": 8.5,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "image.cmap": "viridis",
}

BASELINE_COLOR = "#3a3a3a"
"""The variant labelled ``baseline`` is drawn in dark grey, the reference every other colour is read against."""
PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#9c9d1a", "#17becf",
    "#393b79", "#e7298a", "#637939", "#7b4173", "#8c6d31", "#00a087", "#b15928", "#6a3d9a", "#0b5394",
)
"""Variant colours in order of appearance (tab10 without its grey, then darker/lighter companions)."""
CLASS_COLORS = ("#2166ac", "#b2182b", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
"""Colours of the classes of a data set (not of variants): blue and red for binary data."""

F = TypeVar("F", bound=Callable[..., Figure])


def variant_colors(labels: Sequence[str]) -> dict[str, str]:
    """One hex colour per distinct label, in first-seen order; ``baseline`` is dark grey.

    The same list of labels always gives the same colours, so every figure of
    one comparison draws a variant in one colour.  Past the palette's
    18 colours, colours are spread around the hue circle.
    """
    distinct = list(dict.fromkeys(labels))
    colors: dict[str, str] = {}
    others = [label for label in distinct if label != "baseline"]
    extra = max(0, len(others) - len(PALETTE))
    hues = matplotlib.colormaps["hsv"]
    for i, label in enumerate(others):
        colors[label] = PALETTE[i] if i < len(PALETTE) else matplotlib.colors.to_hex(hues((i - len(PALETTE)) / max(extra, 1) * 0.9))
    if "baseline" in distinct:
        colors["baseline"] = BASELINE_COLOR
    return {label: colors[label] for label in distinct}


def styled(function: F) -> F:
    """Run a figure function under :data:`STYLE` (rcParams are read when artists are made)."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with matplotlib.rc_context(STYLE):
            return function(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def new_figure(width: float, height: float) -> Figure:
    """A blank figure with an Agg canvas and constrained layout."""
    fig = Figure(figsize=(min(width, MAX_WIDTH), height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def check_runs(runs: Sequence[Run], who: str) -> dict[str, list[Run]]:
    """Runs grouped by label; a clear error when there are none."""
    groups = group_by_variant(runs)
    if not groups:
        raise ReglabError(f"{who}: argument `runs` is empty; train at least one variant first.")
    return groups


def colors_for(groups: Mapping[str, Any], colors: Mapping[str, str] | None) -> dict[str, str]:
    """The given colours, completed for any label they lack."""
    base = variant_colors(list(groups))
    return {label: (colors or {}).get(label, base[label]) for label in groups}


def wrap(label: str, width: int = 26) -> str:
    """A long variant label broken on commas into lines of about ``width`` characters."""
    if len(label) <= width:
        return label
    parts = label.split(",")
    lines, line = [], ""
    for part in parts:
        piece = part if not line else f"{line},{part}"
        if line and len(piece) > width:
            lines.append(line + ",")
            line = part
        else:
            line = piece
    lines.append(line)
    return "\n".join(textwrap.fill(text, width) for text in lines)


def grid_shape(n: int) -> tuple[int, int]:
    """Rows and columns of a panel grid for ``n`` panels: up to 4 columns, 5 past 12 panels."""
    cols = min(n, 4 if n <= 12 else 5)
    return math.ceil(n / cols), cols


def panel_width(cols: int, wanted: float, extra: float) -> float:
    """The width of one panel when ``cols`` of them plus ``extra`` inches must fit in :data:`MAX_WIDTH`."""
    return min(wanted, (MAX_WIDTH - extra) / cols)


def panel_grid(n: int, wanted: float, extra: float, aspect: float, extra_height: float) -> tuple[Figure, Any, int]:
    """A figure with one shared-axes panel per variant: ``(figure, axes, cols)``, unused cells removed.

    Each panel is ``wanted`` inches wide (less if the row would not fit) and
    ``aspect`` times as high; ``extra`` and ``extra_height`` leave room for
    colour bars, titles and legends.
    """
    rows, cols = grid_shape(n)
    side = panel_width(cols, wanted, extra)
    fig = new_figure(side * cols + extra, side * aspect * rows + extra_height)
    axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False).ravel()
    for ax in axes[n:]:
        fig.delaxes(ax)
    return fig, axes, cols


def label_grid(axes: Sequence[Any], n: int, cols: int, xlabel: str, ylabel: str) -> None:
    """Axis labels and tick labels on the outer panels of a grid of ``n`` panels (bottom of each column, left of each row)."""
    for i, ax in enumerate(axes[:n]):
        bottom, left = i + cols >= n, i % cols == 0
        ax.set_xlabel(xlabel if bottom else "")
        ax.set_ylabel(ylabel if left else "")
        ax.tick_params(labelbottom=bottom, labelleft=left)


def first_layer_weights(group: Sequence[Run]) -> np.ndarray:
    """Finite first-layer weights of every non-diverged seed and ensemble member, flattened."""
    arrays = [np.asarray(member["weights"][0], dtype=float).ravel()
              for run in group if not run.diverged for member in run.members]
    values = np.concatenate(arrays) if arrays else np.zeros(0)
    return values[np.isfinite(values)]


def metric_values(group: Sequence[Run], key: str) -> np.ndarray:
    """``run.metrics[key]`` over the seeds that did not diverge, non-finite and missing values dropped."""
    values = np.array([float(run.metrics.get(key, math.nan)) for run in group if not run.diverged], dtype=float)
    return values[np.isfinite(values)]


def loss_name(task: str) -> str:
    """How the data loss of ``task`` is called on an axis."""
    return {"binary": "binary cross-entropy", "multiclass": "cross-entropy", "regression": "MSE"}.get(task, "loss")


def score_key(task: str) -> tuple[str, str]:
    """The metric suffix and axis name of the score: accuracy, or R² for regression."""
    return ("r2", "R²") if task == "regression" else ("acc", "accuracy")
