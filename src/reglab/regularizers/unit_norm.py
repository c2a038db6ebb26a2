"""Unit-norm constraint (variant key ``unit_norm``), applied by projection after every optimizer step.

``unit_norm=true``: every unit's incoming weight vector is divided by its norm,

    W[:, j] <- W[:, j] / ||W[:, j]||_2

so it has norm exactly 1 (Keras' ``UnitNorm``).  It cannot be combined with
``max_norm``: choose one constraint.
"""

from __future__ import annotations

from typing import Any

from torch import Tensor

from reglab.pieces.interface import Key
from reglab.regularizers._projection import NORM_EPS, MaskedProjection, column_norms
from reglab.rules import Flag, Invalid


class UnitNorm(MaskedProjection):
    """Every unit's incoming weight vector divided by its norm."""

    keys = (Key("unit_norm", Flag(), False, "keep each unit's incoming weight vector at norm 1"),)
    example = {"unit_norm": True}

    @classmethod
    def settle(cls, values: dict[str, Any]) -> None:
        if values["unit_norm"] and values["max_norm"] is not None:
            raise Invalid("Variant keys `unit_norm` and `max_norm` conflict: choose one constraint.")

    @staticmethod
    def project(w: Tensor) -> Tensor:
        return w / column_norms(w).clamp_min(NORM_EPS)
