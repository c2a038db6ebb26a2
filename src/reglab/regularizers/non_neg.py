"""Non-negativity constraint (variant key ``non_neg``), applied by projection after every optimizer step.

``non_neg=true``: ``W <- max(W, 0)`` for every weight matrix (Keras' ``NonNeg``).
"""

from __future__ import annotations

from torch import Tensor

from reglab.pieces.interface import Key
from reglab.regularizers._projection import MaskedProjection
from reglab.rules import Flag


class NonNeg(MaskedProjection):
    """Negative weights set to zero."""

    keys = (Key("non_neg", Flag(), False, "keep every weight >= 0"),)
    example = {"non_neg": True}

    @staticmethod
    def project(w: Tensor) -> Tensor:
        return w.clamp_min(0.0)
