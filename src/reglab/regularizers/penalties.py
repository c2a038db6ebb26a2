"""Weight penalties: L1, L2 and, by using both, the elastic net.

The training objective of model k is

    loss_k = mean data loss_k + sum_l l1_{l,k} * sum|W_l| + sum_l l2_{l,k} * sum W_l^2

summed over the weight matrices ``W_l`` of every layer (input→hidden, …,
hidden→output).  Strengths can differ per layer.  Biases are not penalized
unless ``penalize_bias=true``; then each bias vector gets the strength of its
layer's weights.  This is Keras' ``L1L2(l1, l2)`` regularizer on every
kernel: ``l1 * reduce_sum(abs(x)) + l2 * reduce_sum(square(x))``.

Under plain gradient descent L1 only pushes weights towards zero by ``lr * l1 *
sign(w)`` per step, so they hover around zero without reaching it exactly; the
proximal step (:mod:`reglab.regularizers.proximal`) gives exact zeros.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from reglab.engine.network import StackedMLP
from reglab.regularizers.base import Regularizer, per_layer_table
from reglab.variant import Variant


def l1_penalty(tensors: Sequence[Tensor], strengths: Sequence[Tensor]) -> Tensor:
    """``sum_l strength_l * sum |W_l|`` per model: tensors ``[K, ...]``, strengths ``[K, 1, 1]`` → ``[K]``."""
    return sum(s.view(-1) * w.abs().flatten(1).sum(1) for w, s in zip(tensors, strengths))


def l2_penalty(tensors: Sequence[Tensor], strengths: Sequence[Tensor]) -> Tensor:
    """``sum_l strength_l * sum W_l^2`` per model: tensors ``[K, ...]``, strengths ``[K, 1, 1]`` → ``[K]``."""
    return sum(s.view(-1) * w.square().flatten(1).sum(1) for w, s in zip(tensors, strengths))


class _WeightPenalty(Regularizer):
    """A penalty of the weights (and optionally biases) with per-layer, per-model strengths."""

    key: str
    formula: Callable[[Sequence[Tensor], Sequence[Tensor]], Tensor]

    def __init__(self, strengths: list[Tensor], bias_strengths: list[Tensor]) -> None:
        self.strengths = strengths
        self.bias_strengths = bias_strengths
        self.penalizes_bias = any(bool(s.any()) for s in bias_strengths)

    @staticmethod
    def add_derivative(grad: Tensor, w: Tensor, strength: Tensor) -> None:
        """``grad += d(strength * formula(w)) / dw``, in place."""
        raise NotImplementedError

    @classmethod
    def build(cls, variants: Sequence[Variant]) -> Regularizer | None:
        layers = len(variants[0].hidden) + 1
        if not any(any(v.per_layer(cls.key, layers)) for v in variants):
            return None
        strengths = per_layer_table(variants, cls.key, layers)
        bias_mask = torch.tensor([v.penalize_bias for v in variants], dtype=torch.float32).view(-1, 1, 1)
        return cls(strengths, [s * bias_mask for s in strengths])

    def penalty(self, net: StackedMLP) -> Tensor:
        total = type(self).formula(net.weights, self.strengths)
        if self.penalizes_bias:
            total = total + type(self).formula(net.biases, self.bias_strengths)
        return total

    def add_penalty_grad(self, net: StackedMLP, grads: list[Tensor]) -> None:
        """The closed-form gradient of :meth:`penalty`, added to ``grads`` (weights first, then biases)."""
        for grad, w, strength in zip(grads, net.weights, self.strengths):
            self.add_derivative(grad, w, strength)
        if self.penalizes_bias:
            bias_grads = grads[len(net.weights) :]
            for grad, b, strength in zip(bias_grads, net.biases, self.bias_strengths):
                self.add_derivative(grad, b, strength)


class L1Penalty(_WeightPenalty):
    """``l1 * sum|w|`` added to the loss (variant key ``l1``)."""

    key = "l1"
    formula = staticmethod(l1_penalty)

    @staticmethod
    def add_derivative(grad: Tensor, w: Tensor, strength: Tensor) -> None:
        """``grad += l1 * sign(w)`` (0 at w = 0, as autograd's ``abs``)."""
        grad.addcmul_(strength, torch.sign(w))


class L2Penalty(_WeightPenalty):
    """``l2 * sum w^2`` added to the loss (variant key ``l2``).

    Under Adam this gradient ``2 * l2 * w`` is divided by the running RMS of
    the gradients like the data gradient, so weights with large gradients are
    barely decayed; decoupled weight decay (:mod:`reglab.regularizers.decay`)
    shrinks every weight at the same rate instead.
    """

    key = "l2"
    formula = staticmethod(l2_penalty)

    @staticmethod
    def add_derivative(grad: Tensor, w: Tensor, strength: Tensor) -> None:
        """``grad += 2 * l2 * w``."""
        grad.addcmul_(strength, w, value=2.0)
