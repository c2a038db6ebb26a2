"""Inverted dropout (variant keys ``dropout``, ``conv_dropout``).

``dropout=p`` (one rate, or one per hidden layer): after each hidden
activation, in training,

    h <- h * m / (1 - p),   m ~ Bernoulli(1 - p) per unit and example

(inverted dropout, as ``torch.nn.Dropout``), so ``E[h]`` is unchanged in
training and evaluation needs no rescaling: it is the identity.  In a CNN,
``conv_dropout=p`` does the same after each convolution's activation and
after each pooling, where the seed notes put it.  Masks come from each
model's own ``perturb`` stream.
"""

from __future__ import annotations

from reglab.pieces.interface import Key, Sweep, VariantView, hidden_layers
from reglab.regularizers._per_position import PerPosition
from reglab.rules import Interval, PerLayer


def rate_rule() -> Interval:
    """A dropout rate: ``[0, 1)`` (a rate of 1 would drop every unit)."""
    return Interval(float, 0.0, 1.0, "left")


class Dropout(PerPosition):
    """Inverted dropout after each hidden activation: ``h * Bernoulli(1 - p) / (1 - p)``."""

    keys = (
        Key("dropout", PerLayer(rate_rule(), hidden_layers, "hidden layers"), 0.0,
            "inverted dropout rate after each hidden activation",
            sweep=Sweep("larger", "dropout rate", "dropout rate after every hidden layer")),
        Key("conv_dropout", rate_rule(), 0.0,
            "dropout rate after each convolution's activation and after each pooling", after="conv"),
    )
    example = {"dropout": 0.3}

    @staticmethod
    def settings(variant: VariantView) -> dict[str, float]:
        rates = variant.per_layer("dropout", len(variant.hidden))
        table = {f"hidden{l + 1}": rate for l, rate in enumerate(rates)}
        for block in range(1, len(variant.conv) + 1):
            table[f"conv{block}"] = table[f"pool{block}"] = variant.conv_dropout
        return table

    def affine(self, shape, value, streams, users):
        keep = streams.uniform(users, shape) >= value
        return keep / (1.0 - value), None
