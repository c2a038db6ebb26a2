"""``--dry-run``: what a job would train, how much memory it needs and how long it would take, without training it.

:func:`plan_job` leaves out the runs an output directory already stores,
cuts the rest into the groups :func:`reglab.train` would train, takes the
memory estimate of :mod:`reglab.budget` and, when the job fits, measures the
time: :func:`calibrate` trains each group shape for 3 epochs on at most
:data:`CALIBRATION_BATCHES` minibatches and scales the quicker of the later epochs' time
by the epochs and rows of the real job (the first epoch's extra time is the
set-up).  With ``--jobs N`` the groups are dealt to N workers, longest
first.  The commands raise :class:`DryRun` with the plan instead of training
(``Compute(dry_run=True)``); the CLI prints :meth:`Plan.lines`.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reglab.budget import Estimate, available_memory, size_text, training_estimate

if TYPE_CHECKING:
    from reglab.data import Dataset
    from reglab.engine.plan import Group
    from reglab.engine.trainer import Split
    from reglab.variant import Variant

CALIBRATION_BATCHES = 20
"""Minibatches per epoch trained by :func:`calibrate`."""


@dataclass(frozen=True)
class Calibration:
    """Seconds one group is expected to train: ``setup`` once, then ``per_epoch`` for each of ``epochs``."""

    models: int
    epochs: int
    setup: float
    per_epoch: float

    @property
    def seconds(self) -> float:
        return self.setup + self.per_epoch * self.epochs


def calibrate(group: Group, splits: dict[str, Split], task: str) -> Calibration:
    """Train ``group`` for 3 epochs on at most :data:`CALIBRATION_BATCHES` minibatches; scale to the real job.

    The quicker of the 2nd and 3rd epochs (minibatches and evaluation, which
    both grow with the rows; the quicker is the one less disturbed by other
    work) is scaled by ``n_train / calibration rows`` and by the group's
    epochs; the first epoch's extra time is the set-up.
    """
    from reglab.api import build_pieces
    from reglab.engine.trainer import Split, train_group

    n_train = splits["train"].X.shape[0]
    batch = n_train if group.batch_size == "full" else min(int(group.batch_size), n_train)
    rows = min(n_train, batch * CALIBRATION_BATCHES)
    share = rows / n_train
    cut = {}
    for name, split in splits.items():
        keep = max(1, round(split.X.shape[0] * share)) if split.X.shape[0] else 0
        cut[name] = Split(split.X[:keep], split.y[:keep])
    ticks: list[float] = []
    short = dataclasses.replace(group, epochs=3)
    start = time.perf_counter()
    train_group(short, cut, task, on_epoch=lambda _: ticks.append(time.perf_counter()), pieces=build_pieces(short))
    epoch = min(ticks[1] - ticks[0], ticks[2] - ticks[1])
    setup = max(ticks[0] - start - epoch, 0.0)
    return Calibration(len(group.runs) * group.members, group.epochs, setup, epoch * n_train / rows)


def duration_text(seconds: float) -> str:
    """``0.4 s``, ``12 s``, ``3 min 20 s``, ``2 h 05 min``, ``4.1 days``."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"
    if seconds < 86400 * 2:
        return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"
    return f"{seconds / 86400:.1f} days"


@dataclass(frozen=True)
class Plan:
    """What a job would train, without training it (``--dry-run``)."""

    runs: int
    stored: int
    groups: tuple[Group, ...]
    estimate: Estimate
    available: int | None
    jobs: int
    calibrations: tuple[Calibration, ...] = ()

    @property
    def fits(self) -> bool:
        return self.available is None or self.estimate.total <= self.available

    @property
    def seconds(self) -> float:
        """The time to train every group: their sum in one process, the longest worker's share with ``jobs``."""
        workers = [0.0] * max(1, min(self.jobs, len(self.calibrations)))
        for calibration in sorted(self.calibrations, key=lambda c: c.seconds, reverse=True):
            workers[workers.index(min(workers))] += calibration.seconds
        return max(workers)

    def lines(self) -> list[str]:
        """The plan as the CLI prints it."""
        models = sum(len(group.runs) * group.members for group in self.groups)
        out = [f"runs: {self.runs} to train ({models} models)" + (f", {self.stored} already stored" if self.stored else "")]
        shapes: dict[str, int] = {}
        for group in self.groups:
            text = (f"{len(group.runs)} runs x {group.members} models, hidden {'x'.join(map(str, group.arch.hidden)) or 'none'}, "
                    f"{group.epochs} epochs")
            shapes[text] = shapes.get(text, 0) + 1
        out.append(f"groups: {len(self.groups)} ({'; '.join(f'{n} of {text}' if n > 1 else text for text, n in shapes.items())})")
        room = "unknown" if self.available is None else size_text(self.available)
        verdict = "fits" if self.fits else "does NOT fit: the job would be refused"
        out.append(f"memory: {self.estimate.describe()} at the peak; {room} available: {verdict}")
        if self.calibrations:
            how = "in this process" if self.jobs == 1 else f"on {self.jobs} workers, if they do not slow each other down"
            out.append(f"time: about {duration_text(self.seconds)} {how} (calibrated on 3 epochs of at most "
                       f"{CALIBRATION_BATCHES} minibatches per group)")
        return out


class DryRun(Exception):
    """Raised instead of training by a command given ``Compute(dry_run=True)``; ``plan`` is what it would do."""

    def __init__(self, plan: Plan) -> None:
        super().__init__("dry run")
        self.plan = plan


def make_plan(
    groups: Sequence[Group], splits: dict[str, Split], task: str, *, n_features: int, jobs: int = 1, stored: int = 0
) -> Plan:
    """The :class:`Plan` of training ``groups``: the memory estimate and, when it fits, a time calibration.

    Groups of one shape (same architecture, size, epochs) are calibrated once.
    """
    rows = tuple(int(splits[name].X.shape[0]) for name in ("train", "val", "test"))
    estimate = training_estimate(groups, rows, n_features, concurrent=jobs)  # type: ignore[arg-type]
    plan = Plan(sum(len(g.runs) for g in groups), stored, tuple(groups), estimate, available_memory(), jobs)
    if not plan.fits or not groups:
        return plan
    measured: dict[tuple, Calibration] = {}
    calibrations = []
    for group in groups:
        shape = (group.arch, group.optimizer, group.batch_size, group.epochs, group.members, len(group.runs))
        if shape not in measured:
            measured[shape] = calibrate(group, splits, task)
        calibrations.append(measured[shape])
    return dataclasses.replace(plan, calibrations=tuple(calibrations))


def plan_job(
    dataset: Dataset, variants: Sequence[Variant], seeds: Sequence[int], *, out_dir: str | Path | None = None,
    max_models: int = 1024, jobs: int = 1,
) -> Plan:
    """The :class:`Plan` of training ``variants`` × ``seeds`` on ``dataset``, leaving out what ``out_dir`` already stores.

    Nothing is written: a store that does not exist yet counts as empty.
    """
    from reglab.api import dataset_splits
    from reglab.engine.plan import RunSpec, make_groups
    from reglab.store import FILE_NAME, RunStore

    variants, seeds = list(variants), list(seeds)
    stored: set[tuple[int, int]] = set()
    if out_dir is not None and (Path(out_dir) / FILE_NAME).is_file():
        with RunStore.open(out_dir, create=False) as store:
            stored = set(store.lookup(dataset, variants, seeds))
    todo = [RunSpec(v, s, k) for k, (i, v, s) in enumerate(
        (i, v, s) for i, v in enumerate(variants) for s in seeds if (i, s) not in stored)]
    groups = make_groups(todo, dataset.n_features, dataset.n_outputs, dataset.image_shape, max_models=max_models)
    return make_plan(groups, dataset_splits(dataset), dataset.task, n_features=dataset.n_features, jobs=jobs,
                     stored=len(stored))
