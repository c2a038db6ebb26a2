"""Lesson `overfitting`: with few examples an unregularized network overfits, and regularization reduces it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from reglab.analysis.verdicts import diagnose_curves
from reglab.figures import plot_loss_curves
from reglab.lessons.common import EPOCHS, FEW_EXAMPLES, cell, floats
from reglab.lessons.lesson import Lesson, LessonFigure, Outcome
from reglab.lessons.verdict import AGREE, Finding, Verdict, over_conditions, paired

if TYPE_CHECKING:  # the Lab lives with the lessons kind (reglab.experiments), which imports this package
    from reglab.experiments.lesson_lab import Lab

BASELINE = "baseline"
CURES = {"L2 1e-3": "l2=1e-3", "dropout 0.3": "dropout=0.3"}


def judge(numbers: dict[str, Any]) -> Verdict:
    """Per data set and regularizer, the claim shows when both hold:

    1. the baseline overfits, by reglab's verdict rule (its validation loss
       ends more than 10% above its minimum while the training loss fell, or
       ends above twice the training loss), in at least 80% of the seeds;
    2. the regularized network ends with a lower validation loss than the
       baseline of the same seed, in at least 80% of the seeds.

    ``numbers[data]`` holds ``overfits`` (a bool per seed) and
    ``val_loss[label]`` (the final validation loss per seed).
    """
    findings = []
    for data, measured in numbers.items():
        overfits = float(np.mean(measured["overfits"]))
        base = measured["val_loss"][BASELINE]
        for cure in CURES:
            effect = paired(base, measured["val_loss"][cure])
            shows = overfits >= AGREE and effect.shows
            evidence = (f"the baseline overfits in {overfits:.0%} of the seeds (final validation loss {cell(base)}); "
                        f"{cure} ends {effect.words()}")
            findings.append(Finding((("data set", data), ("regularizer", cure)), shows, evidence))
    return over_conditions(findings)


def run(lab: Lab) -> Outcome:
    numbers: dict[str, Any] = {}
    table = [["data set", "variant", "overfits (seeds)", "min val loss", "final val loss", "final train loss", "gap"]]
    figures = []
    for data, options in FEW_EXAMPLES:
        ds = lab.data(data, **options)
        runs = lab.train(ds, [f"{BASELINE}:baseline", *(f"{k}:{v}" for k, v in CURES.items())], epochs=lab.epochs(EPOCHS))
        verdicts = {label: [diagnose_curves(label, r.history["train_loss"], r.history["val_loss"]) for r in runs[label]]
                    for label in runs.labels}
        numbers[data] = {
            "overfits": [v.kind == "overfits" for v in verdicts[BASELINE]],
            "val_loss": {label: floats(runs.metric(label, "val_loss")) for label in runs.labels},
            "rise": {label: floats(v.evidence["val_rise"] for v in verdicts[label]) for label in runs.labels},
        }
        for label in runs.labels:
            overfit = sum(v.kind == "overfits" for v in verdicts[label])
            table.append([data, label, f"{overfit} of {len(lab.seeds)}", cell(runs.metric(label, "best_val_loss")),
                          cell(runs.metric(label, "val_loss")), cell(runs.metric(label, "train_loss")),
                          cell(runs.metric(label, "generalization_gap"))])
        figures.append(LessonFigure.draw(
            f"loss-curves-{data}", f"Loss curves on {data} (40 training rows)",
            "Training (dashed) and validation (solid) loss, mean over seeds with a min–max band. The baseline's "
            "validation loss turns up after a few dozen epochs while its training loss keeps falling.",
            plot_loss_curves(runs.all())))
    return Outcome(numbers, table, figures)


LESSON = Lesson(
    name="overfitting",
    title="Few examples: the network overfits, and regularization reduces it",
    claim="Deep learning neural networks are likely to quickly overfit a training dataset with few examples.",
    sources=("001", "003"),
    experiment="The seed network (64x32, Adam 0.01, batch 32) on moons and circles with only 40 training rows, "
               "100 epochs: the baseline against L2 1e-3 and dropout 0.3, same seeds, same initial weights.",
    look="Look at the baseline's validation curve: it reaches its minimum early and then climbs while the training "
         "curve keeps going down. That divergence is overfitting. The regularized panels keep the two curves closer "
         "and end lower; the table's gap column says by how much.",
    run=run,
    judge=judge,
)
