"""What dropout and Gaussian noise share: one per-model setting at each named position of the network.

Both act only in training; in evaluation the network is deterministic.  Every
model draws from its own stream (:class:`~reglab.pieces.interface.RandomStreams`),
so its masks are the same whether it trains alone or in a batch.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from reglab.pieces.interface import Compiled, RandomStreams, Regularizer, VariantView


class PerPosition(Regularizer):
    """A perturbation with one per-model setting at each named position."""

    def __init__(self, table: dict[str, list[float]]) -> None:
        """``table[position][k]``: the setting of model ``k`` at ``position``."""
        self.users = {pos: [k for k, value in enumerate(row) if value > 0] for pos, row in table.items()}
        self.values = {
            pos: torch.tensor([row[k] for k in self.users[pos]]) for pos, row in table.items()
        }

    @staticmethod
    def settings(variant: VariantView) -> dict[str, float]:
        """The setting at every position where the variant perturbs (others are 0)."""
        raise NotImplementedError

    @classmethod
    def build(cls, variants: Sequence[VariantView]) -> Regularizer | None:
        rows = [cls.settings(v) for v in variants]
        positions = {pos for row in rows for pos, value in row.items() if value > 0}
        if not positions:
            return None
        return cls({pos: [row.get(pos, 0.0) for row in rows] for pos in positions})

    def compiled(self, layers: int) -> tuple[Compiled, ...]:
        """``draws``: :meth:`perturb_affine` reads ``h`` only through its shape."""
        return (Compiled("draws"),)

    def perturb_affine(self, h: Tensor, position: str, streams: RandomStreams) -> tuple[Tensor | None, Tensor | None]:
        users = self.users.get(position)
        if not users:
            return None, None
        value = self.values[position].view(-1, *[1] * (h.dim() - 1))
        shape = tuple(h.shape[1:])
        scale, shift = self.affine(shape, value, streams, users)
        if len(users) == h.shape[0]:  # every model: nothing to spread
            return scale, shift
        return spread(scale, users, h, 1.0), spread(shift, users, h, 0.0)

    def affine(
        self, shape: tuple[int, ...], value: Tensor, streams: RandomStreams, users: list[int]
    ) -> tuple[Tensor | None, Tensor | None]:
        """``(scale, shift)`` of the models in ``users`` (``[len(users), *shape]``), drawn from their streams."""
        raise NotImplementedError


def spread(part: Tensor | None, users: list[int], like: Tensor, neutral: float) -> Tensor | None:
    """``part`` (rows of ``users``) placed in a tensor shaped like ``like`` filled with ``neutral``."""
    if part is None:
        return None
    full = torch.full_like(like, neutral)
    full[users] = part
    return full
