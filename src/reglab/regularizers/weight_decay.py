"""Decoupled weight decay, AdamW semantics (variant key ``weight_decay``).

Before each optimizer step every weight matrix is shrunk:

    w <- w - lr * weight_decay * w

and the optimizer then applies its update computed from the data gradient
alone, exactly as ``torch.optim.AdamW`` (Loshchilov & Hutter, 2019).  With
plain SGD this equals an L2 penalty of strength ``weight_decay / 2``; under
Adam it does not: an L2 penalty's gradient is rescaled by Adam's per-weight
step size, so weights with large or noisy gradients are barely decayed, while
decoupled decay shrinks every weight by the same factor ``1 - lr * wd`` per
step.  Biases and batch-norm parameters are not decayed.  ``optimizer=adamw``
without ``weight_decay`` uses PyTorch's default, :data:`ADAMW_DEFAULT_DECAY`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from torch import Tensor

from reglab.pieces.interface import Compiled, Key, Regularizer, StackedModel, Sweep, VariantView, layer_rows, per_model
from reglab.rules import Interval

ADAMW_DEFAULT_DECAY = 0.01
"""`optimizer=adamw` with no `weight_decay` uses PyTorch's AdamW default."""


class DecoupledWeightDecay(Regularizer):
    """``w <- w * (1 - lr * wd)`` before each step, per-model ``wd`` ``[K, 1, 1]``."""

    keys = (
        Key("weight_decay", Interval(float, 0.0), 0.0, "decoupled weight decay (AdamW semantics): w <- w - lr*wd*w",
            sweep=Sweep("larger", "weight decay", "decoupled weight decay (AdamW semantics)")),
    )
    example = {"weight_decay": 0.1}
    shrinks = ({"weight_decay": 0.01}, {"weight_decay": 1.0})

    def __init__(self, decay: Tensor) -> None:
        self.decay = decay

    @classmethod
    def settle(cls, values: dict[str, Any]) -> None:
        """``optimizer=adamw`` with ``weight_decay=0`` means PyTorch's AdamW default decay."""
        if values["optimizer"] == "adamw" and values["weight_decay"] == 0.0:
            values["weight_decay"] = ADAMW_DEFAULT_DECAY

    @classmethod
    def build(cls, variants: Sequence[VariantView]) -> Regularizer | None:
        if not any(v.weight_decay for v in variants):
            return None
        return cls(per_model([v.weight_decay for v in variants]))

    def compiled(self, layers: int) -> tuple[Compiled, ...]:
        return (Compiled("decay", layer_rows(self.decay, layers)),)

    def before_update(self, net: StackedModel, lr: Tensor) -> None:
        factor = 1.0 - lr.view(-1, 1, 1) * self.decay
        for w in net.weights:
            w.mul_(factor)
