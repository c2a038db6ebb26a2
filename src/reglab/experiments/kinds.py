"""The seam every kind of experiment plugs into: :class:`ExperimentKind` and :class:`StoredExperiment`.

A kind (``compare``, ``sweep``, and the ones to come) is one object that
says how its stored record is read back, analysed, written, printed and
picked from.  The commands that read an output directory (``reglab report``,
``reglab export``) and :func:`reglab.experiments.read_experiment` go through
:data:`reglab.experiments.registry.KINDS` only, so they serve every kind.
How to add one: see :mod:`reglab.experiments`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from reglab.data import Dataset
from reglab.run import Run
from reglab.store import ExperimentRecord
from reglab.variant import Variant

Log = Callable[[str], None]
"""Where status lines go (``"resuming: ..."``)."""


def stderr_log(message: str) -> None:
    """The default :data:`Log`: one line on stderr, flushed."""
    print(message, file=sys.stderr, flush=True)


def silent(message: str) -> None:
    """A :data:`Log` that drops everything (``log=None``)."""


@dataclass(frozen=True)
class StoredExperiment:
    """The newest experiment of an output directory, read back from its run store.

    ``runs`` are the stored ones in the experiment's order (variant- or
    point-major); ``missing`` lists the ``(label, seed)`` pairs not stored.
    """

    record: ExperimentRecord
    dataset: Dataset
    runs: list[Run]
    missing: list[tuple[str, int]]
    out_dir: Path


class ExperimentKind(Protocol):
    """One kind of experiment: how its stored record becomes a result, a report and a pick.

    Running it is the kind's own function (:func:`reglab.compare`,
    :func:`reglab.sweep`): it trains through
    :func:`reglab.experiments.stored.train_stored` with an
    :class:`~reglab.store.ExperimentRecord` whose ``kind`` is :attr:`name`,
    then writes its outputs as :meth:`write` does.
    """

    name: str
    """The record's ``kind`` and the command that makes it (``"compare"``)."""
    noun: str
    """How messages name one (``"comparison"``)."""
    result_type: type
    """What the kind's function and :meth:`from_stored` return (``CompareResult``)."""

    def variants(self, record: ExperimentRecord) -> list[Variant]:
        """The variants the record trained, in order (each with every seed of the record)."""
        ...

    def from_stored(self, stored: StoredExperiment, say: Log) -> Any:
        """The result again from the stored runs, without training or writing.

        Raises:
            ReglabError: the stored runs cannot make one (a sweep with missing runs).
        """
        ...

    def write(self, result: Any, out: Path) -> Any:
        """Write the figures, ``results.json`` and ``report.html`` into ``out``; return ``result`` with the paths."""
        ...

    def summary_lines(self, result: Any) -> list[str]:
        """What the command prints after the work (and ``reglab report`` again): table, verdicts, report path."""
        ...

    def pick(self, stored: StoredExperiment) -> tuple[str, str]:
        """The label of the variant the experiment recommends, and in words how it was chosen.

        Raises:
            ReglabError: there is no pick (every variant diverged).
        """
        ...
