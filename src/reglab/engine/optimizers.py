"""Optimizers on stacked parameters, one state for all models, per-model learning rates.

The updates are those of ``torch.optim`` (defaults as there), applied to
``[K, ...]`` tensors with a learning rate ``lr`` of shape ``[K]``:

* Adam: ``m <- b1 m + (1 - b1) g``, ``v <- b2 v + (1 - b2) g^2``,
  ``w <- w - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`` with
  ``b1 = 0.9, b2 = 0.999, eps = 1e-8``.  ``adamw`` is the same update; its
  decoupled decay is the ``weight_decay`` regularizer, applied before the step.
* SGD with momentum ``mu``: ``buf <- mu buf + g`` (``buf = g`` at the first
  step), ``w <- w - lr * buf``.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8


class BatchedAdam:
    """Adam over a list of ``[K, ...]`` parameters."""

    def __init__(self, params: list[Tensor]) -> None:
        self.params = params
        self.m = [torch.zeros_like(p) for p in params]
        self.v = [torch.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads: list[Tensor], lr: Tensor) -> None:
        """One update; ``lr`` is ``[K]`` (0 leaves a model unchanged)."""
        self.t += 1
        correction1 = 1 - BETA1**self.t
        root_correction2 = math.sqrt(1 - BETA2**self.t)
        step = (lr / correction1).view(-1, 1, 1)
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m.lerp_(g, 1 - BETA1)
            v.mul_(BETA2).addcmul_(g, g, value=1 - BETA2)
            denom = v.sqrt().div_(root_correction2).add_(EPS)
            p.sub_(step * m / denom)


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


def make_optimizer(name: str, params: list[Tensor], momentum: Tensor) -> BatchedAdam | BatchedSGD:
    """The optimizer called ``name`` (``adam``, ``adamw`` or ``sgd``)."""
    if name == "sgd":
        return BatchedSGD(params, momentum)
    return BatchedAdam(params)
