"""Reading an output directory back, whatever kind of experiment made it: report, export, pick.

    stored = read_experiment("reglab-out")      # the newest experiment, its data set and runs
    run, why = chosen_run(stored)                # the pick's best seed
    rebuild_report("reglab-out")                 # report.html, results.json and figures again, no training

Each goes through the experiment's kind (:func:`reglab.experiments.registry.kind_of`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from reglab.data import Dataset, load_dataset
from reglab.errors import ReglabError
from reglab.experiments.kinds import Log, StoredExperiment, silent, stderr_log
from reglab.experiments.registry import kind_of
from reglab.run import Run
from reglab.store import ExperimentRecord, RunStore


def read_experiment(out_dir: str | Path) -> StoredExperiment:
    """The newest experiment recorded in ``out_dir/runs.sqlite``, with its data set and runs.

    Raises:
        ReglabError: no such directory or store, no experiment recorded, no
            run stored, or the data set cannot be rebuilt (a moved CSV file).
    """
    out = Path(out_dir)
    if not out.is_dir():
        raise ReglabError(f"No such directory: '{out}'. Give the --out directory of an earlier `reglab compare` or `reglab sweep`.")
    with RunStore.open(out, create=False) as store:
        record = store.last_experiment()
        if record is None:
            raise ReglabError(
                f"The run store in '{out}' records no comparison or sweep. Run `reglab compare --out {out}` first "
                "(or the `reglab sweep` command again: it reuses the stored runs and records itself)."
            )
        kind = kind_of(record)
        ds = _reload_dataset(record)
        wanted = kind.variants(record)
        found = store.lookup(ds, wanted, record.seeds)
        changed = not found and store.holds_other_data(ds)
    if changed:
        raise ReglabError(
            f"The data changed: {record.dataset} no longer holds the data the runs in '{out}' were trained on "
            f"(an edited file?). Run the same `reglab {record.kind}` command again to train on the new data."
        )
    if not found:
        raise ReglabError(
            f"The run store in '{out}' holds no finished run of its last {kind.noun}. "
            f"Run the same `reglab {record.kind}` command again to train them."
        )
    runs = [found[(i, s)] for i in range(len(wanted)) for s in record.seeds if (i, s) in found]
    missing = [(v.label, s) for i, v in enumerate(wanted) for s in record.seeds if (i, s) not in found]
    return StoredExperiment(record, ds, runs, missing, out)


def rebuild_report(out_dir: str | Path, *, log: Log | None = stderr_log) -> Any:
    """Write the report, results.json and figures again from ``out_dir/runs.sqlite``, without training.

    Uses the newest experiment recorded in the store and returns its kind's
    result (a compare gives a :class:`~reglab.experiments.compare.CompareResult`,
    a sweep a :class:`~reglab.sweeps.SweepResult`).  Runs missing after an
    interrupted compare are left out (and listed in ``missing``).

    Raises:
        ReglabError: no store in ``out_dir``, no experiment recorded, no run
            stored (for a sweep: any run missing), or the data set cannot be
            rebuilt (a moved CSV file).
    """
    return rebuild(read_experiment(out_dir), log or silent)


def rebuild(stored: StoredExperiment, say: Log) -> Any:
    """:func:`rebuild_report` of an experiment already read: its kind's result, written again into its directory."""
    kind = kind_of(stored.record)
    return kind.write(kind.from_stored(stored, say), stored.out_dir)


def chosen_run(stored: StoredExperiment, label: str | None = None, seed: int | None = None) -> tuple[Run, str]:
    """One stored run and why it is the one: ``label`` (default: the experiment's pick) and ``seed``
    (default: that variant's seed with the lowest final validation loss).

    The pick is the kind's (:meth:`~reglab.experiments.kinds.ExperimentKind.pick`): for a
    comparison :func:`reglab.analysis.recommend`'s, for a sweep the one-standard-error choice.

    Raises:
        ReglabError: no such variant or seed among the stored runs, or no pick
            (every variant diverged).
    """
    labels = list(dict.fromkeys(run.name for run in stored.runs))
    if label is None:
        label, why = kind_of(stored.record).pick(stored)
    elif label not in labels:
        raise ReglabError(
            f"No variant {label!r} in the last {stored.record.kind} of {stored.out_dir}; its variants: {', '.join(labels)}."
        )
    else:
        why = "the variant asked for"
    candidates = [run for run in stored.runs if run.name == label]
    if seed is not None:
        candidates = [run for run in candidates if run.seed == seed]
        if not candidates:
            seeds = ", ".join(str(run.seed) for run in stored.runs if run.name == label)
            raise ReglabError(f"Variant {label!r} has no stored run with seed {seed}; its seeds: {seeds}.")
        return candidates[0], why
    best = min(candidates, key=lambda run: (math.inf if math.isnan(run.metrics["val_loss"]) else run.metrics["val_loss"]))
    return best, f"{why}; its seed with the lowest validation loss, {best.metrics['val_loss']:.3g}"


def _reload_dataset(record: ExperimentRecord) -> Dataset:
    try:
        return load_dataset(record.dataset, **record.options)
    except ReglabError as error:
        raise ReglabError(f"Cannot rebuild the data set of the stored {record.kind}: {error}") from None
