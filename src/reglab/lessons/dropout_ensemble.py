"""Lesson `dropout-ensemble`: dropout against a real ensemble of K networks, at equal compute.

A dropout network trained for ``E`` epochs costs as many gradient steps as
an ensemble of ``K`` networks trained ``E/K`` epochs each; the ensemble of
``K`` networks trained ``E`` epochs each costs ``K`` times more.  Monte Carlo
dropout (dropout left on at prediction, many passes) shows the "many
thinned networks" inside one dropout network: their spread, and how their
average compares with the single deterministic pass (inverted dropout's
weight scaling).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from reglab.lessons.common import EPOCHS, FEW_EXAMPLES, cell, floats
from reglab.lessons.lesson import Lesson, LessonFigure, Outcome
from reglab.lessons.measures import log_loss, mc_dropout, member_predictions
from reglab.lessons.plots import bar_panels
from reglab.lessons.verdict import Finding, Verdict, over_conditions, paired

if TYPE_CHECKING:  # the Lab lives with the lessons kind (reglab.experiments), which imports this package
    from reglab.experiments.lesson_lab import Lab

MEMBERS = 5
RATE = 0.3
MATCH = 0.05
"""Dropout "matches" the ensemble when its mean validation loss is at most 5% above the ensemble's."""
BASELINE, DROPOUT, MC = "baseline", f"dropout {RATE:g}", f"dropout {RATE:g}, MC average"
ENSEMBLE, SHORT = f"ensemble of {MEMBERS}", f"ensemble of {MEMBERS}, equal compute"
PREDICTIONS = {"a single pass": DROPOUT, "the Monte Carlo average": MC}


def judge(numbers: dict[str, Any]) -> Verdict:
    """Per data set and way of predicting with the dropout network (one pass
    with dropout off, or the average of Monte Carlo passes with dropout on),
    the claim shows when both hold:

    1. dropout ends with a lower validation loss than the baseline (same seed)
       in at least 80% of the seeds;
    2. its mean validation loss is at most 5% above the mean of the ensemble
       of 5 networks at equal compute (E/5 epochs each).

    ``numbers[data]["val_loss"][label]`` is the final validation loss per seed.
    """
    findings = []
    for data, m in numbers.items():
        loss = m["val_loss"]
        ensemble = float(np.mean(loss[SHORT]))
        for prediction, label in PREDICTIONS.items():
            better = paired(loss[BASELINE], loss[label])
            mean = float(np.mean(loss[label]))
            matches = mean <= ensemble * (1 + MATCH)
            evidence = (f"{label}: {cell(loss[label])}, {better.words()} than the baseline; the ensemble at equal "
                        f"compute {cell(loss[SHORT])} (at {MEMBERS}× the compute: {cell(loss[ENSEMBLE])})")
            findings.append(Finding((("prediction", prediction), ("data set", data)), better.shows and matches, evidence))
    return over_conditions(findings)


def _spread(predictions: np.ndarray) -> float:
    """Mean over rows of the standard deviation over passes (or members) of the predicted probability."""
    return float(predictions[..., 0].std(axis=0).mean())


def run(lab: Lab) -> Outcome:
    numbers: dict[str, Any] = {}
    epochs = lab.epochs(EPOCHS)
    passes = lab.size(50, 10)
    table = [["data set", "variant", "gradient steps (× baseline)", "val loss", "val acc", "prediction spread"]]
    for data, options in FEW_EXAMPLES:
        ds = lab.data(data, **options)
        single = lab.train(ds, [f"{BASELINE}:baseline", f"{DROPOUT}:dropout={RATE:g}"], epochs=epochs)
        full = lab.train(ds, [f"{ENSEMBLE}:ensemble={MEMBERS}"], epochs=epochs)
        short = lab.train(ds, [f"{SHORT}:ensemble={MEMBERS}"], epochs=max(1, epochs // MEMBERS))
        sets = {BASELINE: single[BASELINE], DROPOUT: single[DROPOUT], SHORT: short[SHORT], ENSEMBLE: full[ENSEMBLE]}
        loss = {label: floats(r.metrics["val_loss"] for r in runs) for label, runs in sets.items()}
        accuracy = {label: floats(r.metrics["val_acc"] for r in runs) for label, runs in sets.items()}
        samples = [mc_dropout(r, ds.X_val, passes, seed=r.seed) for r in sets[DROPOUT]]
        loss[MC] = [log_loss(s.mean(0), ds.y_val) for s in samples]
        accuracy[MC] = [float(np.mean((s.mean(0)[:, 0] > 0.5) == ds.y_val)) for s in samples]
        spread = {DROPOUT: [_spread(s) for s in samples],
                  **{label: [_spread(member_predictions(r, ds.X_val)) for r in sets[label]] for label in (SHORT, ENSEMBLE)}}
        numbers[data] = {"val_loss": loss, "val_acc": accuracy, "spread": spread}
        steps = {BASELINE: "1×", DROPOUT: "1×", MC: "1×", SHORT: "1×", ENSEMBLE: f"{MEMBERS}×"}
        for label in (BASELINE, DROPOUT, MC, SHORT, ENSEMBLE):
            table.append([data, label, steps[label], cell(loss[label]), cell(accuracy[label]),
                          cell(spread[label]) if label in spread else "—"])
    losses = {data: m["val_loss"] for data, m in numbers.items()}
    spreads = {data: m["spread"] for data, m in numbers.items()}
    figures = [
        LessonFigure.draw("val-loss", "Validation loss: dropout against an ensemble", f"Final validation loss "
                          f"(mean ± std, dots: seeds). '{SHORT}' averages {MEMBERS} networks trained "
                          f"{max(1, epochs // MEMBERS)} epochs each, as many steps as one dropout network; "
                          f"'{ENSEMBLE}' trains each for {epochs} epochs.",
                          bar_panels(losses, "validation loss (lower is better)")),
        LessonFigure.draw("spread", "How much the many networks disagree", f"Mean standard deviation of the "
                          f"predicted probability over {passes} Monte Carlo dropout passes (dropout on at prediction), "
                          f"and over the {MEMBERS} members of the ensemble.", bar_panels(spreads, "prediction spread")),
    ]
    return Outcome(numbers, table, figures)


LESSON = Lesson(
    name="dropout-ensemble",
    title="Dropout as an ensemble: against a real one, at equal compute",
    claim="So, each iteration has a different set of nodes and this results in a different set of outputs. "
          "It can also be thought of as an ensemble technique in machine learning.",
    sources=("001", "002"),
    experiment=f"On moons and circles (40 training rows): the baseline and dropout {RATE:g} for 100 epochs; an "
               f"ensemble of {MEMBERS} independently initialized networks at equal compute ({EPOCHS // MEMBERS} epochs "
               f"each) and at {MEMBERS}× the compute (100 epochs each). The dropout network predicts in one pass "
               "(dropout off, the weight-scaling rule) and as the average of 50 Monte Carlo passes with dropout on.",
    look="Compare the dropout bars with the ensemble bar. Training with dropout samples a different thinned network "
         "at every step, and all of them share weights; at prediction the full network with scaled activations "
         "stands in for their average. The spread chart shows that the thinned networks really do disagree, like "
         "the members of an ensemble, and the table compares their Monte Carlo average with the single pass.",
    run=run,
    judge=judge,
)
