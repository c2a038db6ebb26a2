"""The figures of a sweep (matplotlib, reglab's figure style).

* :func:`plot_validation_curve` (1-D): loss and score against the parameter, mean ± std band over seeds,
  the overfitting / underfitting regions shaded, the best value and the one-SE choice marked.
* :func:`plot_heatmap` (2-D): mean validation loss and generalization gap over the grid.
* :func:`plot_path` (``l1``/``prox``): every first-layer weight against λ, and each feature's norm.
* :func:`plot_sparsity_path` (``l1``/``prox``): exact-zero share, kept features, precision/recall against λ.
* :func:`plot_boundaries_at` (2-D data): decision boundaries at the weakest point, the choice and the strongest point.

:data:`SWEEP_FIGURES` lists them with their titles and captions, in the order a sweep's report shows them.

On every x axis regularization grows from left to right (the axis is reversed
for ``max_norm``, ``early_stopping`` and ``hidden``, where smaller is stronger).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle

from reglab.figures import plot_dataset, plot_decision_boundaries
from reglab.figures._style import loss_name, new_figure, score_key, styled
from reglab.outputs.figures import FigureSpec
from reglab.sweeps.result import SweepResult
from reglab.sweeps.selection import ABSOLUTE_FLOOR, RELATIVE_THRESHOLD

TRAIN_COLOR, VAL_COLOR = "#1f77b4", "#d62728"
CHOSEN_COLOR, BEST_COLOR = "#2e7d4f", "#3a3a3a"
REGION_COLORS = {"overfitting": "#f4b6b0", "underfitting": "#f6d79a"}
REGION_HATCH = {"overfitting": "#b3362b", "underfitting": "#a86a00"}
REGION_PATTERN = {"overfitting": "//", "underfitting": "\\\\"}
"""Hatch directions, so the two regions differ without colour too."""
INFORMATIVE_COLORS = ("#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")
OTHER_FEATURE_COLOR = "#9a9a9a"


# -- the x axis ------------------------------------------------------------------------


def _positions(result: SweepResult, dim: int = 0) -> np.ndarray:
    spec = result.params[dim]
    return np.array([spec.position(v, result.base) for v in result.values[dim]], dtype=float)


def _setup_axis(ax: Axes, result: SweepResult, dim: int = 0, *, label: bool = True) -> None:
    """Scale (log, symlog or linear), ticks at the grid values, weak on the left."""
    spec, x = result.params[dim], _positions(result, dim)
    positive = x[x > 0]
    wide = positive.size >= 2 and positive.max() / positive.min() >= 20
    if wide and positive.size == x.size:
        ax.set_xscale("log")
    elif wide:
        ax.set_xscale("symlog", linthresh=float(positive.min()), linscale=0.5)
    if spec.kind == "hidden" or x.size <= 8:
        ax.set_xticks(x, [spec.text(v) for v in result.values[dim]])
        ax.minorticks_off()
    edges = _edges(ax, x)
    ax.set_xlim(*((edges[0], edges[-1]) if spec.larger_is_stronger else (edges[-1], edges[0])))
    if label:
        ax.set_xlabel(f"{spec.axis}   (stronger →)")


def _edges(ax: Axes, x: np.ndarray) -> np.ndarray:
    """Cell edges around each x: midpoints between neighbours in the axis's own scale (log, symlog, linear)."""
    scale = ax.xaxis.get_transform()
    t = scale.transform(x.astype(float))
    mid = (t[1:] + t[:-1]) / 2
    edges = np.concatenate([[t[0] - (mid[0] - t[0])], mid, [t[-1] + (t[-1] - mid[-1])]])
    return scale.inverted().transform(edges)


def _shade_regions(ax: Axes, result: SweepResult, x: np.ndarray, *, names: bool = False) -> set[str]:
    """Hatched spans behind the over/underfitting points (hatched so they never look like a ±std band)."""
    edges = _edges(ax, x)
    used: dict[str, list[float]] = {}
    for i, point in enumerate(result.points):
        region = point.region
        if region in REGION_COLORS:
            lo, hi = sorted((edges[i], edges[i + 1]))
            ax.axvspan(lo, hi, facecolor=REGION_COLORS[region], alpha=0.3, lw=0, zorder=0)
            ax.axvspan(lo, hi, facecolor="none", edgecolor=REGION_HATCH[region], hatch=REGION_PATTERN[region], lw=0,
                       alpha=0.18, zorder=0)
            used.setdefault(region, []).extend((lo, hi))
    if names:
        scale = ax.xaxis.get_transform()
        for region, ends in used.items():
            middle = scale.inverted().transform(np.mean(scale.transform(np.array([min(ends), max(ends)]))))
            ax.text(float(middle), 0.985, region, transform=ax.get_xaxis_transform(), ha="center", va="top",
                    fontsize=8.5, fontweight="bold", color=REGION_HATCH[region], zorder=6,
                    bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1.5))
    return set(used)


def _mark_choice(ax: Axes, result: SweepResult, x: np.ndarray, *, text: bool) -> None:
    chosen, best = result.chosen, result.best
    ax.axvline(x[chosen], color=CHOSEN_COLOR, lw=1.6, ls="-", zorder=1)
    if best != chosen:
        ax.axvline(x[best], color=BEST_COLOR, lw=1.0, ls=":", zorder=1)
    if text:
        spec = result.params[0]
        ax.annotate(f"1-SE choice\n{spec.name}={spec.text(result.chosen_point.values[0])}", (x[chosen], 0.9),
                    xycoords=("data", "axes fraction"), xytext=(4, -4), textcoords="offset points",
                    va="top", ha="left", fontsize=8, color=CHOSEN_COLOR, fontweight="bold")


def _line_with_band(ax: Axes, x: np.ndarray, mean: np.ndarray, std: np.ndarray, color: str, style: str, label: str) -> None:
    ax.plot(x, mean, style, color=color, lw=1.8, marker="o", ms=4, label=label, zorder=3)
    if np.isfinite(std).any() and np.nanmax(std) > 0:
        ax.fill_between(x, mean - std, mean + std, color=color, alpha=0.18, lw=0, zorder=2)


# -- figures -----------------------------------------------------------------------------


@styled
def plot_validation_curve(result: SweepResult) -> Figure:
    """Training and validation loss (left) and score (right) against a 1-D grid.

    Lines are means over seeds with a ±1 std band.  Red shading: the
    overfitting region; amber: the underfitting region (rules in
    :mod:`reglab.sweeps.choice`).  Green line: the one-standard-error choice;
    dotted grey line and star: the lowest mean validation loss; the thin
    dashed line is the one-SE threshold.
    """
    x = _positions(result)
    task = result.dataset.task
    fig = new_figure(11.5, 4.4)
    left, right = fig.subplots(1, 2)
    score, score_name = score_key(task)
    used: set[str] = set()
    for ax, (train_key, val_key, what) in zip(
        (left, right), (("train_loss", "val_loss", loss_name(task)), (f"train_{score}", f"val_{score}", score_name))
    ):
        _setup_axis(ax, result)
        _line_with_band(ax, x, result.means(train_key), result.stds(train_key), TRAIN_COLOR, "--", "training")
        _line_with_band(ax, x, result.means(val_key), result.stds(val_key), VAL_COLOR, "-", "validation")
        used |= _shade_regions(ax, result, x, names=ax is left)
        _mark_choice(ax, result, x, text=ax is left)
        ax.set_ylabel(what)
    best = result.best
    left.plot(x[best], result.points[best].mean("val_loss"), "*", color=BEST_COLOR, ms=13, mec="white", zorder=5)
    left.axhline(result.threshold, color=VAL_COLOR, lw=0.8, ls=(0, (4, 3)), alpha=0.7, zorder=1)
    left.set_title("Loss (lower is better)")
    right.set_title(f"{score_name.capitalize()} (higher is better)")
    handles = [
        Line2D([], [], color=TRAIN_COLOR, ls="--", marker="o", ms=4, label="training (mean ± std over seeds)"),
        Line2D([], [], color=VAL_COLOR, marker="o", ms=4, label="validation (mean ± std over seeds)"),
        Line2D([], [], color=BEST_COLOR, marker="*", ls=":", ms=10, label="lowest validation loss"),
        Line2D([], [], color=VAL_COLOR, ls=(0, (4, 3)), label="best + 1 standard error"),
        Line2D([], [], color=CHOSEN_COLOR, lw=1.6, label="one-SE choice (strongest within 1 SE)"),
    ]
    handles += [Patch(facecolor=REGION_COLORS[r], edgecolor=REGION_HATCH[r], hatch=REGION_PATTERN[r], lw=0, alpha=0.6,
                      label=f"{r} region") for r in ("overfitting", "underfitting") if r in used]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 4))
    fig.suptitle(_title(result, "Validation curve"), fontsize=10.5)
    return fig


@styled
def plot_heatmap(result: SweepResult) -> Figure:
    """Mean validation loss (left) and generalization gap (right) over a 2-D grid, annotated.

    Rows: the first parameter, columns: the second, both weak → strong
    (weak at the bottom left).  Star: the lowest validation loss; green
    frame: the one-SE choice; hatched cells: the overfitting (red) and
    underfitting (amber) regions.
    """
    p1, p2 = result.params
    n1, n2 = result.shape
    fig = new_figure(max(9.0, 1.0 * n2 * 2 + 3.0), max(3.8, 0.55 * n1 + 2.2))
    axes = fig.subplots(1, 2)
    best = divmod(result.best, n2)
    chosen = divmod(result.chosen, n2)
    for ax, key, title, cmap in zip(axes, ("val_loss", "generalization_gap"),
                                    ("mean validation loss", "generalization gap (val − train loss)"), ("viridis_r", "magma_r")):
        grid = result.means(key)
        image = ax.imshow(grid, origin="lower", cmap=cmap, aspect="auto")
        finite = grid[np.isfinite(grid)]
        middle = (finite.min() + finite.max()) / 2 if finite.size else 0.0
        for i in range(n1):
            for j in range(n2):
                value = grid[i, j]
                dark = (value > middle) if cmap.endswith("_r") else (value < middle)
                ax.text(j, i, "—" if not math.isfinite(value) else f"{value:.3f}", ha="center", va="center",
                        fontsize=7.5, color="white" if dark else "black")
        for point in result.points:
            if point.region in REGION_HATCH:
                i, j = divmod(point.index, n2)
                region = point.region
                ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec=REGION_HATCH[region],
                                       hatch=REGION_PATTERN[region], lw=0, alpha=0.6))
        ax.add_patch(Rectangle((chosen[1] - 0.48, chosen[0] - 0.48), 0.96, 0.96, fill=False, ec=CHOSEN_COLOR, lw=3))
        ax.plot(best[1] + 0.32, best[0] + 0.28, "*", ms=12, mfc="white", mec="black", mew=0.8)
        ax.set_xticks(range(n2), [p2.text(v) for v in result.values[1]])
        ax.set_yticks(range(n1), [p1.text(v) for v in result.values[0]])
        ax.set_xlabel(f"{p2.axis}   (stronger →)")
        ax.set_ylabel(f"{p1.axis}   (stronger ↑)")
        ax.grid(False)
        ax.set_title(title)
        fig.colorbar(image, ax=ax, shrink=0.85)
    handles = [Line2D([], [], marker="*", ls="", ms=12, mfc="white", mec="black", mew=0.8, label="lowest validation loss"),
               Patch(fill=False, ec=CHOSEN_COLOR, lw=3, label="one-SE choice")]
    present = {point.region for point in result.points}
    handles += [Patch(fill=False, ec=REGION_HATCH[r], hatch=REGION_PATTERN[r], lw=0, label=f"{r} region")
                for r in REGION_HATCH if r in present]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    fig.suptitle(_title(result, "Validation loss over the grid"), fontsize=10.5)
    return fig


def _feature_colors(result: SweepResult) -> dict[int, str]:
    informative = result.dataset.informative_features
    n = result.dataset.n_features
    if informative is None:
        if n <= len(INFORMATIVE_COLORS):
            return {i: INFORMATIVE_COLORS[i] for i in range(n)}
        return {i: OTHER_FEATURE_COLOR for i in range(n)}
    colors = {i: OTHER_FEATURE_COLOR for i in range(n)}
    for k, i in enumerate(informative):
        colors[i] = INFORMATIVE_COLORS[k % len(INFORMATIVE_COLORS)]
    return colors


@styled
def plot_path(result: SweepResult) -> Figure:
    """The regularization path of an ``l1``/``prox`` sweep.

    Left: every first-layer weight (first seed) against λ, like
    scikit-learn's Lasso path; a line per weight, coloured by its input
    feature (informative features in colour, the others grey, when the data
    set knows them).  Right: each feature's norm ``||W[i, :]||_2`` (mean over
    seeds) with the "kept" cut (dashed).
    """
    path = result.path
    assert path is not None, "plot_path needs an l1 or prox sweep"
    x = _positions(result)
    ds = result.dataset
    colors = _feature_colors(result)
    informative = set(ds.informative_features or ())
    fig = new_figure(11.5, 4.6)
    left, right = fig.subplots(1, 2)
    n_inputs = path.weights.shape[1]
    for i in sorted(range(n_inputs), key=lambda i: i in informative):  # informative lines on top
        lines = path.weights[:, i, :]
        strong = i in informative or ds.informative_features is None
        left.plot(x, lines, color=colors[i], lw=0.9 if strong else 0.6, alpha=0.75 if strong else 0.35)
    left.axhline(0, color="black", lw=0.6)
    left.set_ylabel(f"first-layer weight (seed {result.seeds[0]})")
    left.set_title(f"Path: each of the {path.weights[0].size} first-layer weights")
    norms = path.norms.mean(axis=1)
    for i in sorted(range(n_inputs), key=lambda i: i in informative):
        strong = i in informative or ds.informative_features is None
        right.plot(x, norms[:, i], color=colors[i], lw=1.8 if strong else 1.0, marker="o", ms=3 if strong else 2,
                   alpha=0.95 if strong else 0.6)
    cut = np.maximum(RELATIVE_THRESHOLD * path.norms.max(axis=2), ABSOLUTE_FLOOR).mean(axis=1)
    right.plot(x, cut, color="black", ls="--", lw=1.0)
    right.set_ylabel("feature norm ‖W[i, :]‖₂ (mean over seeds)")
    right.set_title("Per input feature: norm of its outgoing weights")
    for ax in (left, right):
        _setup_axis(ax, result)
        _mark_choice(ax, result, x, text=ax is left)
    handles = [Line2D([], [], color="black", ls="--", label=f"kept above: max({RELATIVE_THRESHOLD:g} × largest, {ABSOLUTE_FLOOR:g})"),
               Line2D([], [], color=CHOSEN_COLOR, lw=1.6, label="one-SE choice")]
    if ds.informative_features is not None:
        handles += [Line2D([], [], color=colors[i], lw=1.8, label=f"{ds.feature_names[i]} (informative)")
                    for i in ds.informative_features[:6]]
        handles.append(Line2D([], [], color=OTHER_FEATURE_COLOR, lw=1.0, label="other features"))
    elif n_inputs <= len(INFORMATIVE_COLORS):
        handles += [Line2D([], [], color=colors[i], lw=1.8, label=ds.feature_names[i]) for i in range(n_inputs)]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 5))
    fig.suptitle(_title(result, "Regularization path"), fontsize=10.5)
    return fig


@styled
def plot_sparsity_path(result: SweepResult) -> Figure:
    """Left: share of exactly-zero weights against λ (first layer and all layers), mean ± std.

    Right: the number of kept input features (mean over seeds) and, when
    the informative features are known, the precision and recall of that
    selection.
    """
    path = result.path
    assert path is not None, "plot_sparsity_path needs an l1 or prox sweep"
    x = _positions(result)
    fig = new_figure(11.5, 4.2)
    left, right = fig.subplots(1, 2)
    _line_with_band(left, x, path.zero_fraction.mean(1), path.zero_fraction.std(1), "#9467bd", "-", "first layer")
    _line_with_band(left, x, result.means("exact_zero_fraction"), result.stds("exact_zero_fraction"), "#8c564b", "--",
                    "all weight matrices")
    _line_with_band(left, x, result.means("near_zero_fraction"), result.stds("near_zero_fraction"), "#bcbd22", ":",
                    "near zero (|w| < 1e-3), all")
    left.set_ylim(-0.03, 1.03)
    left.set_ylabel("share of weights")
    left.set_title("Exactly-zero weights")
    left.legend(loc="upper left")
    counts = np.array([[len(k) for k in point] for point in path.kept], dtype=float)
    _line_with_band(right, x, counts.mean(1), counts.std(1), "#1f77b4", "-", "kept features")
    right.set_ylabel("kept input features")
    right.set_ylim(-0.3, result.dataset.n_features + 0.5)
    right.set_title("Feature selection")
    if path.scores is not None:
        n_inf = len(result.dataset.informative_features or ())
        right.axhline(n_inf, color="#1f77b4", lw=0.8, ls=":")
        twin = right.twinx()
        for attr, color, style in (("precision", "#2ca02c", "-"), ("recall", "#ff7f0e", "--")):
            values = np.array([[getattr(s, attr) for s in point] for point in path.scores])
            twin.plot(x, values.mean(1), style, color=color, marker="s", ms=3.5, lw=1.5, label=attr)
        twin.set_ylim(-0.03, 1.03)
        twin.set_ylabel("precision / recall vs informative features")
        twin.grid(False)
        twin.spines["right"].set_visible(True)
        lines = [Line2D([], [], color="#1f77b4", marker="o", ms=4, label="kept features"),
                 Line2D([], [], color="#1f77b4", ls=":", label=f"informative features ({n_inf})"),
                 Line2D([], [], color="#2ca02c", marker="s", ms=3.5, label="precision"),
                 Line2D([], [], color="#ff7f0e", ls="--", marker="s", ms=3.5, label="recall")]
        right.legend(handles=lines, loc="center left")
    for ax in (left, right):
        _setup_axis(ax, result)
        _mark_choice(ax, result, x, text=False)
    fig.suptitle(_title(result, "Sparsity and feature selection"), fontsize=10.5)
    return fig


def boundary_points(result: SweepResult) -> list[tuple[str, int]]:
    """The points shown by :func:`plot_boundaries_at`: ``(caption, index)`` for the weakest, the choice, the strongest."""
    last = len(result.points) - 1
    picks = [("too weak", 0), ("chosen", result.chosen), ("too strong", last)]
    return [(name, i) for name, i in picks if name == "chosen" or i != result.chosen]


def plot_boundaries_at(result: SweepResult) -> Figure:
    """Decision boundaries (first seed) at the weakest grid point, the one-SE choice and the strongest point."""
    runs = []
    for name, index in boundary_points(result):
        run = result.runs_of(index)[0]
        runs.append(dataclasses.replace(run, variant=run.variant.replace(name=f"{name}: {result.points[index].label}")))
    return plot_decision_boundaries(runs, result.dataset)


def _title(result: SweepResult, what: str) -> str:
    params = " × ".join(p.name for p in result.params)
    return (f"{what}: {params} on {result.dataset.name} ({len(result.seeds)} seed{'s' * (len(result.seeds) != 1)}, "
            f"{result.base.epochs} epochs, base {result.base.short_form() or 'defaults'})")


# -- the registry: each figure with its caption, in the reading order of a sweep's report ----------

HEATMAP = FigureSpec(
    "heatmap", "Validation loss over the grid",
    "Mean validation loss and generalization gap at each pair of values; regularization grows to the right and "
    "upwards. Star: lowest validation loss; green frame: the one-SE choice (largest sum of strength ranks "
    "within one standard error of the best).",
    draw=plot_heatmap, applies=lambda result: result.is_2d, tight=False,
)
VALIDATION_CURVE = FigureSpec(
    "validation_curve", "Validation curve",
    "Training (dashed) and validation (solid) loss and score against the parameter, mean over seeds with a ±1 std "
    "band; regularization grows to the right. Red shading: overfitting (validation loss above the one-SE "
    "threshold and a larger train/validation gap than at the best point); amber: underfitting (validation loss "
    "above the threshold and a higher training loss than at the best point). The star marks the lowest "
    "validation loss, the green line the one-standard-error choice.",
    draw=plot_validation_curve, applies=lambda result: not result.is_2d, tight=False,
)
REGULARIZATION_PATH = FigureSpec(
    "regularization_path", "Regularization path",
    "Left: each first-layer weight against λ (first seed), like scikit-learn's Lasso path. Right: per input "
    "feature, the norm of its outgoing weights; a feature is kept while its norm stays above the dashed cut. "
    "Informative features (when known) are drawn in colour, the others in grey.",
    draw=plot_path, applies=lambda result: result.path is not None, tight=False,
)
SPARSITY_PATH = FigureSpec(
    "sparsity_path", "Sparsity and feature selection",
    "Share of exactly-zero weights against λ, and how many input features are kept; with known informative "
    "features, the precision and recall of that selection (mean over seeds).",
    draw=plot_sparsity_path, applies=lambda result: result.path is not None, tight=False,
)
BOUNDARIES = FigureSpec(
    "boundaries", "Decision boundaries: too weak, chosen, too strong",
    "What the network predicts (first seed) at the weakest grid point, at the one-SE choice and at the strongest "
    "point. Too weak winds around single training points (overfitting); too strong is too smooth to follow the "
    "classes (underfitting).",
    draw=plot_boundaries_at, applies=lambda result: result.dataset.is_2d, tight=False,
)
SWEEP_DATASET = FigureSpec(
    "sweep_dataset", "The data set", "Training points (filled) and validation points (hollow), coloured by class.",
    draw=lambda result: plot_dataset(result.dataset), applies=lambda result: result.dataset.is_2d, tight=False,
)

SWEEP_FIGURES = (HEATMAP, VALIDATION_CURVE, REGULARIZATION_PATH, SPARSITY_PATH, BOUNDARIES, SWEEP_DATASET)
"""A sweep's figures (:mod:`reglab.outputs.figures`), drawn from its :class:`SweepResult`."""
