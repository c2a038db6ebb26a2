"""Which variant to pick: the lowest mean validation loss, and those the data cannot tell apart from it.

Rule: among variants that did not diverge, the **best** has the lowest mean
validation loss over seeds (ties: the first listed).  A variant is **as good
within noise** when its mean validation loss is at most the best mean plus
the best's standard error (``std / sqrt(seeds)``), the same yardstick as the
one-standard-error rule of ``reglab sweep``.  With one seed the standard
error is 0 and only exact ties are as good.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from reglab.analysis.summary import Stat, VariantSummary

METRIC = "val_loss"


@dataclass(frozen=True)
class Recommendation:
    """The pick of a comparison and its evidence.

    Attributes:
        best: the label with the lowest mean validation loss.
        loss: its validation loss over seeds.
        threshold: best mean + its standard error.
        as_good: other labels whose mean validation loss is within ``threshold``.
        summary: the pick in one or two plain sentences.
    """

    best: str
    loss: Stat
    threshold: float
    as_good: tuple[str, ...]
    summary: str


def recommend(summaries: Sequence[VariantSummary]) -> Recommendation | None:
    """The variant to pick by the rule above; ``None`` when no variant has a finite validation loss."""
    candidates = [
        s for s in summaries
        if s.stats[METRIC].n > 0 and not (s.stats.get("diverged") and s.stats["diverged"].mean > 0)
    ]
    if not candidates:
        return None
    best = min(candidates, key=lambda s: s.stats[METRIC].mean)
    loss = best.stats[METRIC]
    error = 0.0 if math.isnan(loss.standard_error) else loss.standard_error
    threshold = loss.mean + error
    as_good = tuple(s.label for s in candidates if s is not best and s.stats[METRIC].mean <= threshold)
    seeds = f"{loss.n} seed{'s' if loss.n != 1 else ''}"
    summary = f"Pick {best.label}: the lowest mean validation loss, {loss.format('.3f')} over {seeds}."
    if as_good:
        summary += (f" Within one standard error of it ({threshold:.3f}), the data cannot tell it from: "
                    f"{', '.join(as_good)}.")
    elif loss.n > 1:
        summary += f" No other variant comes within one standard error of it ({threshold:.3f})."
    return Recommendation(best.label, loss, threshold, as_good, summary)
