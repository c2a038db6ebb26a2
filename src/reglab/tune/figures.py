"""The figures of a tune: optimization history, parameter importances, one slice per parameter.

Each is a :class:`matplotlib.figure.Figure` in reglab's style (no pyplot).
Values are trial values (mean final validation loss over seeds); pruned
trials, which have no final value, are drawn at their last reported value
as hollow grey marks, and diverged trials are left out.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from optuna.distributions import CategoricalDistribution
from optuna.trial import FrozenTrial, TrialState

from reglab.figures._style import PALETTE, new_figure, styled
from reglab.figures.curves import plot_loss_curves
from reglab.outputs.figures import FigureSpec
from reglab.tune.result import TuneResult
from reglab.tune.study import CURVE_ATTR

COMPLETE_COLOR, PRUNED_COLOR, BEST_COLOR = PALETTE[0], "#9a9a9a", PALETTE[2]


def _last_value(trial: FrozenTrial) -> float:
    """A trial's value, or for a pruned one the last value its pruner saw."""
    if trial.state == TrialState.COMPLETE:
        return trial.value if trial.value is not None else math.nan
    curve = [v for v in trial.user_attrs.get(CURVE_ATTR, []) if v is not None]
    return curve[-1] if curve else math.nan


def _points(result: TuneResult) -> tuple[list[FrozenTrial], np.ndarray, np.ndarray]:
    trials = [t for t in result.finished if math.isfinite(_last_value(t))]
    values = np.array([_last_value(t) for t in trials])
    complete = np.array([t.state == TrialState.COMPLETE for t in trials], dtype=bool)
    return trials, values, complete


@styled
def plot_history(result: TuneResult) -> Figure:
    """Each trial's value against its number, and the best value so far (a step line)."""
    trials, values, complete = _points(result)
    numbers = np.array([t.number for t in trials])
    fig = new_figure(7.5, 3.6)
    ax = fig.add_subplot()
    ax.scatter(numbers[complete], values[complete], s=14, color=COMPLETE_COLOR, label="complete", zorder=3)
    if (~complete).any():
        ax.scatter(numbers[~complete], values[~complete], s=14, facecolors="none", edgecolors=PRUNED_COLOR,
                   label="pruned (last reported value)", zorder=2)
    running = np.minimum.accumulate(np.where(complete, values, np.inf))
    shown = np.isfinite(running)
    ax.step(numbers[shown], running[shown], where="post", color=BEST_COLOR, linewidth=1.6, label="best so far")
    ax.scatter([result.best.number], [result.best.value], marker="*", s=120, color=BEST_COLOR, zorder=4)
    ax.set_xlabel("trial number")
    ax.set_ylabel("validation loss (mean over seeds)")
    _zoom(ax, values)
    ax.legend(loc="upper right")
    return fig


@styled
def plot_importances(result: TuneResult) -> Figure:
    """Optuna's fANOVA importance of each parameter, as horizontal bars (they sum to 1)."""
    names = sorted(result.importances, key=result.importances.get)
    fig = new_figure(6.0, 0.5 + 0.45 * len(names))
    ax = fig.add_subplot()
    ax.barh(names, [result.importances[n] for n in names], color=COMPLETE_COLOR)
    for y, name in enumerate(names):
        ax.text(result.importances[name], y, f" {result.importances[name]:.2f}", va="center", fontsize=8)
    ax.set_xlim(0, 1.1)
    ax.set_xlabel("importance (share of the variance of the value, fANOVA)")
    return fig


@styled
def plot_slices(result: TuneResult) -> Figure:
    """One panel per parameter: each trial's value against that parameter's value (log axis for log ranges)."""
    trials, values, complete = _points(result)
    dims = result.space.dimensions
    fig = new_figure(3.4 * len(dims) + 0.6, 3.2)
    axes = fig.subplots(1, len(dims), sharey=True, squeeze=False)[0]
    for ax, dim in zip(axes, dims):
        categorical = isinstance(dim.distribution, CategoricalDistribution)
        choices = [str(c) for c in dim.choices()] if categorical else []
        xs = np.array([choices.index(str(t.params[dim.name])) if categorical else float(t.params[dim.name]) for t in trials])
        ax.scatter(xs[complete], values[complete], s=12, color=COMPLETE_COLOR, alpha=0.8)
        if (~complete).any():
            ax.scatter(xs[~complete], values[~complete], s=12, facecolors="none", edgecolors=PRUNED_COLOR)
        best = result.best.params[dim.name]
        ax.scatter([choices.index(str(best)) if categorical else best], [result.best.value], marker="*", s=120,
                   color=BEST_COLOR, zorder=4)
        if categorical:
            ax.set_xticks(range(len(choices)), choices, rotation=30 if len(choices) > 4 else 0)
        elif getattr(dim.distribution, "log", False):
            ax.set_xscale("log")
        ax.set_xlabel(dim.param.axis)
    axes[0].set_ylabel("validation loss (mean over seeds)")
    _zoom(axes[0], values)
    return fig


def _zoom(ax, values: np.ndarray) -> None:
    """The y axis from the lowest value to the 90th percentile (×1.1), so a few bad trials cannot flatten the rest."""
    if len(values):
        low, high = float(values.min()), float(np.percentile(values, 90))
        pad = 0.05 * max(high - low, 1e-9)
        ax.set_ylim(low - pad, high + 0.1 * (high - low) + pad)


HISTORY = FigureSpec(
    "optimization_history", "Optimization history",
    "Each trial's validation loss (mean over seeds of the final model) against its number; hollow grey marks: "
    "trials the pruner stopped, at the last value it saw. The green steps are the best value so far, the star "
    "the best trial. A curve that stops falling early says more trials will not help much.",
    plot_history,
)
IMPORTANCES = FigureSpec(
    "param_importances", "Parameter importances",
    "How much of the variation of the validation loss over the complete trials each parameter explains "
    "(Optuna's fANOVA). A parameter near 0 barely matters in this range.",
    plot_importances, applies=lambda result: bool(result.importances),
)
SLICES = FigureSpec(
    "param_slices", "Slices",
    "Each trial's validation loss against each parameter's value (the other parameters vary too); the star is "
    "the best trial. A clear valley marks a range worth keeping; a flat cloud, a parameter that does not matter.",
    plot_slices,
)
BEST_CURVES = FigureSpec(
    "tune_loss_curves", "Loss curves of the best trials",
    "Training (dashed) and validation (solid) loss of the trials within one standard error of the best, mean "
    "over seeds with a min–max band; the dot marks the best epoch.",
    lambda result: plot_loss_curves(result.runs),
)
TUNE_FIGURES = (HISTORY, IMPORTANCES, SLICES, BEST_CURVES)
"""The figures of a tune's report, in reading order."""
