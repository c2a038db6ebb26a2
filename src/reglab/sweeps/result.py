"""What a sweep gives back: :class:`SweepResult`, its :class:`GridPoint` s and the L1 :class:`PathData`.

Points are listed from the WEAKEST to the STRONGEST regularization (for
``max_norm``, ``early_stopping`` and ``hidden`` that is from the largest value
to the smallest); a 2-D sweep lists them row-major, the first parameter
outer, both from weak to strong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reglab.analysis import Stat
from reglab.run import Run
from reglab.sweeps.params import SweepParam
from reglab.sweeps.selection import SelectionScore, score_selection
from reglab.variant import Variant

if TYPE_CHECKING:
    from reglab.data import Dataset


@dataclass(frozen=True)
class GridPoint:
    """One grid point and its runs reduced over seeds.

    Attributes:
        index: its place in :attr:`SweepResult.points`.
        values: the value of each swept parameter (one or two).
        label: ``"l2=0.001"`` or ``"l2=0.001,dropout=0.2"`` (also the variant's name).
        variant: the full variant trained (base + these values).
        stats: :class:`~reglab.analysis.Stat` (mean, std, n over seeds) per metric
            of :attr:`reglab.Run.metrics` (``train_loss``, ``val_loss``, ``val_acc``...).
        val_loss_se: the standard error of the mean validation loss.
        region: ``overfitting`` / ``good`` / ``underfitting`` / ``unclear`` (:func:`reglab.sweeps.choice.regions`).
    """

    index: int
    values: tuple[Any, ...]
    label: str
    variant: Variant
    stats: dict[str, Stat]
    val_loss_se: float
    region: str | None = None

    def mean(self, key: str) -> float:
        """The mean over seeds of metric ``key`` (NaN when absent)."""
        stat = self.stats.get(key)
        return stat.mean if stat is not None else math.nan

    def std(self, key: str) -> float:
        stat = self.stats.get(key)
        return stat.std if stat is not None else math.nan


@dataclass(frozen=True)
class PathData:
    """The L1 regularization path of a 1-D ``l1`` or ``prox`` sweep (points weak → strong).

    Attributes:
        weights: first-layer weights of the first seed, ``[points, n_inputs, h1]``.
        norms: feature norms ``||W[i, :]||_2``, ``[points, seeds, n_inputs]``.
        zero_fraction: exactly-zero share of the first weight matrix, ``[points, seeds]``.
        kept: per point and seed, the kept features (see :mod:`reglab.sweeps.selection`).
        scores: per point and seed, the selection scored against the informative
            features (``None`` when the data set does not know them).
    """

    weights: np.ndarray
    norms: np.ndarray
    zero_fraction: np.ndarray
    kept: list[list[tuple[int, ...]]]
    scores: list[list[SelectionScore]] | None

    def majority_kept(self, point: int) -> tuple[int, ...]:
        """Features kept by at least half of the seeds at ``point``."""
        seeds = len(self.kept[point])
        counts: dict[int, int] = {}
        for kept in self.kept[point]:
            for feature in kept:
                counts[feature] = counts.get(feature, 0) + 1
        return tuple(sorted(f for f, c in counts.items() if 2 * c >= seeds))


@dataclass
class SweepResult:
    """Everything a sweep produced.

    Attributes:
        dataset: the data set.
        params: the swept parameters (one or two :class:`~reglab.sweeps.params.SweepParam`).
        values: per parameter, its grid values from weak to strong.
        base: the base variant (every setting not swept); epochs applied.
        seeds: the seeds of every grid point.
        points: the grid points (weak → strong; 2-D row-major).
        runs: one run per point × seed, point-major.
        best: index of the point with the lowest mean validation loss.
        chosen: index of the one-standard-error choice.
        threshold: the largest mean validation loss the choice may have.
        path: the L1 path (1-D ``l1``/``prox`` sweeps), else ``None``.
        epochs: the ``epochs`` override given, or ``None``.
        out_dir, report, results, figures: the written files (``None``/empty without ``out_dir``).
        trained: runs trained by this call; reused: runs found in the store.
    """

    dataset: Dataset
    params: tuple[SweepParam, ...]
    values: tuple[tuple[Any, ...], ...]
    base: Variant
    seeds: tuple[int, ...]
    points: list[GridPoint]
    runs: list[Run]
    best: int
    chosen: int
    threshold: float
    path: PathData | None = None
    epochs: int | None = None
    out_dir: Path | None = None
    report: Path | None = None
    results: Path | None = None
    figures: list[Any] = field(default_factory=list)
    trained: int = 0
    reused: int = 0

    # -- the answer ---------------------------------------------------------
    @property
    def chosen_point(self) -> GridPoint:
        return self.points[self.chosen]

    @property
    def best_point(self) -> GridPoint:
        return self.points[self.best]

    @property
    def chosen_values(self) -> dict[str, Any]:
        """The one-SE choice as ``{param: value}``."""
        return {p.name: v for p, v in zip(self.params, self.chosen_point.values)}

    @property
    def best_values(self) -> dict[str, Any]:
        return {p.name: v for p, v in zip(self.params, self.best_point.values)}

    @property
    def is_2d(self) -> bool:
        return len(self.params) == 2

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(v) for v in self.values)

    def runs_of(self, point: int) -> list[Run]:
        """The runs (one per seed) of grid point ``point``."""
        n = len(self.seeds)
        return self.runs[point * n : (point + 1) * n]

    def means(self, key: str) -> np.ndarray:
        """Mean of metric ``key`` per point, shaped like the grid."""
        return np.array([p.mean(key) for p in self.points]).reshape(self.shape)

    def stds(self, key: str) -> np.ndarray:
        return np.array([p.std(key) for p in self.points]).reshape(self.shape)

    def selection(self) -> dict[str, Any] | None:
        """Feature selection at the chosen point (``None`` without a path).

        Keys: ``kept`` (kept by at least half of the seeds), ``kept_per_seed``,
        and when the informative features are known ``informative``,
        ``precision``/``recall`` (mean and std over seeds, as :class:`Stat`)
        and ``majority`` (the score of ``kept``).
        """
        if self.path is None:
            return None
        point = self.chosen
        out: dict[str, Any] = {"kept": self.path.majority_kept(point), "kept_per_seed": self.path.kept[point]}
        if self.path.scores is not None:
            scores = self.path.scores[point]
            out["informative"] = scores[0].informative
            out["precision"] = Stat.of([s.precision for s in scores])
            out["recall"] = Stat.of([s.recall for s in scores])
            out["majority"] = score_selection(out["kept"], scores[0].informative)
        return out

    def choice_line(self) -> str:
        """The final line of the command: the chosen value and why."""
        chosen, best = self.chosen_point, self.best_point
        what = ", ".join(f"{p.name}={p.text(v)}" for p, v in zip(self.params, chosen.values))
        line = (
            f"chosen: {what} (one-standard-error rule: the strongest regularization with mean validation loss "
            f"{chosen.mean('val_loss'):.4f} <= {self.threshold:.4f} = best {best.mean('val_loss'):.4f} + 1 SE"
        )
        if self.best != self.chosen:
            line += f"; the lowest is at {best.label}"
        return line + ")"
