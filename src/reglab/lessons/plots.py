"""The lessons' figure shapes, drawn with :mod:`reglab.figures`' style, colours and bar helper.

Each function takes plain numbers per seed (lessons measure more than
``run.metrics``) and returns a :class:`matplotlib.figure.Figure`: one panel
per data set, means with one dot per seed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from reglab.figures._bars import label_rows, metric_bars
from reglab.figures._style import new_figure, panel_width, styled, variant_colors, wrap

PerSeed = Sequence[float]
Panels = Mapping[str, Mapping[str, PerSeed]]
"""``{panel title: {bar or line label: values per seed}}``."""


def _colors(panels: Mapping[str, Mapping[str, object]]) -> dict[str, str]:
    return variant_colors([label for panel in panels.values() for label in panel])


@styled
def bar_panels(panels: Panels, xlabel: str, *, fmt: str = ".3f", log: bool = False) -> Figure:
    """Horizontal bars (mean ± std, seed dots, value text), one panel per data set, bars listed top to bottom."""
    colors = _colors(panels)
    rows = max(len(bars) for bars in panels.values())
    cols = len(panels)
    fig = new_figure(panel_width(cols, 4.6, 1.6) * cols + 1.6, 0.42 * rows + 1.3)
    axes = fig.subplots(1, cols, squeeze=False)[0]
    for ax, (name, bars) in zip(axes, panels.items()):
        groups = {label: list(values) for label, values in bars.items()}
        metric_bars(ax, groups, colors, lambda values: _finite(values), fmt=fmt)
        label_rows(ax, list(groups), colors, [wrap(label, 22) for label in groups])
        ax.set_title(name)
        ax.set_xlabel(xlabel)
        if log:
            ax.set_xscale("log")
        else:
            ax.margins(x=0.25)
    return fig


@styled
def line_panels(
    x: Sequence[float], panels: Mapping[str, Mapping[str, Sequence[PerSeed]]], xlabel: str, ylabel: str, *,
    logx: bool = False, logy: bool = False, xticks: Sequence[str] | None = None,
) -> Figure:
    """Mean lines against ``x`` (one per label), seed dots around them; ``panels[name][label][i]`` holds point i's seeds."""
    colors = _colors(panels)
    fig, axes = _row(len(panels), 3.6)
    positions = np.arange(len(x), dtype=float) if xticks is not None else np.asarray(x, dtype=float)
    for ax, (name, lines) in zip(axes, panels.items()):
        for label, points in lines.items():
            values = [_finite(p) for p in points]
            means = np.array([v.mean() if v.size else np.nan for v in values])
            ax.plot(positions, means, "-o", color=colors[label], ms=4, label=label)
            for xi, v in zip(positions, values):
                ax.plot(np.full(v.size, xi), v, ".", color=colors[label], alpha=0.45, ms=4)
        _name_axes(ax, name, xlabel, ylabel)
        if xticks is not None:
            ax.set_xticks(positions, list(xticks))
        elif logx:
            ax.set_xscale("symlog", linthresh=_linthresh(x)) if min(x) <= 0 else ax.set_xscale("log")
        if logy:
            ax.set_yscale("log")
    return _legend_below(fig, axes[0], 4)


@styled
def scatter_panels(panels: Mapping[str, Mapping[str, tuple[PerSeed, PerSeed]]], xlabel: str, ylabel: str) -> Figure:
    """One dot per run (``panels[name][label] = (xs, ys)``), log-log axes, one colour per label."""
    colors = _colors(panels)
    fig, axes = _row(len(panels), 3.8)
    for ax, (name, groups) in zip(axes, panels.items()):
        for label, (xs, ys) in groups.items():
            ax.plot(xs, ys, "o", color=colors[label], ms=5, mec="black", mew=0.3, label=label, alpha=0.85)
        ax.set_xscale("log")
        ax.set_yscale("log")
        _name_axes(ax, name, xlabel, ylabel)
    return _legend_below(fig, axes[0], 5)


@styled
def heatmap_panels(rows: Sequence[str], cols: Sequence[str], panels: Mapping[str, np.ndarray], ylabel: str, xlabel: str,
                   what: str) -> Figure:
    """A grid of mean values per panel (``panels[name]`` is ``[len(rows), len(cols)]``), the value written in each cell, the lowest framed."""
    n = len(panels)
    fig = new_figure(panel_width(n, 4.0, 0.8) * n + 0.8, 3.6)
    axes = fig.subplots(1, n, squeeze=False)[0]
    for ax, (name, grid) in zip(axes, panels.items()):
        image = ax.imshow(grid, cmap="viridis_r", aspect="auto")
        best = np.unravel_index(np.nanargmin(grid), grid.shape)
        for (i, j), value in np.ndenumerate(grid):
            ax.text(j, i, f"{value:.3f}", ha="center", va="center", fontsize=8,
                    color="white" if value > np.nanmean(grid) else "black", fontweight="bold" if (i, j) == best else None)
        ax.add_patch(_frame(best))
        ax.set_xticks(range(len(cols)), list(cols))
        ax.set_yticks(range(len(rows)), list(rows))
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_title(name)
        ax.grid(False)
        fig.colorbar(image, ax=ax, label=what, shrink=0.85)
    return fig


def _row(cols: int, height: float) -> tuple[Figure, np.ndarray]:
    """A figure with one row of ``cols`` panels of about 4.4 inches."""
    fig = new_figure(panel_width(cols, 4.4, 0.4) * cols + 0.4, height)
    return fig, fig.subplots(1, cols, squeeze=False)[0]


def _name_axes(ax, title: str, xlabel: str, ylabel: str) -> None:
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)


def _legend_below(fig: Figure, ax, ncols: int) -> Figure:
    """The legend of ``ax``'s lines under the panels."""
    handles, labels = ax.get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), ncols))
    return fig


def _frame(cell: tuple[int, ...]):
    from matplotlib.patches import Rectangle

    i, j = cell
    return Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="#d62728", lw=2.2)


def _finite(values: PerSeed) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    return array[np.isfinite(array)]


def _linthresh(x: Sequence[float]) -> float:
    positive = [v for v in x if v > 0]
    return min(positive) if positive else 1.0
