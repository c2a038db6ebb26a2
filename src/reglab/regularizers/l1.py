"""L1 penalty (variant keys ``l1``, ``penalize_bias``); with ``l2`` too, the elastic net.

The training objective of model k is

    loss_k = mean data loss_k + sum_l l1_{l,k} * sum|W_l|

summed over the weight matrices ``W_l`` of every layer (input→hidden, …,
hidden→output); strengths can differ per layer (``l1=1e-3/0/0``).  This is
Keras' ``L1(l1)`` regularizer on every kernel: ``l1 * reduce_sum(abs(x))``.

Under plain gradient descent L1 only pushes weights towards zero by ``lr * l1 *
sign(w)`` per step, so they hover around zero without reaching it exactly; the
proximal step (:mod:`reglab.regularizers.prox`) gives exact zeros.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from reglab.pieces.interface import Key, Sweep
from reglab.regularizers._weight_penalty import PENALIZE_BIAS, WeightPenalty, strength_rule


def l1_penalty(tensors: Sequence[Tensor], strengths: Sequence[Tensor]) -> Tensor:
    """``sum_l strength_l * sum |W_l|`` per model: tensors ``[K, ...]``, strengths ``[K, 1, 1]`` → ``[K]``."""
    return sum(s.view(-1) * w.abs().flatten(1).sum(1) for w, s in zip(tensors, strengths))


class L1Penalty(WeightPenalty):
    """``l1 * sum|w|`` added to the loss (variant key ``l1``)."""

    key = "l1"
    formula = staticmethod(l1_penalty)
    keys = (
        Key("l1", strength_rule(), 0.0, "L1 penalty strength: + l1 * sum|w|",
            sweep=Sweep("larger", "L1 strength λ", "L1 penalty on every weight matrix", path=True)),
        PENALIZE_BIAS,
    )
    example = {"l1": 1e-3}
    shrinks = ({"l1": 1e-4}, {"l1": 1e-2})

    @staticmethod
    def add_derivative(grad: Tensor, w: Tensor, strength: Tensor) -> None:
        """``grad += l1 * sign(w)`` (0 at w = 0, as autograd's ``abs``)."""
        grad.addcmul_(strength, torch.sign(w))
