"""What training gives for one run: its history, metrics and weights, before it becomes a :class:`reglab.Run`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import Tensor

from reglab.engine.convnet import StackedCNN
from reglab.engine.network import StackedMLP


@dataclass
class RunOutcome:
    """What training gives for one run, before it becomes a :class:`reglab.Run`."""

    history: dict[str, list[float]]
    metrics: dict[str, float]
    members: list[dict[str, list[np.ndarray]]] = field(repr=False)


def tracked_best_epochs(callbacks: Sequence[Any], runs: int) -> Tensor:
    """Each run's best epoch as its callbacks judge it (the first callback that tracks the run), 0 where none does."""
    best = torch.zeros(runs, dtype=torch.long)
    for callback in callbacks:
        theirs = getattr(callback, "best_epoch", None)
        if theirs is not None:
            best = torch.where(best == 0, theirs.long(), best)
    return best


def run_outcome(
    r: int,
    history: dict[str, Tensor],
    final: dict[str, Tensor],
    stopped_epoch: Tensor,
    diverged: Tensor,
    tracked_best: int,
    net: StackedMLP | StackedCNN,
    members: int,
) -> RunOutcome:
    """Run ``r``'s history, metrics and weights.

    ``best_epoch`` is ``tracked_best`` (early stopping's: the epoch it restores) when a callback
    tracks the run, else the epoch of the lowest validation loss; ``best_val_loss`` is the
    validation loss of that epoch.
    """
    epochs = int(stopped_epoch[r])
    run_history = {name: values[:epochs, r].tolist() for name, values in history.items()}
    val_loss = np.array(run_history["val_loss"], dtype=float)
    finite = np.where(np.isfinite(val_loss), val_loss, np.inf)
    best = tracked_best - 1 if 0 < tracked_best <= len(finite) else int(np.argmin(finite)) if len(finite) else 0
    metrics = {name: float(value[r]) for name, value in final.items()}
    metrics.update(
        best_val_loss=float(finite[best]) if len(finite) else math.nan,
        best_epoch=float(best + 1),
        stopped_epoch=float(epochs),
        diverged=float(bool(diverged[r])),
        generalization_gap=metrics["val_loss"] - metrics["train_loss"],
    )
    state = net.state()
    member_states = [
        {role: [t[r * members + m].detach().numpy().copy() for t in tensors] for role, tensors in state.items()}
        for m in range(members)
    ]
    return RunOutcome(run_history, metrics, member_states)
