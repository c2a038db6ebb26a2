"""`TrainingState`: everything about a group in training that changes from one epoch to the next.

One object holds it all, so the trainer's steps read and write it in one
place and a checkpoint saves and restores it whole (:meth:`TrainingState.state_dict`,
:meth:`TrainingState.load_state_dict`):

* ``net``: the stacked weights and batch-norm buffers of every model;
* ``snapshot``: the weights the callbacks asked to keep (early stopping's best epoch);
* ``optimizer``: its moments (Adam) or momentum buffer (SGD) and step count;
* ``streams`` and ``order_streams``: every model's random generators
  (dropout masks and noise; minibatch order);
* ``callbacks`` and ``pieces``: their own ``state_dict()`` (counters, best
  values; a piece that learns something while training, such as a power
  iteration's vectors);
* ``active``, ``diverged``, ``stopped_epoch``: per run ``[R]``;
* ``history``: ``[epochs, R]`` per figure (NaN after a run's last epoch);
* ``epoch``: the last finished epoch (0 before the first).

What never changes during training (the data, the variants, the learning
rates) is not part of it: it is rebuilt from the group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor

from reglab.engine.convnet import StackedCNN
from reglab.engine.network import StackedMLP
from reglab.engine.optimizers import BatchedAdam, BatchedSGD
from reglab.engine.streams import ModelStreams

FORMAT = 2
"""The layout of :meth:`TrainingState.state_dict`; a saved state of another layout is refused."""


class StateMismatch(ValueError):
    """A saved state that does not fit this group (another layout, other shapes, other pieces or callbacks)."""


@dataclass
class TrainingState:
    """A group in training (see the module docstring for each field)."""

    net: StackedMLP | StackedCNN
    optimizer: BatchedAdam | BatchedSGD
    streams: ModelStreams
    order_streams: dict[tuple[int, int], torch.Generator]
    pieces: list
    callbacks: list
    snapshot: list[Tensor]
    active: Tensor
    diverged: Tensor
    stopped_epoch: Tensor
    history: dict[str, Tensor] = field(default_factory=dict)
    epoch: int = 0

    @property
    def generators(self) -> list[torch.Generator]:
        """Every random generator: the models' ``perturb`` streams, then the ``order`` streams."""
        return [*self.streams.generators, *self.order_streams.values()]

    def state_dict(self) -> dict[str, Any]:
        """The whole state as tensors and containers (``torch.save`` / ``torch.load(weights_only=True)`` safe).

        The tensors are the live ones, not copies: serialize the result before training goes on.
        """
        return {
            "format": FORMAT,
            "epoch": self.epoch,
            "tensors": self.net.tensors(),
            "snapshot": self.snapshot,
            "optimizer": self.optimizer.state_dict(),
            "generators": [gen.get_state() for gen in self.generators],
            "callbacks": [callback.state_dict() for callback in self.callbacks],
            "pieces": [_piece_state(piece) for piece in self.pieces],
            "active": self.active,
            "diverged": self.diverged,
            "stopped_epoch": self.stopped_epoch,
            "history": self.history,
        }

    def load_state_dict(self, saved: dict[str, Any]) -> None:
        """Put a :meth:`state_dict` of this group back; :class:`StateMismatch` if it does not fit.

        Everything is checked before anything is changed, so a refused state leaves this one as it was.
        """
        _check_fits(self, saved)
        with torch.no_grad():
            for target, value in zip([*self.net.tensors(), *self.snapshot], [*saved["tensors"], *saved["snapshot"]]):
                target.copy_(value)
        self.optimizer.load_state_dict(saved["optimizer"])
        for gen, value in zip(self.generators, saved["generators"]):
            gen.set_state(value)
        for callback, value in zip(self.callbacks, saved["callbacks"]):
            callback.load_state_dict(value)
        for piece, value in zip(self.pieces, saved["pieces"]):
            if value:
                piece.load_state_dict(value)
        self.active = saved["active"].clone()
        self.diverged = saved["diverged"].clone()
        self.stopped_epoch = saved["stopped_epoch"].clone()
        self.history = {name: values.clone() for name, values in saved["history"].items()}
        self.epoch = int(saved["epoch"])


def _piece_state(piece: object) -> dict[str, Tensor]:
    """A piece's ``state_dict()``, or ``{}`` for a piece without one."""
    state_dict = getattr(piece, "state_dict", None)
    return state_dict() if state_dict is not None else {}


def _check_fits(state: TrainingState, saved: dict[str, Any]) -> None:
    if not isinstance(saved, dict) or saved.get("format") != FORMAT:
        found = saved.get("format") if isinstance(saved, dict) else type(saved).__name__
        raise StateMismatch(f"saved state of layout {found!r}, expected {FORMAT}")
    shapes = [tuple(t.shape) for t in [*state.net.tensors(), *state.snapshot]]
    saved_shapes = [tuple(t.shape) for t in [*saved["tensors"], *saved["snapshot"]]]
    if shapes != saved_shapes:
        raise StateMismatch("saved tensors of other shapes")
    counts = {"generators": len(state.generators), "callbacks": len(state.callbacks), "pieces": len(state.pieces)}
    for name, count in counts.items():
        if len(saved[name]) != count:
            raise StateMismatch(f"{len(saved[name])} saved {name}, expected {count}")
    if tuple(saved["active"].shape) != tuple(state.active.shape):
        raise StateMismatch("saved state of another number of runs")
