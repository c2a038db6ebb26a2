"""Lesson `batchnorm`: does batch normalization stabilize learning and reduce the dependence on initialization?

The same networks with and without batch norm are trained over a grid of
learning rates and initialization scales (``init_scale``: a multiplier of
the Glorot bound), each with every seed.
A spread measures the dependence: how much the best validation loss moves
when only the seed, only the learning rate or only the initialization scale
changes.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import numpy as np

from reglab.lessons.common import FEW_EXAMPLES, cell, floats
from reglab.lessons.lesson import Lesson, LessonFigure, Outcome
from reglab.lessons.plots import bar_panels
from reglab.lessons.verdict import Finding, Verdict, over_conditions

if TYPE_CHECKING:  # the Lab lives with the lessons kind (reglab.experiments), which imports this package
    from reglab.experiments.lesson_lab import Lab

LEARNING_RATES = (0.001, 0.01, 0.1)
INIT_SCALES = (0.25, 1.0, 4.0)
SETTINGS = list(itertools.product(LEARNING_RATES, INIT_SCALES))
"""Every (learning rate, initialization scale) pair trained."""


def _label(batchnorm: bool, lr: float, scale: float) -> str:
    return f"{'BN' if batchnorm else 'no BN'}, lr {lr:g}, init ×{scale:g}"


def _spec(batchnorm: bool, lr: float, scale: float) -> str:
    return f"{_label(batchnorm, lr, scale)}:batchnorm={str(batchnorm).lower()},lr={lr:g},init_scale={scale:g}"


def spreads(loss: dict[tuple[float, float], list[float]]) -> dict[str, float]:
    """How much the loss moves with each source alone, from ``loss[(lr, scale)]`` (one value per seed).

    * ``seed``: the mean over settings of the standard deviation over seeds;
    * ``learning rate``: the mean over scales and seeds of the std over learning rates;
    * ``initialization scale``: the mean over learning rates and seeds of the std over scales (with 2+ scales).
    """
    lrs = sorted({lr for lr, _ in loss})
    scales = sorted({s for _, s in loss})
    grid = np.array([[loss[(lr, s)] for s in scales] for lr in lrs], dtype=float)  # [lr, scale, seed]
    out = {"seed": float(np.nanmean(np.nanstd(grid, axis=2, ddof=1))),
           "learning rate": float(np.nanmean(np.nanstd(grid, axis=0, ddof=1)))}
    if len(scales) > 1:
        out["initialization scale"] = float(np.nanmean(np.nanstd(grid, axis=1, ddof=1)))
    return out


def judge(numbers: dict[str, Any]) -> Verdict:
    """Per data set and source of variation (seed, learning rate, initialization
    scale), the claim shows when the spread of the best validation loss with
    batch norm is smaller than without it (``spreads``: the standard deviation
    over that source alone, averaged over the others).  A diverged run counts
    as a validation loss of 10 (ln 2 ≈ 0.69 is chance), so instability shows
    as spread.

    ``numbers[data]["spread"]["BN" | "no BN"][source]`` holds the spreads.
    """
    findings = []
    for data, m in numbers.items():
        with_bn, without = m["spread"]["BN"], m["spread"]["no BN"]
        for source in without:
            shows = with_bn[source] < without[source]
            evidence = f"spread over {source}: {with_bn[source]:.3f} with batch norm, {without[source]:.3f} without"
            findings.append(Finding((("source", source), ("data set", data)), shows, evidence))
    return over_conditions(findings)


DIVERGED_LOSS = 10.0


def _best_loss(values: list[float]) -> list[float]:
    return [v if np.isfinite(v) else DIVERGED_LOSS for v in values]


def run(lab: Lab) -> Outcome:
    numbers: dict[str, Any] = {}
    settings = SETTINGS
    table = [["data set", "learning rate", "init scale", "best val loss, no BN", "best val loss, BN", "diverged, no BN", "diverged, BN"]]
    for data, options in FEW_EXAMPLES:
        variants = [_spec(bn, lr, s) for bn in (False, True) for lr, s in settings]
        runs = lab.train(lab.data(data, **options), variants, epochs=lab.epochs(100))
        loss = {bn: {(lr, s): _best_loss(runs.metric(_label(bn, lr, s), "best_val_loss")) for lr, s in settings}
                for bn in (False, True)}
        diverged = {bn: {(lr, s): sum(r.diverged for r in runs[_label(bn, lr, s)]) for lr, s in settings} for bn in (False, True)}
        numbers[data] = {
            "spread": {"no BN": spreads(loss[False]), "BN": spreads(loss[True])},
            "best_val_loss": {_label(bn, lr, s): floats(loss[bn][(lr, s)]) for bn in (False, True) for lr, s in settings},
        }
        for lr, s in settings:
            table.append([data, f"{lr:g}", f"{s:g}", cell(loss[False][(lr, s)]), cell(loss[True][(lr, s)]),
                          str(diverged[False][(lr, s)]), str(diverged[True][(lr, s)])])
    panels = {f"{data}, spread over {source}": {key: [m["spread"][key][source]] for key in ("no BN", "BN")}
              for data, m in numbers.items() for source in m["spread"]["BN"]}
    figures = [LessonFigure.draw(
        "spread", "How much the result depends on seed, learning rate and initialization",
        "The standard deviation of the best validation loss when only one thing changes (the seed, the learning rate "
        "or the initialization scale), averaged over the rest. Shorter bars with batch norm: less dependence.",
        bar_panels(panels, "spread of the best validation loss"))]
    return Outcome(numbers, table, figures)


LESSON = Lesson(
    name="batchnorm",
    title="Batch normalization stabilizes learning and reduces the dependence on initialization",
    claim="Batch Normalization: Stabilizes learning and reduces dependence on initialization.",
    sources=("003",),
    experiment=f"On moons and circles (40 training rows), 100 epochs: the seed network with and without batch norm, "
               f"learning rates {', '.join(f'{lr:g}' for lr in LEARNING_RATES)} and initialization scales "
               f"{', '.join(f'{s:g}' for s in INIT_SCALES)} (× the Glorot bound), same seeds. Measured: the best "
               "validation loss of each run.",
    look="Compare the paired bars: each is how much the outcome moves when one setting changes. Batch norm "
         "rescales every hidden layer's input to zero mean and unit variance per minibatch, so the scale of the "
         "initial weights and, partly, the step size matter less. The table shows where each setting failed.",
    run=run,
    judge=judge,
)
