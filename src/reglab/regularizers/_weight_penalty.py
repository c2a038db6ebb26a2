"""What the L1 and L2 penalties share: per-layer, per-model strengths on the weights and, if asked, the biases.

Biases are not penalized unless ``penalize_bias=true``; then each bias vector
gets the strength of its layer's weights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from reglab.pieces.interface import Compiled, Key, Regularizer, StackedModel, VariantView, layer_rows, per_layer_table, weight_matrices
from reglab.rules import Flag, Interval, PerLayer

PENALIZE_BIAS = Key("penalize_bias", Flag(), False, "also apply l1/l2 penalties to biases")
"""Shared by :class:`~reglab.regularizers.l1.L1Penalty` and :class:`~reglab.regularizers.l2.L2Penalty`."""


def strength_rule() -> PerLayer:
    """A penalty strength: ``[0, inf)``, one value or one per weight matrix."""
    return PerLayer(Interval(float, 0.0), weight_matrices, "weight matrices")


class WeightPenalty(Regularizer):
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
    def build(cls, variants: Sequence[VariantView]) -> Regularizer | None:
        layers = len(variants[0].hidden) + 1
        if not any(any(v.per_layer(cls.key, layers)) for v in variants):
            return None
        strengths = per_layer_table(variants, cls.key, layers)
        bias_mask = torch.tensor([v.penalize_bias for v in variants], dtype=torch.float32).view(-1, 1, 1)
        return cls(strengths, [s * bias_mask for s in strengths])

    def penalty(self, net: StackedModel) -> Tensor:
        total = type(self).formula(net.weights, self.strengths)
        if self.penalizes_bias:
            total = total + type(self).formula(net.biases, self.bias_strengths)
        return total

    def compiled(self, layers: int) -> tuple[Compiled, ...]:
        """The penalty as the rule named by its key (``l1``, ``l2``), on weights and biases."""
        return (Compiled(self.key, layer_rows(self.strengths, layers), layer_rows(self.bias_strengths, layers)),)

    def add_penalty_grad(self, net: StackedModel, grads: list[Tensor]) -> None:
        """The closed-form gradient of :meth:`penalty`, added to ``grads`` (weights first, then biases)."""
        for grad, w, strength in zip(grads, net.weights, self.strengths):
            self.add_derivative(grad, w, strength)
        if self.penalizes_bias:
            bias_grads = grads[len(net.weights) :]
            for grad, b, strength in zip(bias_grads, net.biases, self.bias_strengths):
                self.add_derivative(grad, b, strength)
