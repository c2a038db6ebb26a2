"""Training-time perturbations: inverted dropout and Gaussian noise.

Both act only in training; in evaluation the network is deterministic.  Every
model draws from its own stream (:class:`~reglab.engine.streams.ModelStreams`),
so its masks are the same whether it trains alone or in a batch.

* ``dropout=p`` (one rate, or one per hidden layer): after each hidden
  activation, ``h <- h * m / (1 - p)`` with ``m ~ Bernoulli(1 - p)`` per unit
  and example (inverted dropout, as ``torch.nn.Dropout``), so ``E[h] `` is
  unchanged in training and evaluation needs no rescaling.
* ``noise=s``: ``h <- h + s * N(0, 1)``; a single value perturbs the inputs
  only, ``noise=s0/s1/...`` gives one standard deviation for the inputs and
  each hidden activation (Keras' ``GaussianNoise``).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from reglab.engine.streams import ModelStreams
from reglab.regularizers.base import Regularizer
from reglab.variant import Variant


class _PerPosition(Regularizer):
    """A perturbation with one per-model setting for each position (0 = inputs)."""

    def __init__(self, table: list[list[float]]) -> None:
        # table[position][model]
        self.table = table
        self.users = [[k for k, value in enumerate(row) if value > 0] for row in table]
        self.values = [torch.tensor([row[k] for k in users]).view(-1, 1, 1) for row, users in zip(table, self.users)]

    @staticmethod
    def settings(variant: Variant) -> tuple[float, ...]:
        """The setting at every position, inputs first."""
        raise NotImplementedError

    @classmethod
    def build(cls, variants: Sequence[Variant]) -> Regularizer | None:
        rows = [cls.settings(v) for v in variants]
        if not any(any(row) for row in rows):
            return None
        return cls([list(column) for column in zip(*rows)])

    def perturb(self, h: Tensor, position: int, streams: ModelStreams) -> Tensor:
        users = self.users[position]
        if not users:
            return h
        changed = self.apply(h[users], self.values[position], streams, users)
        out = h.clone()
        out[users] = changed
        return out

    def apply(self, h: Tensor, value: Tensor, streams: ModelStreams, users: list[int]) -> Tensor:
        raise NotImplementedError


class Dropout(_PerPosition):
    """Inverted dropout after each hidden activation: ``h * Bernoulli(1 - p) / (1 - p)``."""

    @staticmethod
    def settings(variant: Variant) -> tuple[float, ...]:
        return (0.0, *variant.per_layer("dropout", len(variant.hidden)))

    def apply(self, h: Tensor, value: Tensor, streams: ModelStreams, users: list[int]) -> Tensor:
        keep = streams.uniform(users, tuple(h.shape[1:])) >= value
        return h * keep / (1.0 - value)


class GaussianNoise(_PerPosition):
    """Additive Gaussian noise ``h + s * N(0, 1)`` at the inputs and/or hidden activations."""

    @staticmethod
    def settings(variant: Variant) -> tuple[float, ...]:
        return variant.noise_per_position()

    def apply(self, h: Tensor, value: Tensor, streams: ModelStreams, users: list[int]) -> Tensor:
        return h + value * streams.normal(users, tuple(h.shape[1:]))
