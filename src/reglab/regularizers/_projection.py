"""What the weight constraints share: per-unit column norms and a projection applied to some models only.

Each weight matrix ``W`` of shape ``[fan_in, fan_out]`` has one incoming weight
vector per unit, its column ``W[:, j]``.  Like Keras' constraints, the
projections apply after every optimizer step to every weight matrix (hidden
and output layers, convolution kernels per filter), not to biases.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from reglab.pieces.interface import Compiled, Regularizer, StackedModel, StepSizes, VariantView, layer_rows, per_model

NORM_EPS = 1e-12


def column_norms(w: Tensor) -> Tensor:
    """L2 norm of each unit's incoming weights: ``[K, fan_in, fan_out]`` → ``[K, 1, fan_out]``."""
    return torch.linalg.vector_norm(w, dim=1, keepdim=True)


class MaskedProjection(Regularizer):
    """A projection applied to the models whose variant sets the boolean key ``keys[0]``."""

    def __init__(self, mask: Tensor) -> None:
        self.mask = mask.bool()

    @classmethod
    def build(cls, variants: Sequence[VariantView]) -> Regularizer | None:
        flags = [getattr(v, cls.keys[0].name) for v in variants]
        return cls(per_model(flags)) if any(flags) else None

    @staticmethod
    def project(w: Tensor) -> Tensor:
        raise NotImplementedError

    def compiled(self, layers: int) -> tuple[Compiled, ...]:
        """The projection as the rule named by its key (``unit_norm``, ``non_neg``), 1 where applied."""
        return (Compiled(self.keys[0].name, layer_rows(self.mask, layers)),)

    def after_update(self, net: StackedModel, steps: StepSizes) -> None:
        for w in net.weights:
            w.copy_(torch.where(self.mask, self.project(w), w))
