"""Verdict rules on scripted curves (no training), each threshold probed from both sides,
then one real check: a large baseline trained long on few samples overfits."""

from __future__ import annotations

import math

import numpy as np
import pytest

import reglab
from reglab import ReglabError, Run, Variant
from reglab.analysis import (
    GAP_RATIO,
    MIN_GAP,
    OVERFIT_RISE,
    TRAIN_FALL,
    UNDERFIT_CHANCE,
    UNDERFIT_MIN_EXCESS,
    UNDERFIT_REFERENCE,
    chance_loss,
    diagnose,
    diagnose_all,
    diagnose_curves,
)
from reglab.engine.network import Architecture

LOG2 = math.log(2)


def valley(minimum: float, end: float, n: int = 50, at: int = 20) -> list[float]:
    """A validation curve falling linearly to ``minimum`` at epoch ``at`` then rising linearly to ``end``."""
    down = np.linspace(minimum * 2, minimum, at)
    up = np.linspace(minimum, end, n - at + 1)[1:]
    return [*down, *up]


def falling(start: float, end: float, n: int = 50, at: int = 20) -> list[float]:
    """A training curve falling to ``start`` at epoch ``at``, then linearly to ``end``."""
    return [*np.linspace(start * 2, start, at), *np.linspace(start, end, n - at + 1)[1:]]


# -- overfitting: validation rise while training falls --------------------------------
@pytest.mark.parametrize("rise, kind", [(OVERFIT_RISE + 0.005, "overfits"), (OVERFIT_RISE - 0.005, "good fit")])
def test_overfit_rise_threshold(rise: float, kind: str) -> None:
    verdict = diagnose_curves("m", falling(0.40, 0.30), valley(0.40, 0.40 * (1 + rise)))
    assert verdict.kind == kind
    assert verdict.evidence["val_rise"] == pytest.approx(rise)
    assert verdict.evidence["min_val_epoch"] == 20


@pytest.mark.parametrize("fall, kind", [(TRAIN_FALL + 0.005, "overfits"), (TRAIN_FALL - 0.005, "good fit")])
def test_overfit_needs_the_training_loss_to_keep_falling(fall: float, kind: str) -> None:
    verdict = diagnose_curves("m", falling(0.40, 0.40 * (1 - fall)), valley(0.40, 0.60))
    assert verdict.kind == kind
    assert verdict.evidence["train_fall"] == pytest.approx(fall)


def test_overfit_summary_gives_the_numbers() -> None:
    verdict = diagnose_curves("baseline", falling(0.18, 0.05, n=500, at=41), valley(0.21, 0.29, n=500, at=41))
    assert verdict.kind == "overfits"
    assert verdict.summary.startswith(
        "overfits: its validation loss rose 38% from its minimum at epoch 41 (0.21) to 0.29 at epoch 500 "
        "while the training loss kept falling (0.18 → 0.05)."
    )


# -- overfitting: generalization gap --------------------------------------------------
@pytest.mark.parametrize("ratio, kind", [(GAP_RATIO + 0.05, "overfits"), (GAP_RATIO - 0.05, "good fit")])
def test_gap_ratio_threshold(ratio: float, kind: str) -> None:
    train = [0.5] * 30  # flat curves: no rise, no fall; gap = 0.5 * (ratio - 1) > MIN_GAP
    verdict = diagnose_curves("m", train, [0.5 * ratio] * 30)
    assert verdict.kind == kind
    assert verdict.evidence["gap_ratio"] == pytest.approx(ratio)


@pytest.mark.parametrize("gap, kind", [(MIN_GAP + 0.005, "overfits"), (MIN_GAP - 0.005, "good fit")])
def test_gap_must_also_be_large_in_absolute_terms(gap: float, kind: str) -> None:
    train = 0.02  # ratio far above GAP_RATIO either way
    verdict = diagnose_curves("m", [train] * 30, [train + gap] * 30)
    assert verdict.kind == kind
    if kind == "overfits":
        assert "generalization gap" in verdict.summary


# -- underfitting ---------------------------------------------------------------------
@pytest.mark.parametrize("share, kind", [(UNDERFIT_CHANCE + 0.01, "underfits"), (UNDERFIT_CHANCE - 0.01, "good fit")])
def test_underfit_chance_threshold(share: float, kind: str) -> None:
    loss = share * LOG2
    verdict = diagnose_curves("m", [loss] * 20, [loss * 1.01] * 20, chance_loss=LOG2)
    assert verdict.kind == kind
    if kind == "underfits":
        assert "constant prediction (0.693)" in verdict.summary


def test_underfit_chance_needs_both_losses_high() -> None:
    high, low = (UNDERFIT_CHANCE + 0.05) * LOG2, (UNDERFIT_CHANCE - 0.05) * LOG2
    assert diagnose_curves("m", [high] * 20, [low] * 20, chance_loss=LOG2).kind == "good fit"


@pytest.mark.parametrize("factor, kind", [(UNDERFIT_REFERENCE + 0.02, "underfits"), (UNDERFIT_REFERENCE - 0.02, "good fit")])
def test_underfit_reference_threshold(factor: float, kind: str) -> None:
    reference = 0.2  # excess = 0.2 * (factor - 1) ~ 0.1 > UNDERFIT_MIN_EXCESS
    loss = reference * factor
    verdict = diagnose_curves("m", [loss] * 20, [loss] * 20, reference_loss=reference, chance_loss=LOG2)
    assert verdict.kind == kind
    if kind == "underfits":
        assert "best validation loss of the variants compared (0.2)" in verdict.summary


@pytest.mark.parametrize("excess, kind", [(UNDERFIT_MIN_EXCESS + 0.005, "underfits"), (UNDERFIT_MIN_EXCESS - 0.005, "good fit")])
def test_underfit_reference_needs_an_absolute_excess(excess: float, kind: str) -> None:
    reference = 0.02  # factor far above UNDERFIT_REFERENCE either way
    loss = reference + excess
    assert diagnose_curves("m", [loss] * 20, [loss] * 20, reference_loss=reference).kind == kind


def test_underfitting_is_checked_before_overfitting() -> None:
    verdict = diagnose_curves("m", falling(0.68, 0.6), valley(0.68, 0.9), chance_loss=LOG2)
    assert verdict.kind == "underfits"


# -- diverged -------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_curve_diverges(bad: float) -> None:
    verdict = diagnose_curves("m", [0.6, 0.5, bad], [0.6, 0.5, 0.4])
    assert verdict.kind == "diverged"
    assert "epoch 3" in verdict.summary and verdict.evidence["diverged_epoch"] == 3


def test_diverged_flag_wins_over_finite_curves() -> None:
    assert diagnose_curves("m", [0.5] * 5, [0.5] * 5, diverged=True).kind == "diverged"


def test_empty_curves_are_refused() -> None:
    with pytest.raises(ReglabError, match="empty"):
        diagnose_curves("m", [], [])


# -- early stopping -------------------------------------------------------------------
def test_restored_weights_are_judged_at_the_kept_epoch() -> None:
    train, val = falling(0.40, 0.20, n=30, at=20), valley(0.40, 0.50, n=30, at=20)
    kept = diagnose_curves("es", train, val, epochs=500, kept_epoch=20)
    assert kept.kind == "good fit"
    assert kept.evidence["kept_epoch"] == 20 and kept.evidence["stopped_early"] == 1.0
    assert "Early stopping ended training at epoch 30 of 500 and restored the weights of epoch 20" in kept.summary
    assert "risen 25% above its level at epoch 20 (0.4)" in kept.summary and "470 epochs before" in kept.summary
    # the same curves without restoring: the final weights overfit
    assert diagnose_curves("es", train, val, epochs=500).kind == "overfits"


def test_early_stop_on_a_plateau_says_training_was_skipped() -> None:
    verdict = diagnose_curves("es", [0.3] * 15, [0.35] * 15, epochs=100, kept_epoch=10)
    assert verdict.kind == "good fit"
    assert "had stopped improving (at the stop it was 0.0% above its level at epoch 10)" in verdict.summary
    assert "85 planned epochs" in verdict.summary


def test_full_length_run_has_no_early_stopping_note() -> None:
    verdict = diagnose_curves("m", [0.3] * 15, [0.35] * 15, epochs=15)
    assert "Early stopping" not in verdict.summary and verdict.evidence["stopped_early"] == 0.0


# -- on runs --------------------------------------------------------------------------
def scripted_run(label: str, seed: int, train: list[float], val: list[float], *, diverged: bool = False, **settings) -> Run:
    history = {"train_loss": list(train), "val_loss": list(val), "val_acc": [0.9] * len(val)}
    best_epoch = float(np.argmin(np.where(np.isfinite(val), val, np.inf)) + 1)  # as early stopping with min_delta=0 finds it
    metrics = {"diverged": float(diverged), "val_loss": val[-1], "train_loss": train[-1], "best_epoch": best_epoch}
    return Run(Variant(name=label, **settings), seed, history, metrics, "binary", Architecture(2, (4,), 1), [])


def test_diagnose_averages_seeds_over_the_common_prefix() -> None:
    runs = [
        scripted_run("es", 0, [0.5, 0.4, 0.3, 0.2], [0.6, 0.5, 0.55, 0.7], early_stopping=2, epochs=10),
        scripted_run("es", 1, [0.5, 0.4, 0.3], [0.6, 0.5, 0.65], early_stopping=2, epochs=10),
    ]
    verdict = diagnose(runs)
    assert verdict.evidence["epochs_run"] == 3  # the shortest seed
    assert verdict.evidence["kept_epoch"] == 2  # restore_best: the (median) best epoch of the seeds
    assert verdict.evidence["val_loss"] == pytest.approx(0.5)
    assert "epochs 3–4 (by seed) of 10" in verdict.summary


def test_diagnose_names_the_restored_epochs_of_each_seed() -> None:
    runs = [
        scripted_run("es", 0, [0.5, 0.4, 0.3, 0.2, 0.1], [0.6, 0.5, 0.7, 0.8, 0.9], early_stopping=3, epochs=10),
        scripted_run("es", 1, [0.5, 0.4, 0.3, 0.2, 0.1], [0.6, 0.5, 0.4, 0.8, 0.9], early_stopping=3, epochs=10),
    ]
    verdict = diagnose(runs)
    assert "restored the weights of its best epochs (2–3 by seed)" in verdict.summary


def test_diagnose_with_one_diverged_seed() -> None:
    runs = [scripted_run("x", 0, [0.5, 0.4], [0.5, 0.45]), scripted_run("x", 1, [0.5, math.nan], [0.5, math.nan], diverged=True)]
    verdict = diagnose(runs)
    assert verdict.kind == "diverged"
    assert "1 of 2 seeds" in verdict.summary and "seed 1 at epoch 2" in verdict.summary


def test_diagnose_refuses_mixed_variants() -> None:
    with pytest.raises(ReglabError, match="ONE variant"):
        diagnose([scripted_run("a", 0, [0.5], [0.5]), scripted_run("b", 0, [0.5], [0.5])])


def test_diagnose_all_sets_the_reference_and_names_the_twin_without_early_stopping() -> None:
    train, val = falling(0.30, 0.10, n=40, at=20), valley(0.30, 0.45, n=40, at=20)
    runs = [
        scripted_run("base", 0, train, val, epochs=40),
        scripted_run("es", 0, train[:25], val[:25], epochs=40, early_stopping=5),
        scripted_run("weak", 0, [0.5] * 40, [0.52] * 40, epochs=40),
    ]
    verdicts = diagnose_all(runs)
    assert [v.label for v in verdicts] == ["base", "es", "weak"]
    assert [v.kind for v in verdicts] == ["overfits", "good fit", "underfits"]
    assert verdicts[2].evidence["reference_loss"] == pytest.approx(0.30)
    assert "Without early stopping, the same settings ('base') overfits" in verdicts[1].summary


def test_chance_loss() -> None:
    assert chance_loss("binary") == pytest.approx(LOG2)
    assert chance_loss("binary", np.array([0, 0, 0, 1])) == pytest.approx(-(0.75 * math.log(0.75) + 0.25 * math.log(0.25)))
    assert chance_loss("multiclass", n_classes=3) == pytest.approx(math.log(3))
    assert chance_loss("regression", np.array([-1.0, 1.0])) == pytest.approx(1.0)


# -- a real run -------------------------------------------------------------------------
def test_a_big_baseline_on_few_samples_overfits() -> None:
    ds = reglab.load_dataset("moons", n_samples=200, noise=0.3, train_size=0.3, seed=0)
    runs = reglab.train(ds, ["hidden=64x64,lr=0.02,batch_size=full"], seeds=[0, 1], epochs=80, progress=False)
    (verdict,) = diagnose_all(runs, dataset=ds)
    assert verdict.kind == "overfits", verdict.summary
    assert verdict.evidence["val_rise"] > OVERFIT_RISE
    assert verdict.summary.startswith("overfits: its validation loss rose")


def test_a_loss_that_explodes_is_unstable_not_underfitting():
    train = [0.7, 5e4, 2e6, 6e4]
    val = [0.7, 3e5, 7.8e17, 8e17]
    verdict = diagnose_curves("big lr", train, val, chance_loss=0.693)
    assert verdict.kind == "unstable"
    assert verdict.summary.startswith("unstable: its validation loss reached 8e+17 at epoch 4") and "Lower the learning rate" in verdict.summary
    calm = diagnose_curves("calm", [0.7, 0.69, 0.69], [0.7, 0.69, 0.7], chance_loss=0.693)
    assert calm.kind == "underfits"  # high but not exploding: still underfitting
