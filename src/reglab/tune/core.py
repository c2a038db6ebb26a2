"""`tune`: Optuna proposes a batch of trials, reglab trains the whole batch as one batched computation.

    import reglab
    result = reglab.tune("breast_cancer", ["l1=1e-6:1e-1:log", "dropout=0:0.6"], trials=64, batch=32,
                         seeds=3, epochs=100, out_dir="tune-out")
    result.study.best_trial.params      # Optuna's study
    result.best_runs                    # the best trial's runs, one per seed

The loop (ask-and-tell, :mod:`reglab.tune.study`): ask up to ``batch``
trials of what the study still lacks; turn each into a variant (the base
with the trial's parameters, named ``trial N``); train every trial × seed
in one :func:`reglab.train` call with a :class:`~reglab.tune.pruning.BatchPruning`
callback, so the pruner stops hopeless trials inside the batch; store the
batch's runs in ``OUT/runs.sqlite`` in one transaction; tell each trial its value, the
mean over seeds of the final validation loss (``val_loss`` of the model
``module()`` returns), or PRUNED.  Repeat until the study holds ``trials``
COMPLETE or PRUNED trials.  A trial whose runs are already in the run store
(a retried or repeated setting) is told from them without training.
"""

from __future__ import annotations

import math
import numbers
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import optuna
import torch
from optuna.trial import FrozenTrial, TrialState

from reglab import arguments
from reglab.api import train
from reglab.arguments import dataset_argument, positive_int
from reglab.data import Dataset
from reglab.errors import ReglabError
from reglab.errors import CompareInterrupted
from reglab.parallel import Compute
from reglab.version import reglab_version
from reglab.run import Run
from reglab.store import ExperimentRecord, RunStore, data_fingerprint, now
from reglab.tune import study as studies
from reglab.cluster import connect
from reglab.tune.pruning import BatchPruning, TrialPruner, trial_value
from reglab.tune.result import TuneResult, analyse
from reglab.tune.space import SearchSpace, parse_space
from reglab.variant import Variant

Log = Callable[[str], None]
DEFAULT_STUDY = "reglab-tune"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class TuneInterrupted(CompareInterrupted):
    """Ctrl-C during :func:`tune`: the finished trials are told, the unfinished ones put back to run again."""

    def __init__(self, done: int, total: int, out_dir: Path, returned: int) -> None:
        super().__init__(done, total, out_dir)
        self.returned = returned

    @property
    def message(self) -> str:
        return (f"interrupted: {self.kept} of {self.total} trials done in the study, {self.returned} unfinished "
                f"put back (runs kept in {self.out_dir}); run the same command to resume")


def tune(
    dataset: Dataset | str,
    space: SearchSpace | Sequence[str] | Mapping[str, Any],
    *,
    trials: int = 64,
    batch: int = 32,
    seeds: int | Sequence[int] = 3,
    base: str | Variant = "baseline",
    epochs: int | None = None,
    out_dir: str | Path = "reglab-tune",
    storage: str | None = None,
    study_name: str = DEFAULT_STUDY,
    sampler: str = "tpe",
    pruner: str = "median",
    sampler_seed: int = 0,
    cluster: str | None = None,
    progress: bool = True,
    log: Log | None = _stderr,
    compute: Compute = Compute(),
) -> TuneResult:
    """Search ``space`` on ``dataset`` with Optuna, ``batch`` trials at a time; write the report into ``out_dir``.

    Args:
        dataset: a :class:`~reglab.data.Dataset` or a catalog name / CSV path.
        space: ``["l1=1e-6:1e-1:log", "dropout=0:0.6"]``, ``{"l1": "1e-6:1e-1:log"}``
            or a :class:`SearchSpace` (see :mod:`reglab.tune.space`).
        trials: how many trials the study should hold in the end (COMPLETE or
            PRUNED), counting those other workers or earlier runs made.
        batch: most trials asked and trained at once (× seeds models).
        seeds: a number N (seeds 0..N-1) or the seeds; a trial's value is the mean over them.
        base: the variant every other setting comes from.
        epochs: overrides the base's ``epochs``.
        out_dir: holds ``runs.sqlite``, ``study.sqlite`` (the default storage), the report, results.json, figures.
        storage: an Optuna storage URL (``postgresql://user@host/db``) for
            several workers sharing one study; default ``sqlite:///OUT/study.sqlite``.
        study_name: the study's name in the storage (default ``reglab-tune``).
        sampler: ``tpe`` (default), ``random`` or ``grid`` (every parameter a grid or a list).
        pruner: ``median`` (Optuna's MedianPruner, no pruning in the first 10 % of the epochs; default) or ``none``.
        sampler_seed: the sampler's seed; each batch's sampler is seeded with it plus the number of trials the study holds.
        cluster: a Dask scheduler address (``tcp://host:8786``): each batch's
            groups are trained on the cluster's workers.
        progress: show the training progress bar; ``log``: status lines (``None`` for silence).
        compute: worker processes and models per group, or an executor (:class:`reglab.parallel.Compute`).

    Returns:
        A :class:`TuneResult`: ``study``, ``best_runs``, the trials within one SE of the best, the report's paths.

    Raises:
        ReglabError: a bad space, sampler, pruner, seeds, storage URL or
            cluster address, or a study made with another space (before anything is written).
        TuneInterrupted: on Ctrl-C, after the finished trials are told and the unfinished ones put back.
    """
    say = log or (lambda _: None)
    trials, batch = positive_int("trials", trials), positive_int("batch", batch)
    ds = dataset_argument(dataset)
    base_variant = Variant.parse(base)
    if epochs is not None:
        base_variant = base_variant.replace(epochs=epochs, name=base_variant.name)
    search = space if isinstance(space, SearchSpace) else parse_space(space, base_variant)
    if isinstance(space, SearchSpace) and epochs is not None:
        search = SearchSpace(search.dimensions, base_variant)
    seed_list = list(range(positive_int("seeds", seeds))) if isinstance(seeds, numbers.Integral) else arguments.seed_list(seeds)
    sample = studies.make_sampler(sampler, search, sampler_seed)
    prune = studies.make_pruner(pruner, search.base.epochs)
    out = Path(out_dir)
    with connect(cluster, compute) as compute:
        url = storage or studies.default_storage(out)
        if storage is None:
            _make_directory(out)
        study = studies.open_study(studies.open_storage(url), study_name, search, sample, prune,
                                   context={"dataset": {"name": ds.name, "options": ds.options}, "seeds": seed_list})
        settings = {"storage": studies.without_password(url), "study": study_name, "space": [d.text for d in search.dimensions],
                    "sampler": sampler, "pruner": pruner, "sampler_seed": sampler_seed, "trials": trials, "batch": batch,
                    "cluster": cluster}
        record = ExperimentRecord(
            dataset=ds.name, options=dict(ds.options), variants=(), specs=(), seeds=tuple(seed_list), epochs=epochs,
            created=now(), reglab_version=reglab_version(), kind="tune", base=search.base.to_dict(), settings=settings,
        )
        trained = _optimize(ds, study, search, seed_list, trials, batch, out, record, compute, progress, say)

        def train_missing(variants: list[Variant], seed_list: list[int]) -> None:
            say(f"training the runs of {len(variants)} of the best trials here: other workers trained them "
                "(in another batch, so equal to the study's values up to float rounding)")
            with RunStore.open(out) as store, compute.workers() as executor:
                train(ds, variants, seed_list, progress=progress, executor=executor, max_models=compute.max_models,
                      on_run=lambda run: store.put(ds, run))

        result = analyse(ds, study, search, record, out, train_missing)
    result.trained = trained
    from reglab.tune.report import write_outputs

    return write_outputs(result, out)


def _optimize(ds: Dataset, study: optuna.Study, space: SearchSpace, seeds: list[int], trials: int, batch: int, out: Path,
              record: ExperimentRecord, compute: Compute, progress: bool, say: Log) -> int:
    """Ask, train, tell until the study holds ``trials`` finished trials; returns how many runs were trained here."""
    trained, settings, waited, finished = 0, record.settings or {}, False, studies.Finished()
    with RunStore.open(out) as store:
        store.record_experiment(record)
        fingerprint = data_fingerprint(ds)
        done = _finished(study)
        if done:
            say(f"resuming: {done} of {trials} trials already in study {study.study_name!r}")
        with compute.workers() as executor:
            while True:
                # seeded by what the study holds, so a resumed or second worker draws new points, and one worker repeats itself
                study.sampler = studies.make_sampler(settings["sampler"], space, settings["sampler_seed"] + len(study.get_trials(deepcopy=False)))
                asked = studies.ask_batch(study, space, trials, batch)
                if not asked:
                    others = studies.running_elsewhere(study)
                    if not others:
                        break
                    if not waited:
                        say(f"waiting for {others} trials running in other workers (a dead worker's are run again "
                            f"{studies.GRACE_S} s after its last heartbeat)")
                    waited = True
                    time.sleep(studies.HEARTBEAT_S)
                    continue
                compared = finished.of(study.get_trials(deepcopy=False))  # the batch's pruner and its tell compare with these
                try:
                    with studies.heartbeats(study._storage, asked):
                        runs, count = _train_batch(ds, study, space, asked, seeds, store, fingerprint, compute, executor,
                                                   progress, compared)
                        trained += count
                        told = _tell(study, space, asked, runs, compared)
                except KeyboardInterrupt:
                    studies.give_back(study, asked)
                    raise TuneInterrupted(_finished(study), trials, out, len(asked)) from None
                say(_batch_line(study, told, trials))
    return trained


def _train_batch(ds: Dataset, study: optuna.Study, space: SearchSpace, asked: list[FrozenTrial], seeds: list[int],
                 store: RunStore, fingerprint: str, compute: Compute, executor: Any, progress: bool,
                 compared: list[FrozenTrial]) -> tuple[dict[int, list[Run]], int]:
    """Every asked trial × seed, from the store when it has them all, else trained in one batched call.

    The runs trained are stored in one transaction when the call returns or is interrupted (a commit per
    run cost 3.4 ms, measured); a worker killed meanwhile loses them with its batch, whose trials are retried.
    """
    variants = {t.number: space.variant(t.params, f"trial {t.number}") for t in asked}
    runs: dict[int, list[Run]] = {}
    todo = []
    for trial in asked:
        found = [store.get(ds, variants[trial.number], s, fingerprint=fingerprint) for s in seeds]
        if all(run is not None for run in found):
            runs[trial.number] = found  # type: ignore[assignment]
        else:
            todo.append(trial)
    if not todo:
        return runs, 0
    per_run = len(seeds) * space.base.ensemble
    pruning = BatchPruning(
        trial_of={i * len(seeds) + j: t.number for i, t in enumerate(todo) for j in range(len(seeds))},
        params={t.number: t.params for t in todo}, distributions=space.distributions,
        pruner=study.pruner, finished=compared,
    )
    finished_runs: list[Run] = []
    try:
        trained = train(
            ds, [variants[t.number] for t in todo], seeds, progress=progress, executor=executor,
            max_models=max(per_run, compute.max_models // per_run * per_run),  # a trial's seeds never split over groups
            callbacks=[pruning], on_run=finished_runs.append,
        )
    finally:
        store.put_many(ds, finished_runs, fingerprint=fingerprint)
    for i, trial in enumerate(todo):
        runs[trial.number] = trained[i * len(seeds):(i + 1) * len(seeds)]
    return runs, len(trained)


def _tell(study: optuna.Study, space: SearchSpace, asked: list[FrozenTrial], runs: dict[int, list[Run]],
          compared: list[FrozenTrial]) -> list[TrialState]:
    """Each trial's value (mean final validation loss over seeds), or PRUNED where the pruner stopped it; their states.

    Whether the pruner stopped a trial is decided again here from its curve, by the same pruner on the
    same finished trials ``compared`` (:meth:`TrialPruner.replay`), since the callback may have run in a
    cluster's worker.  A trial's attributes and state go to the storage with :func:`reglab.tune.study.finish`.
    """
    judge = TrialPruner(study.pruner, compared, {t.number: t.params for t in asked}, space.distributions)
    states = []
    for trial in asked:
        group = runs[trial.number]
        curve = _curve(group)
        finals = [run.metrics["val_loss"] for run in group]
        attrs: dict[str, Any] = {studies.CURVE_ATTR: [v if math.isfinite(v) else None for v in curve],
                                 "val_losses": [v if math.isfinite(v) else None for v in finals]}
        pruned_at = judge.replay(trial.number, curve)
        if pruned_at is not None:
            attrs["pruned_epoch"] = pruned_at
            state, value = TrialState.PRUNED, None
        elif any(run.metrics.get("diverged") for run in group) or not all(math.isfinite(v) for v in finals):
            attrs["diverged"] = True
            state, value = TrialState.COMPLETE, math.inf
        else:
            state, value = TrialState.COMPLETE, sum(finals) / len(finals)
        studies.finish(study, trial, state, value, attrs)
        states.append(state)
    return states


def _curve(group: list[Run]) -> list[float]:
    """A trial's value per epoch, as its pruning callback saw it: a seed that stopped earlier keeps its last value
    (its frozen model is evaluated again each epoch while the others train)."""
    histories = [run.history["val_loss"] for run in group]
    length = max(len(h) for h in histories)
    padded = [h + h[-1:] * (length - len(h)) for h in histories]
    return [trial_value(torch.tensor(epoch, dtype=torch.float32)) for epoch in zip(*padded)]


def _finished(study: optuna.Study) -> int:
    return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE, TrialState.PRUNED)))


def _batch_line(study: optuna.Study, told: list[TrialState], trials: int) -> str:
    held = study.get_trials(deepcopy=False)
    finished = sum(t.state in (TrialState.COMPLETE, TrialState.PRUNED) for t in held)
    line = f"batch of {len(told)} trials told ({told.count(TrialState.PRUNED)} pruned); {finished} of {trials} done"
    complete = [t for t in held if t.state == TrialState.COMPLETE and math.isfinite(t.value)]
    if complete:
        best = min(complete, key=lambda t: t.value)
        line += f"; best so far trial {best.number}: {best.value:.4f}"
    return line


def _make_directory(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReglabError(f"Cannot create the output directory '{out}': {error.strerror or error}.") from None
