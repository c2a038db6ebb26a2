"""Reading a validation curve: the best value, the one-standard-error choice, the regions.

Everything here works on plain numbers (means and standard errors over seeds
per grid point, listed from the WEAKEST to the STRONGEST regularization), so
the rules are tested on scripted curves without training.

The rules:

* **best**: the grid point with the lowest mean validation loss.  Ties go to
  the stronger point.  Points with no finite value (every seed diverged) are
  never chosen.
* **one-standard-error choice** (Breiman et al. 1984; Hastie, Tibshirani &
  Friedman, *Elements of Statistical Learning*, 7.10): the STRONGEST
  regularization whose mean validation loss is at most
  ``best mean + best standard error``, where the standard error is
  ``std(ddof=1) / sqrt(n)`` over the seeds of the best point (0 with one
  seed, so the choice is then the best point itself, or a stronger exact tie).
  It prefers the simpler model when the data cannot tell the two apart.
* **regions** (one word per grid point):

  - ``"overfitting"``: weaker than the best point, its mean validation loss
    above the one-SE threshold, and its generalization gap (validation minus
    training loss) larger than the best point's: the model fits the training
    set better than new data, so more regularization helps.
  - ``"underfitting"``: stronger than the best point, its mean validation
    loss above the threshold, and its training loss above the best point's:
    the regularization keeps the model from fitting even the training set.
  - ``"good"``: mean validation loss within the threshold (the best and the
    choice are always good).
  - ``"unclear"``: above the threshold without the sign of either side
    (for example a weaker point whose gap is not larger), or no finite value.

In two dimensions (:func:`choose_2d`) the "strongest" point is the one with
the largest sum of strength ranks along the two axes (rank 0 = weakest value
of that parameter); ties go to the lower mean validation loss.  The regions
use the same yardstick: "weaker than the best point" means a smaller rank
sum, "stronger" a larger one (in 1-D the rank is the position on the grid).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reglab.analysis.summary import Stat

REGIONS = ("overfitting", "good", "underfitting", "unclear")


@dataclass(frozen=True)
class Choice:
    """What the rule picked, as indices into the points (weak → strong order of the input).

    Attributes:
        best: index of the lowest mean validation loss.
        chosen: index of the one-standard-error choice.
        threshold: ``mean[best] + se[best]``: the largest mean validation loss allowed.
    """

    best: int
    chosen: int
    threshold: float


def standard_error(values: Sequence[float]) -> float:
    """``std(ddof=1) / sqrt(n)`` of the finite values; 0.0 for a single value, NaN for none."""
    return Stat.of(values).standard_error


def one_standard_error(means: Sequence[float], errors: Sequence[float]) -> Choice:
    """The best point and the one-SE choice, points listed from weakest to strongest.

    Args:
        means: mean validation loss per point (NaN = no finite seed).
        errors: its standard error over seeds per point.

    Raises:
        ValueError: the lengths differ, or no point has a finite mean.

    Examples:
        >>> one_standard_error([0.9, 0.50, 0.52, 0.8], [0.01, 0.03, 0.02, 0.01]).chosen
        2
    """
    mean = np.asarray(means, dtype=float)
    error = np.asarray(errors, dtype=float)
    if mean.shape != error.shape or mean.ndim != 1:
        raise ValueError(f"means and errors must be 1-D of one length; got {mean.shape} and {error.shape}")
    finite = np.isfinite(mean)
    if not finite.any():
        raise ValueError("no grid point has a finite validation loss: every run diverged")
    low = np.nanmin(np.where(finite, mean, np.nan))
    best = int(np.flatnonzero(finite & (mean == low))[-1])  # ties: the strongest
    se = error[best] if np.isfinite(error[best]) else 0.0
    threshold = float(mean[best] + se)
    within = np.flatnonzero(finite & (mean <= threshold))
    return Choice(best=best, chosen=int(within[-1]), threshold=threshold)


def regions(
    train_loss: Sequence[float], val_loss: Sequence[float], choice: Choice, strength: Sequence[int] | None = None
) -> list[str]:
    """One region word per point, by the rules of the module docstring.

    ``strength`` ranks the points (the sum of strength ranks on a 2-D grid);
    by default it is their position, the points being listed weak → strong.
    """
    train = np.asarray(train_loss, dtype=float)
    val = np.asarray(val_loss, dtype=float)
    rank = np.arange(len(train)) if strength is None else np.asarray(strength)
    best = choice.best
    gap_best = val[best] - train[best]
    words = []
    for i, (t, v) in enumerate(zip(train, val)):
        if not (math.isfinite(t) and math.isfinite(v)):
            words.append("unclear")
        elif v <= choice.threshold:
            words.append("good")
        elif rank[i] < rank[best] and (v - t) > gap_best:
            words.append("overfitting")
        elif rank[i] > rank[best] and t > train[best]:
            words.append("underfitting")
        else:
            words.append("unclear")
    return words


def choose_2d(means: np.ndarray, errors: np.ndarray) -> tuple[tuple[int, int], tuple[int, int], float]:
    """Best and one-SE choice on a 2-D grid ``[i, j]``, both axes ordered weak → strong.

    Returns:
        ``(best, chosen, threshold)`` with ``best`` and ``chosen`` as ``(i, j)`` index pairs.
    """
    mean = np.asarray(means, dtype=float)
    error = np.asarray(errors, dtype=float)
    finite = np.isfinite(mean)
    if not finite.any():
        raise ValueError("no grid point has a finite validation loss: every run diverged")
    low = np.nanmin(np.where(finite, mean, np.nan))
    ties = [(i, j) for i, j in zip(*np.nonzero(finite & (mean == low)))]
    best = max(ties, key=lambda ij: (ij[0] + ij[1], ij))
    se = error[best] if np.isfinite(error[best]) else 0.0
    threshold = float(mean[best] + se)
    within = [(int(i), int(j)) for i, j in zip(*np.nonzero(finite & (mean <= threshold)))]
    chosen = max(within, key=lambda ij: (ij[0] + ij[1], -mean[ij]))
    return (int(best[0]), int(best[1])), chosen, threshold
