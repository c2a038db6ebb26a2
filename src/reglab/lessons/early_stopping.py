"""Lesson `early-stopping`: it stops when the validation loss stops improving, and keeps the best epoch.

Early stopping does not change training before it stops: for one seed, the
early-stopped run follows the baseline's validation curve epoch for epoch
(checked: the largest difference is in the table).  So the baseline's
curve says where the minimum really was, and what stopping cost or saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure

from reglab.figures._style import new_figure, panel_width, styled, variant_colors
from reglab.lessons.common import EPOCHS, FEW_EXAMPLES, cell, floats
from reglab.lessons.lesson import Lesson, LessonFigure, Outcome
from reglab.lessons.verdict import AGREE, Finding, Verdict, over_conditions

if TYPE_CHECKING:  # the Lab lives with the lessons kind (reglab.experiments), which imports this package
    from reglab.experiments.lesson_lab import Lab, Runs

PATIENCES = (5, 20)
REGRET = 0.05
"""The restored model "is at the minimum" when its validation loss is at most 5% above the baseline's lowest."""


def _label(patience: int) -> str:
    return f"patience {patience}"


def judge(numbers: dict[str, Any]) -> Verdict:
    """Per data set and patience, the claim shows when, in at least 80% of the seeds,
    both hold:

    1. training stopped before the last epoch;
    2. the restored model's validation loss is at most 5% above the lowest
       validation loss of the baseline's whole curve (same seed).

    ``numbers[data][label]`` holds ``stopped`` (epoch), ``restored_loss`` and the
    baseline's ``min_loss`` per seed, and ``epochs``.
    """
    findings = []
    for data, m in numbers.items():
        for patience in PATIENCES:
            es = m[_label(patience)]
            stopped = np.asarray(es["stopped"]) < m["epochs"]
            close = np.asarray(es["restored_loss"]) <= np.asarray(m["baseline"]["min_loss"]) * (1 + REGRET)
            shows = float(np.mean(stopped & close)) >= AGREE
            evidence = (f"stopped at epoch {cell(es['stopped'], '.0f')} of {m['epochs']}, restored epoch "
                        f"{cell(es['restored'], '.0f')} (the baseline's minimum: epoch {cell(m['baseline']['min_epoch'], '.0f')}); "
                        f"restored validation loss {cell(es['restored_loss'])} against the baseline's minimum "
                        f"{cell(m['baseline']['min_loss'])} and its final {cell(m['baseline']['final_loss'])}")
            findings.append(Finding((("patience", str(patience)), ("data set", data)), shows, evidence))
    return over_conditions(findings)


def _measure(runs: Runs, epochs: int) -> dict[str, Any]:
    base = runs["baseline"]
    curves = [np.asarray(r.history["val_loss"]) for r in base]
    measured: dict[str, Any] = {"epochs": epochs, "baseline": {
        "min_epoch": [int(np.argmin(c)) + 1 for c in curves], "min_loss": [float(c.min()) for c in curves],
        "final_loss": floats(runs.metric("baseline", "val_loss"))}}
    for patience in PATIENCES:
        stopped_runs = runs[_label(patience)]
        same = [float(np.max(np.abs(np.asarray(r.history["val_loss"]) - c[: len(r.history["val_loss"])])))
                for r, c in zip(stopped_runs, curves)]
        measured[_label(patience)] = {
            "stopped": [int(r.metrics["stopped_epoch"]) for r in stopped_runs],
            "restored": [int(r.metrics["best_epoch"]) for r in stopped_runs],
            "restored_loss": floats(r.metrics["val_loss"] for r in stopped_runs),
            "saved": [epochs - int(r.metrics["stopped_epoch"]) for r in stopped_runs],
            "curve_difference": same,
        }
    return measured


@styled
def plot_stops(runs_by_data: dict[str, Runs]) -> Figure:
    """The baseline's validation curve (first seed) with each patience's stop (cross) and restored epoch (dot)."""
    cols = len(runs_by_data)
    fig = new_figure(panel_width(cols, 4.6, 0.4) * cols + 0.4, 3.6)
    axes = fig.subplots(1, cols, squeeze=False)[0]
    colors = variant_colors([_label(p) for p in PATIENCES])
    for ax, (data, runs) in zip(axes, runs_by_data.items()):
        curve = np.asarray(runs["baseline"][0].history["val_loss"])
        ax.plot(np.arange(1, curve.size + 1), curve, color="#3a3a3a", lw=1.2, label="baseline validation loss")
        ax.plot(np.arange(1, curve.size + 1), runs["baseline"][0].history["train_loss"], color="#3a3a3a", lw=0.9,
                ls="--", label="baseline training loss")
        for patience in PATIENCES:
            run = runs[_label(patience)][0]
            stop, best = int(run.metrics["stopped_epoch"]), int(run.metrics["best_epoch"])
            color = colors[_label(patience)]
            ax.axvspan(best, stop, color=color, alpha=0.12)
            ax.plot(best, curve[best - 1], "o", color=color, ms=7, mec="white", label=f"{_label(patience)}: restored")
            ax.plot(stop, curve[stop - 1], "x", color=color, ms=8, mew=2, label=f"{_label(patience)}: stopped")
        ax.set_title(f"{data} (seed {runs.seeds[0]})")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3)
    return fig


def run(lab: Lab) -> Outcome:
    epochs = lab.epochs(EPOCHS)
    variants = ["baseline", *(f"{_label(p)}:early_stopping={p}" for p in PATIENCES)]
    numbers, trained = {}, {}
    table = [["data set", "patience", "stopped epoch", "restored epoch", "baseline's best epoch", "epochs saved",
              "restored val loss", "baseline min val loss", "baseline final val loss", "curve difference before the stop"]]
    for data, options in FEW_EXAMPLES:
        trained[data] = lab.train(lab.data(data, **options), variants, epochs=epochs)
        m = numbers[data] = _measure(trained[data], epochs)
        for patience in PATIENCES:
            es = m[_label(patience)]
            table.append([data, str(patience), cell(es["stopped"], ".0f"), cell(es["restored"], ".0f"),
                          cell(m["baseline"]["min_epoch"], ".0f"), cell(es["saved"], ".0f"), cell(es["restored_loss"]),
                          cell(m["baseline"]["min_loss"]), cell(m["baseline"]["final_loss"]),
                          f"{max(es['curve_difference']):.1e}"])
    figures = [LessonFigure.draw(
        "stops", "Where early stopping stops", "The baseline's training (dashed) and validation (solid) loss, first "
        "seed. Each patience stops at its cross and restores the weights of its dot; the shaded span is the epochs "
        "it waited for an improvement that did not come.", plot_stops(trained))]
    return Outcome(numbers, table, figures)


LESSON = Lesson(
    name="early-stopping",
    title="Early stopping stops when the validation loss stops improving",
    claim="Early Stopping: Stops training when validation loss stops improving.",
    sources=("003",),
    experiment=f"On moons and circles (40 training rows), 100 epochs: the baseline against early stopping with "
               f"patience {' and '.join(map(str, PATIENCES))} (Keras' rule, best weights restored), same seeds.",
    look="The dot should sit at the bottom of the validation curve and the cross a patience later. With a short "
         "patience, a dip in a noisy curve can look like the minimum and training stops too soon; with a long one it "
         "waits longer but finds the real minimum. The 'epochs saved' column is the cost avoided; 'curve difference' "
         "shows that stopping early changed nothing before the stop.",
    run=run,
    judge=judge,
)
