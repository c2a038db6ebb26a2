"""load_dataset and dataset_catalog: named data sets, option checking, round trips."""

import json

import numpy as np
import pytest
from sklearn import datasets as skd
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from reglab.data import Dataset, dataset_catalog, load_dataset
from reglab.errors import ReglabError

ARRAYS = ("X_train", "y_train", "X_val", "y_val", "X_test", "y_test")
NAMES = [info.name for info in dataset_catalog()]


def same(a: Dataset, b: Dataset) -> bool:
    return all(np.array_equal(getattr(a, k), getattr(b, k)) for k in ARRAYS)


def test_catalog_lists_every_data_set_with_defaults():
    assert NAMES == ["moons", "circles", "spirals", "xor", "blobs", "classification",
                     "breast_cancer", "wine", "iris", "digits", "diabetes"]
    moons = dataset_catalog()[0]
    assert moons.options["noise"] == 0.25 and moons.options["n_samples"] == 1000 and moons.options["seed"] == 0
    assert moons.option_help["noise"].startswith("a float in [0, inf)")
    assert all(info.description and info.task in ("binary", "multiclass", "regression") for info in dataset_catalog())


@pytest.mark.parametrize("name", NAMES)
def test_every_data_set_loads_matches_its_catalog_task_and_round_trips(name):
    info = next(i for i in dataset_catalog() if i.name == name)
    ds = load_dataset(name)
    assert ds.name == name and ds.task == info.task
    assert set(info.options) == set(ds.options)
    assert json.loads(json.dumps(ds.options)) == ds.options
    assert same(ds, load_dataset(ds.name, **ds.options))
    assert ds.X_train.dtype == np.float32 and ds.X_train.shape[1] == ds.n_features == len(ds.feature_names)


@pytest.mark.parametrize("name", ["moons", "circles", "spirals", "xor", "blobs", "classification"])
def test_synthetic_defaults_and_seed(name):
    ds = load_dataset(name)
    assert len(ds.y_train) + len(ds.y_val) + len(ds.y_test) == 1000
    assert same(ds, load_dataset(name, seed=0))
    assert not np.array_equal(ds.X_train, load_dataset(name, seed=1).X_train)
    assert ds.is_2d == (name != "classification")


def test_noise_option_changes_the_data_not_the_sizes():
    small, big = load_dataset("spirals", noise=0.0), load_dataset("spirals", noise=1.0)
    assert len(small.y_train) == len(big.y_train)
    acc = [LogisticRegression().fit(d.X_train, d.y_train).score(d.X_val, d.y_val) for d in (small, big)]
    # spirals are not linearly separable; without noise the arms are exact, so 1-NN is near perfect
    knn = [KNeighborsClassifier(1).fit(d.X_train, d.y_train).score(d.X_val, d.y_val) for d in (small, big)]
    assert knn[0] > 0.97 and knn[1] < 0.8 and max(acc) < 0.8


def test_xor_labels_follow_the_quadrants():
    ds = load_dataset("xor", noise=0.0, standardize=False)
    assert np.array_equal(ds.y_train, (ds.X_train[:, 0] * ds.X_train[:, 1] > 0).astype(int))
    assert np.abs(ds.X_train).max() <= 1


def test_blobs_centers_set_the_classes():
    assert load_dataset("blobs").n_classes == 3
    two = load_dataset("blobs", centers=2)
    assert two.task == "binary" and two.n_outputs == 1


def test_classification_informative_features_are_the_informative_columns():
    ds = load_dataset("classification", n_samples=600, noise=0.0)
    informative, redundant = ds.informative_features, ds.redundant_features
    assert len(informative) == 4 and len(redundant) == 4 and not set(informative) & set(redundant)
    assert ds.feature_names == tuple(f"x{j}" for j in range(20))
    # independent reference: the unshuffled make_classification columns, permuted
    X_ref, _ = skd.make_classification(n_samples=600, n_features=20, n_informative=4, n_redundant=4,
                                       n_repeated=0, n_classes=2, flip_y=0.0, shuffle=False, random_state=0)
    raw = np.concatenate([getattr(ds, f"X_{s}") for s in ("train", "val", "test")]).astype(np.float64)
    raw = raw * ds.feature_std + ds.feature_mean
    sorted_ref = np.sort(X_ref, axis=0)

    def source_column(col):  # which unshuffled column has exactly these values
        hits = [j for j in range(20) if np.allclose(np.sort(raw[:, col]), sorted_ref[:, j], atol=1e-4)]
        assert len(hits) == 1
        return hits[0]

    assert sorted(source_column(c) for c in informative) == [0, 1, 2, 3]
    assert sorted(source_column(c) for c in redundant) == [4, 5, 6, 7]
    noise_cols = [j for j in range(20) if j not in informative and j not in redundant]

    def accuracy(cols):  # the classes sit on hypercube corners (not linear): use k-NN
        model = KNeighborsClassifier(5).fit(ds.X_train[:, cols], ds.y_train)
        return model.score(ds.X_val[:, cols], ds.y_val)

    assert accuracy(list(informative)) > 0.85 and accuracy(noise_cols) < 0.65


def test_classification_checks_its_option_combinations():
    with pytest.raises(ReglabError, match="'n_informative' and 'n_redundant' .* at most n_features=5. Got 4 \\+ 4 = 8"):
        load_dataset("classification", n_features=5)
    with pytest.raises(ReglabError, match="'n_classes' option of classification must be at most 8"):
        load_dataset("classification", n_classes=9)
    assert load_dataset("classification", n_classes=3).task == "multiclass"


def test_bundled_sets():
    digits = load_dataset("digits")
    assert digits.image_shape == (8, 8) and digits.n_features == 64 and digits.n_classes == 10
    assert digits.task == "multiclass" and digits.class_names[:2] == ("0", "1")
    diabetes = load_dataset("diabetes")
    assert diabetes.task == "regression" and diabetes.n_classes == 0 and diabetes.y_train.dtype == np.float32
    np.testing.assert_allclose(
        np.sort(np.concatenate([diabetes.inverse_transform_target(getattr(diabetes, f"y_{s}")) for s in ("train", "val", "test")])),
        np.sort(skd.load_diabetes().target), rtol=1e-5)
    cancer = load_dataset("breast_cancer")
    assert cancer.task == "binary" and cancer.class_names == ("malignant", "benign")
    assert cancer.feature_names[0] == "mean radius"
    assert load_dataset("iris").n_classes == 3 and load_dataset("wine").n_features == 13


def test_split_options_apply_to_named_sets():
    ds = load_dataset("moons", n_samples=200, train_size=0.1, val_size=0.2, test_size=0, label_noise=0.1)
    assert (len(ds.y_train), len(ds.y_val), len(ds.y_test)) == (20, 40, 0)
    clean = load_dataset("moons", n_samples=200, train_size=0.1, val_size=0.2, test_size=0)
    assert np.sum(clean.y_train != ds.y_train) == 2
    assert "label noise 0.1" in ds.describe()


def test_unknown_name_suggests_the_closest():
    with pytest.raises(ReglabError, match="Unknown data set 'mons'. Did you mean 'moons'\\? Known data sets: moons, circles"):
        load_dataset("mons")


def test_unknown_option_lists_the_valid_ones():
    with pytest.raises(ReglabError, match="Unknown option 'nois' for moons. Did you mean 'noise'\\? Valid options: n_samples, noise, train_size"):
        load_dataset("moons", nois=0.1)
    with pytest.raises(ReglabError, match="Valid options: train_size, val_size"):
        load_dataset("iris", n_samples=100)


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("moons", {"noise": -1.0}, "The 'noise' option of moons must be a float in [0, inf). Got -1.0 instead."),
        ("moons", {"n_samples": 5}, "The 'n_samples' option of moons must be an int in [10, inf). Got 5 instead."),
        ("moons", {"n_samples": 100.0}, "The 'n_samples' option of moons must be an int in [10, inf). Got 100.0 instead."),
        ("circles", {"factor": 1.0}, "The 'factor' option of circles must be a float in (0, 1). Got 1.0 instead."),
        ("iris", {"label_noise": 1.5}, "The 'label_noise' option of iris must be a float in [0, 1]. Got 1.5 instead."),
        ("xor", {"standardize": "yes"}, "The 'standardize' option of xor must be a bool. Got 'yes' instead."),
        ("xor", {"seed": -1}, "The 'seed' option of xor must be an int in [0, inf). Got -1 instead."),
        ("blobs", {"centers": 1}, "The 'centers' option of blobs must be an int in [2, 20]. Got 1 instead."),
    ],
)
def test_bad_values_in_sklearn_style(name, options, message):
    with pytest.raises(ReglabError) as err:
        load_dataset(name, **options)
    assert str(err.value) == message
