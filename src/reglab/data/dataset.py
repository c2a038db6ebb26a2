"""`Dataset`: a data set split into train / validation / test and standardized.

Every model in reglab reads the same frozen :class:`Dataset`:

* ``X_*`` are float32 arrays of shape (n, n_features), standardized as
  ``(X_raw - feature_mean) / feature_std`` with the mean and std of the
  TRAINING split only (a constant column gets std 1).
* ``y_*`` are int64 class codes 0..C-1 for ``"binary"`` and ``"multiclass"``,
  and float32 for ``"regression"``, where the target is standardized the same
  way: ``y = (y_raw - target_mean) / target_std`` (map predictions back with
  :meth:`Dataset.inverse_transform_target`).
* ``options`` holds the resolved options, so ``load_dataset(ds.name,
  **ds.options)`` rebuilds identical arrays.

Build one from a name with :func:`reglab.data.load_dataset`, or from your own
arrays with :meth:`Dataset.from_arrays`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from reglab.data import _checks, _split
from reglab.data._checks import Task
from reglab.data._options import resolve_options
from reglab.errors import ReglabError


@dataclass(frozen=True, eq=False, kw_only=True)
class Dataset:
    """A split, standardized data set (see the module docstring for the conventions).

    ``n_classes`` is 0 for regression; ``n_outputs`` is 1 for binary and
    regression (one logit / one value) and C for multiclass.
    ``target_mean`` / ``target_std`` are ``None`` for classification.
    """

    name: str
    task: Task
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] | None
    feature_mean: np.ndarray
    feature_std: np.ndarray
    target_mean: float | None = None
    target_std: float | None = None
    informative_features: tuple[int, ...] | None = None
    redundant_features: tuple[int, ...] | None = None
    image_shape: tuple[int, int] | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def n_features(self) -> int:
        return self.X_train.shape[1]

    @property
    def n_classes(self) -> int:
        """Number of classes; 0 for regression."""
        return 0 if self.class_names is None else len(self.class_names)

    @property
    def n_outputs(self) -> int:
        """Network outputs: 1 for binary (one logit) and regression, C for multiclass."""
        return self.n_classes if self.task == "multiclass" else 1

    @property
    def is_2d(self) -> bool:
        return self.n_features == 2

    def transform(self, X_raw: Any) -> np.ndarray:
        """Standardize raw inputs like the stored splits: ``(X_raw - feature_mean) / feature_std`` as float32."""
        X = _checks.check_X(X_raw, self.feature_names)
        if X.shape[1] != self.n_features:
            raise ReglabError(
                f"X_raw must have {self.n_features} columns like {self.name!r}. Got {X.shape[1]} columns instead."
            )
        return ((X - self.feature_mean) / self.feature_std).astype(np.float32)

    def inverse_transform_target(self, y: Any) -> np.ndarray:
        """Map standardized regression targets/predictions back: ``y * target_std + target_mean``."""
        if self.task != "regression":
            raise ReglabError(f"inverse_transform_target is for regression; {self.name!r} is {self.task}.")
        return np.asarray(y, dtype=np.float64) * self.target_std + self.target_mean

    def describe(self) -> str:
        """A one-paragraph human summary: task, split sizes, features, class balance."""
        sizes = f"{len(self.y_train)} train / {len(self.y_val)} validation / {len(self.y_test)} test rows"
        names = ", ".join(self.feature_names[:6]) + (", ..." if self.n_features > 6 else "")
        text = f"{self.name}: {self.task} task, {sizes}, {self.n_features} features ({names})"
        if self.image_shape is not None:
            text += f" forming {self.image_shape[0]}x{self.image_shape[1]} images"
        if self.class_names is not None:
            y_all = np.concatenate([self.y_train, self.y_val, self.y_test])
            shares = np.bincount(y_all, minlength=self.n_classes) / len(y_all)
            balance = ", ".join(f"{n} {s:.0%}" for n, s in zip(self.class_names, shares))
            text += f"; {self.n_classes} classes ({balance})"
        else:
            text += f"; target mean {self.target_mean:.4g}, std {self.target_std:.4g} (training split)"
        if self.informative_features is not None:
            text += f"; {len(self.informative_features)} informative features"
        noise = self.options.get("label_noise", 0.0)
        if noise:
            text += f"; label noise {noise:g} on the training split"
        return text + "."

    def __repr__(self) -> str:
        return (
            f"Dataset(name={self.name!r}, task={self.task!r}, n_features={self.n_features}, "
            f"train={len(self.y_train)}, val={len(self.y_val)}, test={len(self.y_test)})"
        )

    @classmethod
    def from_arrays(
        cls,
        X: Any,
        y: Any,
        *,
        name: str = "arrays",
        task: Task | None = None,
        train_size: float | int = 0.6,
        val_size: float | int = 0.2,
        test_size: float | int = 0.2,
        label_noise: float = 0.0,
        standardize: bool = True,
        seed: int = 0,
        feature_names: Sequence[str] | None = None,
        class_names: Sequence[str] | None = None,
        informative_features: Sequence[int] | None = None,
        redundant_features: Sequence[int] | None = None,
        image_shape: tuple[int, int] | None = None,
    ) -> Dataset:
        """Split and standardize arrays ``X`` (n, d) and ``y`` (n,) into a :class:`Dataset`.

        Args:
            X: numeric features, shape (n_samples, n_features), no NaN/inf.
            y: targets: class labels (ints, bools or strings) or real values.
            task: ``"binary"``, ``"multiclass"``, ``"regression"`` or ``None``
                (inferred: non-integer floats or > 20 distinct integers → regression,
                2 classes → binary, 3+ → multiclass).
            train_size, val_size, test_size: fractions of all rows summing to at
                most 1 (the rest is discarded) or row counts; defaults 0.6/0.2/0.2.
                Stratified by class for classification.
            label_noise: p in [0, 1]; classification flips ``round(p × n_train)``
                training labels to another class drawn uniformly; regression adds
                N(0, (p × std(y_train))²) to training targets.  Validation and test
                are never touched.
            standardize: standardize X (and a regression target) with the
                training split's mean and std; ``False`` keeps raw values
                (mean 0, std 1 are stored).
            seed: drives the split and the label noise.
            class_names: names of the classes in sorted label order (default:
                the labels as text).
        """
        opts = resolve_options(
            _split.SPLIT_OPTIONS,
            dict(train_size=train_size, val_size=val_size, test_size=test_size, label_noise=label_noise,
                 standardize=standardize, task=task, seed=seed),
            who="Dataset.from_arrays", noun="argument",
        )
        X_arr = _checks.check_X(X, feature_names)
        n_rows, n_features = X_arr.shape
        names = _feature_names(feature_names, n_features)
        y_arr = _checks.check_y(y, n_rows)
        task_ = opts["task"] or _checks.infer_task(y_arr)
        counts = _split.split_counts(n_rows, (opts["train_size"], opts["val_size"], opts["test_size"]))
        split_rng = np.random.default_rng(opts["seed"])
        noise_rng = np.random.default_rng([opts["seed"], 1])
        if task_ == "regression":
            if class_names is not None:
                raise ReglabError("class_names must be None for a regression task.")
            targets = _checks.check_regression_target(y_arr)
            classes = None
            parts = _split.plain_split(n_rows, counts, split_rng)
        else:
            targets, classes = _checks.encode_labels(y_arr, task_, class_names)
            parts = _split.stratified_split(targets, counts, split_rng, classes)
        Xs = [X_arr[p] for p in parts]
        ys = [targets[p] for p in parts]
        if opts["label_noise"] > 0:
            ys[0] = (_split.jitter_targets(ys[0], opts["label_noise"], noise_rng) if classes is None
                     else _split.flip_labels(ys[0], len(classes), opts["label_noise"], noise_rng))
        opts["task"] = task_
        return cls._standardized(
            name, task_, Xs, ys, classes, names, opts,
            informative_features=_indices(informative_features, n_features, "informative_features"),
            redundant_features=_indices(redundant_features, n_features, "redundant_features"),
            image_shape=_image_shape(image_shape, n_features),
        )

    @classmethod
    def from_splits(
        cls,
        train: tuple[Any, Any],
        val: tuple[Any, Any],
        test: tuple[Any, Any] | None = None,
        *,
        task: Task | None = None,
        name: str = "arrays",
        standardize: bool = True,
        feature_names: Sequence[str] | None = None,
        class_names: Sequence[str] | None = None,
    ) -> Dataset:
        """A :class:`Dataset` from splits the caller has already chosen: ``(X, y)`` pairs, rows kept as given.

        Nothing is shuffled, split or dropped, so ``X_train`` is exactly the
        training rows given (standardized).  This is how an estimator trains on
        the rows it is handed (:mod:`reglab.sklearn`).  Standardization uses the
        training split's mean and std as in :meth:`from_arrays`; class labels
        are encoded over the three splits together (sorted order), the task is
        inferred from all targets when ``task`` is ``None``.  ``test`` may be
        omitted (an empty test split).  The training split needs at least one
        row and the validation split too (the engine evaluates it every epoch).
        """
        opts = resolve_options(
            _split.SPLIT_OPTIONS, dict(standardize=standardize, task=task),
            who="Dataset.from_splits", noun="argument",
        )
        pairs = [train, val, test]
        Xs = [_checks.check_X(pair[0], feature_names) if pair is not None else None for pair in pairs]
        n_features = Xs[0].shape[1]
        Xs[2] = Xs[2] if Xs[2] is not None else np.empty((0, n_features))
        for split, X_split in zip(_split.SPLITS, Xs):
            if X_split.shape[1] != n_features:
                raise ReglabError(
                    f"Every split must have the {n_features} columns of the training split. "
                    f"Got {X_split.shape[1]} columns in the {split} split instead."
                )
        ys = [_checks.check_y(pair[1], len(X_split)) if pair is not None else None for pair, X_split in zip(pairs, Xs)]
        for split, X_split in zip(_split.SPLITS[:2], Xs):
            if len(X_split) == 0:
                raise ReglabError(f"The {split} split is empty: Dataset.from_splits needs at least one {split} row.")
        sizes = [len(X_split) for X_split in Xs]
        y_all = np.concatenate([y for y in ys if y is not None])
        task_ = opts["task"] or _checks.infer_task(y_all)
        if task_ == "regression":
            targets, classes = _checks.check_regression_target(y_all), None
        else:
            targets, classes = _checks.encode_labels(y_all, task_, class_names)
        cuts = np.cumsum(sizes)[:-1]
        opts.update(task=task_, train_size=sizes[0], val_size=sizes[1], test_size=sizes[2])
        return cls._standardized(name, task_, Xs, np.split(targets, cuts), classes,
                                 _feature_names(feature_names, n_features), opts)

    @classmethod
    def _standardized(
        cls, name: str, task: Task, Xs: list[np.ndarray], ys: list[np.ndarray],
        classes: tuple[str, ...] | None, names: tuple[str, ...], opts: dict[str, Any], **extras: Any,
    ) -> Dataset:
        """The three splits standardized with the training split's statistics (when ``opts["standardize"]``)."""
        n_features = Xs[0].shape[1]
        mean, std = np.zeros(n_features), np.ones(n_features)
        if opts["standardize"]:
            mean, std = Xs[0].mean(axis=0), Xs[0].std(axis=0)
            std = np.where(std > 0, std, 1.0)
        target_mean = target_std = None
        if classes is None:
            target_mean, target_std = 0.0, 1.0
            if opts["standardize"]:
                target_mean, target_std = float(ys[0].mean()), float(ys[0].std()) or 1.0
            ys = [((t - target_mean) / target_std).astype(np.float32) for t in ys]
        return cls(
            name=name, task=task,
            X_train=((Xs[0] - mean) / std).astype(np.float32), y_train=ys[0],
            X_val=((Xs[1] - mean) / std).astype(np.float32), y_val=ys[1],
            X_test=((Xs[2] - mean) / std).astype(np.float32), y_test=ys[2],
            feature_names=names, class_names=classes, feature_mean=mean, feature_std=std,
            target_mean=target_mean, target_std=target_std, options=opts, **extras,
        )


def _feature_names(names: Sequence[str] | None, n_features: int) -> tuple[str, ...]:
    if names is None:
        return tuple(f"x{j}" for j in range(n_features))
    if isinstance(names, str) or len(names) != n_features:
        got = "a string" if isinstance(names, str) else f"{len(names)} names"
        raise ReglabError(f"feature_names must have one name per column of X ({n_features}). Got {got} instead.")
    return tuple(str(n) for n in names)


def _indices(indices: Sequence[int] | None, n_features: int, arg: str) -> tuple[int, ...] | None:
    if indices is None:
        return None
    out = tuple(int(i) for i in indices)
    bad = [i for i in out if not 0 <= i < n_features]
    if bad:
        raise ReglabError(f"{arg} must be column indices in [0, {n_features}). Got {bad} instead.")
    return out


def _image_shape(shape: tuple[int, int] | None, n_features: int) -> tuple[int, int] | None:
    if shape is None:
        return None
    h, w = (int(v) for v in shape)
    if h * w != n_features:
        raise ReglabError(f"image_shape must multiply to n_features={n_features}. Got {shape} instead.")
    return (h, w)
