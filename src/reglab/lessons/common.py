"""What several lessons share: the few-examples data sets, table cells, per-seed numbers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reglab.analysis.summary import Stat

EPOCHS = 100
"""Epochs of a lesson's comparisons unless it says otherwise: the few-examples networks overfit well before."""

FEW_EXAMPLES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("moons", {"n_samples": 300, "noise": 0.3, "train_size": 40, "val_size": 130, "test_size": 130}),
    ("circles", {"n_samples": 300, "noise": 0.15, "factor": 0.5, "train_size": 40, "val_size": 130, "test_size": 130}),
)
"""Two 2-D data sets with 40 training rows: the few-examples regime the seeds warn about.

With 130 validation rows the validation loss is measured well enough to see
it turn up; the default 64x32 network overfits both within 100 epochs.
"""


def cell(values: Sequence[float], fmt: str = ".3f") -> str:
    """``"mean ± std"`` over seeds (NaN left out), the table cell of a measured number."""
    return Stat.of(values).format(fmt)


def floats(values: Sequence[Any]) -> list[float]:
    """Plain floats (JSON-ready)."""
    return [float(v) for v in values]
