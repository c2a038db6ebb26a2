"""RegularizationSearchCV: GridSearchCV's scores and layout from one batched training per fold."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_breast_cancer, make_regression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

from reglab import ReglabError
from reglab.sklearn import RegularizationSearchCV, RegularizedMLPClassifier, RegularizedMLPRegressor
from reglab.sklearn._results import one_standard_error_index, strength_ranks

CLF = RegularizedMLPClassifier(hidden="16x8", epochs=15, early_stopping=3, random_state=0)
GRID = {"l2": [1e-5, 1e-2], "dropout": [0, 0.5], "early_stopping": [None, 3]}
"""8 candidates, half with early stopping (an inner split), half without (all the fold's rows)."""


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X[:300], y[:300]


@pytest.mark.parametrize("scoring", [None, "neg_log_loss"])
def test_scores_equal_grid_search_over_the_same_estimator(cancer, scoring):
    X, y = cancer
    search = RegularizationSearchCV(CLF, GRID, cv=3, scoring=scoring).fit(X, y)
    grid = GridSearchCV(CLF, GRID, cv=3, scoring=scoring).fit(X, y)
    for k in range(3):
        np.testing.assert_allclose(search.cv_results_[f"split{k}_test_score"], grid.cv_results_[f"split{k}_test_score"], atol=1e-5)
    assert list(search.cv_results_["rank_test_score"]) == list(grid.cv_results_["rank_test_score"])
    assert search.best_params_ == grid.best_params_ and search.best_index_ == grid.best_index_
    assert search.best_score_ == pytest.approx(grid.best_score_, abs=1e-5)
    assert set(search.cv_results_) == set(grid.cv_results_)
    assert search.cv_results_["params"] == grid.cv_results_["params"]
    np.testing.assert_allclose(search.predict_proba(X), grid.predict_proba(X), atol=1e-5)


def test_long_runs_with_early_stopping_equal_grid_search_to_the_bit(cancer):
    """On the compiled fast path a model in a batch is the model alone, bit for bit, so even 150-epoch runs that stop
    early at different epochs score exactly as GridSearchCV's one-at-a-time fits (log loss: no rounding to hide in)."""
    from reglab.engine.compiled import load_kernels

    if load_kernels() is None:
        pytest.skip("numba is not importable: the batched path equals one-at-a-time fits to float tolerance only")
    X, y = cancer
    clf = RegularizedMLPClassifier(hidden="16x8", epochs=150, early_stopping=10, random_state=0)
    grid = {"l2": [1e-5, 1e-2], "dropout": [0, 0.5]}
    search = RegularizationSearchCV(clf, grid, cv=3, scoring="neg_log_loss").fit(X, y)
    reference = GridSearchCV(clf, grid, cv=3, scoring="neg_log_loss").fit(X, y)
    for k in range(3):
        np.testing.assert_array_equal(search.cv_results_[f"split{k}_test_score"], reference.cv_results_[f"split{k}_test_score"])


def test_regressor_with_a_splitter_and_pandas_input():
    X, y = make_regression(n_samples=150, n_features=4, noise=5.0, random_state=0)
    frame = pd.DataFrame(X, columns=list("abcd"))
    reg = RegularizedMLPRegressor(hidden=8, epochs=10, random_state=1)
    grid = {"l1": [0.0, 1e-2], "hidden": [8, "8x4"]}  # two architectures: two batched groups in each call
    cv = KFold(3, shuffle=True, random_state=0)
    search = RegularizationSearchCV(reg, grid, cv=cv, return_train_score=True).fit(frame, y)
    reference = GridSearchCV(reg, grid, cv=cv, return_train_score=True).fit(frame, y)
    for key in ("mean_test_score", "mean_train_score", "split2_test_score"):
        np.testing.assert_allclose(search.cv_results_[key], reference.cv_results_[key], atol=1e-5)
    assert list(search.best_estimator_.feature_names_in_) == list("abcd")


def test_curves_are_the_held_out_loss_for_candidates_without_early_stopping(cancer):
    X, y = cancer
    search = RegularizationSearchCV(CLF, GRID, cv=3, refit=False).fit(X, y)
    no_stop = [i for i, p in enumerate(search.cv_results_["params"]) if p["early_stopping"] is None]
    test_rows = [test for _, test in StratifiedKFold(3).split(X, y)]
    for i in no_stop:
        curve = search.curves_[i]["val_loss"]
        assert curve.shape == (3, 15) and np.isfinite(curve).all()
        params = search.cv_results_["params"][i]
        for k, rows in enumerate(test_rows):
            train = np.setdiff1d(np.arange(len(y)), rows)
            fitted = RegularizedMLPClassifier(**{**CLF.get_params(), **params}).fit(X[train], y[train])
            assert curve[k, -1] == pytest.approx(log_loss(y[rows], fitted.predict_proba(X[rows])), abs=1e-4)
    assert not hasattr(search, "best_estimator_")
    with pytest.raises(ReglabError, match="refit=False"):
        search.predict(X)


def test_held_out_validation_trains_on_every_fold_row(cancer):
    X, y = cancer
    clf = RegularizedMLPClassifier(hidden=8, epochs=40, early_stopping=2, random_state=0)
    search = RegularizationSearchCV(clf, {"l2": [1e-4, 1e-2]}, cv=3, validation="held_out", scoring="neg_log_loss").fit(X, y)
    for i in range(2):
        curve = search.curves_[i]["val_loss"]
        best = np.nanmin(curve, axis=1)  # restore_best: the score is the held-out loss at the best epoch
        np.testing.assert_allclose(-np.array([search.cv_results_[f"split{k}_test_score"][i] for k in range(3)]), best, rtol=1e-4)


def test_string_labels_and_a_logistic_candidate(cancer):
    X, y = cancer
    labels = np.where(y == 1, "benign", "malignant")
    clf = RegularizedMLPClassifier(hidden="none", batch_size="full", epochs=300, lr=0.1, random_state=0)
    search = RegularizationSearchCV(clf, {"l2": [1e-3, 1e-1]}, cv=3).fit(X, labels)
    assert set(search.predict(X)) <= {"benign", "malignant"} and list(search.classes_) == ["benign", "malignant"]
    assert search.cv_results_["mean_test_score"][0] > 0.85
    assert search.score(X, labels) == pytest.approx(search.best_estimator_.score(X, labels))
    # an independent reference: logistic regression's cross-validated accuracy on the same folds is close
    reference = GridSearchCV(LogisticRegression(max_iter=5000), {"C": [1 / (2 * 1e-3 * 200)]}, cv=3).fit(
        (X - X.mean(0)) / X.std(0), labels)
    assert abs(search.cv_results_["mean_test_score"][0] - reference.best_score_) < 0.05


def test_one_standard_error_rule_on_scripted_scores():
    params = [{"l2": 1e-4}, {"l2": 1e-3}, {"l2": 1e-2}, {"l2": 1e-1}]
    scores = np.array([[0.90, 0.92, 0.94], [0.93, 0.95, 0.97], [0.92, 0.94, 0.96], [0.80, 0.82, 0.84]])
    # best mean 0.95 with SE 0.02/sqrt(3) = 0.0115: 1e-2 (mean 0.94) is within and stronger; 1e-1 is not
    assert one_standard_error_index(scores, params, {"l2": 0.0}) == 2
    assert strength_ranks([{"max_norm": 1.0}, {"max_norm": None}, {"hidden": "8x4"}], {"max_norm": 3.0, "hidden": (64, 32)}) == [2 + 0, 0 + 0, 1 + 1]


def test_refit_one_se_picks_the_rule_and_refits_it(cancer):
    X, y = cancer
    search = RegularizationSearchCV(CLF, {"l2": [1e-5, 1e-3, 1e-1, 1.0]}, cv=3, refit="one_se").fit(X, y)
    scores = np.stack([search.cv_results_[f"split{k}_test_score"] for k in range(3)], axis=1)
    assert search.best_index_ == one_standard_error_index(scores, search.cv_results_["params"], CLF.get_params())
    assert search.best_estimator_.l2 == search.best_params_["l2"]
    assert search.top_index_ == int(np.argmax(search.cv_results_["mean_test_score"]))


def test_bad_settings_are_refused(cancer):
    X, y = cancer
    with pytest.raises(ReglabError, match="`estimator`: expected a RegularizedMLPClassifier"):
        RegularizationSearchCV(LogisticRegression(), {"C": [1.0]}).fit(X, y)
    with pytest.raises(ReglabError, match="`validation`"):
        RegularizationSearchCV(CLF, GRID, validation="test").fit(X, y)
    with pytest.raises(ReglabError, match="`refit`"):
        RegularizationSearchCV(CLF, GRID, refit="best").fit(X, y)
    with pytest.raises(ReglabError, match="variant key `dropout`"):
        RegularizationSearchCV(CLF, {"dropout": [2.0]}, cv=2).fit(X, y)
