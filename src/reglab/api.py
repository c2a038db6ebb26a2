"""`reglab.train`: variants × seeds on a data set, trained by the batched engine."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from reglab import arguments, budget
from reglab.arguments import dataset_argument
from reglab.callbacks import build_callbacks
from reglab.engine.checkpoint import EVERY_S, CheckpointStorage, GroupCheckpoint
from reglab.engine.plan import Group, RunSpec, make_groups
from reglab.engine.outcome import RunOutcome
from reglab.engine.trainer import CallbackFactory, Observe, Split, train_group
from reglab.errors import ReglabError
from reglab.parallel import EpochTicks, concurrency, epoch_queue
from reglab.pieces.interface import Pieces
from reglab.progress import progress_bar
from reglab.regularizers import build_regularizers
from reglab.run import Run
from reglab.variant import Variant, parse_variants

if TYPE_CHECKING:
    from reglab.data import Dataset

RunCallback = Callable[[Run], None]


def train(
    dataset: Dataset | str,
    variants: Sequence[str | Variant] | str | Variant,
    seeds: Iterable[int] = (0,),
    *,
    epochs: int | None = None,
    progress: bool = True,
    on_run: RunCallback | None = None,
    max_models: int = 1024,
    checkpoints: CheckpointStorage | None = None,
    checkpoint_every: float = EVERY_S,
    on_resume: Callable[[int], None] | None = None,
    executor: Executor | None = None,
    callbacks: Sequence[CallbackFactory] = (),
    observe: Observe | None = None,
) -> list[Run]:
    """Train every variant with every seed; return one :class:`Run` per pair.

    Runs are ordered variant-major: ``runs[i * len(seeds) + j]`` is variant
    ``i`` with seed ``j``.  Runs that can share a batched computation (see
    :mod:`reglab.engine.plan`) are trained together, at most ``max_models``
    models at once.

    Args:
        dataset: the data, from :func:`reglab.load_dataset` or ``Dataset.from_arrays``
            (a name such as ``"moons"`` is loaded with its default options).
        variants: specs such as ``"l1=1e-3"`` or :class:`Variant` objects (at least one).
        seeds: one run per seed and variant; same seed = same initial weights
            and minibatch order for every variant of the same architecture.
        epochs: overrides every variant's ``epochs`` when given.
        progress: show a progress bar (epochs of all groups).
        on_run: called with each run as soon as its group has finished
            (the store uses it so an interrupted job keeps finished runs).
        max_models: most models trained in one batch.
        checkpoints: where each group's state is saved while it trains (at
            most every ``checkpoint_every`` seconds) and found again, so an
            interrupted group goes on from its last saved epoch with the
            numbers it would have had (see :mod:`reglab.engine.checkpoint`).
            A group's checkpoint is dropped once ``on_run`` has had its runs.
        checkpoint_every: seconds between two saves of a group's state.
        on_resume: called with the epoch a group resumes after, when it finds its checkpoint.
        executor: a :class:`concurrent.futures.Executor` that trains the groups
            in parallel, one task per group (:func:`reglab.parallel.process_pool`
            on this machine; any executor whose workers can import reglab, on
            many).  Runs are delivered as their group finishes; the numbers are
            those of training in this process, since a group trains the same
            wherever it runs.  Groups are not checkpointed then; the progress
            bar moves epoch by epoch for thread and process pools, a group at
            a time for other executors.  Use ``max_models`` to cut large
            groups into tasks.
        callbacks: factories ``make(runs) -> Callback | None``, each called
            once per group with that group's runs (a sequence of
            :class:`~reglab.engine.plan.RunSpec`: ``variant``, ``seed`` and
            ``index``, the run's place in the returned list).  A
            :class:`reglab.callbacks.Callback` it returns sees every epoch's
            per-run logs (``on_epoch_end(epoch, logs) -> Decision``, ``[R]``
            tensors by name) and may stop runs exactly like early stopping:
            a stopped run keeps its weights from then on (or the ones it asked
            to keep, with ``restore``), and the other runs of its group go on
            with exactly the numbers they would have had without it.  An Optuna
            pruner stops a hopeless trial this way; so does a user's "stop this
            run" button.  With an ``executor`` the factories run in the workers
            (so they must pickle); a checkpointed group saves their
            ``state_dict()`` and gives it back on resuming.
        observe: ``observe(view)``, called at the end of every epoch of every
            group with an :class:`~reglab.engine.view.EpochView`: ``epoch``,
            ``runs`` (the group's indices into the returned list), ``logs``
            (``[R]`` per figure), ``active``, ``predict(X)`` (probabilities
            ``[R, N, outputs]``, an ensemble's members averaged) and
            ``first_layer_weights()``, so a page can draw each run's decision
            boundary live.  It may block (a pause) and raise (a cancel: the
            exception leaves ``train``).  Observing changes no number.  Not
            with ``executor``: the groups then train in other processes.

    Before anything is trained, the memory the job needs is estimated
    (:mod:`reglab.budget`) and a job that cannot fit is refused.
    """
    dataset = dataset_argument(dataset)
    parsed = parse_variants([variants] if isinstance(variants, (str, Variant)) else list(variants))
    if not parsed:
        raise ReglabError("Argument `variants` is empty: give at least one, e.g. ['baseline'].")
    if epochs is not None:
        parsed = [v.replace(epochs=epochs, name=v.label) for v in parsed]
    if observe is not None and executor is not None:
        raise ReglabError(
            "Arguments `observe` and `executor` cannot be combined: observe sees each epoch of groups trained in "
            "this process, and an executor trains them elsewhere. Give one of them."
        )
    if observe is not None and not callable(observe):
        raise ReglabError(f"Argument `observe` must be a callable taking an EpochView. Received: observe={observe!r}.")
    callbacks = _factories(callbacks)
    seed_list = arguments.seed_list(seeds)
    max_models = arguments.positive_int("max_models", max_models)
    for variant in parsed:
        _check_fits(variant, dataset)
    specs = [RunSpec(v, s, i * len(seed_list) + j) for i, v in enumerate(parsed) for j, s in enumerate(seed_list)]
    groups = make_groups(specs, dataset.n_features, dataset.n_outputs, dataset.image_shape, max_models=max_models)
    rows = (len(dataset.y_train), len(dataset.y_val), len(dataset.y_test))
    budget.check_fits(budget.training_estimate(groups, rows, dataset.n_features, concurrent=concurrency(executor)))
    splits = dataset_splits(dataset)
    results: list[Run | None] = [None] * len(specs)

    def deliver(group: Group, outcomes: list[RunOutcome]) -> None:
        for spec, outcome in zip(group.runs, outcomes):
            run = Run(spec.variant, spec.seed, outcome.history, outcome.metrics, dataset.task, group.arch, outcome.members)
            results[spec.index] = run
            if on_run is not None:
                on_run(run)

    total = sum(group.epochs for group in groups)
    with progress_bar(total=total, enabled=progress, unit="epoch", desc="training", dynamic_ncols=True) as bar:
        if executor is not None:
            _train_on(executor, groups, splits, dataset.task, deliver, bar, callbacks)
        else:
            for number, group in enumerate(groups, 1):
                bar.set_postfix_str(f"group {number}/{len(groups)}: {len(group.runs)} runs x {group.members} models")
                checkpoint = None
                if checkpoints is not None:
                    runs = [(spec.variant, spec.seed) for spec in group.runs]
                    checkpoint = GroupCheckpoint(checkpoints, dataset, runs, checkpoint_every)
                deliver(group, _train_here(group, splits, dataset.task, checkpoint, on_resume, bar, callbacks, observe))
                if checkpoint is not None:
                    checkpoint.drop()
    return results  # type: ignore[return-value]


def dataset_splits(dataset: Dataset) -> dict[str, Split]:
    """The train, validation and test splits of ``dataset`` as the engine's tensors."""
    return {
        name: Split.of(getattr(dataset, f"X_{name}"), getattr(dataset, f"y_{name}"), dataset.task)
        for name in ("train", "val", "test")
    }


def _train_here(
    group: Group,
    splits: dict[str, Split],
    task: str,
    checkpoint: GroupCheckpoint | None,
    on_resume: Callable[[int], None] | None,
    bar: tqdm,
    callbacks: Sequence[CallbackFactory],
    observe: Observe | None,
) -> list[RunOutcome]:
    """One group in this process, from its checkpoint when there is one, moving the bar epoch by epoch."""
    done = bar.n

    def resumed(epoch: int) -> None:
        if on_resume is not None:
            with tqdm.external_write_mode():  # a message printed by the callback does not break the bar
                on_resume(epoch)
        bar.set_postfix_str(f"{bar.postfix}, resumed at epoch {epoch}")
        bar.update(epoch)

    resume = checkpoint.load() if checkpoint is not None else None
    outcomes = train_group(group, splits, task, on_epoch=lambda _: bar.update(1), resume=resume, on_resume=resumed,
                           checkpoint=checkpoint, pieces=build_pieces(group), callbacks=callbacks, observe=observe)
    bar.update(done + group.epochs - bar.n)
    return outcomes


def _train_on(
    executor: Executor,
    groups: list[Group],
    splits: dict[str, Split],
    task: str,
    deliver: Callable[[Group, list[RunOutcome]], None],
    bar: tqdm,
    callbacks: Sequence[CallbackFactory],
) -> None:
    """Every group as one task of ``executor``; each group's runs are delivered as soon as it is done.

    The bar moves epoch by epoch where the executor's tasks can report back
    (:func:`reglab.parallel.epoch_queue`), else a group at a time.
    """
    bar.set_postfix_str(f"{len(groups)} groups on {type(executor).__name__}")
    counted = [0] * len(groups)

    def count(ticks: Any) -> None:
        while ticks is not None and not ticks.empty():
            index = ticks.get()
            counted[index] += 1
            bar.update(1)

    with epoch_queue(executor) as ticks:
        futures = {
            executor.submit(
                train_group, group, splits, task, EpochTicks(ticks, i) if ticks is not None else None,
                pieces=build_pieces(group), callbacks=callbacks,
            ): i
            for i, group in enumerate(groups)
        }
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, timeout=0.25, return_when=FIRST_COMPLETED)
                count(ticks)
                for future in done:
                    index = futures[future]
                    deliver(groups[index], future.result())
                    bar.update(groups[index].epochs - counted[index])  # epochs skipped by early stopping, or all
                    counted[index] = groups[index].epochs
        finally:
            for future in futures:
                future.cancel()


def _factories(callbacks: Any) -> tuple[CallbackFactory, ...]:
    """``callbacks`` as a tuple of callables, or a :class:`ReglabError` that says what was expected."""
    expected = "Argument `callbacks` must be a sequence of factories `make(runs) -> Callback | None`, e.g. callbacks=[make]."
    if callable(callbacks) or isinstance(callbacks, (str, bytes)):
        raise ReglabError(f"{expected} Received: callbacks={callbacks!r}.")
    try:
        factories = tuple(callbacks)
    except TypeError:
        raise ReglabError(f"{expected} Received: callbacks={callbacks!r}.") from None
    for make in factories:
        if not callable(make):
            raise ReglabError(f"{expected} Received an item that is not callable: {make!r}.")
    return factories


def build_pieces(group: Group) -> Pieces:
    """The pieces of one group, from the registries: its models' regularizers and its runs' callbacks."""
    return Pieces(build_regularizers(group.model_variants), build_callbacks([run.variant for run in group.runs]))


def _check_fits(variant: Variant, dataset: Dataset) -> None:
    """Refuse settings that cannot apply to this data set, before any training."""
    if variant.conv:
        if dataset.image_shape is None:
            raise ReglabError(f"Variant '{variant.label}': conv needs image data (such as digits); {dataset.name} has no image shape.")
        if min(dataset.image_shape) < 2 ** len(variant.conv):
            raise ReglabError(
                f"Variant '{variant.label}': {len(variant.conv)} pooling blocks shrink {dataset.image_shape} images to nothing; use fewer conv blocks."
            )
    if variant.monitor == "val_acc" and dataset.task == "regression":
        raise ReglabError(f"Variant '{variant.label}': monitor=val_acc needs a classification task; {dataset.name} is regression.")
    expected = {"binary": "bce", "multiclass": "cross_entropy", "regression": "mse"}[dataset.task]
    if variant.loss not in ("auto", expected):
        raise ReglabError(
            f"Variant '{variant.label}': loss={variant.loss} does not fit the {dataset.task} task of {dataset.name}; use loss=auto or loss={expected}."
        )
