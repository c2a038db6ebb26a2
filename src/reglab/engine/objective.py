"""Data losses per model, and evaluation per run (an ensemble's members averaged).

Training losses, mean over the minibatch, one value per model ``[K]``:

* binary: binary cross-entropy on the logit ``z``:
  ``-[y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))]``;
* multiclass: cross-entropy ``-log softmax(z)_y``;
* regression: mean squared error ``(z - y)^2``.

Evaluation works per *run*: a run of ``M`` ensemble members predicts the mean
of its members' probabilities (classification) or values (regression).  The
log of that mean is computed stably as ``logsumexp_m(log p_m) - log M``.
Penalties are not part of these losses.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

TASKS = ("binary", "multiclass", "regression")


def training_loss(logits: Tensor, y: Tensor, task: str) -> Tensor:
    """Mean data loss per model: logits ``[K, B, o]``, targets ``[K, B]`` → ``[K]``."""
    if task == "binary":
        return F.binary_cross_entropy_with_logits(logits.squeeze(-1), y, reduction="none").mean(1)
    if task == "multiclass":
        return -torch.log_softmax(logits, -1).gather(-1, y.unsqueeze(-1)).squeeze(-1).mean(1)
    return (logits.squeeze(-1) - y).square().mean(1)


def run_log_probs(logits: Tensor, members: int, task: str) -> Tensor:
    """Log class probabilities per run ``[R, N, C]`` (C = 2 for binary) from logits ``[R*M, N, o]``."""
    if task == "binary":
        z = logits.squeeze(-1)
        log_probs = torch.stack([F.logsigmoid(-z), F.logsigmoid(z)], dim=-1)
    else:
        log_probs = torch.log_softmax(logits, -1)
    if members == 1:  # the log-mean-exp of one member is its own value
        return log_probs
    grouped = log_probs.view(-1, members, *log_probs.shape[1:])
    return torch.logsumexp(grouped, dim=1) - math.log(members)


def run_predictions(logits: Tensor, members: int) -> Tensor:
    """Regression prediction per run ``[R, N]``: the members' mean value."""
    return logits.squeeze(-1).view(-1, members, logits.shape[1]).mean(1)


def evaluate(logits: Tensor, y: Tensor, members: int, task: str) -> dict[str, Tensor]:
    """Loss and accuracy (or MSE and R²) per run for the whole split ``y`` ``[N]``.

    Returns ``{"loss", "acc"}`` for classification and ``{"loss", "mse", "r2"}``
    for regression, each ``[R]``; ``r2 = 1 - sum (y - p)^2 / sum (y - mean y)^2``.
    """
    if y.numel() == 0:
        runs = logits.shape[0] // members
        nan = torch.full((runs,), math.nan)
        return {"loss": nan, "mse": nan, "r2": nan} if task == "regression" else {"loss": nan, "acc": nan}
    if task == "regression":
        pred = run_predictions(logits, members)
        sse = (pred - y).square().sum(1)
        sst = (y - y.mean()).square().sum().clamp_min(1e-12)
        mse = sse / y.numel()
        return {"loss": mse, "mse": mse, "r2": 1 - sse / sst}
    log_probs = run_log_probs(logits, members, task)
    labels = y.long()
    if log_probs.shape[-1] == 2:  # a comparison instead of a gather and an argmax (ties go to class 0 as in argmax)
        class0, class1 = log_probs.unbind(-1)
        picked = torch.where(labels.bool(), class1, class0)
        predicted = (class1 > class0).long()
    else:
        picked = log_probs.gather(-1, labels.view(1, -1, 1).expand(log_probs.shape[0], -1, 1)).squeeze(-1)
        predicted = log_probs.argmax(-1)
    return {"loss": -picked.mean(1), "acc": (predicted == labels).float().mean(1)}
