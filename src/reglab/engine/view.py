"""`EpochView`: what ``reglab.train(..., observe=...)`` shows of a group at the end of each epoch.

The view reads the live training state: call :meth:`EpochView.predict` and
:meth:`EpochView.first_layer_weights` during ``observe`` (they give what the
weights are at that epoch; the results are copies, safe to keep).  Looking
changes nothing: a run's numbers are the same whether it is observed or not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch
from torch import Tensor

from reglab.engine.evaluation import eval_logits
from reglab.engine.objective import run_log_probs, run_predictions

if TYPE_CHECKING:
    from reglab.engine.state import TrainingState
    from reglab.engine.trainer import GroupSetup


class EpochView:
    """One group at the end of one epoch.

    Attributes:
        epoch: the epoch just finished, counted from 1.
        runs: the group's runs as indices into the list :func:`reglab.train`
            returns (variant-major: variant ``i``, seed ``j`` at ``i * len(seeds) + j``).
        logs: this epoch's per-run figures (``train_loss``, ``val_loss``,
            ``val_acc``, ``weight_l2``, ..., the names of ``Run.history``), each ``[R]``.
        active: ``[R]`` bool: the runs still training after this epoch.
        task: ``"binary"``, ``"multiclass"`` or ``"regression"``.
    """

    def __init__(self, state: TrainingState, setup: GroupSetup, logs: dict[str, Tensor]) -> None:
        self._state = state
        self._members = setup.group.members
        self.epoch = state.epoch
        self.runs = tuple(spec.index for spec in setup.group.runs)
        self.logs = {name: value.clone() for name, value in logs.items()}
        self.active = state.active.clone()
        self.task = setup.task

    def predict(self, X: np.ndarray | Tensor) -> Tensor:
        """Each run's output for inputs ``X`` ``[N, d]`` (standardized like ``Dataset.X_train``): ``[R, N, outputs]``.

        Probabilities (binary: of class 1, one output; multiclass: one per
        class) or values (regression), an ensemble's members averaged as in
        evaluation.
        """
        logits = eval_logits(self._state.net, torch.as_tensor(X, dtype=torch.float32))
        if self.task == "regression":
            return run_predictions(logits, self._members).unsqueeze(-1)
        probabilities = run_log_probs(logits, self._members, self.task).exp()
        return probabilities[..., 1:] if self.task == "binary" else probabilities

    def first_layer_weights(self) -> Tensor:
        """The first weight matrix of every member of every run: ``[R, members, fan_in, fan_out]`` (a copy)."""
        weights = self._state.net.weights[0].detach()
        return weights.reshape(len(self.runs), self._members, *weights.shape[1:]).clone()

    def __repr__(self) -> str:
        return f"EpochView(epoch={self.epoch}, runs={self.runs}, active={self.active.tolist()})"
