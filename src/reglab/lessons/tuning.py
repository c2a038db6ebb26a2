"""Lesson `tune-strength`: too strong underfits, too weak overfits; the validation curve and the one-SE choice.

The sweeps' own analysis is used as is (:func:`reglab.sweeps.analyse`):
the one-standard-error choice and the over/underfitting regions of
:mod:`reglab.sweeps.choice`, and the validation-curve figure of
:mod:`reglab.sweeps.figures`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reglab.lessons.common import EPOCHS, FEW_EXAMPLES, cell
from reglab.lessons.lesson import Lesson, LessonFigure, Outcome
from reglab.lessons.verdict import Finding, Verdict, over_conditions
from reglab.sweeps import analyse, get_param
from reglab.sweeps.figures import plot_validation_curve
from reglab.variant import Variant

if TYPE_CHECKING:  # the Lab lives with the lessons kind (reglab.experiments), which imports this package
    from reglab.experiments.lesson_lab import Lab

GRIDS = {"l2": (1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0), "dropout": (0.0, 0.2, 0.4, 0.6, 0.8)}


def judge(numbers: dict[str, Any]) -> Verdict:
    """Per data set and parameter, over a grid from weak to strong, the claim
    shows when the sweep's rules (reglab sweep) mark the weakest value
    *overfitting* (weaker than the best, larger generalization gap, mean
    validation loss above the best + 1 standard error) and the strongest
    *underfitting* (stronger than the best, higher training loss, above the
    same threshold), so the one-standard-error choice lies strictly inside.

    ``numbers[data][param]`` holds ``regions`` (one word per grid value, weak → strong).
    """
    findings = []
    for data, params in numbers.items():
        for param, m in params.items():
            regions = m["regions"]
            shows = regions[0] == "overfitting" and regions[-1] == "underfitting"
            evidence = (f"regions {' · '.join(regions)} over {param} = {', '.join(f'{v:g}' for v in m['values'])}; "
                        f"one-SE choice {param} = {m['chosen']:g} (validation loss {m['chosen_loss']:.3f}, weakest "
                        f"{m['val_loss'][0]:.3f}, strongest {m['val_loss'][-1]:.3f})")
            findings.append(Finding((("parameter", param), ("data set", data)), shows, evidence))
    return over_conditions(findings)


def run(lab: Lab) -> Outcome:
    numbers: dict[str, Any] = {}
    figures = []
    table = [["data set", "parameter", "value", "train loss", "val loss", "gap", "region", "choice"]]
    base = Variant()
    for data, options in FEW_EXAMPLES:
        ds = lab.data(data, **options)
        numbers[data] = {}
        grids = {param: [base.replace(**get_param(param).changes(v, base)) for v in values] for param, values in GRIDS.items()}
        runs = lab.train(ds, [v for variants in grids.values() for v in variants], epochs=lab.epochs(EPOCHS))  # one batch
        for param, values in GRIDS.items():
            points = [run for variant in grids[param] for run in runs[variant.label]]
            result = analyse(ds, (get_param(param),), (values,), base, tuple(lab.seeds), points)
            numbers[data][param] = {
                "values": list(values), "regions": [p.region for p in result.points],
                "val_loss": [p.mean("val_loss") for p in result.points],
                "chosen": values[result.chosen], "chosen_loss": result.points[result.chosen].mean("val_loss"),
            }
            for point in result.points:
                mark = "one-SE choice" if point.index == result.chosen else ("lowest" if point.index == result.best else "")
                table.append([data, param, f"{point.values[0]:g}", cell([r.metrics["train_loss"] for r in result.runs_of(point.index)]),
                              cell([r.metrics["val_loss"] for r in result.runs_of(point.index)]),
                              cell([r.metrics["generalization_gap"] for r in result.runs_of(point.index)]), point.region or "", mark])
            figures.append(LessonFigure.draw(
                f"curve-{param}-{data}", f"Validation curve of {param} on {data}", "Training (dashed) and validation "
                "(solid) loss against the strength, mean ± std over seeds; red: the overfitting region, amber: the "
                "underfitting region, green line: the one-standard-error choice.", plot_validation_curve(result)))
    return Outcome(numbers, table, figures)


LESSON = Lesson(
    name="tune-strength",
    title="Strengths must be tuned: too strong underfits, too weak overfits",
    claim="However, it is important to tune the regularization strengths and dropout rates carefully to avoid "
          "underfitting or overfitting.",
    sources=("000",),
    experiment="On moons and circles (40 training rows), 100 epochs: L2 from 1e-5 to 1 (6 values, log scale) and "
               "dropout from 0 to 0.8, same seeds; the sweep's one-standard-error rule picks a value.",
    look="Read each validation curve from left to right. On the left the training loss is far below the validation "
         "loss: overfitting. On the right both losses rise together: the penalty or the dropout is so strong the "
         "network cannot fit even the training data. The choice sits in the valley between, at the strongest value "
         "whose validation loss is within one standard error of the lowest.",
    run=run,
    judge=judge,
)
