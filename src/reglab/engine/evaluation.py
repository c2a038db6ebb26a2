"""Evaluating every run of a group at once, on whole splits, in evaluation mode.

The logits of every model come from one forward over the rows of the splits
(in chunks of rows, :func:`eval_logits`); each run's loss and accuracy (or
MSE and R²) are those of :func:`~reglab.engine.objective.evaluate` (an
ensemble's members averaged), and the penalty and weight statistics are
averaged over a run's members.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from reglab.engine.convnet import StackedCNN
from reglab.engine.network import StackedMLP
from reglab.engine.objective import evaluate
from reglab.engine.weight_stats import weight_stats
from reglab.pieces.interface import total_penalty

EVAL_CHUNK = 1 << 20
"""Evaluation forwards at most about this many activations (models × rows × widest layer) at once:
the intermediate results stay in cache, and memory does not grow with the size of the data set."""


@dataclass
class Split:
    """One split as tensors: inputs ``[N, d]`` and targets ``[N]``."""

    X: Tensor
    y: Tensor

    @classmethod
    def of(cls, X: np.ndarray, y: np.ndarray, task: str) -> Split:
        target = torch.as_tensor(y, dtype=torch.long if task != "regression" else torch.float32)
        if task == "binary":
            target = target.float()
        return cls(torch.as_tensor(X, dtype=torch.float32), target)


def eval_logits(net: StackedMLP | StackedCNN, X: Tensor) -> Tensor:
    """Evaluation-mode logits ``[K, N, o]`` of every model for the rows of ``X``, in chunks of rows."""
    arch = net.arch
    widest = max(arch.sizes) if not arch.conv else max(*arch.sizes, arch.conv[0] * arch.image_shape[0] * arch.image_shape[1])
    rows = max(32, EVAL_CHUNK // (net.n_models * widest))
    with torch.no_grad():
        if X.shape[0] <= rows:
            return net.forward(X, training=False)
        return torch.cat([net.forward(X[start : start + rows], training=False) for start in range(0, X.shape[0], rows)], dim=1)


def split_metrics(net: StackedMLP | StackedCNN, splits: dict[str, Split], names: tuple[str, ...], task: str, members: int) -> dict[str, Tensor]:
    """``{split}_{metric}`` per run for the named splits, from one chunked forward over all their rows."""
    logits = eval_logits(net, torch.cat([splits[name].X for name in names]))
    parts = logits.split([splits[name].X.shape[0] for name in names], dim=1)
    logs: dict[str, Tensor] = {}
    for name, part in zip(names, parts):
        for metric, value in evaluate(part, splits[name].y, members, task).items():
            logs[f"{name}_{metric}"] = value
    return logs


def epoch_logs(
    net: StackedMLP | StackedCNN, regularizers: list, splits: dict[str, Split], task: str, members: int, final: bool = False
) -> dict[str, Tensor]:
    """Per-run figures of the current weights: losses, accuracy/R², penalty, weight statistics (and the test split if ``final``)."""
    with torch.no_grad():
        logs = split_metrics(net, splits, ("train", "val", "test") if final else ("train", "val"), task, members)
        tests = {name: logs.pop(name) for name in list(logs) if name.startswith("test_")}
        per_model = {"penalty": total_penalty(net, regularizers), **weight_stats(net.weights)}
        for name, value in per_model.items():
            logs[name] = value.view(-1, members).mean(1)
        return {**logs, **tests}


def final_metrics(net: StackedMLP | StackedCNN, regularizers: list, splits: dict[str, Split], task: str, members: int) -> dict[str, Tensor]:
    """The logs of the final (or restored) weights, with the test split."""
    return epoch_logs(net, regularizers, splits, task, members, final=True)
