"""One epoch's perturbations (dropout masks, noise), drawn in torch from the models' own streams before the kernel runs.

The current path asks each perturbing piece, at every step, for its
``(scale, shift)`` at the input and after each hidden activation, in this
order: step by step; within a step the input, then ``hidden1``, ``hidden2``,
…; within a position the pieces in their order.  :func:`epoch_draws` asks
them the same questions in the same order (with an empty tensor of the shape
the current path would pass: the pieces' ``draws`` rule says they read only
the shape), so every model's generator gives exactly the numbers it gives on
the current path, and the kernel applies them as ``h <- h * scale + shift``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from reglab.pieces.interface import RandomStreams, Regularizer


@dataclass
class EpochDraws:
    """What the kernel needs of one epoch's perturbations.

    Attributes:
        scales: ``[S, K, n, W]`` (``W``: the widths of every layer's input side by side), neutral 1 where not drawn.
        shifts: ``[T, K, n, W]``, neutral 0 where not drawn.
        scale_of: ``[pieces, layers]`` which of ``scales`` piece ``p`` uses at position ``l`` (-1: none).
        shift_of: the same for ``shifts``.
    """

    scales: np.ndarray
    shifts: np.ndarray
    scale_of: np.ndarray
    shift_of: np.ndarray


def positions(layers: int) -> list[str]:
    """The names of the positions where activations are perturbed: the input of each weight matrix."""
    return ["input", *(f"hidden{l}" for l in range(1, layers))]


def epoch_draws(pieces: Sequence[Regularizer], streams: RandomStreams, models: int, n: int, batch: int,
                sizes: Sequence[int]) -> EpochDraws:
    """Every step's ``(scale, shift)`` of every perturbing piece for an epoch of ``n`` rows in minibatches of ``batch``."""
    layers = len(sizes) - 1
    if not pieces:
        none = np.full((0, layers), -1, dtype=np.int64)
        return EpochDraws(np.ones((0, 1, 1, 1), np.float32), np.ones((0, 1, 1, 1), np.float32), none, none)
    widths = list(sizes[:-1])
    offsets = np.concatenate([[0], np.cumsum(widths)]).astype(np.int64)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # many small draws: a pool of threads only waits for itself (10x slower under load)
    try:
        return _draw(pieces, streams, models, n, batch, widths, offsets)
    finally:
        torch.set_num_threads(threads)


def _draw(pieces: Sequence[Regularizer], streams: RandomStreams, models: int, n: int, batch: int, widths: list[int],
          offsets: np.ndarray) -> EpochDraws:
    layers = len(widths)
    kinds: list[dict[int, np.ndarray]] = [{}, {}]  # scales, shifts: one buffer per piece that gives any (NumPy: one thread)
    which = [np.full((len(pieces), layers), -1, dtype=np.int64) for _ in kinds]
    for begin in range(0, n, batch):
        rows = min(batch, n - begin)
        for position, name in enumerate(positions(layers)):
            like = torch.empty(models, rows, widths[position])
            start, stop = int(offsets[position]), int(offsets[position + 1])
            for p, piece in enumerate(pieces):
                for kind, value in enumerate(piece.perturb_affine(like, name, streams)):
                    if value is None:
                        continue
                    buffers = kinds[kind]
                    if p not in buffers:
                        buffers[p] = np.full((models, n, int(offsets[-1])), 1.0 if kind == 0 else 0.0, np.float32)
                    which[kind][p, position] = p
                    buffers[p][:, begin : begin + rows, start:stop] = value.numpy()
    stacked = []
    for kind, buffers in enumerate(kinds):
        index = {p: i for i, p in enumerate(sorted(buffers))}
        which[kind] = np.array([[index.get(int(p), -1) for p in row] for row in which[kind]], np.int64).reshape(which[kind].shape)
        stacked.append(np.stack([buffers[p] for p in sorted(buffers)]) if buffers else np.ones((0, 1, 1, 1), np.float32))
    return EpochDraws(stacked[0], stacked[1], which[0], which[1])
