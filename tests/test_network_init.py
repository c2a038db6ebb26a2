"""Initialization: Keras' Glorot-uniform bound, scaled per model by ``init_scale``."""

from __future__ import annotations

import math

import torch

import reglab
from reglab.engine.convnet import StackedCNN
from reglab.engine.network import Architecture, StackedMLP


def test_init_scale_multiplies_the_glorot_bound_per_model():
    arch = Architecture(3, (40, 20), 1)
    net = StackedMLP(arch, [(0, 0), (0, 0), (0, 0)], [1.0, 2.0, 0.5])
    default = StackedMLP(arch, [(0, 0)])
    for w, plain, (fan_in, fan_out) in zip(net.weights, default.weights, zip(arch.sizes, arch.sizes[1:])):
        assert torch.equal(w[0], plain[0])  # init_scale=1 is the default, bit for bit
        assert torch.equal(w[1], 2 * plain[0]) and torch.equal(w[2], 0.5 * plain[0])
        bound = math.sqrt(6 / (fan_in + fan_out))
        assert 0.75 * bound < w[0].abs().max() <= bound  # U(-a, a) fills its range


def test_init_scale_applies_to_convolution_kernels():
    arch = Architecture(64, (8,), 10, conv=(4,), image_shape=(8, 8))
    net = StackedCNN(arch, [(1, 0), (1, 0)], [1.0, 4.0])
    assert torch.equal(net.kernels[0][1], 4 * net.kernels[0][0])


def test_a_larger_init_scale_starts_with_larger_weights_in_training():
    ds = reglab.load_dataset("moons", n_samples=100, noise=0.2, seed=0)
    small, large = reglab.train(ds, ["hidden=8,epochs=1", "hidden=8,epochs=1,init_scale=4"], progress=False)
    assert large.history["weight_l2"][0] > 2 * small.history["weight_l2"][0]
