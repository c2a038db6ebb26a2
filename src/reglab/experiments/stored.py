"""Store-aware training, shared by every kind of experiment: train only what ``OUT/runs.sqlite`` lacks.

    runs, trained = train_stored(ds, variants, seeds, out, record, progress=True, say=print)

Every finished run is written to the store the moment training hands it
over, and a group still in training saves its state there as it goes, so an
interrupted experiment keeps its work (:class:`CompareInterrupted` says how
much) and the same call again trains only the missing (variant, seed) pairs.
"""

from __future__ import annotations

from pathlib import Path

from reglab.api import train
from reglab.data import Dataset
from reglab.errors import CompareInterrupted
from reglab.experiments.kinds import Log
from reglab.parallel import Compute
from reglab.run import Run
from reglab.store import ExperimentRecord, RunStore, data_fingerprint
from reglab.variant import Variant


def train_stored(
    ds: Dataset,
    variants: list[Variant],
    seeds: list[int],
    out: Path,
    record: ExperimentRecord,
    *,
    progress: bool,
    say: Log,
    compute: Compute = Compute(),
) -> tuple[list[Run], int]:
    """Every variant × seed (variant-major) from ``out/runs.sqlite``, training only what it lacks.

    Each trained run is stored the moment ``train`` hands it over; ``record``
    goes into the store with the first stored run (at once when some runs are
    there already), so a call that fails at once leaves no trace.  Returns the
    runs and how many were trained.

    Raises:
        CompareInterrupted: on Ctrl-C, after the finished runs are stored.
    """
    total = len(variants) * len(seeds)
    with RunStore.open(out) as store:
        fingerprint = data_fingerprint(ds)
        found = store.lookup(ds, variants, seeds)
        if found:
            say(f"resuming: {len(found)} of {total} runs already stored in {out}")
            store.record_experiment(record)
        trained = 0

        def keep(run: Run) -> None:
            nonlocal trained
            if not found:
                store.record_experiment(record)
            store.put(ds, run, fingerprint=fingerprint)
            found[(_index_of(variants, run.variant), run.seed)] = run
            trained += 1

        try:
            with compute.workers() as executor:
                for todo_variants, todo_seeds in _batches(variants, seeds, found):
                    train(
                        ds, todo_variants, todo_seeds, progress=progress, on_run=keep, checkpoints=store,
                        on_resume=lambda epoch: say(f"resuming: unfinished runs from their checkpoint at epoch {epoch}"),
                        executor=executor, max_models=compute.max_models,
                    )
        except KeyboardInterrupt:
            raise CompareInterrupted(len(found), total, out, store.checkpoint_epochs()) from None
    return [found[(i, s)] for i in range(len(variants)) for s in seeds], trained


def train_all(
    ds: Dataset,
    variants: list[Variant],
    seeds: list[int],
    out: Path | None,
    record: ExperimentRecord,
    *,
    progress: bool,
    say: Log,
    compute: Compute = Compute(),
) -> tuple[list[Run], int]:
    """:func:`train_stored` into ``out``, or, without ``out``, everything trained in memory.

    Raises:
        DryRun: with ``compute.dry_run``, before anything is trained or written: the plan of what would be.
    """
    if compute.dry_run:
        from reglab.dry_run import DryRun, plan_job

        raise DryRun(plan_job(ds, variants, seeds, out_dir=out, max_models=compute.max_models, jobs=compute.jobs))
    if out is None:
        with compute.workers() as executor:
            runs = train(ds, variants, seeds, progress=progress, executor=executor, max_models=compute.max_models)
        return runs, len(runs)
    return train_stored(ds, variants, seeds, out, record, progress=progress, say=say, compute=compute)


def _index_of(variants: list[Variant], variant: Variant) -> int:
    for i, v in enumerate(variants):
        if v.label == variant.label:
            return i
    raise AssertionError(f"trained an unknown variant {variant.label!r}")


def _batches(
    variants: list[Variant], seeds: list[int], found: dict[tuple[int, int], Run]
) -> list[tuple[list[Variant], list[int]]]:
    """The missing runs as few ``train`` calls: variants that miss the same seeds go together."""
    by_seeds: dict[tuple[int, ...], list[Variant]] = {}
    for i, variant in enumerate(variants):
        todo = tuple(s for s in seeds if (i, s) not in found)
        if todo:
            by_seeds.setdefault(todo, []).append(variant)
    return [(vs, list(todo)) for todo, vs in by_seeds.items()]
