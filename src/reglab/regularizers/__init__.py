"""Regularizers: one small piece per technique, applied by the engine through one interface.

:data:`REGISTRY` lists them in the order the engine applies them.  Adding a
technique means one new module with a :class:`Regularizer` subclass, one entry
here, and its variant key in :data:`reglab.variant.PARAMETERS`.
"""

from reglab.regularizers.base import Regularizer, Scheduled, perturbs, total_penalty
from reglab.regularizers.constraints import MaxNorm, NonNeg, UnitNorm
from reglab.regularizers.decay import DecoupledWeightDecay
from reglab.regularizers.penalties import L1Penalty, L2Penalty, l1_penalty, l2_penalty
from reglab.regularizers.perturbations import Dropout, GaussianNoise
from reglab.regularizers.proximal import SoftThreshold, soft_threshold

REGISTRY: tuple[type[Regularizer], ...] = (
    GaussianNoise,
    Dropout,
    L1Penalty,
    L2Penalty,
    DecoupledWeightDecay,
    SoftThreshold,
    MaxNorm,
    UnitNorm,
    NonNeg,
)
"""Every regularizer, in order of application (noise before dropout; proximal step before constraints)."""


def build_regularizers(variants) -> list[Regularizer]:
    """The regularizers used by at least one of these models, in :data:`REGISTRY` order."""
    built = (Scheduled.wrap(cls, variants) for cls in REGISTRY)
    return [piece for piece in built if piece is not None]


__all__ = [
    "REGISTRY",
    "Regularizer",
    "perturbs",
    "total_penalty",
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
    "GaussianNoise",
]
