"""Horizontal bars of a metric per variant: mean over seeds, ± std error bar, one dot per seed."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes

from reglab.analysis.summary import format_value
from reglab.run import Run

Values = Callable[[Sequence[Run]], np.ndarray]


def metric_bars(
    ax: Axes,
    groups: Mapping[str, Sequence[Run]],
    palette: Mapping[str, str],
    values: Values,
    *,
    fmt: str = ".3f",
    suffix: str = "",
    annotate: bool = True,
    text_after: Values | None = None,
) -> None:
    """One bar per variant (top to bottom in order) with its std error bar, seed dots and value text.

    Diverged seeds are left out; a variant with no value left gets the text "diverged".  The value text
    goes right of the bar and error bar, and right of ``text_after(group)`` values when given.
    """
    labels = list(groups)
    positions = np.arange(len(labels))[::-1]
    for y, label in zip(positions, labels):
        v = values(groups[label])
        color = palette[label]
        if v.size == 0:
            ax.text(0.01, y, "diverged", transform=ax.get_yaxis_transform(), va="center", ha="left",
                    color="#b2182b", fontsize=8)
            continue
        mean = float(v.mean())
        std = float(v.std(ddof=1)) if v.size > 1 else 0.0
        ax.barh(y, mean, height=0.62, color=color, alpha=0.55, edgecolor=color)
        if v.size > 1:
            ax.errorbar(mean, y, xerr=std, color="black", capsize=3, lw=1, capthick=1)
            jitter = np.linspace(-0.15, 0.15, v.size)
            ax.plot(v, y + jitter, "o", color=color, ms=3, mec="black", mew=0.4, zorder=3)
        if annotate:
            text = format_value(mean, fmt) + suffix + (f" ± {format_value(std, fmt)}{suffix}" if std > 0 else "")
            right = max(mean + std, float(v.max()), 0.0)
            if text_after is not None:
                right = max([right, *text_after(groups[label])])
            ax.annotate(text, (right, y), xytext=(5, 0), textcoords="offset points",
                        va="center", fontsize=7.5, color="0.25")
    ax.set_yticks(positions)
    ax.set_ylim(-0.6, len(labels) - 0.4)
    ax.grid(axis="y", visible=False)


def label_rows(ax: Axes, labels: Sequence[str], palette: Mapping[str, str], texts: Sequence[str]) -> None:
    """Variant names as y tick labels, each in its variant colour."""
    ax.set_yticks(np.arange(len(labels))[::-1], texts)
    for tick, label in zip(ax.get_yticklabels(), labels):
        tick.set_color(palette[label])
