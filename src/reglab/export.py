"""Turning trained weights into plain ``torch.nn`` modules.

An MLP becomes a ``torch.nn.Sequential``:
``Linear → [BatchNorm1d] → activation → [Dropout]`` per hidden layer, then
``Linear`` and the output activation (``Sigmoid`` for binary, ``Softmax`` for
multiclass, none for regression).  The module therefore returns probabilities
(of class 1 for binary, shape ``[N, 1]``) or values; in ``eval()`` mode, as
returned, they equal reglab's own predictions.  Gaussian-noise layers are left
out: they are the identity at inference.  A CNN starts with
``Unflatten`` (flat rows to one-channel images) and ``Conv2d → activation →
[Dropout] → MaxPool2d → [Dropout]`` per block, then ``Flatten`` and the dense
layers.  An ensemble becomes :class:`EnsembleMean`, the mean of its members'
outputs.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from reglab.engine.convnet import KERNEL, torch_conv_weight
from reglab.engine.network import BN_EPS, BN_MOMENTUM, Architecture

ACTIVATION_MODULES: dict[str, type[nn.Module]] = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "sigmoid": nn.Sigmoid,
    "gelu": nn.GELU,
    "elu": nn.ELU,
    "leaky_relu": nn.LeakyReLU,
}


class EnsembleMean(nn.Module):
    """The mean of the members' outputs: ``f(x) = (1/M) sum_m f_m(x)``."""

    def __init__(self, members: list[nn.Module]) -> None:
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack([member(x) for member in self.members]).mean(0)


def member_module(
    arch: Architecture, state: dict[str, list[np.ndarray]], task: str, dropout: tuple[float, ...], conv_dropout: float = 0.0
) -> nn.Sequential:
    """One member's weights (its slice of the network's ``state()``) as an ``nn.Sequential`` in eval mode."""
    layers = _conv_layers(arch, state, conv_dropout) if arch.conv else []
    sizes = arch.sizes
    last = len(sizes) - 2
    for l, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(fan_in, fan_out)
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(state["weights"][l]).T)
            linear.bias.copy_(torch.from_numpy(state["biases"][l]).view(-1))
        layers.append(linear)
        if l == last:
            break
        if arch.batchnorm:
            norm = nn.BatchNorm1d(fan_out, eps=BN_EPS, momentum=BN_MOMENTUM)
            with torch.no_grad():
                for name, role in (("weight", "bn_scale"), ("bias", "bn_shift"), ("running_mean", "bn_mean"), ("running_var", "bn_var")):
                    getattr(norm, name).copy_(torch.from_numpy(state[role][l]).view(-1))
            layers.append(norm)
        layers.append(ACTIVATION_MODULES[arch.activation]())
        if dropout[l] > 0:
            layers.append(nn.Dropout(dropout[l]))
    if task == "binary":
        layers.append(nn.Sigmoid())
    elif task == "multiclass":
        layers.append(nn.Softmax(dim=-1))
    return nn.Sequential(*layers).eval()


def _conv_layers(arch: Architecture, state: dict[str, list[np.ndarray]], conv_dropout: float) -> list[nn.Module]:
    """``Unflatten``, the convolution blocks, ``Flatten``."""
    layers: list[nn.Module] = [nn.Unflatten(1, (1, *arch.image_shape))]
    channels = (1, *arch.conv)
    for block, (c_in, c_out) in enumerate(zip(channels[:-1], channels[1:])):
        conv = nn.Conv2d(c_in, c_out, KERNEL, padding=KERNEL // 2)
        with torch.no_grad():
            conv.weight.copy_(torch_conv_weight(torch.from_numpy(state["kernels"][block])))
            conv.bias.copy_(torch.from_numpy(state["kernel_biases"][block]).view(-1))
        layers += [conv, ACTIVATION_MODULES[arch.activation]()]
        layers += [nn.Dropout(conv_dropout)] if conv_dropout > 0 else []
        layers.append(nn.MaxPool2d(2))
        layers += [nn.Dropout(conv_dropout)] if conv_dropout > 0 else []
    layers.append(nn.Flatten())
    return layers
