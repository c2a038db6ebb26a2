"""Strength schedules for every technique through one wrapper: :class:`Scheduled`.

A variant key may hold a :class:`~reglab.schedule.Schedule` (``l2=0@1,1e-3@51``).
For a group where some model's keys follow a schedule, each technique is
wrapped: at the start of every epoch (:meth:`Regularizer.on_epoch_begin`)
the technique is built again, by its own :meth:`Regularizer.build`, from
the values in force (:meth:`~reglab.variant.Variant.at_epoch`) whenever they
differ from the last epoch's, keeping what it learned (``state_dict``), and
every hook goes to that build (none while no model uses the technique).
The wrapper overrides exactly the hooks the technique overrides, so the
engine takes the same path (hand-written backward pass or autograd) with or
without schedules, and a group without any schedule gets the plain pieces:
constant strengths give the numbers they always gave.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from torch import Tensor

from reglab.pieces.interface import Compiled, RandomStreams, Regularizer, StackedModel, StepSizes, VariantView

HOOKS = ("penalty", "add_penalty_grad", "perturb", "perturb_affine", "forward_weights", "before_update", "after_update")
"""The hooks a technique may override; the wrapper delegates the same ones."""


class Scheduled(Regularizer):
    """``kind`` rebuilt from the values in force at each epoch (see the module docstring)."""

    kind: type[Regularizer]

    def __init__(self, variants: Sequence[VariantView]) -> None:
        self.variants = list(variants)
        self.current: Regularizer | None = None
        self._in_force: list[Any] | None = None
        self.on_epoch_begin(1)

    @staticmethod
    def wrap(kind: type[Regularizer], variants: Sequence[VariantView]) -> Regularizer | None:
        """``kind`` for these models: its plain build without schedules; wrapped when some epoch uses it; else ``None``."""
        starts = sorted({epoch for v in variants for schedule in v.schedules.values() for epoch in schedule.epochs})
        if not starts:
            return kind.build(variants)
        if all(kind.build([v.at_epoch(epoch) for v in variants]) is None for epoch in starts):
            return None
        return _scheduled(kind)(variants)

    def on_epoch_begin(self, epoch: int) -> None:
        in_force = [v.at_epoch(epoch) for v in self.variants]
        if in_force == self._in_force:
            return
        built = self.kind.build(in_force)
        if built is not None and self.current is not None:
            built.load_state_dict(self.current.state_dict())
        self.current, self._in_force = built, in_force

    def state_dict(self) -> dict[str, Tensor]:
        return {} if self.current is None else self.current.state_dict()

    def load_state_dict(self, state: dict[str, Tensor]) -> None:
        if self.current is not None and state:
            self.current.load_state_dict(state)

    def compiled(self, layers: int) -> tuple[Compiled, ...] | None:
        """The rules of the build in force (none while no model uses it); ``None`` when the technique has none."""
        if self.kind.compiled is Regularizer.compiled:
            return None
        return () if self.current is None else self.current.compiled(layers)

    def penalty(self, net: StackedModel) -> Tensor | None:
        return None if self.current is None else self.current.penalty(net)

    def add_penalty_grad(self, net: StackedModel, grads: list[Tensor]) -> None:
        if self.current is not None:
            self.current.add_penalty_grad(net, grads)

    def perturb(self, h: Tensor, position: str, streams: RandomStreams) -> Tensor:
        return h if self.current is None else self.current.perturb(h, position, streams)

    def perturb_affine(self, h: Tensor, position: str, streams: RandomStreams) -> tuple[Tensor | None, Tensor | None]:
        return (None, None) if self.current is None else self.current.perturb_affine(h, position, streams)

    def forward_weights(self, weights: list[Tensor], streams: RandomStreams) -> list[Tensor]:
        return weights if self.current is None else self.current.forward_weights(weights, streams)

    def before_update(self, net: StackedModel, lr: Tensor) -> None:
        if self.current is not None:
            self.current.before_update(net, lr)

    def after_update(self, net: StackedModel, steps: StepSizes) -> None:
        if self.current is not None:
            self.current.after_update(net, steps)


@functools.cache
def _scheduled(kind: type[Regularizer]) -> type[Scheduled]:
    """The wrapper class for ``kind``: the hooks ``kind`` leaves at their default stay the default."""
    defaults = {name: getattr(Regularizer, name) for name in HOOKS if getattr(kind, name) is getattr(Regularizer, name)}
    return type(f"Scheduled{kind.__name__}", (Scheduled,), {"kind": kind, **defaults})
