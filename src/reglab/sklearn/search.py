"""`RegularizationSearchCV`: ``GridSearchCV`` for reglab's estimators, every candidate of a fold trained at once.

    search = RegularizationSearchCV(clf, {"l2": [1e-5, 1e-4, 1e-3, 1e-2], "dropout": [0, 0.2, 0.5]}, cv=5)
    search.fit(X, y)
    search.best_params_, search.cv_results_, search.best_estimator_, search.curves_

How it trains.  For each fold, every candidate is a clone of the estimator with
its parameters set; the candidates that train on the same rows (the same seed
and, with early stopping, the same inner split) go to one :func:`reglab.train`
call, which trains them as one batched computation (candidates of different
architectures, optimizers, batch sizes or epochs become separate batched groups
of that call).  reglab's engine shares one training set per call, and a fold's
training rows differ from another's, so there is one call per fold (and per
seed or inner split, when those are searched too).  Each candidate gets the same
rows, seed and inner split that ``estimator.fit`` on the fold's training part
would use, so its scores are those of ``GridSearchCV`` over the same
estimator and folds, to float tolerance (tested).

Validation split (``validation``):

* ``"inner"`` (default): a candidate with early stopping holds out
  ``validation_fraction`` of the fold's training rows and stops on them, as its
  own ``fit`` does; a candidate without trains on all of them, and the fold's
  held-out part is evaluated every epoch for ``curves_`` only (it does not
  change the training).
* ``"held_out"``: the fold's held-out part is also the early-stopping split,
  so every candidate trains on all the fold's training rows.  The held-out
  scores are then optimistic (the same rows chose the stopping epoch) and no
  longer equal ``GridSearchCV``'s; ``best_estimator_`` is still refitted by
  ``estimator.fit`` (inner split).

``random_state=None`` draws one seed for the whole search, so every candidate
and fold starts from the same weights (paired comparisons, one batch).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.model_selection import ParameterGrid, check_cv
from sklearn.utils import _safe_indexing, check_random_state, indexable
from sklearn.utils.validation import check_is_fitted, validate_data

from reglab.api import train
from reglab.data import Dataset
from reglab.errors import ReglabError
from reglab.sklearn._results import best_index, cv_results, one_standard_error_index
from reglab.sklearn.estimators import SEED_LIMIT, RegularizedMLP
from reglab.variant import Variant

VALIDATIONS = ("inner", "held_out")
CURVES = ("train_loss", "val_loss")
"""The per-epoch figures kept in ``curves_``."""


@dataclass
class _Fold:
    """One fold's rows: raw training and held-out parts as the user gave them."""

    X_train: Any
    y_train: Any
    X_test: Any
    y_test: Any


@dataclass
class _Batch:
    """Candidates of one fold that train on the same rows: one :func:`reglab.train` call."""

    dataset: Dataset
    seed: int
    members: list[tuple[int, RegularizedMLP, Variant]] = field(default_factory=list)


class RegularizationSearchCV(MetaEstimatorMixin, BaseEstimator):
    """Exhaustive search over a parameter grid of a reglab estimator, each fold's candidates trained at once.

    Args:
        estimator: a :class:`~reglab.sklearn.RegularizedMLPClassifier` or
            :class:`~reglab.sklearn.RegularizedMLPRegressor`.
        param_grid: a dict of parameter name → list of values, or a list of
            such dicts (``ParameterGrid``), as ``GridSearchCV`` takes.
        scoring: ``None`` (the estimator's ``score``: accuracy or R²), a scorer
            name such as ``"neg_log_loss"``, or a callable ``scorer(estimator, X, y)``.
        refit: ``True`` refits the candidate of the best mean score on all of
            ``X``; ``"one_se"`` refits the one-standard-error choice (see
            :mod:`reglab.sklearn._results`); ``False`` refits nothing.
        cv: a number of folds (stratified for a classifier, as scikit-learn
            does), a splitter, or an iterable of (train, test) index pairs;
            ``None`` = 5 folds.
        validation: ``"inner"`` or ``"held_out"``: the early-stopping split (module docstring).
        return_train_score: also score each fold's training rows.
        verbose: ``>0`` shows reglab's progress bar for each batched call.

    Attributes:
        cv_results_: the ``GridSearchCV`` layout (``params``, ``param_*``,
            ``split{k}_test_score``, ``mean_test_score``, ``std_test_score``,
            ``rank_test_score``, ``mean_fit_time``…).  A candidate's fit time is
            its batched call's wall time shared equally among the call's candidates.
        best_index_, best_params_, best_score_: the chosen candidate (the best
            mean score, or the one-SE choice with ``refit="one_se"``).
        top_index_: the candidate of the best mean score (equals
            ``best_index_`` unless ``refit="one_se"``).
        best_estimator_, refit_time_: the refitted estimator (unless ``refit=False``).
        curves_: per candidate, ``{"train_loss", "val_loss"}`` → arrays
            ``[folds, epochs]`` of reglab's per-epoch losses (NaN after a run
            stopped early).  ``val_loss`` is measured on the fold's held-out
            part, or on the inner split for candidates with early stopping under
            ``validation="inner"``.
        scorer_, n_splits_.
    """

    def __init__(
        self,
        estimator: RegularizedMLP,
        param_grid: Mapping[str, Iterable[Any]] | list[Mapping[str, Iterable[Any]]],
        *,
        scoring: str | Callable | None = None,
        refit: bool | str = True,
        cv: Any = None,
        validation: str = "inner",
        return_train_score: bool = False,
        verbose: int = 0,
    ) -> None:
        self.estimator = estimator
        self.param_grid = param_grid
        self.scoring = scoring
        self.refit = refit
        self.cv = cv
        self.validation = validation
        self.return_train_score = return_train_score
        self.verbose = verbose

    def fit(self, X: Any, y: Any, groups: Any = None) -> RegularizationSearchCV:
        """Train every candidate on every fold, score it, choose, and refit; return ``self``."""
        self._check_settings()
        candidates = list(ParameterGrid(self.param_grid))
        X, y, groups = indexable(X, y, groups)
        splitter = check_cv(self.cv, y, classifier=is_classifier(self.estimator))
        folds = list(splitter.split(X, y, groups))
        self.scorer_ = check_scoring(self.estimator, self.scoring)
        self.n_splits_ = len(folds)
        shared_seed = int(check_random_state(None).randint(SEED_LIMIT))
        shape = (len(candidates), len(folds))
        test_scores, fit_times, score_times = np.full(shape, np.nan), np.zeros(shape), np.zeros(shape)
        train_scores = np.full(shape, np.nan) if self.return_train_score else None
        histories: list[list[dict[str, list[float]]]] = [[{} for _ in folds] for _ in candidates]
        for k, (train_rows, test_rows) in enumerate(folds):
            fold = _Fold(_safe_indexing(X, train_rows), _safe_indexing(y, train_rows),
                         _safe_indexing(X, test_rows), _safe_indexing(y, test_rows))
            for batch in self._batches(fold, candidates, shared_seed):
                started = time.perf_counter()
                variants = [variant.replace(name=f"candidate {c}") for c, _, variant in batch.members]
                runs = train(batch.dataset, variants, seeds=[batch.seed], progress=self.verbose > 0)
                share = (time.perf_counter() - started) / len(runs)
                for (c, estimator, _), run in zip(batch.members, runs):
                    estimator.adopt(run, batch.dataset)
                    histories[c][k] = run.history
                    fit_times[c, k] = share
                    started = time.perf_counter()
                    test_scores[c, k] = self.scorer_(estimator, fold.X_test, fold.y_test)
                    score_times[c, k] = time.perf_counter() - started
                    if train_scores is not None:
                        train_scores[c, k] = self.scorer_(estimator, fold.X_train, fold.y_train)
        self.cv_results_ = cv_results(candidates, test_scores, fit_times, score_times, train_scores)
        self.curves_ = [{name: _padded([h.get(name, []) for h in per_fold]) for name in CURVES} for per_fold in histories]
        self.top_index_ = best_index(self.cv_results_["mean_test_score"])
        self.best_index_ = self.top_index_
        if self.refit == "one_se":
            self.best_index_ = one_standard_error_index(test_scores, candidates, self.estimator.get_params(deep=False))
        self.best_params_ = candidates[self.best_index_]
        self.best_score_ = float(self.cv_results_["mean_test_score"][self.best_index_])
        if self.refit is not False:
            started = time.perf_counter()
            self.best_estimator_ = clone(self.estimator).set_params(**self.best_params_).fit(X, y)
            self.refit_time_ = time.perf_counter() - started
        return self

    def _check_settings(self) -> None:
        if not isinstance(self.estimator, RegularizedMLP):
            raise ReglabError(
                "Invalid value for argument `estimator`: expected a RegularizedMLPClassifier or RegularizedMLPRegressor "
                f"(use GridSearchCV for other estimators and pipelines). Received: estimator={self.estimator!r}"
            )
        if self.validation not in VALIDATIONS:
            raise ReglabError(f"Invalid value for argument `validation`: expected one of {{inner, held_out}}. Received: validation={self.validation!r}")
        if not (self.refit is True or self.refit is False or self.refit == "one_se"):
            raise ReglabError(f"Invalid value for argument `refit`: expected True, False or 'one_se'. Received: refit={self.refit!r}")

    def _batches(self, fold: _Fold, candidates: list[dict[str, Any]], shared_seed: int) -> list[_Batch]:
        """The fold's candidates as fitted-to-be estimators, grouped by the rows they train on."""
        batches: dict[tuple, _Batch] = {}
        for c, params in enumerate(candidates):
            estimator = clone(self.estimator).set_params(**params)
            if estimator.random_state is None:
                estimator.set_params(random_state=shared_seed)
            X_fit, targets = estimator._validate_fit(fold.X_train, fold.y_train)
            variant, seed = estimator.training_variant(), estimator.training_seed()
            inner = self.validation == "inner" and estimator.validation_split(variant) is not None
            key = (seed, estimator.validation_split(variant)) if inner else (seed, None)
            if key not in batches:
                dataset = (estimator.fit_dataset(X_fit, targets, variant, seed) if inner
                           else self._held_out_dataset(estimator, X_fit, targets, fold))
                batches[key] = _Batch(dataset, seed)
            batches[key].members.append((c, estimator, variant))
        return list(batches.values())

    @staticmethod
    def _held_out_dataset(estimator: RegularizedMLP, X_fit: np.ndarray, targets: np.ndarray, fold: _Fold) -> Dataset:
        """All the fold's training rows to train on, its held-out rows as the validation split.

        A classifier's held-out rows of a class absent from the fold's training
        part are left out of the validation split (the network has no output for it).
        """
        X_val = validate_data(estimator, fold.X_test, reset=False)
        y_val = np.asarray(fold.y_test)
        if hasattr(estimator, "classes_"):
            known = np.isin(y_val, estimator.classes_)
            X_val, y_val = X_val[known], np.searchsorted(estimator.classes_, y_val[known])
        if len(X_val) == 0:
            X_val, y_val = X_fit, targets
        return Dataset.from_splits((X_fit, targets), (X_val, y_val), task=estimator._dataset_task(),
                                   feature_names=estimator._feature_names(), name=type(estimator).__name__)

    # -- the refitted estimator's methods ----------------------------------
    def predict(self, X: Any) -> np.ndarray:
        """``best_estimator_.predict(X)``."""
        return self._refitted().predict(X)

    def predict_proba(self, X: Any) -> np.ndarray:
        """``best_estimator_.predict_proba(X)`` (classifiers)."""
        return self._refitted().predict_proba(X)

    def score(self, X: Any, y: Any) -> float:
        """The search's scorer applied to ``best_estimator_`` on ``X``, ``y``."""
        return float(self.scorer_(self._refitted(), X, y))

    @property
    def classes_(self) -> np.ndarray:
        return self._refitted().classes_

    def _refitted(self) -> RegularizedMLP:
        check_is_fitted(self)
        if not hasattr(self, "best_estimator_"):
            raise ReglabError("This RegularizationSearchCV was fitted with refit=False: it has no best_estimator_ to predict with.")
        return self.best_estimator_


def _padded(curves: list[list[float]]) -> np.ndarray:
    """Per-fold curves of different lengths as one array ``[folds, longest]``, NaN-padded."""
    longest = max((len(curve) for curve in curves), default=0)
    out = np.full((len(curves), longest), np.nan)
    for k, curve in enumerate(curves):
        out[k, : len(curve)] = curve
    return out
