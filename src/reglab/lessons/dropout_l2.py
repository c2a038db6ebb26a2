"""Lesson `dropout-with-l2`: is dropout together with L2 better than either alone?"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from reglab.lessons.common import EPOCHS, FEW_EXAMPLES, cell, floats
from reglab.lessons.lesson import Lesson, LessonFigure, Outcome
from reglab.lessons.plots import heatmap_panels
from reglab.lessons.verdict import Finding, Verdict, over_conditions, paired

if TYPE_CHECKING:  # the Lab lives with the lessons kind (reglab.experiments), which imports this package
    from reglab.experiments.lesson_lab import Lab

L2 = (0.0, 1e-3, 1e-2)
RATES = (0.0, 0.15, 0.3)


def _label(l2: float, rate: float) -> str:
    return f"L2 {l2:g}, dropout {rate:g}"


def _spec(l2: float, rate: float) -> str:
    return f"{_label(l2, rate)}:l2={l2:g},dropout={rate:g}"


def _best(loss: dict[str, list[float]], cells: list[tuple[float, float]]) -> tuple[str, list[float]]:
    """The cell with the lowest mean validation loss among ``cells``."""
    label = min((_label(*c) for c in cells), key=lambda name: float(np.mean(loss[name])))
    return label, loss[label]


def judge(numbers: dict[str, Any]) -> Verdict:
    """Per data set, on the grid of L2 strengths × dropout rates, the claim
    shows when the best cell with both L2 > 0 and dropout > 0 (lowest mean
    validation loss) ends lower than the best cell with one of them alone,
    seed by seed, in at least 80% of the seeds.

    ``numbers[data]["val_loss"][label]`` is the final validation loss per seed, labels ``L2 …, dropout …``.
    """
    findings = []
    for data, m in numbers.items():
        loss = m["val_loss"]
        both, both_loss = _best(loss, [(a, b) for a in L2[1:] for b in RATES[1:]])
        alone, alone_loss = _best(loss, [(a, 0.0) for a in L2[1:]] + [(0.0, b) for b in RATES[1:]])
        effect = paired(alone_loss, both_loss)
        evidence = f"best together {both}: {cell(both_loss)}; best alone {alone}: {cell(alone_loss)}; together {effect.words()}"
        findings.append(Finding((("data set", data),), effect.shows, evidence))
    return over_conditions(findings)


def run(lab: Lab) -> Outcome:
    numbers: dict[str, Any] = {}
    grids = {}
    for data, options in FEW_EXAMPLES:
        labels = [_label(a, b) for a in L2 for b in RATES]
        runs = lab.train(lab.data(data, **options), [_spec(a, b) for a in L2 for b in RATES], epochs=lab.epochs(EPOCHS))
        loss = {label: floats(runs.metric(label, "val_loss")) for label in labels}
        numbers[data] = {"val_loss": loss}
        grids[data] = np.array([[np.mean(loss[_label(a, b)]) for b in RATES] for a in L2])
    table = [["data set", "L2 \\ dropout", *(f"dropout {b:g}" for b in RATES)]]
    for data, m in numbers.items():
        for a in L2:
            table.append([data, f"L2 {a:g}", *(cell(m["val_loss"][_label(a, b)]) for b in RATES)])
    figures = [LessonFigure.draw(
        "grid", "Validation loss on the L2 × dropout grid", "Mean final validation loss over seeds for each pair "
        "(the lowest is framed). The top-left cell is the baseline; the top row is dropout alone, the left column "
        "L2 alone.",
        heatmap_panels([f"{a:g}" for a in L2], [f"{b:g}" for b in RATES], grids, "L2 strength", "dropout rate", "validation loss"))]
    return Outcome(numbers, table, figures)


LESSON = Lesson(
    name="dropout-with-l2",
    title="Dropout works well with L2",
    claim="Dropout can be particularly effective when used in conjunction with L2 regularization, as it can help to "
          "prevent the model from relying too heavily on any individual feature, even those with very small weights.",
    sources=("000",),
    experiment=f"On moons and circles (40 training rows), 100 epochs: every pair of L2 strength "
               f"({', '.join(f'{a:g}' for a in L2)}) and dropout rate ({', '.join(f'{b:g}' for b in RATES)}), same seeds.",
    look="Find the framed cell. If it lies inside the grid (both L2 and dropout on), the pair beats each technique "
         "alone; if it lies on the top row or left column, one technique alone was enough at these strengths. The "
         "verdict compares the best pair with the best single technique seed by seed.",
    run=run,
    judge=judge,
)
