"""Early stopping, vectorized over runs (variant keys ``early_stopping``, ``min_delta``,
``monitor``, ``restore_best``).

Keras' semantics: an epoch improves on the best so far when
``value < best - min_delta`` (for ``val_loss``) or ``value > best + min_delta``
(for ``val_acc``).  ``wait`` counts epochs since the last improvement and the
run stops at the end of the epoch where ``wait >= patience``: with the best
epoch at ``e``, it stops at ``e + patience``.  With ``restore_best`` (default)
the weights of the best epoch are put back.  Runs without early stopping have
infinite patience.  ``on_train_begin`` resets every counter, so one instance
can be reused.

``best_epoch`` is the epoch of the last improvement (for runs with early
stopping; 0 for the others): the epoch whose weights are restored, and the
best epoch that metrics, verdicts and tables show.  With ``min_delta`` it can
come before the epoch of the lowest value: on validation losses 1.0, 0.97,
0.96, 0.95 with ``min_delta=0.05`` no epoch after the first improves by more
than 0.05, so the best epoch is 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor

from reglab.callbacks.base import Callback, Decision
from reglab.pieces.interface import Key, Sweep, VariantView
from reglab.rules import Flag, Interval, OneOf, Optional

MAX_PATIENCE = 1_000_000


class EarlyStopping(Callback):
    """Stop runs whose monitored quantity has not improved for ``patience`` epochs.

    Args:
        patience: ``[R]`` epochs without improvement before stopping (``inf`` = never).
        min_delta: ``[R]`` smallest change that counts as an improvement.
        monitors: the logged quantity each run watches (``val_loss`` or ``val_acc``).
        restore: ``[R]`` whether to restore the best epoch's weights at the end.
    """

    keys = (
        Key("early_stopping", Optional(Interval(int, 1, MAX_PATIENCE, "both", integral_floats=True)), None,
            "patience in epochs (stop when the monitor has not improved)",
            sweep=Sweep("smaller", "early-stopping patience (epochs)", "patience of early stopping, in epochs")),
        Key("min_delta", Interval(float, 0.0), 0.0, "early stopping: smallest change that counts as an improvement"),
        Key("monitor", OneOf(("val_loss", "val_acc")), "val_loss", "early stopping: the quantity watched"),
        Key("restore_best", Flag(), True, "early stopping: restore the weights of the best epoch"),
    )

    def __init__(self, patience: Tensor, min_delta: Tensor, monitors: Sequence[str], restore: Tensor) -> None:
        super().__init__(len(monitors))
        self.patience = patience
        self.min_delta = min_delta
        self.monitors = list(monitors)
        self.sign = torch.tensor([-1.0 if m == "val_acc" else 1.0 for m in monitors])
        self.restore = restore
        self.on_train_begin()

    @classmethod
    def build(cls, variants: Sequence[VariantView]) -> EarlyStopping | None:
        """The callback for these runs, or ``None`` if none uses early stopping."""
        if all(v.early_stopping is None for v in variants):
            return None
        return cls(
            patience=torch.tensor([math.inf if v.early_stopping is None else float(v.early_stopping) for v in variants]),
            min_delta=torch.tensor([v.min_delta for v in variants]),
            monitors=[v.monitor for v in variants],
            restore=torch.tensor([v.early_stopping is not None and v.restore_best for v in variants]),
        )

    def on_train_begin(self) -> None:
        """Reset best values, counters and best epochs."""
        runs = len(self.monitors)
        self.best = torch.full((runs,), math.inf)
        self.wait = torch.zeros(runs)
        self.best_epoch = torch.zeros(runs, dtype=torch.long)

    def state_dict(self) -> dict[str, Tensor]:
        """The counters that change during training (for a checkpoint)."""
        return {"best": self.best, "wait": self.wait, "best_epoch": self.best_epoch}

    def load_state_dict(self, state: dict[str, Tensor]) -> None:
        """Continue from :meth:`state_dict`."""
        self.best, self.wait, self.best_epoch = state["best"], state["wait"], state["best_epoch"]

    def on_epoch_end(self, epoch: int, logs: dict[str, Tensor]) -> Decision:
        """Update with this epoch's logs (``[R]`` tensors by name); ``epoch`` counts from 1."""
        value = torch.stack([logs[m][r] for r, m in enumerate(self.monitors)]) * self.sign
        improved = value < self.best - self.min_delta
        self.best = torch.where(improved, value, self.best)
        self.best_epoch = torch.where(improved & self.patience.isfinite(), torch.tensor(epoch), self.best_epoch)
        self.wait = torch.where(improved, torch.zeros_like(self.wait), self.wait + 1)
        return Decision(stop=self.wait >= self.patience, checkpoint=improved & self.restore)
