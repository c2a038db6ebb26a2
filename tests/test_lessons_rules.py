"""The lessons' verdict rules on scripted numbers: no training."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from reglab.lessons import (
    batchnorm, dropout_ensemble, dropout_l2, dropout_width, early_stopping, l1, overfitting, tuning, weight_decay, weights,
)
from reglab.lessons.lesson import SEED_FILES
from reglab.lessons.registry import LESSONS
from reglab.lessons.verdict import (
    DOES_NOT_HOLD, HOLDS, HOLDS_ONLY_WHEN, Finding, Verdict, condition_phrase, decreasing, over_conditions, paired,
    rank_correlation,
)

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def finding(shows: bool, **factors: str) -> Finding:
    return Finding(tuple(factors.items()), shows, "")


# -- the shared rules ------------------------------------------------------------------------


def test_over_conditions_names_the_three_kinds() -> None:
    assert over_conditions([finding(True, optimizer="SGD"), finding(True, optimizer="Adam")]).kind == HOLDS
    assert over_conditions([finding(False, optimizer="SGD"), finding(False, optimizer="Adam")]).text == DOES_NOT_HOLD
    only = over_conditions([finding(True, optimizer="SGD"), finding(False, optimizer="Adam")])
    assert only.kind == HOLDS_ONLY_WHEN and only.text == "holds only when the optimizer is SGD"
    with pytest.raises(ValueError):
        over_conditions([])
    with pytest.raises(ValueError, match="Verdict kind"):
        Verdict("maybe")


def test_condition_phrase_takes_the_simplest_description() -> None:
    one_factor_two_values = [finding(True, opt="SGD", data="a"), finding(True, opt="AdamW", data="a"),
                             finding(False, opt="Adam", data="a")]
    assert condition_phrase(one_factor_two_values) == "the opt is not Adam"  # naming what fails is shorter
    two_and_two = one_factor_two_values + [finding(False, opt="RMSprop", data="a")]
    assert condition_phrase(two_and_two) == "the opt is SGD or AdamW"  # a tie: name what shows
    pair = [finding(form == "prox" and opt == "Adam", form=form, opt=opt, data=data)
            for form in ("prox", "grad") for opt in ("Adam", "SGD") for data in ("a", "b")]
    assert condition_phrase(pair) == "form = prox and opt = Adam"
    all_but_prox_sgd = [finding(not (form == "prox" and opt == "SGD"), form=form, opt=opt, data=data)
                        for form in ("prox", "grad") for opt in ("Adam", "SGD") for data in ("a", "b")]
    assert condition_phrase(all_but_prox_sgd) == "it is not form = prox and opt = SGD"
    all_but_one = [finding(not (d == "c" and r == "drop"), d=d, r=r) for d in ("m", "c") for r in ("l2", "drop")]
    assert condition_phrase(all_but_one) == "it is not d = c, r = drop"


def test_paired_needs_the_sign_in_most_seeds_and_the_margin() -> None:
    assert paired([1.0, 1.0, 1.0], [0.9, 0.8, 0.95]).shows
    assert not paired([1.0, 1.0, 1.0], [0.9, 1.1, 0.95]).shows  # one seed of three disagrees: 67% < 80%
    assert paired([1.0] * 5, [0.9, 0.9, 0.9, 0.9, 1.05]).shows  # four of five agree
    assert not paired([1.0, 1.0, 1.0], [0.99, 0.99, 0.99], margin=0.05).shows  # 1% < the 5% margin
    nan = paired([1.0, 1.0], [math.nan, math.nan])
    assert not nan.shows and math.isnan(nan.mean)
    effect = paired([1.0, 2.0], [0.5, 1.0])
    assert effect.mean == pytest.approx(0.75) and effect.relative == pytest.approx(0.5)
    assert "lower in 2 of 2 seeds" in effect.words()
    with pytest.raises(ValueError):
        paired([1.0], [1.0, 2.0])


def test_rank_correlation_and_decreasing() -> None:
    assert rank_correlation([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert rank_correlation([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert math.isnan(rank_correlation([1, 2], [1, 2]))
    assert decreasing([3.0, 2.0, 2.05, 1.0], tolerance=0.05)
    assert not decreasing([3.0, 2.0, 2.5, 1.0], tolerance=0.05)


# -- each lesson's rule ------------------------------------------------------------------------


def test_overfitting_rule() -> None:
    def numbers(overfits: list[bool], l2: list[float], dropout: list[float]) -> dict:
        return {"overfits": overfits, "val_loss": {"baseline": [0.5, 0.5, 0.5], "L2 1e-3": l2, "dropout 0.3": dropout}}

    good = numbers([True] * 3, [0.3] * 3, [0.4] * 3)
    assert overfitting.judge({"moons": good, "circles": good}).kind == HOLDS
    mixed = numbers([True] * 3, [0.3] * 3, [0.6] * 3)
    assert overfitting.judge({"moons": good, "circles": mixed}).text == "holds only when it is not data set = circles, regularizer = dropout 0.3"
    no_overfit = numbers([False, False, True], [0.3] * 3, [0.4] * 3)
    assert overfitting.judge({"moons": no_overfit}).kind == DOES_NOT_HOLD


def _l1_numbers(zeros: dict[str, float], share: dict[str, float], top: float = 1.0) -> dict:
    labels = {}
    for optimizer in l1.OPTIMIZERS:
        for form in l1.FORMS:
            key = l1._label(form, optimizer)
            labels[key] = {"exact_zero": [zeros.get(form, 0.0)] * 3, "near_zero": [0.5] * 3,
                           "noise_share": [share.get(form, 0.6)] * 3, "top_precision": [top] * 3, "dropped_noise": [0.0] * 3}
    return {"data": labels}


def test_l1_rules() -> None:
    numbers = _l1_numbers({"proximal L1": 0.3}, {"none": 0.6, "gradient L1": 0.58, "proximal L1": 0.3})
    assert l1.judge_sparsity(numbers).text == "holds only when the form is proximal L1"
    assert l1.judge_selection(numbers).text == "holds only when the form is proximal L1"  # gradient: 3% < the 10% margin
    assert l1.judge_sparsity(_l1_numbers({}, {})).kind == DOES_NOT_HOLD
    assert l1.judge_selection(_l1_numbers({}, {"none": 0.6, "gradient L1": 0.3, "proximal L1": 0.3}, top=0.5)).kind == DOES_NOT_HOLD


def _weights_numbers(norms: list[float], sens: list[float], zeros: float = 0.0) -> dict:
    labels = {weights._l2_label(s): {"norm": [n] * 2, "sensitivity": [v] * 2, "exact_zero": [zeros] * 2, "gap": [n / 10] * 2}
              for s, n, v in zip(weights.L2_GRID, norms, sens)}
    return {"moons": labels}


def test_l2_and_large_weights_rules() -> None:
    assert weights.judge_l2(_weights_numbers([15, 12, 7, 4], [16, 14, 8, 2])).kind == HOLDS
    assert weights.judge_l2(_weights_numbers([15, 12, 7, 4], [16, 14, 8, 2], zeros=0.01)).kind == DOES_NOT_HOLD
    assert weights.judge_l2(_weights_numbers([15, 12, 7, 4], [16, 20, 8, 2])).kind == DOES_NOT_HOLD  # +43%: not decreasing
    assert weights.judge_large(_weights_numbers([15, 12, 7, 4], [16, 14, 8, 2])).kind == HOLDS
    assert weights.judge_large(_weights_numbers([15, 12, 7, 4], [2, 8, 14, 16])).kind == DOES_NOT_HOLD


def test_weight_decay_rule() -> None:
    def optimizer(factor_2: float, factor_1: float) -> dict:
        return {"factor_2": [factor_2] * 3, "factor_1": [factor_1] * 3}

    numbers = {"moons": {"SGD": optimizer(1e-6, 7e-2), "SGD with momentum 0.9": optimizer(0.26, 0.27), "Adam": optimizer(2.0, 2.0)}}
    assert weight_decay.judge(numbers).text == "holds only when the optimizer is SGD"
    numbers["moons"]["SGD"] = optimizer(1e-6, 1e-6)  # the factor 2 made no difference: not the claimed algebra
    assert weight_decay.judge(numbers).kind == DOES_NOT_HOLD


def test_dropout_ensemble_rule() -> None:
    E = dropout_ensemble
    loss = {E.BASELINE: [0.5] * 3, E.DROPOUT: [0.45] * 3, E.MC: [0.33] * 3, E.SHORT: [0.32] * 3, E.ENSEMBLE: [0.49] * 3}
    assert E.judge({"moons": {"val_loss": loss}}).text == "holds only when the prediction is the Monte Carlo average"
    loss[E.DROPOUT] = [0.33] * 3
    assert E.judge({"moons": {"val_loss": loss}}).kind == HOLDS


def test_dropout_width_rule() -> None:
    grows = {"gain": {"8": [0.0, 0.01, -0.01], "32": [0.1] * 3, "128": [0.2, 0.15, 0.3]}}
    shrinks = {"gain": {"8": [0.3] * 3, "32": [0.1] * 3, "128": [0.05] * 3}}
    assert dropout_width.judge({"moons": grows, "circles": shrinks}).text == "holds only when the data set is moons"


def test_dropout_with_l2_rule() -> None:
    def grid(best_pair: float) -> dict:
        loss = {dropout_l2._label(a, b): [0.5] * 3 for a in dropout_l2.L2 for b in dropout_l2.RATES}
        loss[dropout_l2._label(1e-3, 0.0)] = [0.35] * 3
        loss[dropout_l2._label(1e-2, 0.3)] = [best_pair] * 3
        return {"val_loss": loss}

    assert dropout_l2.judge({"moons": grid(0.30)}).kind == HOLDS
    assert dropout_l2.judge({"moons": grid(0.36)}).kind == DOES_NOT_HOLD


def test_early_stopping_rule() -> None:
    def data(stopped: int, restored_loss: float) -> dict:
        m = {"epochs": 150, "baseline": {"min_epoch": [20] * 3, "min_loss": [0.30] * 3, "final_loss": [0.5] * 3}}
        for p in early_stopping.PATIENCES:
            m[early_stopping._label(p)] = {"stopped": [stopped] * 3, "restored": [20] * 3, "restored_loss": [restored_loss] * 3}
        return m

    assert early_stopping.judge({"moons": data(40, 0.31)}).kind == HOLDS
    assert early_stopping.judge({"moons": data(150, 0.31)}).kind == DOES_NOT_HOLD  # never stopped
    assert early_stopping.judge({"moons": data(40, 0.40)}).kind == DOES_NOT_HOLD  # stopped far from the minimum


def test_batchnorm_spreads_and_rule() -> None:
    loss = {(lr, s): [lr * 10 + s, lr * 10 + s + 0.1] for lr in (0.1, 1.0) for s in (1.0, 2.0)}
    spread = batchnorm.spreads(loss)
    assert spread["seed"] == pytest.approx(0.1 / math.sqrt(2))
    assert spread["learning rate"] == pytest.approx(9 / math.sqrt(2))
    assert spread["initialization scale"] == pytest.approx(1 / math.sqrt(2))
    numbers = {"moons": {"spread": {"BN": {"seed": 0.01, "learning rate": 0.2}, "no BN": {"seed": 0.02, "learning rate": 0.1}}}}
    assert batchnorm.judge(numbers).text == "holds only when the source is seed"


def test_tuning_rule() -> None:
    def param(regions: list[str]) -> dict:
        return {"values": list(range(len(regions))), "regions": regions, "val_loss": [0.5] * len(regions),
                "chosen": 2, "chosen_loss": 0.3}

    numbers = {"moons": {"l2": param(["overfitting", "good", "good", "underfitting"]),
                         "dropout": param(["overfitting", "good", "good", "good"])}}
    assert tuning.judge(numbers).text == "holds only when the parameter is l2"


# -- the lessons themselves ------------------------------------------------------------------------


def test_every_lesson_quotes_a_seed_file() -> None:
    assert len(LESSONS) >= 11
    for lesson in LESSONS.values():
        assert lesson.claim and lesson.rule and lesson.look and lesson.experiment
        assert all(name in SEED_FILES.values() for name in lesson.source_files)


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="the seed notes are not beside this checkout")
def test_every_claim_is_quoted_word_for_word() -> None:
    texts = {number: " ".join((SEEDS_DIR / name).read_text(encoding="utf-8").replace("**", "").split())
             for number, name in SEED_FILES.items()}  # markdown bold left out
    for lesson in LESSONS.values():
        claim = " ".join(lesson.claim.split())
        assert any(claim in texts[s] for s in lesson.sources), f"{lesson.name}: the claim is not in {lesson.source_files}"


def test_bar_panels_name_each_bar_by_its_own_label() -> None:
    from reglab.lessons.plots import bar_panels

    figure = bar_panels({"data": {"small": [1.0, 1.0], "large": [5.0, 5.0], "middle": [3.0, 3.0]}}, "value")
    ax = figure.axes[0]
    width_at = {round(bar.get_y() + bar.get_height() / 2): bar.get_width() for bar in ax.patches}
    label_at = {round(tick.get_position()[1]): tick.get_text() for tick in ax.get_yticklabels()}
    assert {label_at[y]: width_at[y] for y in width_at} == {"small": 1.0, "large": 5.0, "middle": 3.0}
