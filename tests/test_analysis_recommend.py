"""The recommendation: lowest mean validation loss, and what lies within one standard error of it."""

from __future__ import annotations

import math

from reglab.analysis import Stat, recommend
from reglab.analysis.summary import VariantSummary
from reglab.variant import Variant


def _summary(label: str, losses: list[float], diverged: float = 0.0) -> VariantSummary:
    return VariantSummary(
        label=label, variant=Variant(name=label), seeds=tuple(range(len(losses))),
        stats={"val_loss": Stat.of(losses), "diverged": Stat.of([diverged] * len(losses))},
    )


def test_the_lowest_mean_validation_loss_is_picked_with_its_ties_within_one_standard_error():
    summaries = [
        _summary("baseline", [0.40, 0.50, 0.45]),
        _summary("L2", [0.18, 0.20, 0.19]),  # mean 0.19, std 0.01, SE 0.01/sqrt(3) = 0.00577
        _summary("dropout", [0.195, 0.196, 0.194]),  # mean 0.195: within 0.19577
        _summary("L1", [0.20, 0.20, 0.20]),  # mean 0.20: outside
    ]
    pick = recommend(summaries)
    assert pick.best == "L2"
    assert math.isclose(pick.threshold, 0.19 + 0.01 / math.sqrt(3))
    assert pick.as_good == ("dropout",)
    assert pick.summary.startswith("Pick L2: the lowest mean validation loss, 0.190 ± 0.010 over 3 seeds.")
    assert "cannot tell it from: dropout." in pick.summary


def test_diverged_and_empty_variants_are_never_picked():
    summaries = [_summary("boom", [0.01], diverged=1.0), _summary("empty", [math.nan]), _summary("ok", [0.3])]
    pick = recommend(summaries)
    assert pick.best == "ok" and pick.as_good == ()
    assert recommend([_summary("empty", [math.inf])]) is None


def test_one_seed_has_no_standard_error():
    pick = recommend([_summary("a", [0.2]), _summary("b", [0.2000001])])
    assert pick.threshold == 0.2 and pick.as_good == ()
    assert "within one standard error" not in pick.summary
