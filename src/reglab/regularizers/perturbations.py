"""Training-time perturbations: inverted dropout and Gaussian noise.

Both act only in training; in evaluation the network is deterministic.  Every
model draws from its own stream (:class:`~reglab.engine.streams.ModelStreams`),
so its masks are the same whether it trains alone or in a batch.

* ``dropout=p`` (one rate, or one per hidden layer): after each hidden
  activation, ``h <- h * m / (1 - p)`` with ``m ~ Bernoulli(1 - p)`` per unit
  and example (inverted dropout, as ``torch.nn.Dropout``), so ``E[h]`` is
  unchanged in training and evaluation needs no rescaling.  In a CNN,
  ``conv_dropout=p`` does the same after each convolution's activation and
  after each pooling, where the seed notes put it.
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
    """A perturbation with one per-model setting at each named position."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        """``table[position][k]``: the setting of model ``k`` at ``position``."""
        self.users = {pos: [k for k, value in enumerate(row) if value > 0] for pos, row in table.items()}
        self.values = {
            pos: torch.tensor([row[k] for k in self.users[pos]]) for pos, row in table.items()
        }

    @staticmethod
    def settings(variant: Variant) -> dict[str, float]:
        """The setting at every position where the variant perturbs (others are 0)."""
        raise NotImplementedError

    @classmethod
    def build(cls, variants: Sequence[Variant]) -> Regularizer | None:
        rows = [cls.settings(v) for v in variants]
        positions = {pos for row in rows for pos, value in row.items() if value > 0}
        if not positions:
            return None
        return cls({pos: [row.get(pos, 0.0) for row in rows] for pos in positions})

    def perturb_affine(self, h: Tensor, position: str, streams: ModelStreams) -> tuple[Tensor | None, Tensor | None]:
        users = self.users.get(position)
        if not users:
            return None, None
        value = self.values[position].view(-1, *[1] * (h.dim() - 1))
        shape = tuple(h.shape[1:])
        scale, shift = self.affine(shape, value, streams, users)
        if len(users) == h.shape[0]:  # every model: nothing to spread
            return scale, shift
        return _spread(scale, users, h, 1.0), _spread(shift, users, h, 0.0)

    def affine(
        self, shape: tuple[int, ...], value: Tensor, streams: ModelStreams, users: list[int]
    ) -> tuple[Tensor | None, Tensor | None]:
        """``(scale, shift)`` of the models in ``users`` (``[len(users), *shape]``), drawn from their streams."""
        raise NotImplementedError


def _spread(part: Tensor | None, users: list[int], h: Tensor, neutral: float) -> Tensor | None:
    """``part`` (rows of ``users``) placed in a tensor shaped like ``h`` filled with ``neutral``."""
    if part is None:
        return None
    full = torch.full_like(h, neutral)
    full[users] = part
    return full


class Dropout(_PerPosition):
    """Inverted dropout after each hidden activation: ``h * Bernoulli(1 - p) / (1 - p)``."""

    @staticmethod
    def settings(variant: Variant) -> dict[str, float]:
        rates = variant.per_layer("dropout", len(variant.hidden))
        table = {f"hidden{l + 1}": rate for l, rate in enumerate(rates)}
        for block in range(1, len(variant.conv) + 1):
            table[f"conv{block}"] = table[f"pool{block}"] = variant.conv_dropout
        return table

    def affine(self, shape, value, streams, users):
        keep = streams.uniform(users, shape) >= value
        return keep / (1.0 - value), None


class GaussianNoise(_PerPosition):
    """Additive Gaussian noise ``h + s * N(0, 1)`` at the inputs and/or hidden activations."""

    @staticmethod
    def settings(variant: Variant) -> dict[str, float]:
        names = ["input", *(f"hidden{l + 1}" for l in range(len(variant.hidden)))]
        return dict(zip(names, variant.noise_per_position()))

    def affine(self, shape, value, streams, users):
        return None, value * streams.normal(users, shape)
