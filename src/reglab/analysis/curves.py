"""Per-epoch curves of several seeds, aligned and averaged.

Runs with early stopping have histories of different lengths.  The average
over seeds is taken over the *common prefix*: the epochs every seed reached.
Non-finite values (a diverged seed) become NaN and are ignored by the mean.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np

from reglab.run import Run


def stack_curves(runs: Sequence[Run], key: str) -> np.ndarray:
    """``history[key]`` of every run over the common prefix of epochs: shape ``[runs, epochs]``, inf → NaN."""
    curves = [np.asarray(run.history.get(key, []), dtype=float) for run in runs]
    length = min((len(c) for c in curves), default=0)
    stacked = np.array([c[:length] for c in curves], dtype=float).reshape(len(curves), length)
    stacked[~np.isfinite(stacked)] = np.nan
    return stacked


def mean_curve(runs: Sequence[Run], key: str) -> np.ndarray:
    """The mean over seeds of ``history[key]`` on the common prefix (NaN where no seed is finite)."""
    stacked = stack_curves(runs, key)
    if stacked.shape[1] == 0:
        return np.zeros(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmean(stacked, axis=0)


def restored_epochs(runs: Sequence[Run]) -> list[int] | None:
    """The epoch (from 1) whose weights each run kept, or ``None`` when the runs keep their last epoch.

    Runs whose early stopping restores the best weights keep
    ``metrics["best_epoch"]``: early stopping's own best epoch (the last
    improvement by more than ``min_delta``), the one source that the table,
    the verdicts and the figures read.
    """
    variant = runs[0].variant if runs else None
    if variant is None or variant.early_stopping is None or not variant.restore_best:
        return None
    return [int(run.metrics["best_epoch"]) for run in runs]


def chance_loss(task: str, y_train: np.ndarray | None = None, n_classes: int = 2) -> float:
    """The loss of the best *constant* prediction on the training split.

    * binary / multiclass: the entropy of the class shares,
      ``-sum_c p_c log p_c`` (``log 2`` for balanced binary data, ``log C``
      for C balanced classes); without ``y_train``, classes are taken as balanced;
    * regression: the variance of the target (``1.0`` for the standardized
      targets of a :class:`~reglab.data.Dataset`).
    """
    if task == "regression":
        return float(np.var(y_train)) if y_train is not None and len(y_train) else 1.0
    if y_train is None or len(y_train) == 0:
        return math.log(max(n_classes, 2))
    counts = np.bincount(np.asarray(y_train, dtype=np.int64))
    shares = counts[counts > 0] / counts.sum()
    return float(-(shares * np.log(shares)).sum())
