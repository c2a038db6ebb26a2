"""Sweep rules without training: grids, the one-standard-error choice, regions, feature selection."""

from __future__ import annotations

import math

import numpy as np
import pytest

from reglab.errors import ReglabError
from reglab.sweeps.choice import Choice, choose_2d, one_standard_error, regions, standard_error
from reglab.sweeps.core import _ordered
from reglab.sweeps.grid import parse_grid
from reglab.sweeps.params import SWEEP_PARAMS, get_param
from reglab.sweeps.selection import feature_norms, kept_features, score_selection
from reglab.variant import Variant

# -- grids ---------------------------------------------------------------------------------


def test_log_grid_matches_numpy_logspace_and_includes_both_ends():
    values = parse_grid("1e-5:1e-1:log9", "l1")
    assert len(values) == 9
    np.testing.assert_allclose(values, np.logspace(-5, -1, 9), rtol=1e-11)
    assert values[0] == 1e-5 and values[-1] == 0.1


def test_lin_grid_is_clean_decimal_and_sorted():
    assert parse_grid("0:0.5:lin6", "dropout") == (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
    assert parse_grid("0.5:0:lin3", "dropout") == (0.0, 0.25, 0.5)


def test_list_grid_is_sorted_and_typed():
    assert parse_grid("1e-2, 1e-4,1e-3", "l2") == (1e-4, 1e-3, 1e-2)
    assert parse_grid([3, 1, 2.0], "max_norm") == (1.0, 2.0, 3.0)
    assert parse_grid("20,5,10", "early_stopping") == (5, 10, 20)
    assert all(isinstance(v, int) for v in parse_grid("20,5,10", "early_stopping"))


def test_integer_ranges_round_and_drop_repeats():
    assert parse_grid("8:128:log5", "hidden") == (8, 16, 32, 64, 128)
    assert parse_grid("1:3:lin5", "early_stopping") == (1, 2, 3)  # 1, 1.5, 2, 2.5, 3 -> 1, 2, 2, 2, 3


def test_hidden_sizes_in_a_list():
    assert parse_grid("64,8,16x16", "hidden") == (8, (16, 16), 64)


@pytest.mark.parametrize(
    "grid, param, fragment",
    [
        ("0:1e-1:log3", "l2", "log grid needs START > 0"),
        ("1e-3:1e-1:log1", "l2", "at least 2 points"),
        ("1e-3:1e-1:log999", "l2", "at most 200"),
        ("1e-3:1e-3:lin4", "l2", "START and STOP are equal"),
        ("1e-3:abc:lin4", "l2", "cannot read 'abc'"),
        ("1e-3:1e-2", "l2", "expected START:STOP:logN"),
        ("1e-3:1e-2:cubic4", "l2", "expected START:STOP:logN"),
        ("0.1", "l2", "at least 2 different values"),
        ("0.1,,0.2", "l2", "empty entry"),
        ("0.1,0.2,0.1", "l2", "given twice"),
        ("nan,1", "l2", "not a finite number"),
        ("5,7.5", "early_stopping", "takes integers"),
        ("16xa,8", "hidden", "layer sizes"),
        ("8x8:64:log3", "hidden", "single widths"),
    ],
)
def test_bad_grids_name_the_parameter_and_the_grid(grid, param, fragment):
    with pytest.raises(ReglabError) as caught:
        parse_grid(grid, param)
    message = str(caught.value)
    assert fragment in message and f"--param {param}" in message and repr(grid) in message


def test_unknown_parameter_suggests_the_close_one():
    with pytest.raises(ReglabError, match=r"Cannot sweep 'dropuot'.*Did you mean 'dropout'\?"):
        get_param("dropuot")


def test_every_sweep_parameter_is_a_variant_key_with_a_direction():
    for name, spec in SWEEP_PARAMS.items():
        assert hasattr(Variant(), name)
        assert spec.stronger in ("larger", "smaller")
    assert {n for n, s in SWEEP_PARAMS.items() if not s.larger_is_stronger} == {"max_norm", "early_stopping", "hidden"}


def test_grid_is_ordered_weak_to_strong_per_parameter():
    base = Variant()
    assert _ordered(get_param("l2"), (1e-4, 1e-3, 1e-2), base) == [1e-4, 1e-3, 1e-2]
    assert _ordered(get_param("max_norm"), (0.5, 1.0, 3.0), base) == [3.0, 1.0, 0.5]
    assert _ordered(get_param("early_stopping"), (5, 10, 50), base) == [50, 10, 5]
    # a single width sets every hidden layer of the base (two layers by default)
    assert _ordered(get_param("hidden"), (8, 64, (16, 8)), base) == [(64, 64), (16, 8), (8, 8)]
    assert _ordered(get_param("hidden"), (8, 64), Variant(hidden=(32, 32, 32))) == [(64, 64, 64), (8, 8, 8)]


# -- the one-standard-error rule ----------------------------------------------------------------


def test_standard_error_is_sample_std_over_sqrt_n():
    values = [0.2, 0.4, 0.9]
    assert standard_error(values) == pytest.approx(np.std(values, ddof=1) / math.sqrt(3))
    assert standard_error([0.3]) == 0.0
    assert standard_error([0.3, math.nan]) == 0.0
    assert math.isnan(standard_error([math.nan]))


def test_one_se_takes_the_strongest_point_within_one_error_of_the_best():
    means = [0.90, 0.50, 0.52, 0.545, 0.80]
    errors = [0.01, 0.03, 0.02, 0.02, 0.01]
    choice = one_standard_error(means, errors)
    assert choice.best == 1 and choice.threshold == pytest.approx(0.53)
    assert choice.chosen == 2  # 0.52 <= 0.53; 0.545 is not


def test_one_se_on_the_boundary_counts_as_within():
    choice = one_standard_error([0.5, 0.6, 0.7], [0.1, 0.0, 0.0])
    assert choice.chosen == 1  # 0.6 == 0.5 + 0.1


def test_one_se_skips_a_non_contiguous_point_only_if_outside():
    # the rule is ESL's: any point within the threshold counts, the strongest wins
    choice = one_standard_error([0.5, 0.7, 0.55, 0.9], [0.1, 0.0, 0.0, 0.0])
    assert choice.chosen == 2


def test_ties_for_the_best_go_to_the_stronger_point():
    choice = one_standard_error([0.6, 0.4, 0.4, 0.8], [0.0, 0.0, 0.0, 0.0])
    assert choice.best == 2 and choice.chosen == 2


def test_with_zero_error_the_choice_is_the_best():
    choice = one_standard_error([0.9, 0.3, 0.31], [0.0, 0.0, 0.0])
    assert choice.best == choice.chosen == 1


def test_diverged_points_are_never_chosen():
    choice = one_standard_error([0.5, math.nan, 0.45, math.nan], [0.1, math.nan, 0.1, math.nan])
    assert choice.best == 2 and choice.chosen == 2
    with pytest.raises(ValueError, match="every run diverged"):
        one_standard_error([math.nan, math.nan], [0.0, 0.0])


def test_direction_comes_from_the_order_weak_to_strong():
    """The rule works on points ordered weak → strong; for max_norm that is large → small values."""
    base = Variant()
    values = _ordered(get_param("max_norm"), (0.1, 0.3, 1.0, 3.0), base)  # [3, 1, 0.3, 0.1]
    val_loss = {3.0: 0.9, 1.0: 0.40, 0.3: 0.42, 0.1: 0.7}
    choice = one_standard_error([val_loss[v] for v in values], [0.03] * 4)
    assert values[choice.best] == 1.0 and values[choice.chosen] == 0.3  # the SMALLER max-norm is stronger


def test_regions_overfitting_left_underfitting_right():
    train = [0.01, 0.05, 0.20, 0.35, 0.69]
    val = [1.20, 0.60, 0.30, 0.31, 0.69]
    choice = one_standard_error(val, [0.05, 0.05, 0.02, 0.02, 0.0])
    assert regions(train, val, choice) == ["overfitting", "overfitting", "good", "good", "underfitting"]


def test_regions_need_their_evidence():
    # left of the best but with a smaller gap than at the best: not called overfitting
    train = [0.80, 0.20, 0.10]
    val = [0.90, 0.30, 0.60]  # right of the best with a LOWER training loss: not underfitting
    choice = one_standard_error(val, [0.0, 0.0, 0.0])
    assert regions(train, val, choice) == ["unclear", "good", "unclear"]
    assert regions([math.nan, 0.2, 0.1], [math.nan, 0.3, 0.6], one_standard_error([math.nan, 0.3, 0.6], [0, 0, 0]))[0] == "unclear"


def test_2d_choice_takes_the_largest_sum_of_strength_ranks():
    means = np.array([[0.9, 0.5, 0.52], [0.6, 0.51, 0.8], [0.9, 0.9, 0.9]])
    errors = np.full((3, 3), 0.02)
    best, chosen, threshold = choose_2d(means, errors)
    assert best == (0, 1) and threshold == pytest.approx(0.52)
    assert chosen == (1, 1)  # ranks 1+1 = 2 beats (0, 2) with 0+2 = 2 by the lower mean (0.51 < 0.52)


def test_2d_regions_use_the_sum_of_strength_ranks():
    """On a 2-D grid "weaker" and "stronger" than the best point compare rank sums; the 1-D evidence rules apply."""
    val = np.array([[1.00, 0.40, 0.35], [0.45, 0.30, 0.60], [0.36, 0.70, 0.69]])
    train = np.array([[0.01, 0.20, 0.25], [0.25, 0.25, 0.55], [0.33, 0.65, 0.69]])
    best, chosen, threshold = choose_2d(val, np.full((3, 3), 0.01))
    assert best == (1, 1) and chosen == (1, 1)
    choice = Choice(best=4, chosen=4, threshold=threshold)
    ranks = [i + j for i in range(3) for j in range(3)]
    words = np.array(regions(train.ravel(), val.ravel(), choice, ranks)).reshape(3, 3)
    assert words[1, 1] == "good"
    assert words[0, 0] == "overfitting"  # rank 0 < 2, gap 0.99 > 0.05
    assert words[0, 1] == "overfitting" and words[1, 0] == "overfitting"  # rank 1, gaps 0.20 and 0.20
    assert words[0, 2] == "unclear"  # rank 2 = the best's: neither weaker nor stronger
    assert words[2, 2] == "underfitting" and words[1, 2] == "underfitting" and words[2, 1] == "underfitting"
    assert words[2, 0] == "unclear"  # rank 2 again


# -- feature selection ---------------------------------------------------------------------------


def test_feature_norms_are_row_norms_of_the_first_layer():
    W = np.array([[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_allclose(feature_norms(W), [5.0, 0.0, 1.0])


def test_kept_features_use_the_relative_cut_and_the_floor():
    assert kept_features([5.0, 0.0, 1.0, 1.3]) == (0, 3)  # cut = 0.25 * 5 = 1.25
    assert kept_features([0.005, 0.008]) == ()  # all below the 0.01 floor: a dead network keeps nothing
    assert kept_features([0.0, 0.0]) == ()
    assert kept_features([1.0, 0.3], relative=0.2) == (0, 1)


def test_precision_and_recall_on_hand_made_weights():
    rng = np.random.default_rng(0)
    W = np.zeros((8, 16))
    W[[1, 4, 6]] = rng.normal(size=(3, 16))  # three live rows...
    W[2] = 1e-4  # ...one that jitters near zero (plain L1)
    kept = kept_features(feature_norms(W))
    assert kept == (1, 4, 6)
    score = score_selection(kept, informative=[1, 4, 5])
    assert score.precision == pytest.approx(2 / 3) and score.recall == pytest.approx(2 / 3)
    assert score.true_positives == (1, 4)
    assert score_selection([], [1, 2]).precision == 1.0 and score_selection([], [1, 2]).recall == 0.0
    assert score_selection([1, 2], [1, 2]).precision == score_selection([1, 2], [1, 2]).recall == 1.0
