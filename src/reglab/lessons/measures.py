"""Measurements on trained runs that the lessons share: sensitivity, weight norms, differences, MC dropout."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from reglab.export import EnsembleMean
from reglab.run import Run


def logit_module(run: Run) -> nn.Module:
    """The run's network without its final sigmoid/softmax (the logits), in eval mode."""
    module = run.module()
    if isinstance(module, nn.Sequential) and isinstance(module[-1], (nn.Sigmoid, nn.Softmax)):
        return module[:-1]
    return module


def input_sensitivity(run: Run, X: np.ndarray) -> float:
    """Mean input-gradient norm of the logits over the rows of ``X``: ``mean_i ||d f(x_i) / d x_i||_F``.

    ``f`` is the network before its output sigmoid/softmax, so saturation does
    not hide a steep function; ``X`` is standardized like ``Dataset.X_train``.
    A large value means a small change of the input moves the output a lot.
    """
    module = logit_module(run)
    x = torch.as_tensor(np.asarray(X), dtype=torch.float32).clone().requires_grad_(True)
    out = module(x)
    rows = []
    for k in range(out.shape[1]):  # one backward pass per output unit: rows of the Jacobian
        (grad,) = torch.autograd.grad(out[:, k].sum(), x, retain_graph=k + 1 < out.shape[1])
        rows.append(grad)
    jacobian = torch.stack(rows, dim=1)  # [N, outputs, inputs]
    return float(jacobian.flatten(1).norm(dim=1).mean())


def spectral_bound(run: Run) -> float:
    """The product of the weight matrices' spectral norms (first member): a Lipschitz bound of a ReLU network's logits."""
    weights = run.members[0]["weights"]
    return float(np.prod([np.linalg.norm(np.asarray(w, dtype=float), 2) for w in weights]))


def weight_vector(run: Run) -> np.ndarray:
    """Every weight matrix of every member, flattened into one vector (biases excluded)."""
    return np.concatenate([np.asarray(w, dtype=float).ravel() for member in run.members for w in member["weights"]])


def relative_difference(a: Run, b: Run) -> float:
    """``||w_a - w_b|| / ||w_a||`` over all weight matrices: 0 when two runs end with the same weights."""
    wa, wb = weight_vector(a), weight_vector(b)
    return float(np.linalg.norm(wa - wb) / max(np.linalg.norm(wa), 1e-12))


def mc_dropout(run: Run, X: np.ndarray, passes: int, seed: int = 0) -> np.ndarray:
    """``passes`` predictions of ``X`` with dropout left on (Monte Carlo dropout): ``[passes, N, outputs]``."""
    module = run.module()
    module.train()  # dropout on; an MLP of reglab has no batch norm in a dropout lesson
    torch.manual_seed(seed)
    x = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    with torch.no_grad():
        return torch.stack([module(x) for _ in range(passes)]).numpy()


def member_predictions(run: Run, X: np.ndarray) -> np.ndarray:
    """The prediction of each member of an ensemble run: ``[members, N, outputs]``."""
    module = run.module()
    members = list(module.members) if isinstance(module, EnsembleMean) else [module]
    x = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    with torch.no_grad():
        return torch.stack([m(x) for m in members]).numpy()


def log_loss(probability: np.ndarray, y: np.ndarray) -> float:
    """Binary cross-entropy of probabilities ``[N, 1]`` against labels ``y``, clipped at 1e-7."""
    p = np.clip(np.asarray(probability, dtype=float)[:, 0], 1e-7, 1 - 1e-7)
    t = np.asarray(y, dtype=float).ravel()
    return float(-np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))
