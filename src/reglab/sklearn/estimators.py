"""`RegularizedMLPClassifier` and `RegularizedMLPRegressor`: reglab's networks as scikit-learn estimators.

    clf = RegularizedMLPClassifier(hidden="64x32", l1=1e-3, dropout=0.2, early_stopping=20, epochs=300, random_state=0)
    make_pipeline(StandardScaler(), clf).fit(X, y).predict_proba(X_new)

What ``fit(X, y)`` trains on:

* The inputs are checked by scikit-learn's ``validate_data`` (its messages
  for NaN, sparse, wrong shapes); the parameters by :class:`reglab.Variant`
  (reglab's messages, naming the key, the range and the value).
* The features (and a regression target) are standardized with the mean and
  std of the rows the network trains on, as everywhere in reglab; ``module_``
  has that standardization built in (:func:`reglab.model_file.raw_input_module`),
  so it takes raw columns and returns probabilities (or values in the target's units).
* **Without early stopping** (``early_stopping=None``, the default) the network
  trains on all the rows given; ``validation_fraction`` is unused and there is
  no validation split: reglab's engine evaluates the training rows in its
  place, so ``history_``'s ``val_*`` curves repeat the training figures.
* **With early stopping** (``early_stopping=patience``) a share
  ``validation_fraction`` of the rows (stratified by class for a classifier,
  drawn with ``random_state``) is held out, as in scikit-learn's
  ``MLPClassifier``; the network trains on the rest, stops when the
  validation loss has not improved for ``patience`` epochs and, with
  ``restore_best`` (the default), keeps its best epoch's weights.

Learned attributes: ``classes_`` (classifier), ``n_features_in_``,
``feature_names_in_`` (pandas input), ``module_`` (a plain ``torch.nn.Module``
taking raw columns), ``history_`` (reglab's per-epoch curves),
``best_epoch_`` (the epoch of the lowest validation loss, from 1), ``n_iter_``
(epochs trained), ``variant_`` (the :class:`reglab.Variant` trained) and
``run_`` (the :class:`reglab.Run`, with its ``metrics``).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from reglab.api import train
from reglab.data import Dataset
from reglab.errors import ReglabError
from reglab.model_file import raw_input_module
from reglab.run import Run
from reglab.sklearn._params import parameter_docs, storing_init, variant_from_params
from reglab.variant import Variant

SEED_LIMIT = 2**31 - 1
"""``random_state=None`` (or a ``RandomState``) draws the reglab seed in ``[0, SEED_LIMIT)``."""


class RegularizedMLP(BaseEstimator):
    """What the classifier and the regressor share: parameters, fitting, the learned attributes."""

    __init__ = storing_init()
    _task_name = "estimator"

    # -- fit ---------------------------------------------------------------
    def fit(self, X: Any, y: Any) -> RegularizedMLP:
        """Train one network on ``X``, ``y`` (see the module docstring for the rows it uses); return ``self``."""
        X, targets = self._validate_fit(X, y)
        variant, seed = self.training_variant(), self.training_seed()
        dataset = self.fit_dataset(X, targets, variant, seed)
        run = train(dataset, [variant], seeds=[seed], progress=bool(self.verbose))[0]
        return self.adopt(run, dataset)

    def training_variant(self) -> Variant:
        """The :class:`reglab.Variant` these parameters describe (reglab's messages for bad values)."""
        return variant_from_params(self.get_params(deep=False))

    def training_seed(self) -> int:
        """reglab's seed: ``random_state`` itself when it is an int, else drawn from it."""
        state = self.random_state
        if isinstance(state, numbers.Integral) and not isinstance(state, bool):
            if state < 0:
                raise ReglabError(f"Invalid value for argument `random_state`: expected an int >= 0, a RandomState or None. Received: random_state={state!r}")
            return int(state)
        return int(check_random_state(state).randint(SEED_LIMIT))

    def validation_split(self, variant: Variant) -> float | None:
        """The share of rows held out for early stopping, or ``None`` when the variant does not stop early."""
        if variant.early_stopping is None:
            return None
        fraction = self.validation_fraction
        if isinstance(fraction, bool) or not isinstance(fraction, numbers.Real) or not 0 < fraction < 1:
            raise ReglabError(
                f"Invalid value for argument `validation_fraction`: expected a float in (0, 1). Received: validation_fraction={fraction!r}"
            )
        return float(fraction)

    def fit_dataset(self, X: np.ndarray, targets: np.ndarray, variant: Variant, seed: int) -> Dataset:
        """The :class:`Dataset` a fit trains on: all rows, or an inner split for early stopping (seeded by ``seed``)."""
        fraction = self.validation_split(variant)
        common = dict(task=self._dataset_task(), feature_names=self._feature_names(), name=type(self).__name__)
        if fraction is None:
            return Dataset.from_splits((X, targets), (X, targets), **common)
        n_val = int(np.floor(fraction * len(X) + 0.5))
        if n_val < 1 or len(X) - n_val < 2:
            raise ReglabError(
                f"validation_fraction={fraction:g} of n_samples={len(X)} rows leaves {n_val} validation and {len(X) - n_val} training rows; "
                "early stopping needs at least 1 and 2: give more rows or another validation_fraction."
            )
        return Dataset.from_arrays(X, targets, train_size=1.0 - fraction, val_size=fraction, test_size=0.0, seed=seed, **common)

    def adopt(self, run: Run, dataset: Dataset) -> RegularizedMLP:
        """Take ``run`` (trained on ``dataset``) as this estimator's fitted state; return ``self``."""
        self.run_ = run
        self.variant_ = run.variant
        self.module_ = raw_input_module(run, dataset)
        self.history_ = run.history
        self.best_epoch_ = int(run.metrics["best_epoch"])
        self.n_iter_ = int(run.metrics["stopped_epoch"])
        return self

    # -- predict -----------------------------------------------------------
    def _outputs(self, X: Any) -> np.ndarray:
        """``module_``'s output for raw rows ``X``, as float64 ``[N, outputs]``."""
        check_is_fitted(self, "module_")
        X = validate_data(self, X, reset=False)
        with torch.no_grad():
            return self.module_(torch.from_numpy(np.array(X, dtype=np.float32))).double().numpy()

    # -- hooks of the two estimators ---------------------------------------
    def _validate_fit(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def _dataset_task(self) -> str:
        raise NotImplementedError

    def _feature_names(self) -> tuple[str, ...] | None:
        names = getattr(self, "feature_names_in_", None)
        return None if names is None else tuple(str(name) for name in names)


class RegularizedMLPClassifier(ClassifierMixin, RegularizedMLP):
    """A reglab network (an MLP, or a CNN with ``conv``) as a scikit-learn classifier.

    Labels may be ints, strings or bools; ``classes_`` holds them in sorted
    order and ``predict_proba``'s columns follow it.  See
    :mod:`reglab.sklearn.estimators` for the rows a fit uses.

    Parameters (every variant key, then the estimator's own; keyword-only):
    """

    def _validate_fit(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        self.classes_, codes = np.unique(y, return_inverse=True)
        return X, codes.reshape(-1)

    def _dataset_task(self) -> str:
        return "binary" if len(self.classes_) <= 2 else "multiclass"

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities ``[N, n_classes]``, columns in the order of ``classes_``."""
        out = self._outputs(X)
        return np.hstack([1.0 - out, out]) if out.shape[1] == 1 else out

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """``log(predict_proba(X))``."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row (a label from ``classes_``)."""
        winners = self.predict_proba(X).argmax(axis=1)
        return self.classes_[winners]


class RegularizedMLPRegressor(RegressorMixin, RegularizedMLP):
    """A reglab network as a scikit-learn regressor (mean squared error on the standardized target).

    ``predict`` returns values in the target's own units.  See
    :mod:`reglab.sklearn.estimators` for the rows a fit uses.

    Parameters (every variant key, then the estimator's own; keyword-only):
    """

    def _validate_fit(self, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
        X, y = validate_data(self, X, y, y_numeric=True)
        return X, np.asarray(y, dtype=np.float64)

    def _dataset_task(self) -> str:
        return "regression"

    def predict(self, X: Any) -> np.ndarray:
        """The predicted value of each row, shape ``[N]``."""
        return self._outputs(X)[:, 0]


for _estimator in (RegularizedMLPClassifier, RegularizedMLPRegressor):
    _estimator.__doc__ = f"{_estimator.__doc__}\n{parameter_docs()}\n"
