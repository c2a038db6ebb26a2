"""DropConnect (variant key ``dropconnect``): dropout of weights instead of units (Wan et al., 2013).

``dropconnect=p``: at every training step each weight of every weight matrix
(convolution kernels included) is dropped with probability ``p``, and the kept
ones are scaled so that the expected weight is unchanged:

    W_used = W * m / (1 - p),   m ~ Bernoulli(1 - p) per weight

The forward pass of that step uses ``W_used``; the gradient reaches the stored
``W`` through the mask.  One mask is drawn per step for the whole minibatch
(as most implementations do; the paper draws one per example).  Evaluation
uses the stored weights: the identity.  Masks come from each model's own
``perturb`` stream, so a model's masks do not depend on what else shares its
batch, and paired variants with the same seed draw the same numbers.  Biases
are not dropped.  The gradient with respect to a stored weight is that of the
used weight times its mask, which is how the engine's hand-written backward
pass takes it.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from reglab.pieces.interface import Key, RandomStreams, Regularizer, Sweep, VariantView
from reglab.regularizers._per_position import spread
from reglab.rules import Interval


class DropConnect(Regularizer):
    """Each weight kept with probability ``1 - p`` and scaled by ``1 / (1 - p)`` in training (per-model ``p``)."""

    keys = (
        Key("dropconnect", Interval(float, 0.0, 1.0, "left"), 0.0,
            "DropConnect rate: each weight dropped with this probability at each training step, the rest scaled by 1/(1-p)",
            reason="a rate of 1 would drop every weight", listed_at_default=False,
            sweep=Sweep("larger", "DropConnect rate", "DropConnect rate of every weight")),
    )
    example = {"dropconnect": 0.3}

    def __init__(self, rates: Sequence[float]) -> None:
        self.users = [k for k, rate in enumerate(rates) if rate > 0]
        self.rates = torch.tensor([rates[k] for k in self.users]).view(-1, 1, 1)

    @classmethod
    def build(cls, variants: Sequence[VariantView]) -> Regularizer | None:
        rates = [v.dropconnect for v in variants]
        return cls(rates) if any(rates) else None

    def weight_scales(self, weights: list[Tensor], streams: RandomStreams) -> list[Tensor | None]:
        """This step's ``m / (1 - p)`` for each weight matrix, ``[K, fan_in, fan_out]`` (1 for models without DropConnect)."""
        scales = []
        for w in weights:
            keep = streams.uniform(self.users, tuple(w.shape[1:])) >= self.rates
            scale = keep / (1.0 - self.rates)
            scales.append(scale if len(self.users) == w.shape[0] else spread(scale, self.users, w, 1.0))
        return scales
