"""Lessons `l2-shrinks` and `large-weights`: the size of the weights and the steepness of the learned function.

Both read the same runs on the few-examples data sets: the baseline, L2 at
three strengths and three other regularizers that change the weights'
size in other ways.  Steepness is the mean input-gradient norm of the logits
over the validation rows (:func:`reglab.lessons.measures.input_sensitivity`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from reglab.figures import plot_decision_boundaries
from reglab.lessons.common import EPOCHS, FEW_EXAMPLES, cell, floats
from reglab.lessons.lesson import Lesson, LessonFigure, Outcome
from reglab.lessons.measures import input_sensitivity, spectral_bound
from reglab.lessons.plots import line_panels, scatter_panels
from reglab.lessons.verdict import Finding, Verdict, decreasing, over_conditions, rank_correlation

if TYPE_CHECKING:  # the Lab lives with the lessons kind (reglab.experiments), which imports this package
    from reglab.experiments.lesson_lab import Lab, Runs

L2_GRID = (0.0, 1e-4, 1e-3, 1e-2)
OTHERS = {"dropout 0.3": "dropout=0.3", "max-norm 1": "max_norm=1", "weight decay 0.1": "weight_decay=0.1",
          "L1 1e-3": "l1=1e-3"}
TOLERANCE = 0.05
"""A mean may rise by up to 5% from one L2 strength to the next and still count as non-increasing (seed noise)."""
CORRELATION = 0.6
"""`large-weights`: the rank correlation between weight norm and sensitivity must reach 0.6."""


def _l2_label(strength: float) -> str:
    return "baseline" if strength == 0 else f"L2 {strength:g}"


def _variants() -> list[str]:
    grid = [f"{_l2_label(s)}:" + ("baseline" if s == 0 else f"l2={s:g}") for s in L2_GRID]
    return grid + [f"{label}:{spec}" for label, spec in OTHERS.items()]


def _measure(runs: Runs) -> dict[str, dict[str, list[float]]]:
    X = runs.dataset.X_val
    return {label: {
        "norm": floats(runs.metric(label, "weight_l2")),
        "exact_zero": floats(runs.metric(label, "exact_zero_fraction")),
        "sensitivity": [input_sensitivity(r, X) for r in runs[label]],
        "spectral": [spectral_bound(r) for r in runs[label]],
        "gap": floats(runs.metric(label, "generalization_gap")),
        "val_loss": floats(runs.metric(label, "val_loss")),
    } for label in runs.labels}


def _experiment(lab: Lab) -> tuple[dict[str, Any], dict[str, Runs]]:
    numbers, trained = {}, {}
    for data, options in FEW_EXAMPLES:
        runs = lab.train(lab.data(data, **options), _variants(), epochs=lab.epochs(EPOCHS))
        numbers[data], trained[data] = _measure(runs), runs
    return numbers, trained


def judge_l2(numbers: dict[str, Any]) -> Verdict:
    """Per data set, the claim shows when, over L2 strengths 0, 1e-4, 1e-3, 1e-2 (means over seeds):

    1. the weight norm never rises by more than 5% from one strength to the next
       and ends lower than the baseline's;
    2. the input sensitivity (mean input-gradient norm) does the same;
    3. no weight is exactly zero at any strength.

    ``numbers[data][label]`` holds ``norm``, ``sensitivity`` and ``exact_zero`` per seed.
    """
    findings = []
    for data, labels in numbers.items():
        rows = [labels[_l2_label(s)] for s in L2_GRID]
        norm = [float(np.mean(r["norm"])) for r in rows]
        sens = [float(np.mean(r["sensitivity"])) for r in rows]
        zeros = max(max(r["exact_zero"]) for r in rows)
        shrinks = decreasing(norm, tolerance=TOLERANCE) and norm[-1] < norm[0]
        smooths = decreasing(sens, tolerance=TOLERANCE) and sens[-1] < sens[0]
        shows = shrinks and smooths and zeros == 0.0
        evidence = (f"weight norm {' → '.join(f'{v:.3g}' for v in norm)}; input sensitivity "
                    f"{' → '.join(f'{v:.3g}' for v in sens)}; largest exact-zero share {zeros:.1%}")
        findings.append(Finding((("data set", data),), shows, evidence))
    return over_conditions(findings)


def judge_large(numbers: dict[str, Any]) -> Verdict:
    """Per data set, over every run of every variant, the claim shows when the
    rank correlation (Spearman) between the weight L2 norm and the input
    sensitivity is at least 0.6.

    ``numbers[data][label]`` holds ``norm`` and ``sensitivity`` per seed.
    """
    findings = []
    for data, labels in numbers.items():
        norm = [v for m in labels.values() for v in m["norm"]]
        sens = [v for m in labels.values() for v in m["sensitivity"]]
        gap = [v for m in labels.values() for v in m["gap"]]
        rho = rank_correlation(norm, sens)
        evidence = (f"rank correlation of weight norm with sensitivity {rho:.2f} over {len(norm)} runs "
                    f"(with the generalization gap: {rank_correlation(norm, gap):.2f})")
        findings.append(Finding((("data set", data),), bool(rho >= CORRELATION), evidence))
    return over_conditions(findings)


def _table(numbers: dict[str, Any], labels: list[str]) -> list[list[str]]:
    rows = [["data set", "variant", "weight norm ‖w‖₂", "input sensitivity", "spectral bound", "exact zeros %", "gap", "val loss"]]
    for data, measured in numbers.items():
        for label in labels:
            m = measured[label]
            rows.append([data, label, cell(m["norm"], ".2f"), cell(m["sensitivity"], ".2f"), cell(m["spectral"], ".3g"),
                         cell([100 * v for v in m["exact_zero"]], ".1f"), cell(m["gap"]), cell(m["val_loss"])])
    return rows


def run_l2(lab: Lab) -> Outcome:
    numbers, trained = _experiment(lab)
    grid = [_l2_label(s) for s in L2_GRID]
    norms = {data: {"weight norm": [m[label]["norm"] for label in grid]} for data, m in numbers.items()}
    sens = {data: {"input sensitivity": [m[label]["sensitivity"] for label in grid]} for data, m in numbers.items()}
    ticks = ["0"] + [f"{s:g}" for s in L2_GRID[1:]]
    first = FEW_EXAMPLES[0][0]
    l2_runs = [r for label in grid for r in trained[first][label]]
    figures = [
        LessonFigure.draw("norm", "Weight norm against L2 strength", "The L2 norm of all weight matrices, mean "
                          "(line) and seeds (dots): stronger L2, smaller weights.",
                          line_panels(L2_GRID, norms, "L2 strength λ", "‖w‖₂", xticks=ticks)),
        LessonFigure.draw("sensitivity", "Input sensitivity against L2 strength", "The mean norm of the logits' "
                          "gradient with respect to the input, over the validation rows: how steeply the learned "
                          "function changes. Smaller weights, a smoother function.",
                          line_panels(L2_GRID, sens, "L2 strength λ", "mean ‖∂f/∂x‖", xticks=ticks, logy=True)),
        LessonFigure.draw("boundaries", f"Decision boundaries on {first}", "What each L2 strength predicts over the "
                          "plane (first seed): the boundary gets smoother as λ grows.",
                          plot_decision_boundaries(l2_runs, trained[first].dataset)),
    ]
    return Outcome(numbers, _table(numbers, grid), figures)


def run_large(lab: Lab) -> Outcome:
    numbers, trained = _experiment(lab)
    labels = trained[FEW_EXAMPLES[0][0]].labels
    points = {data: {label: (m[label]["norm"], m[label]["sensitivity"]) for label in labels} for data, m in numbers.items()}
    figures = [LessonFigure.draw(
        "sensitivity-vs-norm", "Sensitivity against weight norm", "One dot per run (variant × seed): the weight L2 "
        "norm and the mean input-gradient norm of the logits. Dots rising to the right: larger weights, a steeper "
        "function.", scatter_panels(points, "weight norm ‖w‖₂", "mean ‖∂f/∂x‖"))]
    return Outcome(numbers, _table(numbers, labels), figures)


EXPERIMENT = ("The seed network on moons and circles with 40 training rows, 100 epochs: the baseline, L2 at 1e-4, "
              "1e-3 and 1e-2, dropout 0.3, max-norm 1, decoupled weight decay 0.1 and L1 1e-3, same seeds. Measured: "
              "the weight L2 norm, the mean input-gradient norm of the logits over the validation rows, and the "
              "product of the layers' spectral norms.")

L2_SHRINKS = Lesson(
    name="l2-shrinks",
    title="L2 makes weights smaller, not zero, and the function smoother",
    claim="In L2 regularization, the penalty term is the square of the weights, which encourages the model to use "
          "smaller weights overall, but doesn't necessarily force any to zero. This can help to smooth out the "
          "learned function and prevent overfitting.",
    sources=("000",),
    experiment=EXPERIMENT,
    look="Read the two line plots from left to right: as λ grows the weight norm falls, and so does the input "
         "sensitivity, the average steepness of the function the network learned. The exact-zero column stays at 0: "
         "the gradient of λw² is 2λw, which vanishes as w does, so L2 shrinks weights in proportion and never sets "
         "one to zero. The decision boundaries show the smoothing.",
    run=run_l2,
    judge=judge_l2,
)

LARGE_WEIGHTS = Lesson(
    name="large-weights",
    title="Large weights, an unstable network: small input changes, large output changes",
    claim="A network with large network weights can be a sign of an unstable network where small changes in the "
          "input can lead to large changes in the output.",
    sources=("001",),
    experiment=EXPERIMENT,
    look="Each dot is one trained network. If the claim holds, the dots rise from left to right: networks with "
         "larger weights have steeper functions. Different regularizers reach small weights in different ways "
         "(max-norm caps each unit, dropout spreads the weight), so the dots of one colour are a cloud, not a line.",
    run=run_large,
    judge=judge_large,
)
