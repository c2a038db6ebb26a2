"""Loss curves: training and validation loss per variant over epochs."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from reglab.analysis.curves import stack_curves
from reglab.figures._style import check_runs, colors_for, label_grid, loss_name, panel_grid, styled, wrap
from reglab.outputs.figures import FigureSpec
from reglab.run import Run

Y_PERCENTILE = 98
"""The y axis stops at this percentile of the plotted losses (x 1.08), so one spike cannot flatten the rest."""


@styled
def plot_loss_curves(runs: Sequence[Run], *, colors: Mapping[str, str] | None = None) -> Figure:
    """A grid of small panels, one per variant, sharing both axes.

    Each panel shows the validation loss (solid) and the training loss
    (dashed) as the mean over seeds, with a band from the lowest to the
    highest seed.  The mean is taken over the epochs every seed reached;
    seeds that went on longer (early stopping at different epochs) are drawn
    as thin lines beyond that.  A dot and a dotted vertical line mark the best
    epoch (lowest mean validation loss); a cross marks where early stopping
    ended a seed; a diverged seed is named in red.
    """
    groups = check_runs(runs, "plot_loss_curves")
    palette = colors_for(groups, colors)
    task = next(iter(groups.values()))[0].task
    fig, axes, cols = panel_grid(len(groups), 3.0, 0.6, aspect=0.76, extra_height=0.9)

    plotted: list[np.ndarray] = []
    for ax, (label, everything) in zip(axes, groups.items()):
        color = palette[label]
        planned = everything[0].variant.epochs
        group = [run for run in everything if not run.diverged]  # diverged seeds are named, not drawn
        for key, style in (("train_loss", "--"), ("val_loss", "-")):
            if not group:
                break
            stacked = stack_curves(group, key)
            epochs = np.arange(1, stacked.shape[1] + 1)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean, low, high = np.nanmean(stacked, 0), np.nanmin(stacked, 0), np.nanmax(stacked, 0)
            ax.plot(epochs, mean, style, color=color, lw=1.6 if key == "val_loss" else 1.2)
            if len(group) > 1:
                ax.fill_between(epochs, low, high, color=color, alpha=0.18 if key == "val_loss" else 0.1, lw=0)
            plotted.append(mean)
            for run in group:  # the part of a longer seed past the common prefix
                tail = np.asarray(run.history.get(key, []), dtype=float)
                if len(tail) > stacked.shape[1]:
                    start = max(stacked.shape[1] - 1, 0)
                    ax.plot(np.arange(start + 1, len(tail) + 1), tail[start:], style, color=color, lw=0.7, alpha=0.55)
                    plotted.append(tail[start:])
            if key == "val_loss" and np.isfinite(mean).any():
                best = int(np.nanargmin(mean))
                ax.axvline(best + 1, color=color, ls=":", lw=1)
                ax.plot(best + 1, mean[best], "o", color=color, ms=5, mec="white", mew=0.8, zorder=4)
                right_half = best + 1 > 0.6 * stacked.shape[1]
                ax.annotate(f"best {best + 1}", (best + 1, mean[best]), xytext=(-4 if right_half else 4, -12),
                            textcoords="offset points", ha="right" if right_half else "left", fontsize=7.5, color=color)
        for run in group:
            history = np.asarray(run.history.get("val_loss", []), dtype=float)
            if run.diverged:
                continue
            if 0 < len(history) < planned:
                ax.plot(len(history), history[-1], "x", color=color, ms=6, mew=1.5, zorder=4)
        broken = [run for run in everything if run.diverged]
        if broken:
            names = ", ".join(f"seed {run.seed} @ {len(run.history.get('train_loss', []))}" for run in broken)
            ax.text(0.97, 0.95, f"diverged (not drawn):\n{names}", transform=ax.transAxes, ha="right", va="top",
                    color="#b2182b",
                    fontsize=7.5, bbox=dict(facecolor="white", edgecolor="none", alpha=0.8))
        ax.set_title(wrap(label, 34), color=color)
    label_grid(axes, len(groups), cols, "epoch", loss_name(task))

    finite = np.concatenate([p[np.isfinite(p)] for p in plotted]) if plotted else np.zeros(0)
    if finite.size:
        top = float(np.percentile(finite, Y_PERCENTILE)) * 1.08
        axes[0].set_ylim(0 if finite.min() >= 0 else finite.min() * 1.05, max(top, 1e-6))
        axes[0].set_xlim(left=0)
    seeds = max(len(group) for group in groups.values())
    handles = [
        Line2D([], [], color="0.3", lw=1.6, label="validation loss (mean over seeds)"),
        Line2D([], [], color="0.3", lw=1.2, ls="--", label="training loss"),
        Line2D([], [], color="0.3", marker="o", ls=":", lw=1, label="best epoch (lowest validation loss)"),
    ]
    if seeds > 1:
        handles.append(Patch(color="0.3", alpha=0.2, label=f"band: min–max over {seeds} seeds"))
    if any(0 < len(run.history.get("val_loss", [])) < run.variant.epochs and not run.diverged for run in runs):
        handles.append(Line2D([], [], color="0.3", marker="x", ls="", label="early stop"))
    fig.legend(handles=handles, loc="outside lower center", ncol=len(handles))
    fig.suptitle(f"Loss curves ({loss_name(task)}, penalty excluded): training vs validation", fontsize=10.5)
    return fig


LOSS_CURVES = FigureSpec(
    "loss_curves", "Loss curves",
    (
        "Training (dashed) and validation (solid) loss, mean over seeds with a min–max band; the dot marks "
        "the best epoch. A validation curve that turns up while the training curve keeps falling is "
        "overfitting."
    ),
    draw=lambda subject: plot_loss_curves(subject.runs),
)
"""The figure as a compare report shows it (:mod:`reglab.outputs.figures`)."""
