"""One page's training job: variants × seeds in the batched engine, in worker threads, steered by the page.

Each group of the engine's plan (runs that share one batched computation)
trains in its own thread through ``observe``, called at the end of every
epoch: it records what the page draws, then blocks while the job is paused
(``step`` lets each group take one more epoch) and raises to cancel.

A change of a strength while training runs is recorded on the variant as a
schedule step taking effect at the group's next epoch (``l2=0@1,1e-3@51``),
and the group goes on from its state at the end of the current epoch with
the new variants.  Since the schedule leaves the first epochs unchanged, the
run is exactly the one ``reglab compare`` trains from the recorded variant
(tested).  Stopping a variant by hand records ``stop_epoch``.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from reglab.api import train
from reglab.engine.checkpoint import state_from_bytes, state_to_bytes
from reglab.engine.view import EpochView
from reglab.errors import ReglabError
from reglab.explore.restart import Resume, fitted, plan_groups
from reglab.explore.frames import Snapshot, VariantTrace, encode_grid, histogram, plane
from reglab.outputs.report.command import option_text
from reglab.run import Run
from reglab.schedule import split_steps
from reglab.variant import PARAMETERS, SCHEDULABLE, Variant

if TYPE_CHECKING:
    from reglab.data import Dataset
    from reglab.explore.state import Setup

FRAME_INTERVAL_S = 0.08
"""A group computes a boundary grid and a histogram at most this often (and at its first and last epoch)."""


class _Cancelled(Exception):
    """Raised inside ``observe`` to end a group's training."""


class _Restart(Exception):
    """Raised inside ``observe`` to go on from ``state`` (a serialized training state) with changed variants."""

    def __init__(self, state: bytes) -> None:
        super().__init__("restart")
        self.state = state


@dataclass(frozen=True)
class Change:
    """A strength set while training runs: ``key=value`` on variant ``variant`` (``key=None``: stop it)."""

    variant: int
    key: str | None
    value: Any = None


class Job:
    """The training of one page's set-up; thread-safe controls, snapshot-able state for frames.

    Attributes:
        variants: the variants as they train now, schedules of live changes included.
        status: ``running``, ``paused``, ``done``, ``cancelled`` or ``error`` (see ``error``).
        version: bumped whenever something the page draws has changed.
    """

    def __init__(self, setup: Setup, dataset: Dataset, *, paused: bool = False, on_finish: Callable[[Job], None] | None = None) -> None:
        self.setup, self.dataset = setup, dataset
        self.variants: list[Variant] = list(setup.variants)
        self.seeds = list(range(setup.seeds))
        self.plan = plan_groups(dataset, self.variants, self.seeds)
        self.traces = [VariantTrace() for _ in self.variants]
        self.grid_points, self.extent = (plane(dataset.X_train, setup.grid) if dataset.n_features == 2 else (None, None))
        self.runs: list[Run | None] = [None] * (len(self.variants) * len(self.seeds))
        self.status = "paused" if paused else "running"
        self.error: str | None = None
        self.outcome: dict[str, Any] | None = None
        self.version = 0
        self.started = time.monotonic()
        self.first_frame_s: float | None = None
        self._on_finish = on_finish
        self.holding: set[int] = set()
        """Groups waiting while the job is paused."""
        self._lock = threading.Condition()
        self._paused = paused
        self._credit = [0] * len(self.plan)
        self._pending: list[list[Change]] = [[] for _ in self.plan]
        self._finished = [False] * len(self.plan)
        self._last_grid = [0.0] * len(self.plan)
        self._threads = [threading.Thread(target=self._train_group, args=(g,), daemon=True, name=f"reglab-explore-g{g}")
                         for g in range(len(self.plan))]

    # -- controls (called by the server) ------------------------------------------
    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def pause(self) -> None:
        with self._lock:
            if self.status == "running":
                self._paused, self.status = True, "paused"
                self._bump()

    def resume(self) -> None:
        with self._lock:
            if self.status == "paused":
                self._paused, self.status = False, "running"
                self._bump()

    def step(self) -> None:
        """One more epoch for every group, then paused again."""
        with self._lock:
            if self.status in ("running", "paused"):
                self._paused, self.status = True, "paused"
                self._credit = [c + 1 for c in self._credit]
                self._bump()

    def cancel(self) -> None:
        with self._lock:
            if self.status in ("running", "paused"):
                self.status = "cancelled"
                self._bump()

    def change(self, change: Change) -> None:
        """Queue a live change; the variant's group applies it at its next epoch (frames then show the schedule).

        Raises:
            ReglabError: an unknown variant, a key that cannot change while training, a bad value,
                or a job that is no longer training.
        """
        with self._lock:
            if self.status not in ("running", "paused"):
                raise ReglabError(f"The training has ended ({self.status}): changes apply only while it runs.")
            if not 0 <= change.variant < len(self.variants):
                raise ReglabError(f"No variant {change.variant}: this page has variants 0 to {len(self.variants) - 1}.")
            group = self._group_of(change.variant)
            epoch = self.traces[change.variant].epoch + 1
            self._apply(self.variants[change.variant], change, epoch)  # checked now, applied by the group
            self._pending[group].append(change)
            self._bump()

    def wait_finished(self, timeout: float | None = None) -> bool:
        """Block until every group has ended; True if they have."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self._threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(thread.is_alive() for thread in self._threads)

    # -- training threads ---------------------------------------------------------
    def _train_group(self, g: int) -> None:
        blob: bytes | None = None
        indices = self._variants_of(g)
        try:
            with self._lock:
                self._hold(g)  # a job started paused trains nothing before its first step
            while True:
                variants = [self.variants[i] for i in indices]
                try:
                    found = train(self.dataset, variants, self.seeds, observe=lambda view: self._observe(g, view, variants),
                                  checkpoints=Resume(blob), checkpoint_every=math.inf, progress=False)
                    break
                except _Restart as restart:
                    blob = restart.state
            with self._lock:
                for local, run in enumerate(found):
                    self.runs[self._global(indices, local)] = run
                self._finished[g] = True
                if all(self._finished):
                    self._finish()
        except _Cancelled:
            pass
        except Exception as error:  # shown in the page; the server goes on
            with self._lock:
                self.status, self.error = "error", f"{type(error).__name__}: {error}"
                self._bump()

    def _hold(self, g: int) -> None:
        """Wait (holding the lock) while the job is paused and group ``g`` has no step to take; raise if cancelled."""
        while True:
            if self.status in ("cancelled", "error"):
                raise _Cancelled()
            if not self._paused:
                return
            if self._credit[g] > 0:
                self._credit[g] -= 1
                return
            self.holding.add(g)
            try:
                self._lock.wait(0.5)
            finally:
                self.holding.discard(g)

    def _observe(self, g: int, view: EpochView, variants: list[Variant]) -> None:
        runs = [self._global(self._variants_of(g), r) for r in view.runs]
        self._record(g, view, runs)
        with self._lock:
            self._hold(g)
            changes, self._pending[g] = self._pending[g], []
            if not changes:
                return
            saved = state_from_bytes(view.saved_state())
            for change in changes:
                self.variants[change.variant] = self._apply(self.variants[change.variant], change, view.epoch + 1)
                if change.key is None:  # stopped by hand at the end of this epoch, as stop_epoch does
                    members = self.variants[change.variant].ensemble
                    restores = self.variants[change.variant].early_stopping is not None and self.variants[change.variant].restore_best
                    for row, index in enumerate(runs):
                        if index // len(self.seeds) == change.variant and bool(saved["active"][row]):
                            saved["active"][row] = False
                            saved["stopped_epoch"][row] = view.epoch
                            models = slice(row * members, (row + 1) * members)
                            for kept, now in zip(saved["snapshot"], [] if restores else saved["tensors"]):
                                kept[models] = now[models]  # it keeps the weights it stopped with (or early stopping's best)
            changed = [self.variants[i] for i in self._variants_of(g)]
            self._bump()
        raise _Restart(state_to_bytes(fitted(saved, variants, changed, self.seeds)))

    def _apply(self, variant: Variant, change: Change, epoch: int) -> Variant:
        if change.key is None:
            return variant.replace(stop_epoch=epoch - 1, name=variant.label)
        return with_step(variant, change.key, epoch, change.value)

    def _record(self, g: int, view: EpochView, runs: list[int]) -> None:
        rows: dict[int, list[int]] = {}
        for row, index in enumerate(runs):
            rows.setdefault(index // len(self.seeds), []).append(row)
        now = time.monotonic()
        last = view.epoch == self.variants[next(iter(rows))].epochs or not bool(view.active.any())
        with self._lock:
            due = view.epoch == 1 or last or self._paused or now - self._last_grid[g] >= FRAME_INTERVAL_S
        snapshots = self._snapshots(view, rows) if due else {}
        with self._lock:
            for variant, variant_rows in rows.items():
                self.traces[variant].add_epoch(view.epoch, view.logs, variant_rows)
                if variant in snapshots:
                    self.traces[variant].add_snapshot(snapshots[variant])
            if due:
                self._last_grid[g] = now
                if self.first_frame_s is None:
                    self.first_frame_s = now - self.started
            self._bump()

    def _snapshots(self, view: EpochView, rows: dict[int, list[int]]) -> dict[int, Snapshot]:
        probabilities = view.predict(self.grid_points) if self.grid_points is not None else None
        weights = view.first_layer_weights()
        found = {}
        for variant, variant_rows in rows.items():
            grid = encode_grid(probabilities[variant_rows[0]], self.dataset.task) if probabilities is not None else None
            found[variant] = Snapshot(view.epoch, grid, histogram(weights[torch.tensor(variant_rows)]))
        return found

    def _variants_of(self, g: int) -> list[int]:
        """The variants of group ``g``, in order."""
        return list(dict.fromkeys(run // len(self.seeds) for run in self.plan[g]))

    def _global(self, indices: list[int], local: int) -> int:
        """A run's index in the job from its index in its group's own ``train`` call (variant-major)."""
        seeds = len(self.seeds)
        return indices[local // seeds] * seeds + local % seeds

    def _finish(self) -> None:
        from reglab.analysis import diagnose_all, format_table, recommend, summarize

        runs = [run for run in self.runs if run is not None]
        summaries = summarize(runs)
        pick = recommend(summaries)
        self.outcome = {
            "verdicts": [{"label": v.label, "kind": v.kind, "summary": v.summary} for v in diagnose_all(runs, dataset=self.dataset)],
            "pick": None if pick is None else {"label": pick.best, "summary": pick.summary, "as_good": list(pick.as_good)},
            "table": format_table(summaries, self.dataset.task),
        }
        self.status = "done"
        self._bump()
        if self._on_finish is not None:
            self._on_finish(self)

    def _group_of(self, variant: int) -> int:
        run = variant * len(self.seeds)
        return next(g for g, runs in enumerate(self.plan) if run in runs)

    def _bump(self) -> None:
        self.version += 1
        self._lock.notify_all()

    # -- what the page reads --------------------------------------------------------
    def specs(self) -> list[str]:
        """Each variant in the short form that parses back to it (label first)."""
        return [spec_text(v) for v in self.variants]

    def frame(self, cursors: list[int], grids: list[int]) -> dict[str, Any]:
        """What changed since ``cursors`` (epochs the page has per variant) and ``grids`` (its snapshot epochs).

        Both lists are updated in place.
        """
        with self._lock:
            variants = []
            for i, trace in enumerate(self.traces):
                start = cursors[i]
                entry: dict[str, Any] = {"epoch": trace.epoch, "from": start + 1,
                                         "curves": {name: values[start:] for name, values in trace.curves.items()}}
                cursors[i] = trace.epoch
                newest = trace.snapshots[-1] if trace.snapshots else None
                if newest is not None and newest.epoch != grids[i]:
                    entry["grid"], entry["hist"], entry["snapshot_epoch"] = newest.grid, newest.hist, newest.epoch
                    grids[i] = newest.epoch
                variants.append(entry)
            return {"type": "frame", "status": self.status, "error": self.error, "version": self.version,
                    "specs": self.specs(), "variants": variants, "outcome": self.outcome}

    def snapshot(self, epoch: int) -> dict[str, Any]:
        """Every variant's boundary, histogram and figures at ``epoch`` (the newest kept snapshot at or before it)."""
        with self._lock:
            shown = []
            for trace in self.traces:
                snap = trace.at(epoch)
                shown.append({"snapshot_epoch": None if snap is None else snap.epoch, "grid": None if snap is None else snap.grid,
                              "hist": None if snap is None else snap.hist, "stats": trace.stats_at(epoch)})
            return {"epoch": epoch, "variants": shown}


def with_step(variant: Variant, key: str, epoch: int, value: Any) -> Variant:
    """``variant`` with ``key`` set to ``value`` from ``epoch`` on (its earlier steps kept, later ones dropped).

    ``value`` is checked by the key's rule (text as in the short form, or a number).

    Raises:
        ReglabError: an unknown key, a key that takes no schedule, or a bad value.
    """
    settings = variant.settings()
    if key not in PARAMETERS:
        Variant.parse(f"{key}={value}")  # raises the unknown-key message
    if key not in SCHEDULABLE:
        keys = ", ".join(name for name in PARAMETERS if name in SCHEDULABLE)
        raise ReglabError(f"Variant key `{key}` cannot change while training runs; keys that can: {keys}.")
    current = _text(settings[key])
    steps = split_steps(current) if "@" in current else [(current, "1")]
    kept = [(text, start) for text, start in steps if int(start) < epoch] + [(_text(value), str(epoch))]
    return variant.replace(**{key: ",".join(f"{text}@{start}" for text, start in kept)}, name=variant.label)


def _text(value: Any) -> str:
    return "/".join(str(v) for v in value) if isinstance(value, list) else option_text(value)


def spec_text(variant: Variant) -> str:
    """``label:short form``, which :meth:`Variant.parse` reads back to ``variant`` with its label."""
    short = variant.short_form()
    if not short:
        return variant.label if variant.label == "baseline" else f"{variant.label}:baseline"
    if variant.name is None or variant.label == short:
        return short
    return f"{variant.label}:{short}"
