"""reglab.sklearn's estimators: scikit-learn's own checks, parameters, data handling, references."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, make_regression
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import reglab
from reglab import Dataset, ReglabError, Variant
from reglab.sklearn import RegularizedMLPClassifier, RegularizedMLPRegressor
from reglab.sklearn._params import OWN_PARAMETERS

# 10 epochs keep scikit-learn's ~50 checks per estimator to seconds; the checks' own accuracy and R² bars still apply.
CHECKED = [
    RegularizedMLPClassifier(epochs=10, random_state=0),
    RegularizedMLPClassifier(epochs=10, hidden="16x8", l1=1e-3, dropout=0.2, batchnorm=True, max_norm=2.0, random_state=0),
    RegularizedMLPRegressor(epochs=10, random_state=0),
    RegularizedMLPRegressor(epochs=10, hidden=16, l2=1e-3, noise=0.1, random_state=0),
]


@parametrize_with_checks(CHECKED)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X[:240], y[:240]


def test_every_variant_key_is_a_parameter_with_the_variant_default():
    params = RegularizedMLPClassifier().get_params()
    assert set(params) == set(reglab.PARAMETERS) | set(OWN_PARAMETERS)
    default = Variant()
    assert all(params[key] == getattr(default, key) for key in reglab.PARAMETERS)
    assert "dropout" in RegularizedMLPRegressor.__doc__ and "validation_fraction" in RegularizedMLPRegressor.__doc__


def test_init_stores_and_fit_validates_with_reglab_messages(cancer):
    clf = RegularizedMLPClassifier(dropout=1.5, epochs=2)  # stored untouched
    assert clf.dropout == 1.5 and clone(clf).dropout == 1.5
    with pytest.raises(ReglabError, match=r"variant key `dropout`: expected a float in \[0, 1\).*Received: dropout=1.5"):
        clf.fit(*cancer)
    with pytest.raises(ReglabError, match="validation_fraction"):
        RegularizedMLPClassifier(early_stopping=3, validation_fraction=1.2, epochs=2).fit(*cancer)
    with pytest.raises(ReglabError, match="random_state"):
        RegularizedMLPClassifier(random_state=-1, epochs=2).fit(*cancer)
    with pytest.raises(TypeError):
        RegularizedMLPClassifier(dropuot=0.1)


def test_text_values_read_as_the_short_form(cancer):
    clf = RegularizedMLPClassifier(hidden="16x8x4", dropout="0.3/0.1/0", max_norm="none", epochs=2, random_state=0).fit(*cancer)
    assert clf.variant_.hidden == (16, 8, 4) and clf.variant_.dropout == (0.3, 0.1, 0.0) and clf.variant_.max_norm is None


def test_predictions_equal_reglab_trained_on_the_same_rows(cancer):
    X, y = cancer
    clf = RegularizedMLPClassifier(hidden=16, l1=1e-3, epochs=20, random_state=3).fit(X, y)
    ds = Dataset.from_splits((X, y), (X, y), task="binary")
    run = reglab.train(ds, ["hidden=16,l1=1e-3"], seeds=[3], epochs=20, progress=False)[0]
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], run.predict_proba(ds.transform(X))[:, 0], atol=1e-6)
    assert clf.history_["val_loss"] == clf.history_["train_loss"]  # no early stopping: the training rows stand in
    assert clf.n_iter_ == 20 and 1 <= clf.best_epoch_ <= 20


def test_early_stopping_holds_out_validation_fraction(cancer):
    X, y = cancer
    clf = RegularizedMLPClassifier(hidden=16, early_stopping=3, validation_fraction=0.25, epochs=200, random_state=0).fit(X, y)
    ds = Dataset.from_arrays(X, y, task="binary", train_size=0.75, val_size=0.25, test_size=0.0, seed=0)
    run = reglab.train(ds, ["hidden=16,early_stopping=3"], seeds=[0], epochs=200, progress=False)[0]
    assert clf.n_iter_ == run.metrics["stopped_epoch"] < 200
    assert clf.best_epoch_ == run.metrics["best_epoch"] == clf.n_iter_ - 3
    np.testing.assert_allclose(clf.history_["val_loss"], run.history["val_loss"], rtol=1e-6)


def test_logistic_model_with_l2_matches_scikit_learns_logistic_regression(cancer):
    """hidden=none + l2=λ minimizes mean BCE + λ‖w‖², LogisticRegression(C) minimizes C·Σ BCE + ½‖w‖²: C = 1/(2λn)."""
    X, y = cancer
    X = StandardScaler().fit_transform(X)
    lam = 1e-2
    clf = RegularizedMLPClassifier(hidden="none", l2=lam, batch_size="full", epochs=1500, lr=0.1, random_state=0).fit(X, y)
    reference = LogisticRegression(C=1 / (2 * lam * len(y)), tol=1e-10, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), reference.predict_proba(X), atol=2e-3)


def test_linear_model_with_l2_matches_ridge():
    """hidden=none + l2=λ on a standardized target minimizes mean (ŷ-y)² + λ‖w‖²: Ridge with alpha = λn on the same units."""
    X, y = make_regression(n_samples=120, n_features=5, noise=10.0, random_state=0)
    X = StandardScaler().fit_transform(X)
    lam = 0.05
    reg = RegularizedMLPRegressor(hidden="none", l2=lam, batch_size="full", epochs=1000, lr=0.1, random_state=0).fit(X, y)
    y_std = (y - y.mean()) / y.std()
    reference = Ridge(alpha=lam * len(y)).fit(X, y_std)
    np.testing.assert_allclose(reg.predict(X), reference.predict(X) * y.std() + y.mean(), atol=1e-2 * y.std())


def test_string_labels_pandas_input_pipeline_and_pickle(cancer):
    X, y = cancer
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(X.shape[1])])
    labels = pd.Series(np.where(y == 1, "benign", "malignant"))
    pipe = make_pipeline(StandardScaler(), RegularizedMLPClassifier(hidden=8, epochs=5, random_state=0)).fit(frame, labels)
    clf = pipe[-1]
    assert list(clf.classes_) == ["benign", "malignant"] and clf.n_features_in_ == X.shape[1]
    direct = RegularizedMLPClassifier(hidden=8, epochs=5, random_state=0).fit(frame, labels)
    assert list(direct.feature_names_in_) == list(frame.columns)
    assert set(pipe.predict(frame)) <= {"benign", "malignant"}
    again = pickle.loads(pickle.dumps(pipe))
    np.testing.assert_array_equal(again.predict_proba(frame), pipe.predict_proba(frame))
    three = np.array([0, 1, 2] * 80)
    multi = RegularizedMLPClassifier(hidden=8, epochs=5, random_state=0).fit(X, three)
    assert multi.predict_proba(X).shape == (240, 3) and list(multi.classes_) == [0, 1, 2]


def test_module_is_plain_torch_on_raw_columns_and_cross_val_score_runs(cancer):
    X, y = cancer
    clf = RegularizedMLPClassifier(hidden=8, epochs=5, random_state=0).fit(X, y)
    import torch

    with torch.no_grad():
        out = clf.module_(torch.as_tensor(X, dtype=torch.float32)).numpy()[:, 0]
    np.testing.assert_allclose(out, clf.predict_proba(X)[:, 1], rtol=1e-6)
    scores = cross_val_score(clf, X, y, cv=3)
    assert scores.shape == (3,) and (scores > 0.8).all()
