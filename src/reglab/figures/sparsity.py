"""Sparsity and weight norms per variant."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from reglab.engine.weight_stats import NEAR_ZERO
from reglab.figures._bars import label_rows, metric_bars
from reglab.figures._style import check_runs, colors_for, metric_values, new_figure, styled, wrap
from reglab.outputs.figures import FigureSpec
from reglab.run import Run


@styled
def plot_sparsity(runs: Sequence[Run], *, colors: Mapping[str, str] | None = None) -> Figure:
    """Three panels sharing the variant axis, over all weight matrices of the final model:

    the share of weights that are exactly zero, the share with ``|w| < 1e-3``
    (zeros included), and the L2 norm ``sqrt(sum w²)``; bars are the mean
    over seeds, error bars ± one standard deviation, dots the seeds.
    """
    groups = check_runs(runs, "plot_sparsity")
    palette = colors_for(groups, colors)
    labels = list(groups)
    fig = new_figure(11.0, max(3.0, 0.36 * len(labels) + 1.4))
    axes = fig.subplots(1, 3, sharey=True)
    panels = (
        ("exact_zero_fraction", "exactly zero", "share of weights exactly 0", True),
        ("near_zero_fraction", f"near zero (|w| < {NEAR_ZERO:g})", f"share of weights with |w| < {NEAR_ZERO:g}", True),
        ("weight_l2", "weight L2 norm", "‖w‖₂ = sqrt(Σ w²), all layers", False),
    )
    for ax, (key, title, xlabel, percent) in zip(axes, panels):
        scale = 100.0 if percent else 1.0
        metric_bars(ax, groups, palette, lambda group, k=key, s=scale: metric_values(group, k) * s,
                    fmt=".1f" if percent else ".2f", suffix="%" if percent else "")
        if percent:
            ax.xaxis.set_major_formatter(PercentFormatter(decimals=0))
        ax.margins(x=0.25)
        ax.set_xlim(0, max(ax.get_xlim()[1], 10.0 if percent else 1.0))
        ax.set_title(title)
        ax.set_xlabel(xlabel)
    label_rows(axes[0], labels, palette, [wrap(label, 30) for label in labels])
    axes[0].set_ylabel("variant")
    fig.suptitle("Sparsity and size of the weights (mean ± std over seeds; dots = seeds)", fontsize=10.5)
    return fig


SPARSITY = FigureSpec(
    "sparsity", "Sparsity and weight norms",
    (
        "Share of exactly-zero and near-zero weights, and the weight L2 norm, mean ± std over seeds (dots: "
        "seeds). Penalties shrink the norm; L1 and its proximal form create zeros."
    ),
    draw=lambda subject: plot_sparsity(subject.runs),
)
"""The figure as a compare report shows it (:mod:`reglab.outputs.figures`)."""
