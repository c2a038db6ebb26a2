"""Lesson `l2-is-weight-decay`: an L2 penalty λ against decoupled weight decay 2λ, weight for weight.

Under plain SGD the two updates are the same algebra:
``w - lr*(g + 2λw) = w*(1 - lr*2λ) - lr*g``, so ``l2=λ`` and
``weight_decay=2λ`` must end with the same weights to float rounding, and
``weight_decay=λ`` (without the factor 2) must not.  With momentum the L2
gradient enters the velocity and is remembered; under Adam it is divided by
the running gradient size like every gradient, while decoupled decay
(AdamW) shrinks every weight by the same factor ``1 - lr*wd``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from reglab.lessons.common import EPOCHS, FEW_EXAMPLES, cell, floats
from reglab.lessons.lesson import Lesson, LessonFigure, Outcome
from reglab.lessons.measures import relative_difference
from reglab.lessons.plots import bar_panels
from reglab.lessons.verdict import Finding, Verdict, over_conditions

if TYPE_CHECKING:  # the Lab lives with the lessons kind (reglab.experiments), which imports this package
    from reglab.experiments.lesson_lab import Lab, Runs

STRENGTH = 5e-3
EQUAL = 1e-3
"""Two runs have "the same weights" when ``||w_a - w_b|| / ||w_a|| < 1e-3``: float32 rounding, grown over 300 steps, stays below it."""
DIFFERENT = 1e-2
"""...and clearly different ones when it is at least 1e-2."""
OPTIMIZERS = {
    "SGD": "optimizer=sgd,momentum=0,lr=0.05",
    "SGD with momentum 0.9": "optimizer=sgd,momentum=0.9,lr=0.01",
    "Adam": "optimizer=adam,lr=0.01",
}
FORMS = {"L2 λ": f"l2={STRENGTH:g}", "decay 2λ": f"weight_decay={2 * STRENGTH:g}", "decay λ": f"weight_decay={STRENGTH:g}"}


def _label(optimizer: str, form: str) -> str:
    return f"{optimizer} · {form}"


def _variants() -> list[str]:
    return [f"{_label(name, form)}:{spec},{penalty}" for name, spec in OPTIMIZERS.items() for form, penalty in FORMS.items()]


def _measure(runs: Runs) -> dict[str, Any]:
    measured = {}
    for name in OPTIMIZERS:
        l2, twice, once = (runs[_label(name, form)] for form in FORMS)
        measured[name] = {
            "factor_2": [relative_difference(a, b) for a, b in zip(l2, twice)],
            "factor_1": [relative_difference(a, b) for a, b in zip(l2, once)],
            "norm": {form: floats(runs.metric(_label(name, form), "weight_l2")) for form in FORMS},
            "val_loss": {form: floats(runs.metric(_label(name, form), "val_loss")) for form in FORMS},
        }
    return measured


def judge(numbers: dict[str, Any]) -> Verdict:
    """Per data set and optimizer, the claim shows when, in every seed, the
    weights trained with L2 λ and with decoupled decay 2λ differ by less
    than 1e-3 (relative L2 distance of all weights), while L2 λ and decay λ
    (no factor 2) differ by at least 1e-2.

    ``numbers[data][optimizer]`` holds ``factor_2`` and ``factor_1``: the relative distances per seed.
    """
    findings = []
    for data, optimizers in numbers.items():
        for name, m in optimizers.items():
            same = max(m["factor_2"]) < EQUAL
            apart = min(m["factor_1"]) >= DIFFERENT
            evidence = (f"L2 λ vs decay 2λ: weights {max(m['factor_2']):.1e} apart at most; "
                        f"vs decay λ: {min(m['factor_1']):.1e} at least")
            findings.append(Finding((("optimizer", name), ("data set", data)), same and apart, evidence))
    return over_conditions(findings)


def run(lab: Lab) -> Outcome:
    numbers: dict[str, Any] = {}
    table = [["data set", "optimizer", "‖w(L2 λ) − w(decay 2λ)‖/‖w‖", "‖w(L2 λ) − w(decay λ)‖/‖w‖",
              "‖w‖ L2 λ", "‖w‖ decay 2λ", "val loss L2 λ", "val loss decay 2λ"]]
    for data, options in FEW_EXAMPLES:
        runs = lab.train(lab.data(data, **options), _variants(), epochs=lab.epochs(EPOCHS))
        numbers[data] = _measure(runs)
        for name, m in numbers[data].items():
            table.append([data, name, cell(m["factor_2"], ".1e"), cell(m["factor_1"], ".1e"), cell(m["norm"]["L2 λ"], ".3f"),
                          cell(m["norm"]["decay 2λ"], ".3f"), cell(m["val_loss"]["L2 λ"]), cell(m["val_loss"]["decay 2λ"])])
    floor = 1e-9  # a distance of exactly 0 still shows on the log axis
    panels = {data: {f"{name}, decay {factor}": [max(v, floor) for v in m[key]]
                     for name, m in optimizers.items() for factor, key in (("2λ", "factor_2"), ("λ", "factor_1"))}
              for data, optimizers in numbers.items()}
    figures = [LessonFigure.draw(
        "distance", "How far apart the weights end", f"Relative distance between the weights trained with an L2 "
        f"penalty λ = {STRENGTH:g} and with decoupled weight decay 2λ or λ (log axis; {EQUAL:g} and below is float "
        "rounding). Under plain SGD, decay 2λ gives the L2 weights to rounding; with momentum or Adam it does not.",
        bar_panels(panels, "‖w_L2 − w_decay‖ / ‖w_L2‖", fmt=".1e", log=True))]
    return Outcome(numbers, table, figures)


LESSON = Lesson(
    name="l2-is-weight-decay",
    title="L2 is weight decay: under plain SGD, with the factor 2",
    claim="L2 regularization is also known as weight decay as it forces the weights to decay towards zero "
          "(but not exactly zero).",
    sources=("002", "003"),
    experiment=f"On moons and circles (40 training rows), 100 epochs: an L2 penalty λ = {STRENGTH:g} (loss + λ·Σw²) "
               f"against decoupled weight decay 2λ and λ (w ← w − lr·wd·w before each step, as AdamW), under SGD "
               "without momentum (lr 0.05), SGD with momentum 0.9 (lr 0.01) and Adam (lr 0.01), same seeds, same "
               "initial weights, same minibatches. Measured: the relative distance between the final weights.",
    look="The bars are distances between two trained networks. Under plain SGD, decay 2λ lands on the L2 network to "
         "float rounding: the penalty's gradient 2λw makes the step w·(1 − 2·lr·λ) − lr·g, which is weight decay "
         "with wd = 2λ (the factor 2 comes from the derivative of w²; decay λ is visibly off). With momentum the L2 "
         "gradient is accumulated in the velocity, and under Adam it is divided by the running gradient size, so "
         "the two part ways. That is why AdamW decouples the decay from the gradient.",
    run=run,
    judge=judge,
)
