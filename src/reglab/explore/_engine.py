"""A private stand-in for ``reglab.train(..., observe=...)`` until the engine's own hook lands.

It has the shape the engine's hook will have: ``observe(view)`` is called at
the end of every epoch of every group with an :class:`EpochView`; it may
block (to pause) and raise (to cancel).  Groups are trained by the engine's
own :func:`~reglab.engine.trainer.train_group`, so the numbers are those of
``reglab.train``; the view is taken from the state the trainer hands to its
checkpoint at the end of each epoch.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import Tensor

from reglab.api import build_pieces
from reglab.engine.checkpoint import GroupState
from reglab.engine.objective import run_log_probs, run_predictions
from reglab.engine.plan import Group, RunSpec, make_groups
from reglab.engine.trainer import Split, eval_logits, make_network, train_group
from reglab.run import Run
from reglab.variant import Variant, parse_variants

if TYPE_CHECKING:
    from reglab.data import Dataset


@dataclass
class EpochView:
    """One group at the end of one epoch.

    Attributes:
        epoch: counted from 1.
        runs: the group's runs as indices into the caller's variant-major list.
        logs: per-run figures of this epoch (``train_loss``, ``val_loss``, ...), each ``[R]``.
        active: ``[R]`` runs still training after this epoch.
        predict: inputs ``[N, d]`` (standardized) -> probabilities ``[R, N, outputs]``
            (binary: the probability of class 1; regression: the value).
        first_layer_weights: -> the first weight matrix of every model of each run, ``[R, ...]``.
        state: the group's whole state (for a restart from this epoch).
    """

    epoch: int
    runs: tuple[int, ...]
    logs: dict[str, Tensor]
    active: Tensor
    predict: Callable[[np.ndarray], Tensor]
    first_layer_weights: Callable[[], Tensor]
    state: GroupState


Observe = Callable[[EpochView], None]


class _Observer:
    """What ``train_group`` takes as its checkpoint: asked at every epoch, it hands a view to ``observe``."""

    def __init__(self, group: Group, task: str, observe: Observe) -> None:
        self.group, self.task, self.observe = group, task, observe
        self.net = make_network(group.arch, group.slots)
        self.runs = tuple(spec.index for spec in group.runs)

    def due(self) -> bool:
        return True

    def save(self, state: GroupState) -> None:
        members = self.group.members
        tensors = state.tensors

        def predict(X: np.ndarray) -> Tensor:
            with torch.no_grad():
                for target, source in zip(self.net.tensors(), tensors):
                    target.copy_(source)
                logits = eval_logits(self.net, torch.as_tensor(X, dtype=torch.float32))
            if self.task == "regression":
                return run_predictions(logits, members).unsqueeze(-1)
            probs = run_log_probs(logits, members, self.task).exp()
            return probs[..., 1:] if self.task == "binary" else probs

        def first_layer_weights() -> Tensor:
            weights = tensors[0].detach()
            return weights.reshape(len(self.runs), members, *weights.shape[1:])

        logs = {name: values[state.epoch - 1] for name, values in state.history.items()}
        self.observe(EpochView(state.epoch, self.runs, logs, state.active.clone(), predict, first_layer_weights, state))


def train(
    dataset: Dataset,
    variants: Sequence[str | Variant],
    seeds: Sequence[int],
    *,
    observe: Observe,
    resume: dict[tuple[int, ...], GroupState] | None = None,
    groups: Sequence[int] | None = None,
) -> list[Run | None]:
    """Train like :func:`reglab.train`, calling ``observe`` at the end of each epoch of each group.

    ``resume`` maps a group's run indices to the state it goes on from;
    ``groups`` trains only those groups (by position in the plan).  Runs not
    trained are ``None``.
    """
    parsed = parse_variants(list(variants))
    seed_list = list(seeds)
    specs = [RunSpec(v, s, i * len(seed_list) + j) for i, v in enumerate(parsed) for j, s in enumerate(seed_list)]
    plan = make_groups(specs, dataset.n_features, dataset.n_outputs, dataset.image_shape)
    splits = {name: Split.of(getattr(dataset, f"X_{name}"), getattr(dataset, f"y_{name}"), dataset.task)
              for name in ("train", "val", "test")}
    results: list[Run | None] = [None] * len(specs)
    for number, group in enumerate(plan):
        if groups is not None and number not in groups:
            continue
        key = tuple(spec.index for spec in group.runs)
        state = (resume or {}).get(key)
        outcomes = train_group(group, splits, dataset.task, resume=state, checkpoint=_Observer(group, dataset.task, observe),
                               pieces=build_pieces(group))
        for spec, outcome in zip(group.runs, outcomes):
            results[spec.index] = Run(spec.variant, spec.seed, outcome.history, outcome.metrics, dataset.task,
                                      group.arch, outcome.members)
    return results


def plan_groups(dataset: Dataset, variants: Sequence[Variant], seeds: Sequence[int]) -> list[tuple[int, ...]]:
    """The run indices of each group ``train`` would make, in order."""
    specs = [RunSpec(v, s, i * len(seeds) + j) for i, v in enumerate(variants) for j, s in enumerate(seeds)]
    return [tuple(spec.index for spec in group.runs)
            for group in make_groups(specs, dataset.n_features, dataset.n_outputs, dataset.image_shape)]
