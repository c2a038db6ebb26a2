"""The search's result table (``GridSearchCV.cv_results_``'s layout) and its one-standard-error choice.

Everything here works on plain numbers: scores ``[candidates, folds]``, times
and the candidates' parameters, so the rules are tested without training.

**One-standard-error choice** (``refit="one_se"``): among the candidates whose
mean score is at least ``best mean - best standard error`` (the standard error
``std(ddof=1) / sqrt(folds)`` of the best candidate's fold scores), the one
with the STRONGEST regularization; ties go to the higher mean score.
"Strongest" is the largest sum of strength ranks over the searched parameters
that reglab's sweep knows a direction for (:data:`reglab.sweeps.params.SWEEP_PARAMS`:
larger ``l1``, ``l2``, ``prox``, ``weight_decay``, ``dropout``, ``noise``;
smaller ``max_norm``, patience and hidden units).  The rank of a value is its
place among the distinct values searched (0 = weakest); other parameters
(``lr``, ``batch_size``…) count 0.  Scores are "higher is better", as
scikit-learn's scorers are.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.stats import rankdata

from reglab.analysis.summary import Stat
from reglab.sweeps.params import SWEEP_PARAMS
from reglab.variant import Variant


def cv_results(
    params: Sequence[Mapping[str, Any]],
    test_scores: np.ndarray,
    fit_times: np.ndarray,
    score_times: np.ndarray,
    train_scores: np.ndarray | None = None,
) -> dict[str, Any]:
    """``cv_results_`` as ``GridSearchCV`` lays it out: arrays ``[candidates, folds]`` in, one entry per column out.

    Keys: ``mean_fit_time``, ``std_fit_time``, ``mean_score_time``,
    ``std_score_time``, ``param_<name>`` (masked where a candidate does not set
    it), ``params``, ``split{k}_test_score``, ``mean_test_score``,
    ``std_test_score`` (``ddof=0`` as scikit-learn), ``rank_test_score`` (1 =
    best, ties share the smaller rank, NaN scores last) and the ``*_train_score``
    twins when ``train_scores`` is given.
    """
    results: dict[str, Any] = {}
    for name, values in (("fit_time", fit_times), ("score_time", score_times)):
        results[f"mean_{name}"] = values.mean(axis=1)
        results[f"std_{name}"] = values.std(axis=1)
    names = sorted({name for candidate in params for name in candidate})
    for name in names:
        column = np.ma.MaskedArray(np.empty(len(params), dtype=object), mask=True)
        for i, candidate in enumerate(params):
            if name in candidate:
                column[i] = candidate[name]
        results[f"param_{name}"] = column
    results["params"] = [dict(candidate) for candidate in params]
    for kind, scores in (("test", test_scores), ("train", train_scores)):
        if scores is None:
            continue
        for k in range(scores.shape[1]):
            results[f"split{k}_{kind}_score"] = scores[:, k]
        results[f"mean_{kind}_score"] = scores.mean(axis=1)
        results[f"std_{kind}_score"] = scores.std(axis=1)
        if kind == "test":
            results["rank_test_score"] = score_ranks(results["mean_test_score"])
    return results


def score_ranks(means: np.ndarray) -> np.ndarray:
    """Rank 1 for the highest mean score, ties sharing the smallest rank; NaN means rank last."""
    filled = np.where(np.isfinite(means), means, -np.inf)
    return rankdata(-filled, method="min").astype(np.int32)


def best_index(means: np.ndarray) -> int:
    """The first candidate of rank 1 (``GridSearchCV``'s ``best_index_``)."""
    return int(np.argmin(score_ranks(means)))


def one_standard_error_index(scores: np.ndarray, params: Sequence[Mapping[str, Any]], base: Mapping[str, Any]) -> int:
    """The one-standard-error choice over candidates with fold ``scores`` ``[candidates, folds]`` (module docstring).

    ``base`` holds the estimator's parameters, for the searched names a candidate does not set.
    """
    means = scores.mean(axis=1)
    best = best_index(means)
    if not math.isfinite(means[best]):
        return best
    threshold = means[best] - Stat.of(scores[best]).standard_error
    strength = strength_ranks(params, base)
    within = [i for i in range(len(params)) if math.isfinite(means[i]) and means[i] >= threshold]
    return max(within, key=lambda i: (strength[i], means[i], -i))


def strength_ranks(params: Sequence[Mapping[str, Any]], base: Mapping[str, Any]) -> list[int]:
    """Per candidate, the sum over searched parameters with a known direction of the value's strength rank."""
    names = sorted({name for candidate in params for name in candidate if name in SWEEP_PARAMS})
    totals = [0] * len(params)
    for name in names:
        positions = [_position(name, candidate.get(name, base[name])) for candidate in params]
        ordered = sorted(set(positions), reverse=not SWEEP_PARAMS[name].larger_is_stronger)
        for i, position in enumerate(positions):
            totals[i] += ordered.index(position)
    return totals


def _position(name: str, value: Any) -> float:
    """A number that orders the values of one parameter: the value, total hidden units, ∞ for "off"."""
    if value is None or (isinstance(value, str) and value.lower() in ("none", "off")):
        return math.inf if name in ("max_norm", "early_stopping") else 0.0
    if name == "hidden":
        sizes = Variant.parse(f"hidden={value}").hidden if isinstance(value, str) else Variant(hidden=value).hidden
        return float(sum(sizes))
    if isinstance(value, str):
        return float(value.split("/")[0])
    return float(value if np.isscalar(value) else value[0])
