"""Lessons `l1-sparsity` and `l1-feature-selection`: does L1 drive weights to exactly zero, and pick the features?

Both read the same runs: on two ``classification`` data sets with known
informative columns, the baseline, gradient L1 (``l1``) and proximal L1
(``prox``) at one strength, each under Adam and under SGD.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from reglab.lessons.common import EPOCHS, cell, floats
from reglab.lessons.lesson import Lesson, LessonFigure, Outcome
from reglab.lessons.plots import bar_panels
from reglab.lessons.verdict import AGREE, Finding, Verdict, over_conditions, paired
from reglab.run import Run
from reglab.sweeps.selection import feature_norms, first_layer

if TYPE_CHECKING:  # the Lab lives with the lessons kind (reglab.experiments), which imports this package
    from reglab.experiments.lesson_lab import Lab, Runs

STRENGTH = 3e-3
SOME_ZEROS = 0.01
""""Some weights exactly zero": at least 1% of the weights are exactly 0.0."""
SHARE_MARGIN = 0.1
"""L1 must cut the noise features' share of the norms by more than 10% of its value without L1."""
TOP_PRECISION = 0.8
"""The informative features must fill at least 80% of the top-k feature norms (k = their number)."""

DATA: tuple[tuple[str, dict[str, Any]], ...] = (
    ("3 of 10 informative", {"n_samples": 400, "n_features": 10, "n_informative": 3, "n_redundant": 0,
                             "train_size": 200, "seed": 0}),
    ("5 of 20 informative", {"n_samples": 400, "n_features": 20, "n_informative": 5, "n_redundant": 0,
                             "train_size": 200, "seed": 1}),
)
OPTIMIZERS = {"Adam": "adam", "SGD": "sgd"}
FORMS = {"none": "", "gradient L1": f"l1={STRENGTH:g}", "proximal L1": f"prox={STRENGTH:g}"}


def _label(form: str, optimizer: str) -> str:
    return f"{optimizer}, {'no L1' if form == 'none' else form}"


def _variants() -> list[str]:
    return [f"{_label(form, name)}:optimizer={key}" + (f",{spec}" if spec else "")
            for name, key in OPTIMIZERS.items() for form, spec in FORMS.items()]


def noise_share(run: Run, informative: tuple[int, ...]) -> float:
    """The share of the first layer's feature norms on the noise features: ``sum_noise ||W[i,:]|| / sum_all ||W[i,:]||``."""
    norms = feature_norms(first_layer(run))
    noise = np.setdiff1d(np.arange(norms.size), informative)
    return float(norms[noise].sum() / max(norms.sum(), 1e-12))


def top_precision(run: Run, informative: tuple[int, ...]) -> float:
    """The share of informative features among the ``k`` largest first-layer feature norms (``k`` = how many are informative)."""
    norms = feature_norms(first_layer(run))
    top = np.argsort(-norms, kind="stable")[: len(informative)]
    return float(np.isin(top, informative).mean())


def dropped_noise(run: Run, informative: tuple[int, ...]) -> float:
    """The share of the noise features whose first-layer row is exactly zero (dropped from the model)."""
    weights = first_layer(run)
    noise = np.setdiff1d(np.arange(weights.shape[0]), informative)
    return float(np.mean(np.all(weights[noise] == 0.0, axis=1))) if noise.size else 0.0


def _measure(runs: Runs, informative: tuple[int, ...]) -> dict[str, dict[str, list[float]]]:
    return {label: {
        "exact_zero": floats(runs.metric(label, "exact_zero_fraction")),
        "near_zero": floats(runs.metric(label, "near_zero_fraction")),
        "val_loss": floats(runs.metric(label, "val_loss")),
        "noise_share": [noise_share(r, informative) for r in runs[label]],
        "top_precision": [top_precision(r, informative) for r in runs[label]],
        "dropped_noise": [dropped_noise(r, informative) for r in runs[label]],
    } for label in runs.labels}


def _experiment(lab: Lab) -> dict[str, Any]:
    numbers = {}
    for data, options in DATA:
        ds = lab.data("classification", **options)
        runs = lab.train(ds, _variants(), epochs=lab.epochs(EPOCHS))
        numbers[data] = _measure(runs, ds.informative_features)
    return numbers


def judge_sparsity(numbers: dict[str, Any]) -> Verdict:
    """Per data set, L1 form and optimizer, the claim shows when at least 1% of all
    weights end exactly 0.0 in at least 80% of the seeds.

    ``numbers[data][label]["exact_zero"]`` is the exact-zero share per seed.
    """
    findings = []
    for data, labels in numbers.items():
        for optimizer in OPTIMIZERS:
            for form in ("gradient L1", "proximal L1"):
                zeros = np.asarray(labels[_label(form, optimizer)]["exact_zero"], dtype=float)
                near = labels[_label(form, optimizer)]["near_zero"]
                shows = float(np.mean(zeros >= SOME_ZEROS)) >= AGREE
                evidence = (f"{cell(100 * zeros, '.1f')}% of the weights exactly zero, "
                            f"{cell([100 * v for v in near], '.1f')}% below 1e-3")
                findings.append(Finding((("form", form), ("optimizer", optimizer), ("data set", data)), shows, evidence))
    return over_conditions(findings)


def judge_selection(numbers: dict[str, Any]) -> Verdict:
    """Per data set, L1 form and optimizer, the claim shows when both hold:

    1. the informative features hold the k largest first-layer feature norms
       (k = their number) for at least 80% of the top k, on average over seeds;
    2. the noise features' share of the first-layer feature norms is lower
       than without L1 (same optimizer, same seed) by more than 10% on average,
       and lower in at least 80% of the seeds.

    ``numbers[data][label]`` holds ``top_precision`` and ``noise_share`` per seed.
    """
    findings = []
    for data, labels in numbers.items():
        for optimizer in OPTIMIZERS:
            base = labels[_label("none", optimizer)]
            for form in ("gradient L1", "proximal L1"):
                measured = labels[_label(form, optimizer)]
                precision = float(np.mean(measured["top_precision"]))
                effect = paired(base["noise_share"], measured["noise_share"], margin=SHARE_MARGIN)
                shows = precision >= TOP_PRECISION and effect.shows
                evidence = (f"informative features fill {precision:.0%} of the top feature norms; the noise features' "
                            f"share of the norms is {cell(measured['noise_share'], '.2f')} against "
                            f"{cell(base['noise_share'], '.2f')} without L1; "
                            f"{cell([100 * v for v in measured['dropped_noise']], '.0f')}% of the noise features dropped exactly")
                findings.append(Finding((("form", form), ("optimizer", optimizer), ("data set", data)), shows, evidence))
    return over_conditions(findings)


def _table(numbers: dict[str, Any]) -> list[list[str]]:
    rows = [["data set", "variant", "exact zeros %", "below 1e-3 %", "noise share of norms", "top-k precision",
             "noise features dropped %", "val loss"]]
    for data, labels in numbers.items():
        for label, m in labels.items():
            rows.append([data, label, cell([100 * v for v in m["exact_zero"]], ".1f"), cell([100 * v for v in m["near_zero"]], ".1f"),
                         cell(m["noise_share"], ".2f"), cell(m["top_precision"], ".2f"),
                         cell([100 * v for v in m["dropped_noise"]], ".0f"), cell(m["val_loss"])])
    return rows


def run_sparsity(lab: Lab) -> Outcome:
    numbers = _experiment(lab)
    zeros = {data: {label: [100 * v for v in m["exact_zero"]] for label, m in labels.items()} for data, labels in numbers.items()}
    near = {data: {label: [100 * v for v in m["near_zero"]] for label, m in labels.items()} for data, labels in numbers.items()}
    figures = [
        LessonFigure.draw("exact-zeros", "Exactly-zero weights", "Share of all weights that are exactly 0.0 after "
                          "training (bars: mean ± std; dots: seeds). Gradient L1 leaves none under either optimizer; "
                          "the proximal step sets weights to zero.", bar_panels(zeros, "% of weights exactly zero", fmt=".1f")),
        LessonFigure.draw("near-zeros", "Weights below 1e-3", "Share of all weights with |w| < 1e-3. Gradient L1 "
                          "pushes many weights near zero without reaching it.", bar_panels(near, "% of weights with |w| < 1e-3", fmt=".1f")),
    ]
    return Outcome(numbers, _table(numbers), figures)


def run_selection(lab: Lab) -> Outcome:
    numbers = _experiment(lab)
    share = {data: {label: m["noise_share"] for label, m in labels.items()} for data, labels in numbers.items()}
    figures = [LessonFigure.draw(
        "noise-share", "Weight on the noise features", "The noise features' share of the first-layer feature norms "
        "(0: the network ignores them; the share of noise columns if it weighs all features alike).",
        bar_panels(share, "noise features' share of the first-layer norms", fmt=".2f"))]
    return Outcome(numbers, _table(numbers), figures)


EXPERIMENT = ("Two make_classification data sets (3 of 10 and 5 of 20 columns informative, no redundant ones, 200 "
              f"training rows), the seed network for 100 epochs: no L1, gradient L1 (l1={STRENGTH:g}) and proximal L1 "
              f"(prox={STRENGTH:g}, a soft-threshold step after each update), each under Adam (lr 0.01) and SGD "
              "(lr 0.01, momentum 0.9).")

SPARSITY = Lesson(
    name="l1-sparsity",
    title="L1 drives weights to exactly zero: only in its proximal form",
    claim="In L1 regularization, the penalty term is the absolute value of the weights, which forces the model to "
          "shrink some of the weights to zero, resulting in sparse models.",
    sources=("000", "002", "003"),
    experiment=EXPERIMENT,
    look="Compare the two bar charts. The gradient of |w| is ±λ whatever the size of w, so a weight near zero is "
         "pushed across zero and back at every step: it hovers near zero (many weights below 1e-3) but never lands "
         "on it. The proximal step sets a weight to exactly 0.0 when the step would cross zero, which is what the "
         "notes describe. Adam divides every gradient by its running size, so it moves small weights further than "
         "SGD does: more exact zeros with prox under Adam at the same λ.",
    run=run_sparsity,
    judge=judge_sparsity,
)

SELECTION = Lesson(
    name="l1-feature-selection",
    title="L1 identifies the informative features",
    claim="This can be helpful for feature selection, as it identifies which features are most important.",
    sources=("000",),
    experiment=EXPERIMENT,
    look="The data sets are built so the informative columns are known. Each input feature's weight is the norm of "
         "its row of the first weight matrix. Look at how much of that weight sits on the noise features with and "
         "without L1, and at the 'noise features dropped' column: only the proximal form removes a feature from "
         "the model outright.",
    run=run_selection,
    judge=judge_selection,
)
