"""Regularizers: one file per technique, applied by the engine through :mod:`reglab.pieces.interface`.

:data:`REGISTRY` is the one list of techniques, in the order the engine
applies them.  Each technique's file holds its class, its variant keys (with
their rules, defaults, help and sweep direction) and its formula; the
variant's key table (:data:`reglab.variant.PARAMETERS`) is assembled from
them.  Adding a technique means one new file and one entry here.
"""

from collections.abc import Sequence

from reglab.pieces.interface import Regularizer, VariantView
from reglab.regularizers.dropconnect import DropConnect
from reglab.regularizers.dropout import Dropout
from reglab.regularizers.l1 import L1Penalty, l1_penalty
from reglab.regularizers.l2 import L2Penalty, l2_penalty
from reglab.regularizers.max_norm import MaxNorm
from reglab.regularizers.noise import GaussianNoise
from reglab.regularizers.non_neg import NonNeg
from reglab.regularizers.prox import SoftThreshold, soft_threshold
from reglab.regularizers.unit_norm import UnitNorm
from reglab.regularizers.weight_decay import DecoupledWeightDecay

REGISTRY: tuple[type[Regularizer], ...] = (
    GaussianNoise,
    Dropout,
    DropConnect,
    L1Penalty,
    L2Penalty,
    DecoupledWeightDecay,
    SoftThreshold,
    MaxNorm,
    UnitNorm,
    NonNeg,
)
"""Every regularizer, in order of application (noise before dropout; proximal step before constraints)."""


def build_regularizers(variants: Sequence[VariantView]) -> list[Regularizer]:
    """The regularizers used by at least one of these models, in :data:`REGISTRY` order."""
    built = (cls.build(variants) for cls in REGISTRY)
    return [piece for piece in built if piece is not None]


__all__ = [
    "REGISTRY",
    "build_regularizers",
    "L1Penalty",
    "L2Penalty",
    "l1_penalty",
    "l2_penalty",
    "SoftThreshold",
    "soft_threshold",
    "DecoupledWeightDecay",
    "MaxNorm",
    "UnitNorm",
    "NonNeg",
    "Dropout",
    "DropConnect",
    "GaussianNoise",
]
