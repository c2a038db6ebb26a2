"""Decoupled weight decay, AdamW semantics (variant key ``weight_decay``).

Before each optimizer step every weight matrix is shrunk:

    w <- w - lr * weight_decay * w

and the optimizer then applies its update computed from the data gradient
alone, exactly as ``torch.optim.AdamW`` (Loshchilov & Hutter, 2019).  With
plain SGD this equals an L2 penalty of strength ``weight_decay / 2``; under
Adam it does not: an L2 penalty's gradient is rescaled by Adam's per-weight
step size, so weights with large or noisy gradients are barely decayed, while
decoupled decay shrinks every weight by the same factor ``1 - lr * wd`` per
step.  Biases and batch-norm parameters are not decayed.
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor

from reglab.engine.network import StackedMLP
from reglab.regularizers.base import Regularizer, per_model
from reglab.variant import Variant


class DecoupledWeightDecay(Regularizer):
    """``w <- w * (1 - lr * wd)`` before each step, per-model ``wd`` ``[K, 1, 1]``."""

    def __init__(self, decay: Tensor) -> None:
        self.decay = decay

    @classmethod
    def build(cls, variants: Sequence[Variant]) -> Regularizer | None:
        if not any(v.weight_decay for v in variants):
            return None
        return cls(per_model([v.weight_decay for v in variants]))

    def before_update(self, net: StackedMLP, lr: Tensor) -> None:
        factor = 1.0 - lr.view(-1, 1, 1) * self.decay
        for w in net.weights:
            w.mul_(factor)
