"""Max-norm constraint (variant key ``max_norm``), applied by projection after every optimizer step.

``max_norm=c``: every unit's incoming weight vector (column ``W[:, j]`` of
every weight matrix) is rescaled

    W[:, j] <- W[:, j] * min(1, c / ||W[:, j]||_2)

so its norm is at most ``c`` after each step (Srebro & Shraibman; Hinton et
al.'s dropout paper pairs it with dropout).  ``c`` must be positive: a ball of
radius 0 would set every weight to zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor

from reglab.pieces.interface import Compiled, Key, Regularizer, StackedModel, StepSizes, Sweep, VariantView, layer_rows, per_model
from reglab.regularizers._projection import NORM_EPS, column_norms
from reglab.rules import Interval, Optional


class MaxNorm(Regularizer):
    """Rescale columns whose norm exceeds ``c`` (per-model ``c``; ``inf`` = off)."""

    keys = (
        Key("max_norm", Optional(Interval(float, 0.0, None, "neither")), None,
            "max norm of each unit's incoming weight vector", reason="a norm of 0 would set every weight to zero",
            sweep=Sweep("smaller", "max norm per unit", "max norm of each unit's incoming weights")),
    )
    example = {"max_norm": 1.0}
    shrinks = ({"max_norm": 3.0}, {"max_norm": 0.3})

    def __init__(self, limit: Tensor) -> None:
        self.limit = limit

    @classmethod
    def build(cls, variants: Sequence[VariantView]) -> Regularizer | None:
        if all(v.max_norm is None for v in variants):
            return None
        return cls(per_model([math.inf if v.max_norm is None else v.max_norm for v in variants]))

    def compiled(self, layers: int) -> tuple[Compiled, ...]:
        return (Compiled("max_norm", layer_rows(self.limit, layers)),)

    def after_update(self, net: StackedModel, steps: StepSizes) -> None:
        for w in net.weights:
            scale = torch.clamp(self.limit / column_norms(w).clamp_min(NORM_EPS), max=1.0)
            w.mul_(scale)
