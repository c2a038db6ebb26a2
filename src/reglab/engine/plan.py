"""Grouping runs for the batched engine.

Runs can share one batched computation when their networks have the same
shapes and they take the same steps: same architecture (convolution blocks,
hidden sizes, activation, batch norm), optimizer family, batch size, number of epochs and
ensemble size.  Everything else (penalties, dropout, noise, constraints,
learning rate, momentum, early stopping) may differ from model to model.
"""

from __future__ import annotations

from dataclasses import dataclass

from reglab.engine.network import Architecture
from reglab.variant import Variant


@dataclass(frozen=True)
class RunSpec:
    """One run to train: a variant and a seed; ``index`` is its place in the caller's list."""

    variant: Variant
    seed: int
    index: int


@dataclass(frozen=True)
class Group:
    """Runs trained together; ``members`` models per run (the ensemble size)."""

    arch: Architecture
    optimizer: str
    batch_size: int | str
    epochs: int
    members: int
    runs: tuple[RunSpec, ...]

    @property
    def slots(self) -> list[tuple[int, int]]:
        """``(seed, member)`` of every model, runs in order, members of a run adjacent."""
        return [(run.seed, m) for run in self.runs for m in range(self.members)]

    @property
    def model_variants(self) -> list[Variant]:
        """The variant of every model (repeated for each ensemble member)."""
        return [run.variant for run in self.runs for _ in range(self.members)]


def group_key(variant: Variant, n_inputs: int, n_outputs: int, image_shape: tuple[int, int] | None = None) -> tuple:
    """What must be equal for two runs to train in one batch."""
    arch = Architecture(
        n_inputs, variant.hidden, n_outputs, variant.activation, variant.batchnorm,
        variant.conv, image_shape if variant.conv else None,
    )
    family = "sgd" if variant.optimizer == "sgd" else "adam"
    return (arch, family, variant.batch_size, variant.epochs, variant.ensemble)


def make_groups(
    runs: list[RunSpec],
    n_inputs: int,
    n_outputs: int,
    image_shape: tuple[int, int] | None = None,
    max_models: int = 1024,
) -> list[Group]:
    """Partition runs into groups (first-seen order), each of at most ``max_models`` models."""
    buckets: dict[tuple, list[RunSpec]] = {}
    for run in runs:
        buckets.setdefault(group_key(run.variant, n_inputs, n_outputs, image_shape), []).append(run)
    groups = []
    for (arch, family, batch_size, epochs, members), members_runs in buckets.items():
        per_group = max(1, max_models // members)
        for start in range(0, len(members_runs), per_group):
            chunk = tuple(members_runs[start : start + per_group])
            groups.append(Group(arch, family, batch_size, epochs, members, chunk))
    return groups
