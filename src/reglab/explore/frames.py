"""What the page draws, recorded epoch by epoch: curves with the seed band, boundary grids, weight histograms.

Everything sent is plain numbers, kept small:

* a boundary grid is ``G × G`` integers in 0..255 (row-major, ``y`` from the
  top): the probability of class 1 (binary), the winning class's probability
  with the class in a second array (multiclass), or the value scaled between
  ``lo`` and ``hi`` (regression), for the variant's first seed (as the
  report's figure);
* a weight histogram counts the first layer's ``log10 |w|`` of all the
  variant's seeds in :data:`HIST_BINS` fixed bins from 10^:data:`HIST_LOW` to
  10^:data:`HIST_HIGH`, with one more bin in front for ``|w| < 10^HIST_LOW``
  (exact and near zeros), so histograms compare across variants and epochs;
* per epoch and variant: the mean, min and max over seeds of the training
  and validation loss, and the mean exact-zero share, near-zero share and
  weight norm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import Tensor

from reglab.explore import limits

HIST_LOW, HIST_HIGH, HIST_BINS = -6.0, 1.0, 28
"""The weight histogram: log10 |w| from 1e-6 to 10 in 28 bins (4 per decade), plus a first bin for |w| < 1e-6."""
MARGIN = 0.5
"""Room around the data in the boundary grid, in standardized units (as the report's figure)."""
BAND = ("train_loss", "val_loss")
"""Figures drawn with the seed band (mean, min, max)."""
MEANS = ("exact_zero_fraction", "near_zero_fraction", "weight_l2", "val_acc", "train_acc", "val_r2")
"""Figures shown as the seeds' mean."""


def plane(X: np.ndarray, size: int) -> tuple[np.ndarray, list[float]]:
    """``size × size`` grid points over the extent of ``X`` plus :data:`MARGIN` (row-major, top row first), and the extent."""
    lo, hi = X.min(0) - MARGIN, X.max(0) + MARGIN
    xs = np.linspace(lo[0], hi[0], size)
    ys = np.linspace(hi[1], lo[1], size)
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], 1).astype(np.float32), [float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])]


def encode_grid(values: Tensor, task: str) -> dict[str, Any]:
    """One run's predictions over the grid ``[N, outputs]`` as small integers (see the module docstring)."""
    if task == "binary":
        return {"p": _bytes(values[:, 0])}
    if task == "multiclass":
        best, cls = values.max(1)
        return {"p": _bytes(best), "c": cls.tolist()}
    column = values[:, 0]
    lo, hi = float(column.min()), float(column.max())
    scaled = (column - lo) / (hi - lo) if hi > lo else torch.zeros_like(column)
    return {"p": _bytes(scaled), "lo": lo, "hi": hi}


def _bytes(unit: Tensor) -> list[int]:
    return (unit.clamp(0, 1) * 255).round().to(torch.int64).tolist()


def histogram(weights: Tensor) -> list[int]:
    """Counts of ``log10 |w|`` (see :data:`HIST_LOW`), the first bin holding ``|w| < 10^HIST_LOW``."""
    magnitude = weights.detach().abs().flatten().double()
    tiny = int((magnitude < 10**HIST_LOW).sum())
    logs = torch.log10(magnitude[magnitude >= 10**HIST_LOW]).clamp(max=HIST_HIGH - 1e-9)
    counts = torch.histc(logs, bins=HIST_BINS, min=HIST_LOW, max=HIST_HIGH) if logs.numel() else torch.zeros(HIST_BINS)
    return [tiny, *(int(c) for c in counts)]


@dataclass
class Snapshot:
    """What the epoch slider shows for one variant at one epoch."""

    epoch: int
    grid: dict[str, Any] | None
    hist: list[int]


@dataclass
class VariantTrace:
    """One variant's record: per-epoch figures over its seeds and bounded snapshots."""

    curves: dict[str, list[float]] = field(default_factory=dict)
    snapshots: list[Snapshot] = field(default_factory=list)
    epoch: int = 0

    def add_epoch(self, epoch: int, logs: dict[str, Tensor], rows: list[int]) -> None:
        """Append epoch ``epoch`` from the group's logs; ``rows`` are this variant's runs in the group."""
        if epoch <= self.epoch:  # a group restarted from its state goes on after its last epoch
            return
        index = torch.tensor(rows)
        for name in BAND:
            values = logs[name][index].double()
            self._append(f"{name}", _finite(values.mean()))
            self._append(f"{name}_lo", _finite(values.min()))
            self._append(f"{name}_hi", _finite(values.max()))
        for name in MEANS:
            if name in logs:
                self._append(name, _finite(logs[name][index].double().mean()))
        self.epoch = epoch

    def _append(self, name: str, value: float | None) -> None:
        self.curves.setdefault(name, []).append(value)  # type: ignore[arg-type]

    def add_snapshot(self, snapshot: Snapshot) -> None:
        """Keep ``snapshot``; past :data:`~reglab.explore.limits.MAX_SNAPSHOTS`, drop every other older one."""
        if self.snapshots and self.snapshots[-1].epoch == snapshot.epoch:
            self.snapshots[-1] = snapshot
            return
        self.snapshots.append(snapshot)
        if len(self.snapshots) > limits.MAX_SNAPSHOTS:
            self.snapshots = [*self.snapshots[:-1:2], self.snapshots[-1]]

    def at(self, epoch: int) -> Snapshot | None:
        """The newest snapshot at or before ``epoch`` (the first one if none is)."""
        before = [s for s in self.snapshots if s.epoch <= epoch]
        return before[-1] if before else (self.snapshots[0] if self.snapshots else None)

    def stats_at(self, epoch: int) -> dict[str, float | None]:
        """The figures of ``epoch`` (1-based; clipped to the epochs recorded)."""
        if not self.epoch:
            return {}
        i = min(max(epoch, 1), self.epoch) - 1
        return {name: values[i] for name, values in self.curves.items()}


def _finite(value: Tensor) -> float | None:
    number = float(value)
    return number if math.isfinite(number) else None
