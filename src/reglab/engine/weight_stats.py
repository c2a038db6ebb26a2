"""Statistics of the weight matrices (biases and batch-norm parameters excluded), per model.

* ``weight_l1 = sum |w|``, ``weight_l2 = sqrt(sum w^2)`` over all weight matrices;
* ``exact_zero_fraction``: share of weights that are exactly 0.0;
* ``near_zero_fraction``: share with ``|w| < NEAR_ZERO`` (1e-3), zeros included;
* ``min_abs_weight``: the smallest ``|w|``.
"""

from __future__ import annotations

import torch
from torch import Tensor

NEAR_ZERO = 1e-3


def weight_stats(weights: list[Tensor]) -> dict[str, Tensor]:
    """The statistics above for stacked weights ``[K, ...]``; each value is ``[K]``."""
    flat = torch.cat([w.detach().flatten(1) for w in weights], dim=1)
    magnitude = flat.abs()
    return {
        "weight_l1": magnitude.sum(1),
        "weight_l2": flat.square().sum(1).sqrt(),
        "exact_zero_fraction": (flat == 0).float().mean(1),
        "near_zero_fraction": (magnitude < NEAR_ZERO).float().mean(1),
        "min_abs_weight": magnitude.min(1).values,
    }
