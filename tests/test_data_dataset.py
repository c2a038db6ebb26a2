"""Dataset.from_arrays: splitting, stratification, standardization, label noise, errors."""

import json

import numpy as np
import pytest

from reglab.data import Dataset
from reglab.errors import ReglabError, ReglabWarning

SPLITS = ("train", "val", "test")


def toy(n=300, classes=(0, 1, 2), weights=(0.5, 0.3, 0.2), seed=0):
    rng = np.random.default_rng(seed)
    y = rng.choice(np.array(classes), size=n, p=weights)
    X = rng.normal(size=(n, 3)) * [1.0, 5.0, 0.1] + [10.0, -3.0, 0.0]
    X[:, 0] += y.astype(float) if np.issubdtype(np.asarray(classes).dtype, np.number) else 0
    return X, y


def rows_of(ds, X):
    """Map each split's rows back to indices of the raw X (rows are unique)."""
    raw = {tuple(np.round(r, 6)): i for i, r in enumerate(ds.transform(X).astype(np.float64))}
    return {s: [raw[tuple(np.round(r.astype(np.float64), 6))] for r in getattr(ds, f"X_{s}")] for s in SPLITS}


def test_split_sizes_and_dtypes():
    X, y = toy(n=300)
    ds = Dataset.from_arrays(X, y)
    assert (len(ds.y_train), len(ds.y_val), len(ds.y_test)) == (180, 60, 60)
    for s in SPLITS:
        assert getattr(ds, f"X_{s}").dtype == np.float32
        assert getattr(ds, f"y_{s}").dtype == np.int64
        assert getattr(ds, f"X_{s}").shape[1] == 3
    assert ds.task == "multiclass" and ds.n_classes == 3 and ds.n_outputs == 3 and not ds.is_2d
    assert ds.class_names == ("0", "1", "2")


def test_splits_are_disjoint_and_cover_all_rows():
    X, y = toy(n=200)
    ds = Dataset.from_arrays(X, y, seed=3)
    idx = rows_of(ds, X)
    together = idx["train"] + idx["val"] + idx["test"]
    assert sorted(together) == list(range(200))


@pytest.mark.parametrize("sizes", [(0.6, 0.2, 0.2), (0.5, 0.3, 0.2), (0.1, 0.2, 0.2), (0.8, 0.2, 0.0)])
def test_stratified_class_proportions_within_one_row(sizes):
    X, y = toy(n=437)
    ds = Dataset.from_arrays(X, y, train_size=sizes[0], val_size=sizes[1], test_size=sizes[2])
    share = np.bincount(y) / len(y)
    for s in SPLITS:
        ys = getattr(ds, f"y_{s}")
        if len(ys):
            assert np.all(np.abs(np.bincount(ys, minlength=3) - share * len(ys)) < 1), s


def test_fractions_below_one_discard_the_rest_and_counts_are_rows():
    X, y = toy(n=500)
    few = Dataset.from_arrays(X, y, train_size=0.1, val_size=0.2, test_size=0.2)
    assert (len(few.y_train), len(few.y_val), len(few.y_test)) == (50, 100, 100)
    counts = Dataset.from_arrays(X, y, train_size=30, val_size=40, test_size=0)
    assert (len(counts.y_train), len(counts.y_val), len(counts.y_test)) == (30, 40, 0)
    assert counts.X_test.shape == (0, 3)


def test_standardization_fitted_on_train_only():
    X, y = toy(n=400)
    ds = Dataset.from_arrays(X, y)
    np.testing.assert_allclose(ds.X_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(ds.X_train.std(axis=0), 1, atol=1e-4)
    assert np.all(np.abs(ds.X_val.mean(axis=0)) > 1e-4)  # val is transformed, not refitted
    raw_train = X[rows_of(ds, X)["train"]]
    np.testing.assert_allclose(ds.feature_mean, raw_train.mean(axis=0))
    np.testing.assert_allclose(ds.transform(X[:5]), (X[:5] - ds.feature_mean) / ds.feature_std, rtol=1e-5)


def test_standardize_false_keeps_raw_values():
    X, y = toy(n=100)
    ds = Dataset.from_arrays(X, y, standardize=False)
    assert np.allclose(ds.feature_mean, 0) and np.allclose(ds.feature_std, 1)
    assert ds.X_train[:, 0].mean() > 5


def test_constant_column_gets_std_one():
    X, y = toy(n=100)
    X[:, 1] = 7.0
    ds = Dataset.from_arrays(X, y)
    assert ds.feature_std[1] == 1.0 and np.all(ds.X_train[:, 1] == 0)


def test_determinism_in_seed():
    X, y = toy()
    a, b, c = (Dataset.from_arrays(X, y, seed=s) for s in (5, 5, 6))
    for s in SPLITS:
        assert np.array_equal(getattr(a, f"X_{s}"), getattr(b, f"X_{s}"))
        assert np.array_equal(getattr(a, f"y_{s}"), getattr(b, f"y_{s}"))
    assert not np.array_equal(a.X_train, c.X_train)


def test_label_noise_flips_training_labels_only():
    X, y = toy(n=500)
    clean = Dataset.from_arrays(X, y, seed=1)
    noisy = Dataset.from_arrays(X, y, seed=1, label_noise=0.2)
    assert np.array_equal(clean.X_train, noisy.X_train)
    assert np.sum(clean.y_train != noisy.y_train) == round(0.2 * len(clean.y_train))
    assert np.array_equal(clean.y_val, noisy.y_val) and np.array_equal(clean.y_test, noisy.y_test)


def test_label_noise_picks_other_classes_uniformly():
    X, y = toy(n=3000, weights=(1 / 3, 1 / 3, 1 / 3))
    clean = Dataset.from_arrays(X, y)
    noisy = Dataset.from_arrays(X, y, label_noise=1.0)
    assert np.all(clean.y_train != noisy.y_train)
    moved = (noisy.y_train - clean.y_train) % 3  # 1 or 2 steps, each about half the time
    assert 0.45 < np.mean(moved == 1) < 0.55


def test_regression_target_standardized_and_noise_scaled():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    y = 50 + 10 * X[:, 0] + rng.normal(size=400)
    ds = Dataset.from_arrays(X, y)
    assert ds.task == "regression" and ds.n_classes == 0 and ds.n_outputs == 1 and ds.class_names is None
    assert ds.y_train.dtype == np.float32
    assert abs(ds.y_train.mean()) < 1e-5 and abs(ds.y_train.std() - 1) < 1e-4
    np.testing.assert_allclose(ds.inverse_transform_target(ds.y_val), y[rows_of(ds, X)["val"]], rtol=1e-5)
    noisy = Dataset.from_arrays(X, y, label_noise=0.5)
    raw_diff = noisy.inverse_transform_target(noisy.y_train) - ds.inverse_transform_target(ds.y_train)
    assert 0.4 < raw_diff.std() / np.std(ds.inverse_transform_target(ds.y_train)) < 0.6
    assert np.allclose(noisy.inverse_transform_target(noisy.y_val), ds.inverse_transform_target(ds.y_val), atol=1e-3)


@pytest.mark.parametrize(
    ("y", "task"),
    [
        (np.arange(100) % 2, "binary"),
        (np.arange(100) % 4, "multiclass"),
        (np.arange(100) % 2 + 0.5, "regression"),
        (np.arange(100) % 30, "regression"),
        (np.where(np.arange(100) % 2, "cat", "dog"), "binary"),
        (np.array(["a", "b", "c", "d"] * 25), "multiclass"),
    ],
)
def test_task_inference(y, task):
    X = np.random.default_rng(0).normal(size=(100, 2))
    if task == "regression" and np.issubdtype(y.dtype, np.integer):  # many integers may be class ids: said so
        with pytest.warns(ReglabWarning, match="the target holds 30 distinct integers .* read as regression"):
            ds = Dataset.from_arrays(X, y)
    else:
        ds = Dataset.from_arrays(X, y)
    assert ds.task == task and ds.is_2d


def test_string_labels_encoded_with_names():
    X = np.random.default_rng(0).normal(size=(90, 2))
    y = np.array(["setosa", "virginica", "versicolor"] * 30)
    ds = Dataset.from_arrays(X, y)
    assert ds.class_names == ("setosa", "versicolor", "virginica")
    assert set(np.unique(ds.y_train)) == {0, 1, 2}


def test_forced_task():
    X = np.random.default_rng(0).normal(size=(100, 2))
    ds = Dataset.from_arrays(X, np.arange(100) % 2, task="regression")
    assert ds.task == "regression"
    with pytest.raises(ReglabError, match="exactly 2 classes. Got 3"):
        Dataset.from_arrays(X, np.arange(100) % 3, task="binary")
    with pytest.raises(ReglabError, match="non-integer"):
        Dataset.from_arrays(X, np.arange(100) + 0.5, task="multiclass")


def test_options_are_json_and_describe_mentions_sizes():
    X, y = toy()
    ds = Dataset.from_arrays(X, y, name="toy", train_size=0.5, val_size=0.25, test_size=0.25)
    assert json.loads(json.dumps(ds.options))["train_size"] == 0.5
    assert ds.options["task"] == "multiclass"
    text = ds.describe()
    assert "toy" in text and "150 train / 75 validation / 75 test" in text and "3 classes" in text
    assert "toy" in repr(ds) and "train=150" in repr(ds)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(X=np.zeros(10), y=np.zeros(10)), "X must be a 2-D array"),
        (dict(X=np.zeros((10, 2)), y=np.zeros(9)), "same number of rows. Got 10 rows in X and 9 in y"),
        (dict(X=np.array([[1, "a"]] * 10, dtype=object), y=np.arange(10) % 2), "column 1 holds the non-numeric value 'a'"),
        (dict(X=np.array([[1.0, np.nan], [np.inf, np.nan]] * 5), y=np.arange(10) % 2), r"15 NaN or infinite values \(column 0: 5, column 1: 10\)"),
        (dict(X=np.zeros((10, 2)), y=np.ones(10)), "only one class"),
        (dict(X=np.zeros((10, 2)), y=np.arange(10) % 2, train_size=-0.1), "The 'train_size' argument of Dataset.from_arrays must be an int in \\[0, inf\\) or a float in \\[0, 1\\]. Got -0.1"),
        (dict(X=np.zeros((10, 2)), y=np.arange(10) % 2, train_size=0.7, val_size=0.3, test_size=0.2), "at most 1.*Got 0.7 \\+ 0.3 \\+ 0.2 = 1.2"),
        (dict(X=np.zeros((10, 2)), y=np.arange(10) % 2, task="ordinal"), "The 'task' argument .* one of \\{'binary', 'multiclass', 'regression', None\\}. Got 'ordinal'"),
        (dict(X=np.zeros((10, 2)), y=np.arange(10) % 2, train_size=20), "ask for 20 \\+ 2 \\+ 2 = 24 rows .* only 10 rows"),
    ],
)
def test_errors_name_the_problem(kwargs, message):
    with pytest.raises(ReglabError, match=message):
        Dataset.from_arrays(**kwargs)


def test_too_few_rows_errors_give_the_numbers():
    X = np.zeros((12, 2))
    y = np.array([0] * 10 + [1] * 2)
    with pytest.raises(ReglabError, match="class '1' has 2 rows.*train / validation / test.*3 rows"):
        Dataset.from_arrays(X, y)
    with pytest.raises(ReglabError, match="training split needs at least 2 rows.*gives 1"):
        Dataset.from_arrays(np.zeros((5, 2)), np.arange(5) % 2, train_size=0.2, val_size=0.4, test_size=0.4)
    with pytest.raises(ReglabError, match="validation split would have 2 rows for 3 classes"):
        Dataset.from_arrays(np.zeros((20, 2)), np.arange(20) % 3, val_size=0.1)
    ok = Dataset.from_arrays(X, y, test_size=0, train_size=0.8)  # two splits need 2 rows per class
    assert set(ok.y_val) == {0, 1} and set(ok.y_train) == {0, 1}


def test_tiny_class_gets_a_row_in_every_split():
    y = np.array([0] * 95 + [1] * 2 + [2] * 3)
    ds = Dataset.from_arrays(np.random.default_rng(0).normal(size=(100, 2)), y, test_size=0, train_size=0.8)
    for s in ("train", "val"):
        assert set(getattr(ds, f"y_{s}")) == {0, 1, 2}


def test_transform_checks_columns_and_metadata_checks():
    X, y = toy(n=100)
    ds = Dataset.from_arrays(X, y)
    with pytest.raises(ReglabError, match="must have 3 columns.*Got 2"):
        ds.transform(np.zeros((4, 2)))
    with pytest.raises(ReglabError, match="feature_names must have one name per column of X \\(3\\). Got 2 names"):
        Dataset.from_arrays(X, y, feature_names=["a", "b"])
    with pytest.raises(ReglabError, match="image_shape"):
        Dataset.from_arrays(X, y, image_shape=(2, 2))
