"""`Run`: the result of training one variant with one seed.

Attributes:
    variant: the :class:`~reglab.variant.Variant` (``run.variant.label`` names it).
    seed: the seed of its initial weights, minibatch order and random masks.
    history: per-epoch lists (one value per epoch trained): ``train_loss``
        and ``val_loss`` (data loss of the whole split in evaluation mode,
        penalty excluded), ``train_loss_running`` (mean minibatch loss in
        training mode), ``train_acc``/``val_acc`` (classification) or
        ``train_mse``/``val_mse``/``train_r2``/``val_r2`` (regression),
        ``penalty``, ``weight_l1``, ``weight_l2``, ``exact_zero_fraction``,
        ``near_zero_fraction``, ``min_abs_weight``.
    metrics: plain floats describing the model that :meth:`Run.module`
        returns (the restored weights after early stopping): ``train_loss``,
        ``val_loss``, ``test_loss``, their ``_acc`` (or ``_mse``/``_r2``)
        twins, ``penalty``, the weight statistics above,
        ``generalization_gap = val_loss - train_loss``, ``best_epoch`` and
        ``stopped_epoch`` (counted from 1), ``best_val_loss`` (the validation
        loss at ``best_epoch``), ``diverged`` (1.0 or 0.0).  ``best_epoch`` is
        early stopping's own best epoch for a run with early stopping (the
        last improvement by more than ``min_delta``: the epoch whose weights
        are restored), else the epoch of the lowest validation loss.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn

from reglab.errors import ReglabError
from reglab.engine.network import Architecture
from reglab.export import EnsembleMean, member_module
from reglab.variant import Variant


@dataclass
class Run:
    """One trained variant × seed: its settings, history, metrics and weights."""

    variant: Variant
    seed: int
    history: dict[str, list[float]]
    metrics: dict[str, float]
    task: str
    arch: Architecture
    members: list[dict[str, list[np.ndarray]]] = field(repr=False)

    @property
    def name(self) -> str:
        """The variant's label."""
        return self.variant.label

    @property
    def diverged(self) -> bool:
        """Whether training produced a non-finite loss."""
        return bool(self.metrics["diverged"])

    def module(self) -> nn.Module:
        """A plain ``torch.nn.Module`` in eval mode holding the trained weights (see :mod:`reglab.export`)."""
        final = self.variant.at_epoch(self.variant.epochs)  # the last epoch's rates (dropout is the identity in eval mode)
        dropout = final.per_layer("dropout", len(self.arch.hidden))
        nets = [member_module(self.arch, state, self.task, dropout, final.conv_dropout) for state in self.members]
        return nets[0] if len(nets) == 1 else EnsembleMean(nets).eval()

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """The module's output for inputs ``X`` (standardized like ``Dataset.X_train``)."""
        with torch.no_grad():
            return self.module()(torch.as_tensor(X, dtype=torch.float32)).numpy()

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class labels (classification) or values (regression, standardized units)."""
        out = self.predict_proba(X)
        if self.task == "binary":
            return (out[:, 0] > 0.5).astype(np.int64)
        if self.task == "multiclass":
            return out.argmax(1)
        return out[:, 0]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; inverse of :meth:`from_dict`."""
        return {
            "variant": self.variant.to_dict(),
            "label": self.variant.label,
            "seed": self.seed,
            "task": self.task,
            "arch": {**asdict(self.arch), "hidden": list(self.arch.hidden), "conv": list(self.arch.conv),
                     "image_shape": list(self.arch.image_shape) if self.arch.image_shape else None},
            "history": self.history,
            "metrics": self.metrics,
            "members": [{role: [a.tolist() for a in arrays] for role, arrays in state.items()} for state in self.members],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Run:
        """Rebuild a run saved with :meth:`to_dict`."""
        arch = dict(data["arch"])
        arch.update(hidden=tuple(arch["hidden"]), conv=tuple(arch.get("conv", ())))
        arch["image_shape"] = tuple(arch["image_shape"]) if arch.get("image_shape") else None
        layers = len(arch["hidden"]) + 1
        for number, state in enumerate(data["members"]):
            for role in ("weights", "biases"):
                if len(state.get(role, ())) != layers:
                    raise ReglabError(
                        f"ensemble member {number} of {data.get('label', 'a run')!r} (seed {data.get('seed')}) lacks its "
                        f"{role} ({len(state.get(role, ()))} of {layers} layers stored)"
                    )
        return cls(
            variant=Variant.from_dict(data["variant"]),
            seed=int(data["seed"]),
            history={k: list(v) for k, v in data["history"].items()},
            metrics=dict(data["metrics"]),
            task=data["task"],
            arch=Architecture(**arch),
            members=[
                {role: [np.asarray(a, dtype=np.float32) for a in arrays] for role, arrays in state.items()}
                for state in data["members"]
            ],
        )
