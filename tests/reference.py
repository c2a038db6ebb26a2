"""An independent reference: one model trained with plain torch.nn and torch.optim.

It shares only the initial weights and the minibatch order with reglab (both
drawn from the documented per-model streams); the forward pass, the loss, the
penalties and the optimizer are PyTorch's own.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from reglab.engine.network import Architecture, StackedMLP
from reglab.engine.streams import generator
from reglab.variant import Variant


def reference_weights(ds, variant: Variant, seed: int) -> list[np.ndarray]:
    """Train ``variant`` alone with torch.optim; return weight matrices as ``[fan_in, fan_out]``."""
    arch = Architecture(ds.n_features, variant.hidden, ds.n_outputs, variant.activation, False)
    start = StackedMLP(arch, [(seed, 0)])
    linears = []
    for w in start.weights:
        linear = nn.Linear(w.shape[1], w.shape[2])
        with torch.no_grad():
            linear.weight.copy_(w[0].T)
            linear.bias.zero_()
        linears.append(linear)
    layers: list[nn.Module] = []
    for linear in linears[:-1]:
        layers += [linear, nn.ReLU()]
    model = nn.Sequential(*layers, linears[-1])
    weights = [l.weight for l in linears]
    biases = [l.bias for l in linears]
    if variant.optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=variant.lr, momentum=variant.momentum)
    elif variant.weight_decay:
        opt = torch.optim.AdamW(
            [{"params": weights, "weight_decay": variant.weight_decay}, {"params": biases, "weight_decay": 0.0}],
            lr=variant.lr,
        )
    else:
        opt = torch.optim.Adam(model.parameters(), lr=variant.lr)
    X = torch.as_tensor(ds.X_train)
    y = torch.as_tensor(ds.y_train, dtype=torch.float32)
    order = generator(seed, 0, "order")
    n = len(X)
    batch = n if variant.batch_size == "full" else variant.batch_size
    for _ in range(variant.epochs):
        perm = torch.randperm(n, generator=order)
        for start_index in range(0, n, batch):
            idx = perm[start_index : start_index + batch]
            loss = nn.functional.binary_cross_entropy_with_logits(model(X[idx]).squeeze(-1), y[idx])
            loss = loss + sum(variant.l1 * w.abs().sum() + variant.l2 * w.square().sum() for w in weights)
            opt.zero_grad()
            loss.backward()
            opt.step()
            with torch.no_grad():
                for w in weights:
                    w.copy_(torch.sign(w) * torch.clamp(w.abs() - _step_size(opt, w, variant) * variant.prox, min=0))
                    if variant.max_norm is not None:
                        norms = w.norm(dim=1, keepdim=True)  # torch rows = units
                        w.mul_(torch.clamp(variant.max_norm / norms, max=1.0))
    return [w.detach().T.numpy() for w in weights]


def _step_size(opt: torch.optim.Optimizer, w: torch.Tensor, variant: Variant) -> torch.Tensor | float:
    """The per-coordinate step torch.optim just took: lr for SGD, lr / (sqrt(v_hat) + eps) for Adam."""
    if variant.optimizer == "sgd":
        return variant.lr
    state = opt.state[w]
    step = float(state["step"])
    v_hat = state["exp_avg_sq"] / (1 - 0.999**step)
    return variant.lr / (v_hat.sqrt() + 1e-8)
