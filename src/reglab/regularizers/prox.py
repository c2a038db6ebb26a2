"""L1 by a proximal step: soft thresholding after each update (variant key ``prox``).

After every optimizer step each weight is shrunk towards zero and set to
exactly zero when it would cross it:

    w <- sign(w) * max(|w| - alpha * prox, 0)

where ``alpha`` is the step the optimizer just took for that weight per unit
of gradient: ``alpha = lr`` for SGD (this is ISTA, the proximal operator of
``lr * prox * ||w||_1``, as in scikit-learn's Lasso solvers) and
``alpha = lr / (sqrt(v_hat) + eps)`` for Adam (the proximal step in Adam's own
diagonal metric).  Either way the model minimizes ``loss + prox * sum|w|``,
the same objective as ``l1=prox``, but weights that L1 drives to zero become
exactly zero, which plain gradient L1 never achieves.  It applies to the
weight matrices, not to biases.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from reglab.pieces.interface import Compiled, Key, Regularizer, StackedModel, StepSizes, Sweep, VariantView, layer_rows, per_model
from reglab.rules import Interval


def soft_threshold(w: Tensor, threshold: Tensor) -> Tensor:
    """``sign(w) * max(|w| - threshold, 0)``."""
    return torch.sign(w) * torch.clamp(w.abs() - threshold, min=0.0)


class SoftThreshold(Regularizer):
    """The proximal L1 step with per-model strengths ``[K, 1, 1]``."""

    keys = (
        Key("prox", Interval(float, 0.0), 0.0, "L1 by a proximal soft-threshold step after each update (exact zeros)",
            sweep=Sweep("larger", "proximal L1 strength λ", "L1 by a proximal step (exact zeros)", path=True)),
    )
    example = {"prox": 1e-3}
    shrinks = ({"prox": 1e-4}, {"prox": 1e-2})

    def __init__(self, strength: Tensor) -> None:
        self.strength = strength

    @classmethod
    def build(cls, variants: Sequence[VariantView]) -> Regularizer | None:
        if not any(v.prox for v in variants):
            return None
        return cls(per_model([v.prox for v in variants]))

    def compiled(self, layers: int) -> tuple[Compiled, ...]:
        return (Compiled("soft_threshold", layer_rows(self.strength, layers)),)

    def after_update(self, net: StackedModel, steps: StepSizes) -> None:
        for layer, w in enumerate(net.weights):
            w.copy_(soft_threshold(w, steps.for_param(layer) * self.strength))
