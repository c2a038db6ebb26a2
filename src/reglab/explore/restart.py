"""Going on from a group's state with changed variants: how a live change stays exact.

When a strength changes at the end of epoch E, the group's whole training
state (:meth:`reglab.engine.view.EpochView.saved_state`) is given back to
``reglab.train`` through a one-state checkpoint store (:class:`Resume`), with
the variants now holding the schedule.  A schedule step at E + 1 may bring
in a piece (or a callback, for ``stop_epoch``) that the group did not have,
so :func:`fitted` lays the saved states of the pieces and callbacks out as
the new group builds them: each technique keeps its own, a new one starts
with its fresh state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from reglab.callbacks import build_callbacks
from reglab.engine.plan import RunSpec, make_groups
from reglab.regularizers import build_regularizers
from reglab.variant import Variant

if TYPE_CHECKING:
    from reglab.data import Dataset


class Resume:
    """A checkpoint store holding one saved state (or none), whatever group asks: ``reglab.train(checkpoints=...)``."""

    def __init__(self, blob: bytes | None) -> None:
        self.blob = blob

    def load_checkpoint(self, dataset: Any, runs: Any) -> bytes | None:
        return self.blob

    def save_checkpoint(self, dataset: Any, runs: Any, epoch: int, blob: bytes) -> None:
        self.blob = blob

    def drop_checkpoint(self, dataset: Any, runs: Any) -> None:
        self.blob = None


def _kind(piece: Any) -> type:
    return getattr(piece, "kind", type(piece))  # a scheduled technique is its technique


def fitted(saved: dict[str, Any], old: Sequence[Variant], new: Sequence[Variant], seeds: Sequence[int]) -> dict[str, Any]:
    """``saved`` (a group of ``old`` variants) with its pieces' and callbacks' states as the group of ``new`` ones builds them."""
    old_pieces = dict(zip((_kind(p) for p in build_regularizers(_runs(old, seeds))), saved["pieces"]))
    new_pieces = build_regularizers(_runs(new, seeds))
    old_callbacks = dict(zip((type(c) for c in build_callbacks(_runs(old, seeds))), saved["callbacks"]))
    new_callbacks = build_callbacks(_runs(new, seeds))
    return {
        **saved,
        "pieces": [old_pieces.get(_kind(p), p.state_dict()) for p in new_pieces],
        "callbacks": [old_callbacks.get(type(c), c.state_dict()) for c in new_callbacks],
    }


def _runs(variants: Sequence[Variant], seeds: Sequence[int]) -> list[Variant]:
    return [v for v in variants for _ in seeds]


def plan_groups(dataset: Dataset, variants: Sequence[Variant], seeds: Sequence[int]) -> list[tuple[int, ...]]:
    """The run indices (variant-major) of each group ``reglab.train`` makes of these variants, in order."""
    specs = [RunSpec(v, s, i * len(seeds) + j) for i, v in enumerate(variants) for j, s in enumerate(seeds)]
    return [tuple(spec.index for spec in group.runs)
            for group in make_groups(specs, dataset.n_features, dataset.n_outputs, dataset.image_shape)]
