"""Per-model random streams.

Every model slot is identified by ``(seed, member)``: the run's seed and, for
an ensemble, the member number (0 for a plain run).  All its randomness comes
from generators seeded by that pair and a purpose, never from a shared global
stream, so a model trained in a batch of 128 draws exactly what it would draw
alone.  Variants with the same seed share the ``init`` and ``order`` streams:
they start from the same weights and see the same minibatches (paired
comparisons), and they share ``perturb`` too (common random numbers for
dropout masks and noise).
"""

from __future__ import annotations

import numpy as np
import torch

PURPOSES = {"init": 0, "order": 1, "perturb": 2, "init_conv": 3}


def stream_seed(seed: int, member: int, purpose: str) -> int:
    """A 63-bit seed derived from ``(seed, member, purpose)`` by NumPy's SeedSequence."""
    state = np.random.SeedSequence([seed, member, PURPOSES[purpose]]).generate_state(2, dtype=np.uint32)
    return int((int(state[0]) << 31) ^ int(state[1]))


def generator(seed: int, member: int, purpose: str) -> torch.Generator:
    """A fresh CPU generator for one stream."""
    return torch.Generator().manual_seed(stream_seed(seed, member, purpose))


class ModelStreams:
    """The ``perturb`` generators of every model slot, and batched draws from them."""

    def __init__(self, slots: list[tuple[int, int]]) -> None:
        self.generators = [generator(seed, member, "perturb") for seed, member in slots]

    def uniform(self, models: list[int], shape: tuple[int, ...]) -> torch.Tensor:
        """U[0, 1) of ``shape`` for each listed model, each from its own stream: ``[len(models), *shape]``."""
        return torch.stack([torch.rand(shape, generator=self.generators[k]) for k in models])

    def normal(self, models: list[int], shape: tuple[int, ...]) -> torch.Tensor:
        """N(0, 1) of ``shape`` for each listed model, each from its own stream."""
        return torch.stack([torch.randn(shape, generator=self.generators[k]) for k in models])


def epoch_orders(slots: list[tuple[int, int]], generators: dict[tuple[int, int], torch.Generator], n: int) -> torch.Tensor:
    """One permutation of ``range(n)`` per model slot, ``[K, n]``; slots sharing a stream share it."""
    drawn = {slot: torch.randperm(n, generator=gen) for slot, gen in generators.items()}
    return torch.stack([drawn[slot] for slot in slots])
