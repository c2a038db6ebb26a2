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

All state (moments, gradients, the update) lives in one flat buffer per
quantity, so a step is a handful of elementwise operations whatever the
number of models and layers; ``grad_views`` lets a backward pass write its
gradients straight into that buffer.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from reglab.pieces.interface import StepSizes

BETA1, BETA2, EPS = 0.9, 0.999, 1e-8
FUSED_SETTINGS = {"beta1": BETA1, "beta2": BETA2, "weight_decay": 0.0, "eps": EPS, "amsgrad": False, "maximize": False}
"""The arguments of ``torch._fused_adam_`` other than the tensors and the learning rate: plain Adam."""


class _FlatState:
    """Optimizer state for a list of ``[K, ...]`` parameters, kept in one flat buffer per quantity.

    Parameter ``i`` occupies ``[offsets[i], offsets[i + 1])`` of every flat
    buffer, model-major inside (``p.reshape(-1)``), so each elementwise update
    is one operation for all parameters and models.  ``grad_views`` are views
    of the flat gradient buffer shaped like the parameters: a backward pass
    that writes into them hands its gradients over without a copy.
    """

    def __init__(self, params: list[Tensor]) -> None:
        self.params = params
        self.models = params[0].shape[0]
        sizes = [p.numel() for p in params]
        self.offsets = [0]
        for size in sizes:
            self.offsets.append(self.offsets[-1] + size)
        self.per_model = [size // self.models for size in sizes]
        self.grads = self.zeros()
        self.grad_views = self.views(self.grads)
        self.update = self.zeros()
        self.update_views = self.views(self.update)
        self._lr_key: tuple[Tensor, int] | None = None
        self._lr_flat = self.zeros()

    def zeros(self) -> Tensor:
        return torch.zeros(self.offsets[-1], dtype=self.params[0].dtype)

    def views(self, flat: Tensor) -> list[Tensor]:
        """``flat`` cut into tensors shaped like the parameters."""
        return [flat[a:b].view(p.shape) for a, b, p in zip(self.offsets, self.offsets[1:], self.params)]

    def per_element(self, values: Tensor) -> Tensor:
        """A per-model ``[K]`` setting repeated over every element of every parameter (flat)."""
        column = values.to(self.params[0].dtype).reshape(self.models, 1)
        return torch.cat([column.expand(self.models, n).reshape(-1) for n in self.per_model])

    def lr(self, lr: Tensor) -> Tensor:
        """``lr`` per element, rebuilt only when a different (or modified) ``[K]`` tensor comes in."""
        if self._lr_key is None or self._lr_key[0] is not lr or self._lr_key[1] != lr._version:
            self._lr_flat = self.per_element(lr)
            self._lr_key = (lr, lr._version)
        return self._lr_flat

    def flat_grads(self, grads: list[Tensor]) -> Tensor:
        """The gradients as one flat tensor (no copy when they are :attr:`grad_views`)."""
        if grads is self.grad_views:
            return self.grads
        return torch.cat([g.reshape(-1) for g in grads], out=self.grads)

    def apply(self, *, add: bool = False) -> None:
        """``p <- p - update`` (or ``p + update``) for every parameter."""
        if add:
            torch._foreach_add_(self.params, self.update_views)
        else:
            torch._foreach_sub_(self.params, self.update_views)


class _Denominators:
    """``sqrt(v_hat) + eps`` of each parameter, computed on first use after each step (only prox needs them)."""

    def __init__(self, adam: BatchedAdam) -> None:
        self.adam = adam
        self.flat = adam.state.zeros()
        self.views = adam.state.views(self.flat)
        self.t = -1

    def __getitem__(self, index: int) -> Tensor:
        if self.t != self.adam.t:
            root_correction2 = math.sqrt(1 - BETA2**self.adam.t)
            torch.sqrt(self.adam.v, out=self.flat).div_(root_correction2).add_(EPS)
            self.t = self.adam.t
        return self.views[index]

    def __len__(self) -> int:
        return len(self.views)


class BatchedAdam:
    """Adam over a list of ``[K, ...]`` parameters (one flat state for all of them).

    The update runs as PyTorch's fused CPU Adam kernel (the one behind
    ``torch.optim.Adam(fused=True)``): it computes the update with learning
    rate 1 on the flat state, which is then scaled by each model's learning
    rate.  That is one path whatever the learning rates of the other models,
    so a model's numbers do not depend on its neighbours (a stopped model's
    rate 0 changes nothing for the others).  Without that kernel, as separate
    elementwise operations.  Both are the formula above.
    """

    fused = hasattr(torch, "_fused_adam_")

    def __init__(self, params: list[Tensor]) -> None:
        self.params = params
        self.state = _FlatState(params)
        self.m = self.state.zeros()
        self.v = self.state.zeros()
        self.m_views, self.v_views = self.state.views(self.m), self.state.views(self.v)
        self.denominators = _Denominators(self)
        self.t = 0
        self._step = torch.zeros(())

    @property
    def grad_views(self) -> list[Tensor]:
        """Gradient buffers shaped like the parameters; :meth:`step` reads them without a copy."""
        return self.state.grad_views

    def step(self, grads: list[Tensor], lr: Tensor) -> None:
        """One update; ``lr`` is ``[K]`` (0 leaves a model unchanged)."""
        self.t += 1
        if self.fused:
            self._step.fill_(self.t)
            update = self.state.update.zero_()
            torch._fused_adam_([update], [self.state.flat_grads(grads)], [self.m], [self.v], [], [self._step], lr=1.0,
                               **FUSED_SETTINGS)  # update = -m / (1 - b1^t) / (sqrt(v_hat) + eps)
            update.mul_(self.state.lr(lr))
            self.state.apply(add=True)
            return
        g = self.state.flat_grads(grads)
        self.m.lerp_(g, 1 - BETA1)
        self.v.mul_(BETA2).addcmul_(g, g, value=1 - BETA2)
        denominator = self.v.sqrt().div_(math.sqrt(1 - BETA2**self.t)).add_(EPS)
        torch.div(self.state.lr(lr), 1 - BETA1**self.t, out=self.state.update).mul_(self.m).div_(denominator)
        self.state.apply()

    def step_sizes(self, lr: Tensor) -> StepSizes:
        """Per-coordinate steps of the last update: ``lr / (sqrt(v_hat) + eps)``."""
        return StepSizes(lr, self.denominators)

    def state_dict(self) -> dict[str, Tensor]:
        """The moments and the step count (for a checkpoint)."""
        return {"m": self.m, "v": self.v, "t": torch.tensor(self.t)}

    def load_state_dict(self, state: dict[str, Tensor]) -> None:
        """Continue from :meth:`state_dict`."""
        self.m.copy_(state["m"])
        self.v.copy_(state["v"])
        self.t = int(state["t"])


class BatchedSGD:
    """SGD with (heavy-ball) momentum over a list of ``[K, ...]`` parameters (one flat state)."""

    def __init__(self, params: list[Tensor], momentum: Tensor) -> None:
        self.params = params
        self.state = _FlatState(params)
        self.momentum = self.state.per_element(momentum)
        self.buffer: Tensor | None = None

    @property
    def grad_views(self) -> list[Tensor]:
        """Gradient buffers shaped like the parameters; :meth:`step` reads them without a copy."""
        return self.state.grad_views

    def step(self, grads: list[Tensor], lr: Tensor) -> None:
        """One update; ``lr`` is ``[K]`` (0 leaves a model unchanged)."""
        g = self.state.flat_grads(grads)
        if self.buffer is None:
            self.buffer = g.clone()
        else:
            self.buffer.mul_(self.momentum).add_(g)
        torch.mul(self.state.lr(lr), self.buffer, out=self.state.update)
        self.state.apply()

    def step_sizes(self, lr: Tensor) -> StepSizes:
        """Per-coordinate steps of the last update: ``lr`` everywhere."""
        return StepSizes(lr)

    def state_dict(self) -> dict[str, Tensor]:
        """The momentum buffer, if a step was taken (for a checkpoint)."""
        return {} if self.buffer is None else {"buffer": self.buffer}

    def load_state_dict(self, state: dict[str, Tensor]) -> None:
        """Continue from :meth:`state_dict`."""
        self.buffer = state["buffer"].clone() if "buffer" in state else None


def make_optimizer(name: str, params: list[Tensor], momentum: Tensor) -> BatchedAdam | BatchedSGD:
    """The optimizer called ``name`` (``adam``, ``adamw`` or ``sgd``)."""
    if name == "sgd":
        return BatchedSGD(params, momentum)
    return BatchedAdam(params)
