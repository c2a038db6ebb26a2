"""The ``tune`` kind: several parameters searched with Optuna, a batch of trials trained at a time.

Its function is :func:`reglab.tune` (:func:`reglab.tune.core.tune`; the study,
the pruning inside a batch and the report live in :mod:`reglab.tune`).  This
module is the kind object that ``reglab report`` and ``reglab export`` go
through; it imports :mod:`reglab.tune` (and so Optuna, the ``tune`` extra)
only when a stored tune is read, so the other kinds work without Optuna.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reglab.errors import ReglabError
from reglab.experiments.kinds import Log, StoredExperiment
from reglab.store import ExperimentRecord
from reglab.variant import Variant


def _needs_optuna() -> None:
    try:
        import optuna  # noqa: F401
    except ImportError:
        raise ReglabError("This output directory holds a tune: reading it needs Optuna (pip install 'reglab[tune]').") from None


class TuneKind:
    """The ``tune`` kind of experiment (:class:`~reglab.experiments.kinds.ExperimentKind`)."""

    name = "tune"
    noun = "tune"
    result_type = object  # reglab.tune.result.TuneResult, not imported here (Optuna is optional)

    def variants(self, record: ExperimentRecord) -> list[Variant]:
        """Every COMPLETE trial with a finite value, by trial number (each with every seed of the record)."""
        _needs_optuna()
        from reglab.tune.stored import recorded_variants

        return recorded_variants(record)

    def from_stored(self, stored: StoredExperiment, say: Log) -> Any:
        """The tune again from its study and the stored runs of its best trials, without training or writing."""
        _needs_optuna()
        from reglab.tune.stored import tune_from_record

        return tune_from_record(stored.dataset, stored.record, stored.out_dir)

    def write(self, result: Any, out: Path) -> Any:
        from reglab.tune.report import write_outputs

        return write_outputs(result, out)

    def summary_lines(self, result: Any) -> list[str]:
        """The counts, the trials within one SE, their table and verdicts, the report and, last, the best trial."""
        from reglab.tune.report import outcome_lines

        return outcome_lines(result)

    def pick(self, stored: StoredExperiment) -> tuple[str, str]:
        result = self.from_stored(stored, lambda _: None)
        return f"trial {result.best.number}", "the tune's best trial by mean validation loss"


TUNE = TuneKind()
