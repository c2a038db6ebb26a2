"""Per-variant summaries of runs over seeds, and the comparison table.

* :class:`Stat` is the mean and standard deviation of one metric over the
  seeds of a variant.  Non-finite values (a diverged seed gives NaN) are left
  out and ``n`` counts the finite values that remain; ``std`` uses ``ddof=1``
  (the sample standard deviation) and is ``0.0`` for a single value.  With no
  finite value at all, ``mean`` and ``std`` are NaN and ``n`` is 0.
* :func:`summarize` gives one :class:`VariantSummary` per variant label, in
  the order the labels first appear in the runs, with one :class:`Stat` per
  numeric key of ``Run.metrics``.
* :func:`table_columns`, :func:`table_rows` and :func:`format_table` turn the
  summaries into the table shown by the CLI and the HTML report; each cell
  reads ``"0.931 ± 0.004"`` (mean ± std over seeds).

Example::

    summaries = summarize(runs)
    print(format_table(summaries, ds.task))
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from reglab.errors import ReglabError
from reglab.run import Run
from reglab.variant import Variant

TASKS = ("binary", "multiclass", "regression")
MISSING = "—"
"""The cell text of a metric with no finite value (every seed diverged)."""


@dataclass(frozen=True)
class Stat:
    """Mean and sample standard deviation (``ddof=1``) of one metric over ``n`` finite values."""

    mean: float
    std: float
    n: int

    @classmethod
    def of(cls, values: Sequence[float]) -> Stat:
        """The statistic of ``values``, ignoring NaN and infinities."""
        array = np.asarray([float(v) for v in values], dtype=float)
        finite = array[np.isfinite(array)]
        if finite.size == 0:
            return cls(math.nan, math.nan, 0)
        std = float(finite.std(ddof=1)) if finite.size > 1 else 0.0
        return cls(float(finite.mean()), std, int(finite.size))

    @property
    def standard_error(self) -> float:
        """``std / sqrt(n)``: 0.0 for a single value, NaN for none."""
        if self.n == 0:
            return math.nan
        return self.std / math.sqrt(self.n)

    def format(self, fmt: str = ".3f") -> str:
        """``"mean ± std"`` with the format spec ``fmt``; the mean alone when ``n == 1``."""
        if self.n == 0:
            return MISSING
        if self.n == 1:
            return format_value(self.mean, fmt)
        return f"{format_value(self.mean, fmt)} ± {format_value(self.std, fmt)}"


@dataclass(frozen=True)
class VariantSummary:
    """The runs of one variant reduced over seeds: one :class:`Stat` per metric."""

    label: str
    variant: Variant
    seeds: tuple[int, ...]
    stats: dict[str, Stat]

    def __getitem__(self, key: str) -> Stat:
        return self.stats[key]


@dataclass(frozen=True)
class Column:
    """One column of the comparison table: a metric key, its header and its format spec."""

    key: str
    header: str
    fmt: str


def group_by_variant(runs: Sequence[Run]) -> dict[str, list[Run]]:
    """Runs grouped by ``run.variant.label``, labels in first-seen order."""
    groups: dict[str, list[Run]] = {}
    for run in runs:
        groups.setdefault(run.variant.label, []).append(run)
    return groups


def summarize(runs: Sequence[Run]) -> list[VariantSummary]:
    """One :class:`VariantSummary` per variant (first-seen order).

    ``stats`` has one entry per numeric key found in the runs' ``metrics``
    (keys in first-seen order); a seed lacking a key or holding a non-finite
    value for it is left out of that key's statistic.
    """
    if not runs:
        raise ReglabError("Argument `runs` is empty: train at least one variant before summarizing.")
    summaries = []
    for label, group in group_by_variant(runs).items():
        keys: dict[str, None] = {}
        for run in group:
            keys.update((k, None) for k, v in run.metrics.items() if _is_number(v))
        stats = {
            key: Stat.of([run.metrics[key] for run in group if key in run.metrics and _is_number(run.metrics[key])])
            for key in keys
        }
        seeds = tuple(run.seed for run in group)
        summaries.append(VariantSummary(label, group[0].variant, seeds, stats))
    return summaries


def table_columns(task: str) -> list[Column]:
    """The metric columns of the comparison table for ``task`` (binary, multiclass or regression)."""
    if task not in TASKS:
        raise ReglabError(f"Invalid value for argument `task`. Expected one of {{{', '.join(TASKS)}}}. Received: task={task!r}")
    score, name = ("r2", "R²") if task == "regression" else ("acc", "acc")
    return [
        Column(f"train_{score}", f"train {name}", ".3f"),
        Column(f"val_{score}", f"val {name}", ".3f"),
        Column(f"test_{score}", f"test {name}", ".3f"),
        Column("val_loss", "val loss", ".3f"),
        Column("generalization_gap", "gap", ".3f"),
        Column("best_epoch", "best epoch", ".0f"),
        Column("stopped_epoch", "stopped", ".0f"),
        Column("exact_zero_fraction", "zeros", ".1%"),
        Column("near_zero_fraction", "near-zero", ".1%"),
        Column("min_abs_weight", "min |w|", ".1e"),
        Column("weight_l2", "‖w‖₂", ".2f"),
    ]


def table_rows(summaries: Sequence[VariantSummary], task: str) -> list[list[str]]:
    """The table as strings: a header row (``"variant"`` then the column headers), then one row per variant.

    A cell is ``"mean ± std"`` over seeds, the mean alone with one seed,
    ``"—"`` when no seed has a finite value, and ends with ``" (n=k)"`` when
    only ``k`` of the variant's seeds have a finite value (the others diverged).
    """
    columns = table_columns(task)
    rows = [["variant", *(c.header for c in columns)]]
    for summary in summaries:
        row = [summary.label]
        for column in columns:
            stat = summary.stats.get(column.key, Stat(math.nan, math.nan, 0))
            cell = stat.format(column.fmt)
            if 0 < stat.n < len(summary.seeds):
                cell += f" (n={stat.n})"
            row.append(cell)
        rows.append(row)
    return rows


def format_table(summaries: Sequence[VariantSummary], task: str) -> str:
    """A plain-text table aligned for a terminal: labels left-aligned, numbers right-aligned."""
    return align_table(table_rows(summaries, task))


def align_table(rows: Sequence[Sequence[str]], left_columns: int = 1) -> str:
    """Rows (header first) as aligned text: the first ``left_columns`` left-aligned, the rest right-aligned,
    a rule of dashes under the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(row: Sequence[str]) -> str:
        cells = [cell.ljust(width) if i < left_columns else cell.rjust(width)
                 for i, (cell, width) in enumerate(zip(row, widths))]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(rows[0]), rule, *(line(row) for row in rows[1:])])


def format_value(value: float, fmt: str) -> str:
    """``format(value, fmt)`` without the sign of a value that rounds to zero ("-0.000")."""
    text = format(value, fmt)
    if text.startswith("-") and float(text.rstrip("%")) == 0.0:
        return text[1:]
    return text


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
