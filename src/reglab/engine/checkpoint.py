"""Checkpoints of a group in training, so that an interrupted group goes on where it was.

A group trains all its runs in one batched loop and hands them over only when
it ends, so without checkpoints Ctrl-C (or a killed job) in the middle of a
long group loses all of it.  At the end of an epoch, when at least
``every_s`` seconds (default :data:`EVERY_S`) have passed since the last
save, the trainer gives its :class:`~reglab.engine.state.TrainingState` to the group's
:class:`GroupCheckpoint`, which writes the state's ``state_dict()`` to a
:class:`CheckpointStorage` (the run store, for ``compare`` and ``sweep``).
Training the same group again (same data, same variants in the same order,
same seeds) loads it and goes on from the next epoch.

The state is everything later epochs read: weights and buffers, the optimizer
state, every random generator, the callbacks' and the pieces' own states, the
early-stopping snapshots, the history and which runs are still going.  A
resumed group therefore ends with exactly the numbers of an uninterrupted one
(tested).  A stored state that cannot be read, or that does not fit the group
(written by another version of reglab), is dropped with a :class:`~reglab.errors.ReglabWarning`
(``warning: ...`` on the command line): the group starts over, and a later
Ctrl-C names only the checkpoints saved since.
"""

from __future__ import annotations

import io
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import torch

from reglab.engine.state import FORMAT, TrainingState
from reglab.errors import ReglabWarning
from reglab.variant import Variant

if TYPE_CHECKING:
    from reglab.data import Dataset

EVERY_S = 30.0
"""Default seconds between two checkpoints of a group.

A checkpoint of 128 models of the seed network (2-64-32-1) is 5.9 MB and took
46 ms to write to the run store (median of 20 saves, 2 cores): 0.15 % of 30 s
(``benchmarks/bench_checkpoint.py``).
"""

GroupRuns = Sequence[tuple[Variant, int]]
"""A group's runs in training order: ``(variant, seed)`` each."""


class CheckpointStorage(Protocol):
    """Where checkpoints live, keyed by the data and the group's runs (``RunStore`` is one)."""

    def load_checkpoint(self, dataset: Dataset, runs: GroupRuns) -> bytes | None: ...

    def save_checkpoint(self, dataset: Dataset, runs: GroupRuns, epoch: int, blob: bytes) -> None: ...

    def drop_checkpoint(self, dataset: Dataset, runs: GroupRuns) -> None: ...


def state_to_bytes(saved: dict[str, Any]) -> bytes:
    """A :meth:`TrainingState.state_dict` serialized by ``torch.save``."""
    buffer = io.BytesIO()
    torch.save(saved, buffer)
    return buffer.getvalue()


def state_from_bytes(blob: bytes) -> dict[str, Any] | None:
    """The state :func:`state_to_bytes` wrote, or ``None`` if ``blob`` is not one of this layout.

    Loaded with ``weights_only=True`` (tensors and containers only, no code).
    """
    try:
        saved = torch.load(io.BytesIO(blob), weights_only=True)
    except Exception:  # a truncated file or another reglab's layout: training from scratch loses nothing
        return None
    return saved if isinstance(saved, dict) and saved.get("format") == FORMAT else None


@dataclass
class GroupCheckpoint:
    """The checkpoint of one group in one storage, written at most every ``every_s`` seconds."""

    storage: CheckpointStorage
    dataset: Dataset
    runs: GroupRuns
    every_s: float = EVERY_S
    _last_save: float = field(default_factory=time.monotonic, init=False)

    def load(self) -> dict[str, Any] | None:
        """The stored state of this group, or ``None``; one that cannot be read is :meth:`discard`-ed."""
        blob = self.storage.load_checkpoint(self.dataset, self.runs)
        if blob is None:
            return None
        saved = state_from_bytes(blob)
        if saved is None:
            self.discard("cannot be read")
        return saved

    def discard(self, why: str) -> None:
        """Drop an unusable stored state, saying so: its runs train again from epoch 1."""
        warnings.warn(ReglabWarning(f"the checkpoint of {len(self.runs)} unfinished runs {why}; "
                                    "they train again from epoch 1"), stacklevel=2)
        self.drop()

    def due(self) -> bool:
        """Whether ``every_s`` seconds have passed since the last save (or since this object was made)."""
        return time.monotonic() - self._last_save >= self.every_s

    def save(self, state: TrainingState) -> None:
        """Store ``state`` whole, replacing the previous one."""
        self.storage.save_checkpoint(self.dataset, self.runs, state.epoch, state_to_bytes(state.state_dict()))
        self._last_save = time.monotonic()

    def drop(self) -> None:
        """Forget the stored state (the group's runs are stored)."""
        self.storage.drop_checkpoint(self.dataset, self.runs)
