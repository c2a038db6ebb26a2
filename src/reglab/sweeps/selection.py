"""Feature selection by L1: which input features keep first-layer weights.

The first weight matrix ``W`` has shape ``[n_inputs, h1]``; row ``i`` holds
the weights leaving input feature ``i``.  Its **feature norm** is the L2 norm
of that row, ``||W[i, :]||_2`` (averaged over ensemble members).  A feature
is **kept** (survives) when its norm is at least

    max(RELATIVE_THRESHOLD * largest feature norm, ABSOLUTE_FLOOR)

so a feature must carry a sizeable share of what the strongest feature
carries, and a network whose every weight is (nearly) zero keeps no feature.
Proximal L1 (``prox``) makes whole rows exactly 0; plain ``l1`` (a
subgradient penalty) leaves them jittering near 0, which the threshold covers.

On a data set whose informative features are known (``classification``),
the selection is scored against them: **precision** = kept and informative /
kept (1.0 when nothing is kept, by convention: no false selection), **recall**
= kept and informative / informative.  Redundant features (linear
combinations of informative ones) count as not informative.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from reglab.run import Run

RELATIVE_THRESHOLD = 0.25
"""A kept feature's norm is at least this share of the largest feature norm."""
ABSOLUTE_FLOOR = 1e-2
"""...and at least this much (smaller rows count as zero)."""


def first_layer(run: Run) -> np.ndarray:
    """The first weight matrix ``[n_inputs, h1]`` of a run, averaged over ensemble members."""
    return np.mean([np.asarray(m["weights"][0], dtype=float) for m in run.members], axis=0)


def feature_norms(weights: np.ndarray) -> np.ndarray:
    """The L2 norm of each input feature's outgoing weights: ``||W[i, :]||_2`` per row of ``[n_inputs, h1]``."""
    return np.linalg.norm(np.asarray(weights, dtype=float), axis=1)


def kept_features(
    norms: Sequence[float], *, relative: float = RELATIVE_THRESHOLD, floor: float = ABSOLUTE_FLOOR
) -> tuple[int, ...]:
    """Indices of the features whose norm passes the threshold (module docstring)."""
    array = np.nan_to_num(np.asarray(norms, dtype=float), nan=0.0)
    if array.size == 0:
        return ()
    cut = max(relative * float(array.max()), floor)
    return tuple(int(i) for i in np.flatnonzero(array >= cut))


@dataclass(frozen=True)
class SelectionScore:
    """A selection scored against the known informative features."""

    kept: tuple[int, ...]
    informative: tuple[int, ...]
    precision: float
    recall: float

    @property
    def true_positives(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.kept) & set(self.informative)))


def score_selection(kept: Iterable[int], informative: Iterable[int]) -> SelectionScore:
    """Precision and recall of ``kept`` against ``informative`` (see the module docstring).

    Examples:
        >>> s = score_selection([1, 2, 7], [1, 2, 3])
        >>> round(s.precision, 3), round(s.recall, 3)
        (0.667, 0.667)
    """
    kept_set, informative_set = sorted(set(kept)), sorted(set(informative))
    hits = len(set(kept_set) & set(informative_set))
    precision = hits / len(kept_set) if kept_set else 1.0
    recall = hits / len(informative_set) if informative_set else 1.0
    return SelectionScore(tuple(kept_set), tuple(informative_set), precision, recall)


def first_layer_zero_fraction(run: Run) -> float:
    """Share of exactly-zero entries in the first weight matrix (all ensemble members)."""
    arrays = [np.asarray(m["weights"][0]) for m in run.members]
    return float(np.mean([np.mean(a == 0.0) for a in arrays]))
