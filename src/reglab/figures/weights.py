"""First-layer weight distributions: box plots and histograms side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from reglab.engine.weight_stats import NEAR_ZERO
from reglab.figures._style import check_runs, colors_for, first_layer_weights, new_figure, styled, wrap
from reglab.outputs.figures import FigureSpec
from reglab.run import Run

_HORIZONTAL = ({"orientation": "horizontal"} if tuple(int(p) for p in matplotlib.__version__.split(".")[:2]) >= (3, 10)
               else {"vert": False})

LOG_FLOOR = -8
"""Exact zeros are drawn in a bar at ``10**LOG_FLOOR`` of the |w| histograms, labelled "0"."""


@styled
def plot_weight_distributions(runs: Sequence[Run], *, colors: Mapping[str, str] | None = None) -> Figure:
    """The first-layer weights of each variant (all seeds and ensemble members pooled).

    Diverged seeds are left out (a variant with only diverged seeds says so).
    Left: one horizontal box plot per variant of the signed weights on a
    symmetric-log axis, linear within ``±NEAR_ZERO`` (1e-3) so weights near
    zero stay visible.  Right: one small histogram per variant of ``log10 |w|``
    sharing one axis; exact zeros are counted in a separate bar labelled "0",
    and a dashed line marks the near-zero threshold.
    """
    groups = check_runs(runs, "plot_weight_distributions")
    palette = colors_for(groups, colors)
    labels = list(groups)
    weights = {label: first_layer_weights(group) for label, group in groups.items()}
    n = len(labels)
    fig = new_figure(11.0, max(3.6, 0.72 * n + 1.3))
    grid = fig.add_gridspec(n, 2, width_ratios=(1.0, 1.15))
    box_ax = fig.add_subplot(grid[:, 0])

    data = [weights[label] if weights[label].size else np.array([np.nan]) for label in labels]
    positions = np.arange(n)[::-1]
    parts = box_ax.boxplot(data, positions=positions, **_HORIZONTAL, widths=0.6, patch_artist=True,
                           showfliers=True, flierprops=dict(marker=".", markersize=2.5, alpha=0.5))
    for patch, median, label in zip(parts["boxes"], parts["medians"], labels):
        patch.set_facecolor(palette[label])
        patch.set_alpha(0.45)
        patch.set_edgecolor(palette[label])
        median.set_color("black")
    for flier, label in zip(parts["fliers"], labels):
        flier.set_markeredgecolor(palette[label])
    box_ax.set_xscale("symlog", linthresh=NEAR_ZERO, linscale=0.6)
    box_ax.axvline(0, color="0.4", lw=0.8)
    box_ax.axvspan(-NEAR_ZERO, NEAR_ZERO, color="0.85", alpha=0.6, lw=0, zorder=0)
    box_ax.set_yticks(positions, [wrap(label, 30) for label in labels])
    for tick, label in zip(box_ax.get_yticklabels(), labels):
        tick.set_color(palette[label])
    box_ax.set_xlabel(f"weight w (symlog: linear within ±{NEAR_ZERO:g}, shaded)")
    box_ax.set_ylabel("variant")
    box_ax.set_title("First-layer weights: box plots")
    box_ax.grid(axis="y", visible=False)

    finite = np.concatenate([w[w != 0] for w in weights.values()]) if weights else np.zeros(0)
    high = np.ceil(np.log10(np.abs(finite).max())) if finite.size else 1.0
    low = max(np.floor(np.log10(np.abs(finite).min())), LOG_FLOOR + 2) if finite.size else -4.0
    bins = np.arange(low, high + 0.125, 0.25)
    hist_axes = []
    for i, label in enumerate(labels):
        ax = fig.add_subplot(grid[i, 1], sharex=hist_axes[0] if hist_axes else None)
        hist_axes.append(ax)
        w = weights[label]
        magnitude = np.abs(w[w != 0])
        zeros = int((w == 0).sum())
        if w.size == 0:
            ax.text(0.5, 0.5, "diverged (not drawn)", transform=ax.transAxes, ha="center", va="center",
                    color="#b2182b", fontsize=8)
            ax.set_yticks([])
            box_ax.text(0, positions[i], "diverged (not drawn)", ha="center", va="center", color="#b2182b", fontsize=8)
        else:
            logs = np.clip(np.log10(magnitude), low, high) if magnitude.size else np.zeros(0)
            ax.hist(logs, bins=bins, color=palette[label], alpha=0.75, weights=np.full(logs.size, 100 / w.size))
            if zeros:
                ax.bar(LOG_FLOOR + 1, 100 * zeros / w.size, width=0.5, color=palette[label], hatch="///",
                       edgecolor="white", alpha=0.9)
        ax.axvline(np.log10(NEAR_ZERO), color="0.3", ls="--", lw=0.8)
        ax.set_ylabel("%", rotation=0, labelpad=6)
        ax.set_title(label, loc="left", fontsize=7.5, color=palette[label], pad=2)
        ax.grid(axis="x", alpha=0.2)
        ax.tick_params(labelbottom=i == n - 1, labelsize=7)
        ax.spines["left"].set_alpha(0.5)
    last = hist_axes[-1]
    has_zeros = any((w == 0).any() for w in weights.values())
    start = LOG_FLOOR + 1 if has_zeros else low
    last.set_xlim(start - 0.4, high + 0.2)
    step = max(1, int(np.ceil((high - low) / 8)))
    ticks = list(range(int(high), int(np.ceil(low)) - 1, -step))[::-1]
    clipped = finite.size > 0 and np.log10(np.abs(finite).min()) < low
    if clipped and int(low) not in ticks:
        ticks.insert(0, int(low))
    last.set_xticks(([LOG_FLOOR + 1] if has_zeros else []) + ticks,
                    (["0"] if has_zeros else []) + [("≤" if clipped and t == int(low) else "") + f"$10^{{{t}}}$" for t in ticks])
    last.set_xlabel(f"|w|, log scale (% of weights; dashed: {NEAR_ZERO:g}" + ("; hatched: exact zeros" if has_zeros else "") + ")")
    hist_axes[0].set_title("Histograms of |w|\n", fontsize=10)  # the second line leaves room for the variant name
    fig.suptitle("First-layer weight distributions (all seeds pooled)", fontsize=10.5)
    return fig


WEIGHT_DISTRIBUTIONS = FigureSpec(
    "weight_distributions", "First-layer weight distributions",
    (
        "Box plots (symlog axis) and histograms of |w| (log axis) of the first-layer weights, all seeds "
        "pooled. L1 pulls many weights towards zero; exact zeros (proximal L1) are hatched."
    ),
    draw=lambda subject: plot_weight_distributions(subject.runs),
)
"""The figure as a compare report shows it (:mod:`reglab.outputs.figures`)."""
