"""Stopping at a given epoch (variant key ``stop_epoch``): how ``reglab explore`` records a stop by hand.

A run with ``stop_epoch=E`` stops at the end of epoch ``E`` and keeps the
weights it has then, while the other runs of its batch go on; its
``stopped_epoch`` is ``E``.  Runs without it never stop here.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor

from reglab.callbacks.base import Callback, Decision
from reglab.pieces.interface import Key, VariantView
from reglab.rules import Interval, Optional


class StopAt(Callback):
    """Stop each run at the end of its ``stop_epoch`` (``[R]``, ``inf`` = never)."""

    keys = (
        Key("stop_epoch", Optional(Interval(int, 1, None, "left", integral_floats=True)), None,
            "stop at the end of this epoch, keeping the last weights (stopping by hand in reglab explore)",
            listed_at_default=False),
    )

    def __init__(self, epochs: Tensor) -> None:
        super().__init__(len(epochs))
        self.epochs = epochs

    @classmethod
    def build(cls, variants: Sequence[VariantView]) -> StopAt | None:
        """The callback for these runs, or ``None`` if none has a ``stop_epoch``."""
        if all(v.stop_epoch is None for v in variants):
            return None
        return cls(torch.tensor([math.inf if v.stop_epoch is None else float(v.stop_epoch) for v in variants]))

    def on_epoch_end(self, epoch: int, logs: dict[str, Tensor]) -> Decision:
        """Stop the runs whose ``stop_epoch`` is ``epoch`` (or earlier)."""
        stop = self.epochs <= epoch
        return Decision(stop=stop, checkpoint=torch.zeros_like(stop))
