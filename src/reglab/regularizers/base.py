"""The one interface through which the engine applies every regularizer.

A :class:`Regularizer` acts on K stacked models at once (see
:class:`~reglab.engine.network.StackedMLP`) and may do any of four things, each
a hook that does nothing by default:

* ``penalty(net)``: a number per model added to the training loss, ``[K]``
  (with ``add_penalty_grad(net, grads)``, its gradient, for the engine's
  hand-written backward pass; by default derived from ``penalty`` by autograd);
* ``perturb(h, position, streams)``: change activations in training (noise, dropout),
  usually as an elementwise affine map given by ``perturb_affine``;
* ``before_update(net, lr)``: change weights before the optimizer step (decoupled decay);
* ``after_update(net, steps)``: change weights after it (proximal steps, constraints).

``lr`` is the per-model learning rate ``[K]`` (zero for a model that has stopped,
so a stopped model is left untouched); ``steps`` is the optimizer's
:class:`~reglab.engine.optimizers.StepSizes`: the learning rate and the step it
took per coordinate (``weights`` come first among the parameters, so
``steps.for_param(l)`` belongs to ``net.weights[l]``).  A regularizer class is built for a group
of models from their variants with :meth:`Regularizer.build`, which returns
``None`` when no model of the group uses it; models that do not use it get a
neutral setting (strength 0, no mask).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

from reglab.engine.network import StackedMLP
from reglab.engine.optimizers import StepSizes
from reglab.engine.streams import ModelStreams
from reglab.variant import Variant


class Regularizer:
    """Base class: every hook is a no-op."""

    @classmethod
    def build(cls, variants: Sequence[Variant]) -> Regularizer | None:
        """The regularizer for models with these variants, or ``None`` if none uses it."""
        raise NotImplementedError

    def penalty(self, net: StackedMLP) -> Tensor | None:
        """Per-model penalty ``[K]`` added to the data loss, or ``None``."""
        return None

    def add_penalty_grad(self, net: StackedMLP, grads: list[Tensor]) -> None:
        """Add the gradient of ``penalty(net).sum()`` to ``grads`` (aligned with ``net.parameters()``), in place.

        Used by the engine's hand-written backward pass.  The default
        differentiates :meth:`penalty` with autograd; a piece whose gradient
        has a closed form overrides this.
        """
        if type(self).penalty is Regularizer.penalty:
            return
        params = net.parameters()
        with torch.enable_grad():
            value = self.penalty(net)
            if value is None:
                return
            found = torch.autograd.grad(value.sum(), params, allow_unused=True)
        for grad, extra in zip(grads, found):
            if extra is not None:
                grad.add_(extra)

    def perturb(self, h: Tensor, position: str, streams: ModelStreams) -> Tensor:
        """Training-time change of the activations at ``position`` (``"input"``, ``"conv1"``, ``"pool1"``, ``"hidden1"``, …).

        By default the elementwise affine map of :meth:`perturb_affine`,
        ``h * scale + shift``; a piece whose change is not of that form
        overrides this (the engine then differentiates it with autograd).
        """
        scale, shift = self.perturb_affine(h, position, streams)
        if scale is not None:
            h = h * scale
        if shift is not None:
            h = h + shift
        return h

    def perturb_affine(self, h: Tensor, position: str, streams: ModelStreams) -> tuple[Tensor | None, Tensor | None]:
        """This step's perturbation at ``position`` as ``(scale, shift)``, each broadcasting against ``h``.

        ``None`` means 1 (no scaling) or 0 (no shift).  The derivative of
        ``h * scale + shift`` with respect to ``h`` is ``scale``, which is what
        the engine's hand-written backward pass uses.  Default: identity.
        """
        return None, None

    def before_update(self, net: StackedMLP, lr: Tensor) -> None:
        """In-place change of the weights before the optimizer step."""

    def after_update(self, net: StackedMLP, steps: StepSizes) -> None:
        """In-place change of the weights after the optimizer step."""

    def on_epoch_begin(self, epoch: int) -> None:
        """Called by the engine before the first step of ``epoch`` (counted from 1)."""


class Scheduled(Regularizer):
    """A technique whose strengths follow schedules (:mod:`reglab.schedule`).

    At the start of each epoch the technique is built again, by its own
    :meth:`Regularizer.build`, from the values in force
    (:meth:`~reglab.variant.Variant.at_epoch`) whenever they differ from the
    last epoch's, and every hook goes to that build (none while no model uses
    the technique).  Models without schedules keep their constants.
    """

    def __init__(self, kind: type[Regularizer], variants: Sequence[Variant]) -> None:
        self.kind, self.variants = kind, list(variants)
        self.current: Regularizer | None = None
        self._in_force: list[Variant] | None = None
        self.on_epoch_begin(1)

    @classmethod
    def wrap(cls, kind: type[Regularizer], variants: Sequence[Variant]) -> Regularizer | None:
        """``kind`` for these models: its plain build without schedules, else scheduled when some epoch uses it."""
        starts = sorted({epoch for v in variants for s in v.schedules.values() for epoch in s.epochs})
        if not starts:
            return kind.build(variants)
        if all(kind.build([v.at_epoch(epoch) for v in variants]) is None for epoch in starts):
            return None
        return cls(kind, variants)

    def on_epoch_begin(self, epoch: int) -> None:
        in_force = [v.at_epoch(epoch) for v in self.variants]
        if in_force != self._in_force:
            self.current, self._in_force = self.kind.build(in_force), in_force

    def penalty(self, net: StackedMLP) -> Tensor | None:
        return None if self.current is None else self.current.penalty(net)

    def add_penalty_grad(self, net: StackedMLP, grads: list[Tensor]) -> None:
        if self.current is not None:
            self.current.add_penalty_grad(net, grads)

    def perturb_affine(self, h: Tensor, position: str, streams: ModelStreams) -> tuple[Tensor | None, Tensor | None]:
        return (None, None) if self.current is None else self.current.perturb_affine(h, position, streams)

    def before_update(self, net: StackedMLP, lr: Tensor) -> None:
        if self.current is not None:
            self.current.before_update(net, lr)

    def after_update(self, net: StackedMLP, steps: StepSizes) -> None:
        if self.current is not None:
            self.current.after_update(net, steps)


def per_model(values: Sequence[float]) -> Tensor:
    """A per-model setting as a ``[K, 1, 1]`` tensor that broadcasts over stacked weights."""
    return torch.tensor(values, dtype=torch.float32).view(-1, 1, 1)


def per_layer_table(variants: Sequence[Variant], key: str, layers: int) -> list[Tensor]:
    """``[layers]`` list of ``[K, 1, 1]`` tensors: the per-layer value of ``key`` for each model."""
    rows = [variant.per_layer(key, layers) for variant in variants]
    return [per_model([row[layer] for row in rows]) for layer in range(layers)]


def perturbs(piece: Regularizer) -> bool:
    """Whether ``piece`` changes activations in training (overrides ``perturb`` or ``perturb_affine``)."""
    kind = type(piece)
    return kind.perturb is not Regularizer.perturb or kind.perturb_affine is not Regularizer.perturb_affine


def total_penalty(net: StackedMLP, pieces: Sequence[Regularizer]) -> Tensor:
    """The sum of every piece's penalty, per model ``[K]`` (zeros when no piece penalizes)."""
    total = torch.zeros(net.n_models)
    for piece in pieces:
        value = piece.penalty(net)
        if value is not None:
            total = total + value
    return total
