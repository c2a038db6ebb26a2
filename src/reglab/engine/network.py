"""`StackedMLP`: K multilayer perceptrons of one architecture, stacked along a models axis.

Layer ``l`` holds ``weight[l]`` of shape ``[K, fan_in, fan_out]`` and
``bias[l]`` of shape ``[K, 1, fan_out]``; a forward pass on ``x`` of shape
``[K, B, fan_in]`` is one batched product per layer (``torch.baddbmm``), so
the cost per step does not grow with a Python loop over models.

A hidden layer is ``linear → [batch norm] → activation → perturbations``
(noise, dropout: whatever the regularizers do at that position, named
``"input"``, ``"hidden1"``, ``"hidden2"``, …); the output layer is linear and
returns logits.  In training, the pieces that act on the weights
(DropConnect) give the weights the forward pass uses (``reweigh``); the
stored weights are what evaluation uses.  Initialization follows Keras'
defaults, as in the seed notebook: Glorot-uniform weights,
``w ~ U(-a, a), a = init_scale * sqrt(6 / (fan_in + fan_out))`` (variant key
``init_scale``, default 1), zero biases, batch-norm scale 1 and shift 0.

Batch normalization follows PyTorch's ``BatchNorm1d`` exactly: in training
``(h - mean_B) / sqrt(var_B + eps) * gamma + beta`` with the biased batch
variance, and running estimates ``r <- (1 - m) r + m * stat`` with the
unbiased variance, ``m = 0.1``, ``eps = 1e-5``; in evaluation the running
estimates are used.  The bias of a layer that batch norm follows is cancelled
by it (``mean_B`` absorbs any constant), so its data gradient is exactly 0:
it takes no part in the pass (as Keras advises, ``use_bias=False``) and stays
at its initial 0, instead of moving by Adam's normalized rounding noise.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

from reglab.engine.streams import generator

ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "relu": torch.relu,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "gelu": torch.nn.functional.gelu,
    "elu": torch.nn.functional.elu,
    "leaky_relu": torch.nn.functional.leaky_relu,
}
IN_PLACE: dict[str, Callable[[Tensor], Tensor]] = {"relu": torch.relu_, "tanh": torch.tanh_, "sigmoid": torch.sigmoid_}
"""In-place versions, used when no autograd graph is recorded (evaluation, the hand-written backward pass)."""
BN_MOMENTUM = 0.1
BN_EPS = 1e-5

Perturb = Callable[[Tensor, str], Tensor]
"""``perturb(h, position)``: training-time change at a named position (``"input"``, ``"hidden1"``, …)."""
Reweigh = Callable[[list[Tensor]], list[Tensor]]
"""``reweigh(weights)``: the weights a training forward pass uses instead of the stored ones (all of ``net.weights``)."""


@dataclass(frozen=True)
class Architecture:
    """What fixes the shapes of a network: sizes, activation, batch norm, convolution blocks.

    ``conv`` lists the filters of each convolution block (empty for an MLP);
    those need ``image_shape``, the (height, width) of the one-channel images
    that the flat inputs hold.
    """

    n_inputs: int
    hidden: tuple[int, ...]
    n_outputs: int
    activation: str = "relu"
    batchnorm: bool = False
    conv: tuple[int, ...] = ()
    image_shape: tuple[int, int] | None = None

    @property
    def dense_inputs(self) -> int:
        """Inputs of the dense part: the flattened output of the last pooling, or ``n_inputs``."""
        if not self.conv:
            return self.n_inputs
        height, width = self.image_shape
        shrink = 2 ** len(self.conv)
        return self.conv[-1] * (height // shrink) * (width // shrink)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Widths of the dense layers from their input to the output."""
        return (self.dense_inputs, *self.hidden, self.n_outputs)


class StackedMLP:
    """K networks of one :class:`Architecture`, initialized from per-model streams.

    Args:
        arch: the shared architecture.
        slots: ``(seed, member)`` of each model; equal slots get equal initial weights.
        init_scales: each model's ``init_scale`` (default: 1 for all).
    """

    def __init__(self, arch: Architecture, slots: list[tuple[int, int]], init_scales: list[float] | None = None) -> None:
        self.arch = arch
        self.n_models = len(slots)
        starts = init_keys(slots, init_scales)
        initial = {start: _init_one(arch, *start) for start in dict.fromkeys(starts)}
        layers = len(arch.sizes) - 1
        self.weights = [torch.stack([initial[s][l] for s in starts]) for l in range(layers)]
        self.biases = [torch.zeros(self.n_models, 1, arch.sizes[l + 1]) for l in range(layers)]
        widths = arch.hidden if arch.batchnorm else ()
        self.bn_scale = [torch.ones(self.n_models, 1, w) for w in widths]
        self.bn_shift = [torch.zeros(self.n_models, 1, w) for w in widths]
        self.bn_mean = [torch.zeros(self.n_models, 1, w) for w in widths]
        self.bn_var = [torch.ones(self.n_models, 1, w) for w in widths]
        self.bn_momentum: float | Tensor = BN_MOMENTUM
        """Running-statistics momentum; a ``[K, 1, 1]`` tensor lets stopped models keep theirs (0)."""

    def parameters(self) -> list[Tensor]:
        """Every trainable tensor: weights first, then biases, then batch-norm scale and shift."""
        return [*self.weights, *self.biases, *self.bn_scale, *self.bn_shift]

    def buffers(self) -> list[Tensor]:
        """Non-trainable state: batch-norm running mean and variance."""
        return [*self.bn_mean, *self.bn_var]

    def forward(
        self, x: Tensor, *, training: bool, perturb: Perturb | None = None, reweigh: Reweigh | None = None
    ) -> Tensor:
        """Logits ``[K, B, n_outputs]`` for inputs ``[K, B, n_inputs]`` (or ``[B, n_inputs]``, shared)."""
        h = x.expand(self.n_models, *x.shape[-2:]) if x.dim() == 2 else x
        if training and perturb is not None:
            h = perturb(h, "input")
        weights = reweigh(self.weights) if training and reweigh is not None else None
        return self.dense(h, training=training, perturb=perturb, weights=weights)

    def dense(
        self,
        h: Tensor,
        *,
        training: bool,
        perturb: Perturb | None = None,
        saved: list[Tensor] | None = None,
        weights: list[Tensor] | None = None,
    ) -> Tensor:
        """The dense layers on features ``[K, B, sizes[0]]``, without the input perturbation.

        ``saved``, when given, receives the input of every layer (for a hand-written backward pass);
        ``weights``, when given, replace the stored weights for this pass.
        """
        act = ACTIVATIONS[self.arch.activation]
        if not torch.is_grad_enabled():
            act = IN_PLACE.get(self.arch.activation, act)
        last = len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights if weights is None else weights, self.biases)):
            if saved is not None:
                saved.append(h)
            if l == last:
                return affine(h, w, b)
            h = torch.bmm(h, w) if self.arch.batchnorm else affine(h, w, b)
            if self.arch.batchnorm:
                h = self._batchnorm(h, l, training)
            h = act(h)
            if training and perturb is not None:
                h = perturb(h, f"hidden{l + 1}")
        raise AssertionError("unreachable: a network has an output layer")

    def _batchnorm(self, h: Tensor, layer: int, training: bool) -> Tensor:
        if training:
            mean = h.mean(dim=1, keepdim=True)
            var = h.var(dim=1, keepdim=True, unbiased=False)
            with torch.no_grad():
                n = h.shape[1]
                unbiased = var * (n / max(n - 1, 1))
                self.bn_mean[layer].lerp_(mean, self.bn_momentum)
                self.bn_var[layer].lerp_(unbiased, self.bn_momentum)
        else:
            mean, var = self.bn_mean[layer], self.bn_var[layer]
        return (h - mean) * torch.rsqrt(var + BN_EPS) * self.bn_scale[layer] + self.bn_shift[layer]

    def state(self) -> dict[str, list[Tensor]]:
        """All tensors by role; each is ``[K, ...]``."""
        return {
            "weights": self.weights,
            "biases": self.biases,
            "bn_scale": self.bn_scale,
            "bn_shift": self.bn_shift,
            "bn_mean": self.bn_mean,
            "bn_var": self.bn_var,
        }

    def tensors(self) -> list[Tensor]:
        """Parameters then buffers, in a fixed order (for snapshots and restores)."""
        return [*self.parameters(), *self.buffers()]


def running_momentum(active: Tensor, members: int) -> Tensor:
    """Each model's batch-norm running-statistics momentum ``[K]``: :data:`BN_MOMENTUM` while its run is active, else 0."""
    return BN_MOMENTUM * active.repeat_interleave(members).float()


def affine(h: Tensor, w: Tensor, b: Tensor) -> Tensor:
    """``h @ w + b`` for every model: ``[K, B, i] x [K, i, o] + [K, 1, o]``.

    A single output unit is computed as ``(w^T h^T + b)^T``: the same sums,
    but a one-row product, which BLAS runs several times faster than a
    one-column one.
    """
    if w.shape[-1] == 1:
        return torch.baddbmm(b, w.transpose(1, 2), h.transpose(1, 2)).transpose(1, 2)
    return torch.baddbmm(b, h, w)


def init_keys(slots: list[tuple[int, int]], init_scales: list[float] | None) -> list[tuple[int, int, float]]:
    """``(seed, member, init_scale)`` of each model: what fixes its initial weights."""
    scales = [1.0] * len(slots) if init_scales is None else init_scales
    return [(seed, member, scale) for (seed, member), scale in zip(slots, scales)]


def glorot_bound(fan_in: int, fan_out: int, scale: float) -> float:
    """``scale * sqrt(6 / (fan_in + fan_out))``: Keras' Glorot-uniform bound, scaled (exactly Keras' at 1)."""
    return scale * math.sqrt(6.0 / (fan_in + fan_out))


def _init_one(arch: Architecture, seed: int, member: int, scale: float) -> list[Tensor]:
    """Glorot-uniform weights of one model, from its own ``init`` stream."""
    gen = generator(seed, member, "init")
    weights = []
    for fan_in, fan_out in zip(arch.sizes[:-1], arch.sizes[1:]):
        bound = glorot_bound(fan_in, fan_out, scale)
        weights.append((torch.rand(fan_in, fan_out, generator=gen) * 2 - 1) * bound)
    return weights
