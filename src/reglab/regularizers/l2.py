"""L2 penalty (variant keys ``l2``, ``penalize_bias``).

The training objective of model k is

    loss_k = mean data loss_k + sum_l l2_{l,k} * sum W_l^2

summed over the weight matrices of every layer; strengths can differ per
layer.  This is Keras' ``L2(l2)`` regularizer on every kernel:
``l2 * reduce_sum(square(x))``.

Under Adam its gradient ``2 * l2 * w`` is divided by the running RMS of the
gradients like the data gradient, so weights with large gradients are barely
decayed; decoupled weight decay (:mod:`reglab.regularizers.weight_decay`)
shrinks every weight at the same rate instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import Tensor

from reglab.pieces.interface import Key, Sweep
from reglab.regularizers._weight_penalty import PENALIZE_BIAS, WeightPenalty, strength_rule


def l2_penalty(tensors: Sequence[Tensor], strengths: Sequence[Tensor]) -> Tensor:
    """``sum_l strength_l * sum W_l^2`` per model: tensors ``[K, ...]``, strengths ``[K, 1, 1]`` → ``[K]``."""
    return sum(s.view(-1) * w.square().flatten(1).sum(1) for w, s in zip(tensors, strengths))


class L2Penalty(WeightPenalty):
    """``l2 * sum w^2`` added to the loss (variant key ``l2``)."""

    key = "l2"
    formula = staticmethod(l2_penalty)
    keys = (
        Key("l2", strength_rule(), 0.0, "L2 penalty strength: + l2 * sum w^2",
            sweep=Sweep("larger", "L2 strength λ", "L2 penalty on every weight matrix")),
        PENALIZE_BIAS,
    )
    example = {"l2": 1e-3}
    shrinks = ({"l2": 1e-4}, {"l2": 1e-2})

    @staticmethod
    def add_derivative(grad: Tensor, w: Tensor, strength: Tensor) -> None:
        """``grad += 2 * l2 * w``."""
        grad.addcmul_(strength, w, value=2.0)
