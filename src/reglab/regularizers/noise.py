"""Additive Gaussian noise in training (variant key ``noise``).

    h <- h + s * N(0, 1)

A single value ``noise=s`` perturbs the inputs only; ``noise=s0/s1/...``
gives one standard deviation for the inputs and each hidden activation
(Keras' ``GaussianNoise``).  Evaluation is the identity.  The noise comes
from each model's own ``perturb`` stream.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reglab.pieces.interface import Key, Sweep, VariantView
from reglab.regularizers._per_position import PerPosition
from reglab.rules import Interval, PerLayer


def positions(values: Mapping[str, Any]) -> int:
    """Where noise can be added: the input and each hidden layer."""
    return len(values["hidden"]) + 1


class GaussianNoise(PerPosition):
    """Additive Gaussian noise ``h + s * N(0, 1)`` at the inputs and/or hidden activations."""

    keys = (
        Key("noise", PerLayer(Interval(float, 0.0), positions, "positions (input and hidden layers)"), 0.0,
            "std of Gaussian noise added in training: one value = inputs only; input/h1/h2... per position",
            sweep=Sweep("larger", "input noise std", "std of Gaussian noise added to the inputs")),
    )
    example = {"noise": 0.2}

    @staticmethod
    def settings(variant: VariantView) -> dict[str, float]:
        names = ["input", *(f"hidden{l + 1}" for l in range(len(variant.hidden)))]
        stds = variant.noise if isinstance(variant.noise, tuple) else (float(variant.noise),)  # one value: inputs only
        return dict(zip(names, stds))

    def affine(self, shape, value, streams, users):
        return None, value * streams.normal(users, shape)
