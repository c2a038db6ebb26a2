"""Optimizers on stacked parameters, one state for all models, per-model learning rates.

The updates are those of ``torch.optim`` (defaults as there), applied to
``[K, ...]`` tensors with a learning rate ``lr`` of shape ``[K]``:

* Adam: ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g^2``,
  ``w <- w - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`` with
  ``b1 = 0.9, b2 = 0.999, eps = 1e-8``.  ``adamw`` is the same update; its
  decoupled decay is the ``weight_decay`` regularizer, applied before the step.
* SGD with momentum ``mu``: ``buf <- mu buf + g`` (``buf = g`` at the first
  step), ``w <- w - lr * buf``.

After a step, :meth:`step_sizes` tells the ``after_update`` hooks how far the
optimizer moved each coordinate per unit of (averaged) gradient: ``lr`` for
SGD, ``lr / (sqrt(v_hat) + eps)`` for Adam.  A proximal step scaled by it is
the proximal gradient step in the optimizer's own metric.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8


class StepSizes:
    """The per-coordinate step of the last update: ``for_param(i)`` broadcasts against parameter ``i``."""

    def __init__(self, lr: Tensor, scales: list[Tensor] | None = None) -> None:
        self.lr = lr
        self.scales = scales

    def for_param(self, index: int) -> Tensor:
        """``lr`` (``[K, 1, 1]``) for SGD, ``lr / (sqrt(v_hat) + eps)`` for Adam."""
        rate = self.lr.view(-1, 1, 1)
        return rate if self.scales is None else rate / self.scales[index]


class BatchedAdam:
    """Adam over a list of ``[K, ...]`` parameters."""

    def __init__(self, params: list[Tensor]) -> None:
        self.params = params
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.denominators: list[Tensor] = []
        self.t = 0

    def step(self, grads: list[Tensor], lr: Tensor) -> None:
        """One update; ``lr`` is ``[K]`` (0 leaves a model unchanged)."""
        self.t += 1
        correction1 = 1 - BETA1**self.t
        root_correction2 = math.sqrt(1 - BETA2**self.t)
        step = (lr / correction1).view(-1, 1, 1)
        self.denominators = []
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m.lerp_(g, 1 - BETA1)
            v.mul_(BETA2).addcmul_(g, g, value=1 - BETA2)
            denom = v.sqrt().div_(root_correction2).add_(EPS)
            p.sub_(step * m / denom)
            self.denominators.append(denom)

    def step_sizes(self, lr: Tensor) -> StepSizes:
        """Per-coordinate steps of the last update: ``lr / (sqrt(v_hat) + eps)``."""
        return StepSizes(lr, self.denominators)


class BatchedSGD:
    """SGD with (heavy-ball) momentum over a list of ``[K, ...]`` parameters."""

    def __init__(self, params: list[Tensor], momentum: Tensor) -> None:
        self.params = params
        self.momentum = momentum.view(-1, 1, 1)
        self.buffers: list[Tensor] | None = None

    def step(self, grads: list[Tensor], lr: Tensor) -> None:
        """One update; ``lr`` is ``[K]`` (0 leaves a model unchanged)."""
        if self.buffers is None:
            self.buffers = [g.clone() for g in grads]
        else:
            for buf, g in zip(self.buffers, grads):
                buf.mul_(self.momentum).add_(g)
        rate = lr.view(-1, 1, 1)
        for p, buf in zip(self.params, self.buffers):
            p.sub_(rate * buf)

    def step_sizes(self, lr: Tensor) -> StepSizes:
        """Per-coordinate steps of the last update: ``lr`` everywhere."""
        return StepSizes(lr)


def make_optimizer(name: str, params: list[Tensor], momentum: Tensor) -> BatchedAdam | BatchedSGD:
    """The optimizer called ``name`` (``adam``, ``adamw`` or ``sgd``)."""
    if name == "sgd":
        return BatchedSGD(params, momentum)
    return BatchedAdam(params)
