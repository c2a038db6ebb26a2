"""One epoch's perturbations (dropout masks, noise), drawn in torch from the models' own streams before the kernel runs.

The current path asks each perturbing piece, at every step, for its
``(scale, shift)`` at the input and after each hidden activation, in this
order: step by step; within a step the input, then ``hidden1``, ``hidden2``,
…; within a position the pieces in their order.  :meth:`Draws.epoch` asks
them the same questions in the same order (with an empty tensor of the shape
the current path would pass: the pieces' ``draws`` rule says they read only
the shape), so every model's generator gives exactly the numbers it gives on
the current path, and the kernel applies them as ``h <- h * scale + shift``.

The answers of the first step say which piece perturbs where (every step of
an epoch perturbs at the same places); the buffers for that layout are kept
from one epoch to the next and only the drawn columns are written again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from reglab.pieces.interface import RandomStreams, Regularizer

Place = tuple[int, int, int]
"""``(kind, piece, position)``: kind 0 a scale, 1 a shift."""


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


class Draws:
    """The perturbations of a group's epochs: models ``models``, ``n`` rows in minibatches of ``batch``, layer ``sizes``."""

    def __init__(self, models: int, n: int, batch: int, sizes: Sequence[int]) -> None:
        self.models, self.n, self.batch = models, n, batch
        self.widths = list(sizes[:-1])
        self.offsets = np.concatenate([[0], np.cumsum(self.widths)]).astype(np.int64)
        self._layout: tuple[Place, ...] | None = None
        self._kept: EpochDraws | None = None

    def epoch(self, pieces: Sequence[Regularizer], streams: RandomStreams) -> EpochDraws:
        """Every step's ``(scale, shift)`` of every perturbing piece for one epoch."""
        layers = len(self.widths)
        if not pieces:
            none = np.full((0, layers), -1, dtype=np.int64)
            return EpochDraws(np.ones((0, 1, 1, 1), np.float32), np.ones((0, 1, 1, 1), np.float32), none, none)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # many small draws: a pool of threads only waits for itself (10x slower under load)
        try:
            return self._draw(pieces, streams)
        finally:
            torch.set_num_threads(threads)

    def _draw(self, pieces: Sequence[Regularizer], streams: RandomStreams) -> EpochDraws:
        draws: EpochDraws | None = None
        for begin in range(0, self.n, self.batch):
            rows = min(self.batch, self.n - begin)
            answers = list(self._step(pieces, streams, rows))
            if draws is None:
                draws = self._buffers(tuple(place for place, _ in answers), len(pieces))
            for (kind, p, position), value in answers:
                index = (draws.scale_of if kind == 0 else draws.shift_of)[p, position]
                if index < 0:
                    raise AssertionError(f"piece {p} perturbs {positions(len(self.widths))[position]} in one step only")
                start, stop = int(self.offsets[position]), int(self.offsets[position + 1])
                (draws.scales if kind == 0 else draws.shifts)[index, :, begin : begin + rows, start:stop] = value.numpy()
        assert draws is not None
        return draws

    def _step(self, pieces: Sequence[Regularizer], streams: RandomStreams, rows: int):
        """``((kind, piece, position), value)`` of every perturbation of one step, in the current path's order."""
        for position, name in enumerate(positions(len(self.widths))):
            like = torch.empty(self.models, rows, self.widths[position])
            for p, piece in enumerate(pieces):
                for kind, value in enumerate(piece.perturb_affine(like, name, streams)):
                    if value is not None:
                        yield (kind, p, position), value

    def _buffers(self, places: tuple[Place, ...], n_pieces: int) -> EpochDraws:
        """The buffers of this layout of perturbations: those of the last epoch when it had the same one."""
        if places == self._layout and self._kept is not None:
            return self._kept
        which = [np.full((n_pieces, len(self.widths)), -1, dtype=np.int64) for _ in range(2)]
        users = [sorted({p for kind, p, _ in places if kind == k}) for k in range(2)]
        for kind, p, position in places:
            which[kind][p, position] = users[kind].index(p)
        width = int(self.offsets[-1])
        buffers = [np.full((len(users[k]), self.models, self.n, width), float(1 - k), np.float32) for k in range(2)]
        self._layout, self._kept = places, EpochDraws(buffers[0], buffers[1], which[0], which[1])
        return self._kept

