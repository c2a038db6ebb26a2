"""Dataset.from_splits: splits the caller chose, kept row for row."""

from __future__ import annotations

import numpy as np
import pytest

from reglab import Dataset, ReglabError


def test_rows_are_kept_in_order_and_standardized_on_the_training_split():
    rng = np.random.default_rng(0)
    X_train, X_val = rng.normal(3.0, 2.0, (30, 3)), rng.normal(0.0, 1.0, (7, 3))
    y_train, y_val = np.array(["b", "a"] * 15), np.array(["a"] * 7)
    ds = Dataset.from_splits((X_train, y_train), (X_val, y_val), task="binary")
    mean, std = X_train.mean(0), X_train.std(0)
    np.testing.assert_allclose(ds.X_train, (X_train - mean) / std, rtol=1e-6)
    np.testing.assert_allclose(ds.X_val, (X_val - mean) / std, rtol=1e-5)
    assert ds.class_names == ("a", "b")
    assert ds.y_train.tolist() == [1, 0] * 15 and ds.y_val.tolist() == [0] * 7
    assert ds.X_test.shape == (0, 3) and len(ds.y_test) == 0


def test_regression_target_standardized_with_the_training_rows():
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10.0) * 0.3 + 0.05  # non-integer values: inferred as regression
    ds = Dataset.from_splits((X[:8], y[:8]), (X[8:], y[8:]), test=(X[:2], y[:2]))
    assert ds.task == "regression"
    assert ds.target_mean == pytest.approx(y[:8].mean()) and ds.target_std == pytest.approx(y[:8].std())
    np.testing.assert_allclose(ds.inverse_transform_target(ds.y_val), y[8:], rtol=1e-6)
    assert len(ds.y_test) == 2


def test_bad_splits_are_refused_with_the_reason():
    X = np.zeros((4, 2))
    with pytest.raises(ReglabError, match="validation split is empty"):
        Dataset.from_splits((X, [0, 1, 0, 1]), (X[:0], []))
    with pytest.raises(ReglabError, match="2 columns of the training split. Got 3 columns in the validation"):
        Dataset.from_splits((X, [0, 1, 0, 1]), (np.zeros((2, 3)), [0, 1]))
    with pytest.raises(ReglabError, match="only one class"):
        Dataset.from_splits((X, [1, 1, 1, 1]), (X, [1, 1, 1, 1]), task="binary")
