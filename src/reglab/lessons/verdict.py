"""The verdict of a lesson and the shared rules that reach it from measured numbers.

A lesson measures an effect under several *conditions* (a data set, an
optimizer, a width...) and states for each whether the claimed effect
**shows** there.  :func:`over_conditions` turns those findings into the
verdict, by one rule for every lesson:

* **holds**: the effect shows under every condition tested;
* **holds only when …**: it shows under some; the condition is named by
  :func:`condition_phrase` (one factor's value when that alone separates the
  two sets, else the list of conditions where it shows);
* **does not hold here**: it shows under none.

Whether an effect shows for one condition is decided by the lesson's own
rule on its numbers, most often :func:`paired` (the same seeds with and
without a technique).  No verdict is written by hand.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

HOLDS = "holds"
HOLDS_ONLY_WHEN = "holds only when"
DOES_NOT_HOLD = "does not hold here"
KINDS = (HOLDS, HOLDS_ONLY_WHEN, DOES_NOT_HOLD)

AGREE = 0.8
"""A paired effect shows when at least this share of the seeds agree in sign (all of them for 2-4 seeds)."""


Factors = tuple[tuple[str, str], ...]
"""A condition: ``(("data", "moons"), ("optimizer", "SGD"))``."""


@dataclass(frozen=True)
class Finding:
    """Whether the claimed effect shows under one condition, and the numbers that say so."""

    factors: Factors
    shows: bool
    evidence: str

    @property
    def condition(self) -> str:
        """``"data set = moons, optimizer = SGD"``."""
        return ", ".join(f"{factor} = {value}" for factor, value in self.factors)


@dataclass(frozen=True)
class Verdict:
    """``kind`` is one of :data:`KINDS`; ``condition`` names when it holds (``holds only when`` only)."""

    kind: str
    condition: str = ""
    findings: tuple[Finding, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Verdict kind must be one of {KINDS}. Got {self.kind!r} instead.")

    @property
    def text(self) -> str:
        """``holds``, ``holds only when the optimizer is SGD``, or ``does not hold here``."""
        return f"{HOLDS_ONLY_WHEN} {self.condition}" if self.kind == HOLDS_ONLY_WHEN else self.kind


def over_conditions(findings: Sequence[Finding]) -> Verdict:
    """The verdict from per-condition findings (the rule of the module docstring).

    Examples:
        >>> f = [Finding((("optimizer", "SGD"),), True, ""), Finding((("optimizer", "Adam"),), False, "")]
        >>> over_conditions(f).text
        'holds only when the optimizer is SGD'
    """
    if not findings:
        raise ValueError("over_conditions needs at least one finding")
    shown = [f for f in findings if f.shows]
    if len(shown) == len(findings):
        return Verdict(HOLDS, findings=tuple(findings))
    if not shown:
        return Verdict(DOES_NOT_HOLD, findings=tuple(findings))
    return Verdict(HOLDS_ONLY_WHEN, condition_phrase(findings), tuple(findings))


def condition_phrase(findings: Sequence[Finding]) -> str:
    """Words for the conditions under which the effect shows.

    The simplest description that separates the findings that show from
    those that do not: the values of ONE factor (``the optimizer is SGD``,
    ``the optimizer is SGD or AdamW``, ``the optimizer is not Adam``), else
    the value pairs of two factors, then triples… (``form = proximal L1 and
    optimizer = Adam``, ``it is not form = proximal L1 and optimizer = SGD``):
    the fewest factors first, then the fewest alternatives, naming what shows
    unless naming what does not is shorter.  When nothing short of every
    factor separates them: the conditions where it does not show when they
    are fewer (``it is not data set = circles, regularizer = dropout``), else
    the conditions where it shows.
    """
    shown = [f for f in findings if f.shows]
    failing = [f for f in findings if not f.shows]
    names = list(dict.fromkeys(name for f in findings for name, _ in f.factors))
    for size in range(1, max(len(names), 2)):  # all factors at once would just list the conditions
        candidates = []
        for chosen in itertools.combinations(names, size):
            def project(f: Finding, chosen: tuple[str, ...] = chosen) -> tuple[str | None, ...]:
                return tuple(dict(f.factors).get(name) for name in chosen)

            good = list(dict.fromkeys(project(f) for f in shown))
            bad = list(dict.fromkeys(project(f) for f in failing))
            if not set(good) & set(bad) and not any(None in v for v in good + bad):
                candidates += [(len(good), 0, chosen, good), (len(bad), 1, chosen, bad)]
        if candidates:
            _, negative, chosen, values = min(candidates, key=lambda c: (c[0], c[1]))
            if size == 1:
                return f"the {chosen[0]} is {'not ' if negative else ''}{' or '.join(v[0] or '' for v in values)}"
            words = "; or ".join(" and ".join(f"{n} = {v}" for n, v in zip(chosen, combo)) for combo in values)
            return f"it is not {words}" if negative else words
    if len(failing) < len(shown):
        return "it is not " + "; nor ".join(f.condition for f in failing)
    return "; or ".join(f.condition for f in shown)


@dataclass(frozen=True)
class Paired:
    """Paired differences ``d_s = before_s - after_s`` over seeds (positive: ``after`` is lower).

    Attributes:
        mean: mean of ``d``; ``se``: its standard error (``std(ddof=1)/sqrt(n)``, 0 for one seed).
        agree: share of the seeds with ``d_s > 0``; ``relative``: ``mean / |mean(before)|``.
        shows: ``relative > margin`` and ``agree >= AGREE``.
    """

    mean: float
    se: float
    agree: float
    relative: float
    shows: bool
    n: int = 0

    def words(self, lower: str = "lower", higher: str = "higher") -> str:
        """``"0.031 ± 0.004 lower (12%), lower in 3 of 3 seeds"``: the mean difference ± its standard error."""
        if self.mean != self.mean:  # NaN
            return "with no finite value to compare"
        word = lower if self.mean >= 0 else higher
        return (f"{abs(self.mean):.3g} ± {self.se:.2g} {word} ({abs(self.relative):.0%}), "
                f"{lower} in {round(self.agree * self.n)} of {self.n} seeds")


def paired(before: Sequence[float], after: Sequence[float], *, margin: float = 0.0) -> Paired:
    """Compare ``after`` with ``before`` seed by seed; lower is better.

    The effect shows when the mean difference is more than ``margin`` times
    ``|mean(before)|`` and at least :data:`AGREE` of the seeds agree.

    Examples:
        >>> paired([1.0, 1.2, 0.9], [0.8, 0.9, 0.85]).shows
        True
        >>> paired([1.0, 1.2, 0.9], [0.8, 1.3, 0.85]).shows
        False
    """
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    if b.shape != a.shape or b.ndim != 1 or b.size == 0:
        raise ValueError(f"paired needs two 1-D sequences of one non-zero length; got {b.shape} and {a.shape}")
    d = b - a
    finite = np.isfinite(d)
    if not finite.any():
        return Paired(math.nan, math.nan, 0.0, math.nan, False, int(d.size))
    d_f = d[finite]
    mean = float(d_f.mean())
    se = float(d_f.std(ddof=1) / math.sqrt(d_f.size)) if d_f.size > 1 else 0.0
    agree = float(np.mean(d > 0))  # a non-finite difference counts against
    scale = abs(float(np.nanmean(b))) or 1.0
    relative = mean / scale
    return Paired(mean, se, agree, relative, bool(relative > margin and agree >= AGREE), int(d.size))


def rank_correlation(x: Sequence[float], y: Sequence[float]) -> float:
    """Spearman's rank correlation of the finite pairs (NaN with fewer than 3 pairs or a constant side)."""
    from scipy.stats import spearmanr

    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(a) & np.isfinite(b)
    if keep.sum() < 3 or np.ptp(a[keep]) == 0 or np.ptp(b[keep]) == 0:
        return math.nan
    return float(spearmanr(a[keep], b[keep]).statistic)


def decreasing(means: Sequence[float], *, tolerance: float = 0.0) -> bool:
    """Whether each mean is at most the one before it plus ``tolerance`` times it (a non-increasing trend)."""
    values = np.asarray(means, dtype=float)
    if values.size < 2 or not np.isfinite(values).all():
        return False
    return bool(np.all(values[1:] <= values[:-1] * (1 + tolerance)))


def share_positive(values: Sequence[float]) -> float:
    """The share of ``values`` that are > 0 (a non-finite value counts as not positive); 0.0 when empty."""
    array = np.asarray(values, dtype=float)
    return float(np.mean(np.isfinite(array) & (array > 0))) if array.size else 0.0
