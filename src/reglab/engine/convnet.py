"""`StackedCNN`: K small convolutional networks of one architecture, for image data (``digits``).

Each block is ``3x3 convolution (same padding) → activation → perturbations
("conv{i}") → 2x2 max pooling → perturbations ("pool{i}")``; after the last
block the feature maps are flattened and the dense layers of a
:class:`~reglab.engine.network.StackedMLP` follow.  The inputs are the flat
rows of the data set (``[B, height*width]``), viewed as one-channel images.

The K models run as one grouped convolution (``groups=K``): model ``k``'s
images are channels ``k*C .. (k+1)*C - 1`` of one batch.  Kernels are stored
as ``[K, C_in*9, C_out]``, so each output filter's incoming weights are a
column, like a dense layer's: every penalty and constraint (max-norm per
filter, as Keras' ``MaxNorm(axis=[0, 1, 2])``) applies to them unchanged.
Kernels are Glorot-uniform with ``fan_in = 9*C_in``, ``fan_out = 9*C_out``
(Keras' default; the bound times ``init_scale``), biases zero.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from reglab.engine.network import ACTIVATIONS, Architecture, Perturb, Reweigh, StackedMLP, glorot_bound, init_keys
from reglab.engine.streams import generator

KERNEL = 3


class StackedCNN:
    """K convolutional networks: convolution blocks, then a :class:`StackedMLP` head."""

    def __init__(self, arch: Architecture, slots: list[tuple[int, int]], init_scales: list[float] | None = None) -> None:
        self.arch = arch
        self.n_models = len(slots)
        self.head = StackedMLP(arch, slots, init_scales)
        channels = (1, *arch.conv)
        starts = init_keys(slots, init_scales)
        initial = {start: _init_kernels(channels, *start) for start in dict.fromkeys(starts)}
        self.kernels = [torch.stack([initial[s][b] for s in starts]) for b in range(len(arch.conv))]
        self.kernel_biases = [torch.zeros(self.n_models, 1, c) for c in arch.conv]
        self.weights = [*self.kernels, *self.head.weights]
        self.biases = [*self.kernel_biases, *self.head.biases]
        for role in ("bn_scale", "bn_shift", "bn_mean", "bn_var"):
            setattr(self, role, getattr(self.head, role))

    @property
    def bn_momentum(self) -> float | Tensor:
        """The head's batch-norm momentum (batch norm applies to the dense layers only)."""
        return self.head.bn_momentum

    @bn_momentum.setter
    def bn_momentum(self, value: float | Tensor) -> None:
        self.head.bn_momentum = value

    def parameters(self) -> list[Tensor]:
        """Kernels and dense weights first (in ``weights`` order), then biases, then batch-norm parameters."""
        return [*self.weights, *self.biases, *self.bn_scale, *self.bn_shift]

    def buffers(self) -> list[Tensor]:
        """Batch-norm running statistics of the head."""
        return self.head.buffers()

    def tensors(self) -> list[Tensor]:
        """Parameters then buffers, in a fixed order."""
        return [*self.parameters(), *self.buffers()]

    def state(self) -> dict[str, list[Tensor]]:
        """All tensors by role; the head's ``weights``/``biases`` under their usual names."""
        return {"kernels": self.kernels, "kernel_biases": self.kernel_biases, **self.head.state()}

    def forward(
        self, x: Tensor, *, training: bool, perturb: Perturb | None = None, reweigh: Reweigh | None = None
    ) -> Tensor:
        """Logits ``[K, B, n_outputs]`` for flat images ``[K, B, h*w]`` (or ``[B, h*w]``, shared)."""
        act = ACTIVATIONS[self.arch.activation]
        weights = reweigh(self.weights) if training and reweigh is not None else self.weights
        blocks = len(self.kernels)
        kernels, dense_weights = weights[:blocks], weights[blocks:]
        h = x.expand(self.n_models, *x.shape[-2:]) if x.dim() == 2 else x
        if training and perturb is not None:
            h = perturb(h, "input")
        batch = h.shape[1]
        h = h.reshape(self.n_models, batch, 1, *self.arch.image_shape)
        for block, (kernel, bias) in enumerate(zip(kernels, self.kernel_biases), 1):
            h = act(grouped_conv(h, kernel, bias))
            if training and perturb is not None:
                h = perturb(h, f"conv{block}")
            k, b, c, height, width = h.shape
            h = F.max_pool2d(h.reshape(k * b, c, height, width), 2).reshape(k, b, c, height // 2, width // 2)
            if training and perturb is not None:
                h = perturb(h, f"pool{block}")
        return self.head.dense(h.flatten(2), training=training, perturb=perturb, weights=dense_weights)


def grouped_conv(h: Tensor, kernel: Tensor, bias: Tensor) -> Tensor:
    """Same-padding 3x3 convolution of each model's images with its own kernels.

    ``h`` is ``[K, B, C, H, W]``, ``kernel`` ``[K, C*9, C_out]``, ``bias`` ``[K, 1, C_out]``;
    the result is ``[K, B, C_out, H, W]``.
    """
    k, b, c, height, width = h.shape
    c_out = kernel.shape[-1]
    x = h.transpose(0, 1).reshape(b, k * c, height, width)
    w = kernel.view(k, c, KERNEL, KERNEL, c_out).permute(0, 4, 1, 2, 3).reshape(k * c_out, c, KERNEL, KERNEL)
    out = F.conv2d(x, w, bias.reshape(k * c_out), padding=KERNEL // 2, groups=k)
    return out.view(b, k, c_out, height, width).transpose(0, 1)


def torch_conv_weight(kernel: Tensor) -> Tensor:
    """One model's ``[C*9, C_out]`` kernel as ``torch.nn.Conv2d``'s ``[C_out, C, 3, 3]``."""
    c_out = kernel.shape[-1]
    return kernel.reshape(-1, KERNEL, KERNEL, c_out).permute(3, 0, 1, 2)


def _init_kernels(channels: tuple[int, ...], seed: int, member: int, scale: float) -> list[Tensor]:
    """Glorot-uniform kernels of one model, from its own ``init_conv`` stream."""
    gen = generator(seed, member, "init_conv")
    kernels = []
    for c_in, c_out in zip(channels[:-1], channels[1:]):
        fan_in, fan_out = c_in * KERNEL * KERNEL, c_out * KERNEL * KERNEL
        bound = glorot_bound(fan_in, fan_out, scale)
        kernels.append((torch.rand(fan_in, c_out, generator=gen) * 2 - 1) * bound)
    return kernels
