"""The figures of a comparison, in reading order, and :func:`save_figures`, which writes them as PNG."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reglab.figures._style import check_runs
from reglab.figures.boundaries import DECISION_BOUNDARIES
from reglab.figures.curves import LOSS_CURVES
from reglab.figures.dataset import DATASET
from reglab.figures.gap import GENERALIZATION_GAP
from reglab.figures.sparsity import SPARSITY
from reglab.figures.weights import WEIGHT_DISTRIBUTIONS
from reglab.outputs.figures import FigureFile, write_figures
from reglab.run import Run

if TYPE_CHECKING:
    from reglab.data import Dataset

COMPARE_FIGURES = (DATASET, DECISION_BOUNDARIES, LOSS_CURVES, WEIGHT_DISTRIBUTIONS, SPARSITY, GENERALIZATION_GAP)
"""A comparison's figures in the reading order of its report (the first two for 2-D data only)."""


@dataclass(frozen=True)
class RunsOnData:
    """What a comparison's figures draw: the runs and their data set."""

    runs: Sequence[Run]
    dataset: Dataset


def save_figures(runs: Sequence[Run], dataset: Dataset, out_dir: Path | str) -> list[FigureFile]:
    """Draw every figure for ``runs`` on ``dataset`` and write them to ``out_dir`` as PNG.

    The order is the reading order of a report: the data set and the decision
    boundaries (2-D data only, skipped otherwise), the loss curves, the weight
    distributions, sparsity and norms, the generalization gap.  Colours come
    from :func:`~reglab.figures.variant_colors` of the labels in order, so a
    variant has one colour in every figure.  ``out_dir`` is created if needed.

    Raises:
        ReglabError: when ``runs`` is empty or ``out_dir`` cannot be written.
    """
    check_runs(runs, "save_figures")
    return write_figures(COMPARE_FIGURES, RunsOnData(runs, dataset), out_dir)
