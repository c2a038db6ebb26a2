"""The :class:`Callback` base: a piece that reads each epoch's per-run logs and may stop runs.

A callback acts on the ``R`` runs of one group at once (tensors are ``[R]``).
After every epoch the engine calls :meth:`Callback.on_epoch_end` with that
epoch's logs and acts on the :class:`Decision`: a run told to ``stop`` is
frozen (learning rate 0, batch-norm statistics kept) while the rest of its
group goes on with exactly the numbers it would have had without it; a run
told to ``checkpoint`` has its weights copied aside, and runs in
:attr:`Callback.restore` get the last copy back when training ends.

:attr:`Callback.best_epoch` is the one source of a run's best epoch wherever
it is shown (``Run.metrics["best_epoch"]``, the verdicts, the table, the
report): for a run it tracks (a value above 0) it is the epoch the callback
judged best, and, when the run is restored, the epoch whose weights come back.
Runs no callback tracks take the epoch of their lowest validation loss.

Every hook does nothing by default, so a callback overrides only what it
needs; :meth:`state_dict` and :meth:`load_state_dict` hold what changes while
training, so that a checkpointed group resumes bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor


@dataclass(frozen=True)
class Decision:
    """What a callback says after an epoch, per run ``[R]`` (bool): stop now, and/or checkpoint the weights."""

    stop: Tensor
    checkpoint: Tensor

    @classmethod
    def none(cls, runs: int) -> Decision:
        """Go on, keep nothing: the decision of a callback that has nothing to say."""
        nothing = torch.zeros(runs, dtype=torch.bool)
        return cls(stop=nothing, checkpoint=nothing)


class Callback:
    """Base class for the ``R`` runs of one group.

    Attributes:
        runs: the number of runs.
        restore: ``[R]`` bool: put the last checkpointed weights back when training ends.
        best_epoch: ``[R]`` long, counted from 1: the epoch this callback judges best
            for each run, 0 where it tracks none (the engine then uses the epoch of the
            lowest validation loss).
    """

    def __init__(self, runs: int) -> None:
        self.runs = runs
        self.restore = torch.zeros(runs, dtype=torch.bool)
        self.best_epoch = torch.zeros(runs, dtype=torch.long)

    def on_train_begin(self) -> None:
        """Called once before the first epoch (not on resuming from a checkpoint)."""

    def on_epoch_end(self, epoch: int, logs: dict[str, Tensor]) -> Decision:
        """Called after epoch ``epoch`` (from 1) with ``[R]`` tensors by name (``val_loss``, ``train_loss``, ...)."""
        return Decision.none(self.runs)

    def state_dict(self) -> dict[str, Tensor]:
        """What changes during training, for a checkpoint (by default :attr:`best_epoch`)."""
        return {"best_epoch": self.best_epoch}

    def load_state_dict(self, state: dict[str, Tensor]) -> None:
        """Continue from :meth:`state_dict`."""
        self.best_epoch = state["best_epoch"]
