"""`Lab`: where a lesson of :mod:`reglab.lessons` trains: its seeds, its sizes and the run store.

Every lesson trains through :meth:`Lab.train`, which hands the variants to
the batched engine (:func:`reglab.train`) with all seeds at once, so for a
given seed every variant of one architecture starts from the same weights
and sees the same minibatches: each comparison is paired.  With an output
directory, training goes through the store-aware path of ``compare``
(:func:`reglab.experiments.stored.train_stored`): a finished run is kept in
``OUT/runs.sqlite`` at once, an interrupted ``reglab lessons`` resumes, and
a second run trains nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reglab.api import train
from reglab.data import Dataset, load_dataset
from reglab.errors import ReglabError
from reglab.experiments.kinds import Log, stderr_log
from reglab.experiments.stored import train_stored
from reglab.run import Run
from reglab.store import ExperimentRecord, now
from reglab.variant import Variant, parse_variants
from reglab.version import reglab_version

QUICK_EPOCHS = 10
"""Epochs of every comparison in quick mode (tests, notebooks): enough to run everything, not to show the claims."""

KIND = "lessons"
"""The experiment kind recorded in the run store."""


class Runs:
    """The runs of one :meth:`Lab.train` call, by variant label, each a list in seed order."""

    def __init__(self, dataset: Dataset, variants: Sequence[Variant], seeds: Sequence[int], runs: Sequence[Run]) -> None:
        self.dataset, self.seeds = dataset, list(seeds)
        self.labels = [v.label for v in variants]
        n = len(self.seeds)
        self.by_label = {label: list(runs[i * n:(i + 1) * n]) for i, label in enumerate(self.labels)}

    def __getitem__(self, label: str) -> list[Run]:
        return self.by_label[label]

    def metric(self, label: str, key: str) -> list[float]:
        """``run.metrics[key]`` of each seed of ``label``."""
        return [float(run.metrics[key]) for run in self.by_label[label]]

    def all(self) -> list[Run]:
        """Every run, variant-major."""
        return [run for label in self.labels for run in self.by_label[label]]


class Lab:
    """Seeds, sizes and storage shared by the lessons of one ``reglab lessons`` call.

    Args:
        seeds: the seeds of every comparison (at least 2, so a spread exists).
        out: the output directory whose ``runs.sqlite`` keeps the runs, or ``None`` (train in memory).
        quick: the small sizes of :meth:`epochs` and :meth:`size` (tests, notebooks); the verdict rules are the same.
        progress: show the training progress bar (``tqdm.auto``: a widget in a notebook).
        log: where status lines go (``resuming: ...``); ``None`` for silence.
        names: the lessons asked for, recorded in the store with the seeds.
        stored_only: read every run from ``out``'s store and train none (``reglab report``):
            a missing run is an error.
    """

    def __init__(
        self, seeds: Sequence[int] = (0, 1, 2), *, out: str | Path | None = None, quick: bool = False,
        progress: bool = True, log: Log | None = stderr_log, names: Sequence[str] = (), stored_only: bool = False,
    ) -> None:
        self.seeds = [int(s) for s in seeds]
        if len(self.seeds) < 2 or len(set(self.seeds)) != len(self.seeds) or min(self.seeds) < 0:
            raise ReglabError(
                f"Argument `seeds` must hold at least 2 distinct integers >= 0 (a lesson reports the spread over seeds). "
                f"Got {self.seeds} instead."
            )
        self.out = Path(out) if out is not None else None
        if stored_only and self.out is None:
            raise ReglabError("A lab that reads stored runs only needs an output directory (`out`).")
        self.stored_only = stored_only
        self.quick, self.progress = quick, progress
        self.say: Log = log or (lambda _: None)
        self.names = tuple(names)
        self.trained = 0
        self.reused = 0
        self._datasets: dict[tuple[str, tuple[tuple[str, Any], ...]], Dataset] = {}
        self._trained: dict[tuple[int, tuple[str, ...], int], Runs] = {}

    def _resume_only(self, line: str) -> None:
        """Status lines of the store: a checkpoint resumed is said; runs found stored are counted, not said
        (lessons share runs, a baseline is often stored already)."""
        if "checkpoint" in line:
            self.say(line)

    def epochs(self, full: int) -> int:
        """A lesson's epochs: ``full`` by default, :data:`QUICK_EPOCHS` in quick mode."""
        return QUICK_EPOCHS if self.quick else full

    def size(self, full: int, quick: int) -> int:
        """``full`` by default, ``quick`` in quick mode (epochs, rows, samples of a measurement)."""
        return quick if self.quick else full

    def data(self, name: str, **options: Any) -> Dataset:
        """``load_dataset(name, **options)``, loaded once per lab."""
        key = (name, tuple(sorted(options.items())))
        if key not in self._datasets:
            self._datasets[key] = load_dataset(name, **options)
        return self._datasets[key]

    def record(self, ds: Dataset, variants: Sequence[Variant]) -> ExperimentRecord:
        """What the store records for one training: kind ``lessons``, the data set and variants of that training,
        the lessons asked for (``specs``), the seeds and the size (``params``)."""
        return ExperimentRecord(
            dataset=ds.name, options=dict(ds.options), variants=tuple(v.to_dict() for v in variants), specs=self.names,
            seeds=tuple(self.seeds),
            created=now(), reglab_version=reglab_version(), kind=KIND,
            params=({"quick": self.quick},),
        )

    def train(self, ds: Dataset, variants: Sequence[str | Variant], *, epochs: int) -> Runs:
        """Every variant × every seed on ``ds`` for ``epochs`` epochs, from the store when it has them.

        Raises:
            ReglabError: bad variants; an unusable output directory.
            CompareInterrupted: on Ctrl-C, after the finished runs are stored.
        """
        parsed = [v.replace(epochs=epochs, name=v.label) for v in parse_variants(list(variants))]
        memo = (id(ds), tuple(v.label + "|" + v.short_form() for v in parsed), epochs)
        if memo in self._trained:  # two lessons of one module read the same runs
            return self._trained[memo]
        if self.out is None:
            runs = train(ds, parsed, self.seeds, progress=self.progress)
            self.trained += len(runs)
        elif self.stored_only:
            runs = self._stored(ds, parsed)
            self.reused += len(runs)
        else:
            runs, trained = train_stored(ds, parsed, self.seeds, self.out, self.record(ds, parsed), progress=self.progress,
                                         say=self._resume_only)
            self.trained += trained
            self.reused += len(runs) - trained
        self._trained[memo] = Runs(ds, parsed, self.seeds, runs)
        return self._trained[memo]

    def _stored(self, ds: Dataset, variants: list[Variant]) -> list[Run]:
        """Every variant × seed from the store, variant-major; a missing one is an error."""
        from reglab.store import RunStore

        assert self.out is not None
        with RunStore.open(self.out, create=False) as store:
            found = store.lookup(ds, variants, self.seeds)
        missing = len(variants) * len(self.seeds) - len(found)
        if missing:
            raise ReglabError(
                f"The run store in '{self.out}' lacks {missing} runs of these lessons (interrupted?). "
                "Run the same `reglab lessons` command again: it trains only the missing ones."
            )
        return [found[(i, s)] for i in range(len(variants)) for s in self.seeds]
