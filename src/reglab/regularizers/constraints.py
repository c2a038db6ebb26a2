"""Weight constraints, applied by projection after every optimizer step.

Each weight matrix ``W`` of shape ``[fan_in, fan_out]`` has one incoming weight
vector per unit, its column ``W[:, j]``.  Like Keras' constraints, they apply
to every weight matrix (hidden and output layers), not to biases.

* ``max_norm=c``: ``W[:, j] <- W[:, j] * min(1, c / ||W[:, j]||_2)``, so every
  unit's incoming vector has norm at most ``c`` after each step (Srebro &
  Shraibman; Hinton et al.'s dropout paper pairs it with dropout).
* ``unit_norm=true``: ``W[:, j] <- W[:, j] / ||W[:, j]||_2`` (norm exactly 1).
* ``non_neg=true``: ``W <- max(W, 0)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import Tensor

from reglab.engine.network import StackedMLP
from reglab.engine.optimizers import StepSizes
from reglab.regularizers.base import Regularizer, per_model
from reglab.variant import Variant

NORM_EPS = 1e-12


def column_norms(w: Tensor) -> Tensor:
    """L2 norm of each unit's incoming weights: ``[K, fan_in, fan_out]`` → ``[K, 1, fan_out]``."""
    return torch.linalg.vector_norm(w, dim=1, keepdim=True)


class MaxNorm(Regularizer):
    """Rescale columns whose norm exceeds ``c`` (per-model ``c``; ``inf`` = off)."""

    def __init__(self, limit: Tensor) -> None:
        self.limit = limit

    @classmethod
    def build(cls, variants: Sequence[Variant]) -> Regularizer | None:
        if all(v.max_norm is None for v in variants):
            return None
        return cls(per_model([math.inf if v.max_norm is None else v.max_norm for v in variants]))

    def after_update(self, net: StackedMLP, steps: StepSizes) -> None:
        for w in net.weights:
            scale = torch.clamp(self.limit / column_norms(w).clamp_min(NORM_EPS), max=1.0)
            w.mul_(scale)


class _MaskedProjection(Regularizer):
    """A projection applied to the models whose variant sets boolean ``key``."""

    key: str

    def __init__(self, mask: Tensor) -> None:
        self.mask = mask.bool()

    @classmethod
    def build(cls, variants: Sequence[Variant]) -> Regularizer | None:
        flags = [getattr(v, cls.key) for v in variants]
        return cls(per_model(flags)) if any(flags) else None

    @staticmethod
    def project(w: Tensor) -> Tensor:
        raise NotImplementedError

    def after_update(self, net: StackedMLP, steps: StepSizes) -> None:
        for w in net.weights:
            w.copy_(torch.where(self.mask, self.project(w), w))


class UnitNorm(_MaskedProjection):
    """Every unit's incoming weight vector divided by its norm."""

    key = "unit_norm"

    @staticmethod
    def project(w: Tensor) -> Tensor:
        return w / column_norms(w).clamp_min(NORM_EPS)


class NonNeg(_MaskedProjection):
    """Negative weights set to zero."""

    key = "non_neg"

    @staticmethod
    def project(w: Tensor) -> Tensor:
        return w.clamp_min(0.0)
