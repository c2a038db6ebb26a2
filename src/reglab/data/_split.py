"""Splitting rows into train / validation / test, and label noise on the training part.

Sizes are fractions of all rows (floats in [0, 1]) or row counts (ints).  A
fraction ``f`` becomes ``round(f * n)`` rows; when the three fractions sum to
exactly 1 the training split takes whatever rounding leaves.  When they sum to
less than 1 the remaining rows are discarded (``train_size=0.1`` is the "few
examples" regime).  The test split may be empty (``test_size=0``).

For classification the split is stratified: each class is shuffled on its own
and dealt to the splits in proportion to its share, so every split holds every
class and its class counts are within about one row of ``share × split size``
(largest-remainder rounding).  For regression the rows are shuffled and cut.
Rows inside each split come in random order.  Everything is deterministic in
the seed.
"""

from __future__ import annotations

import numpy as np

from reglab.data._options import Interval, IsType, OneOf, Option
from reglab.errors import ReglabError

SPLITS = ("train", "validation", "test")


def split_counts(n_rows: int, sizes: tuple[float | int, float | int, float | int]) -> tuple[int, int, int]:
    """Row counts (train, val, test) for ``sizes`` given as fractions or counts."""
    fractions = [s for s in sizes if isinstance(s, float)]
    if len(fractions) == 3 and sum(sizes) > 1 + 1e-9:
        raise ReglabError(
            "train_size + val_size + test_size must be at most 1 (fractions of all rows). "
            f"Got {sizes[0]:g} + {sizes[1]:g} + {sizes[2]:g} = {sum(sizes):g} instead."
        )
    counts = [int(np.floor(s * n_rows + 0.5)) if isinstance(s, float) else int(s) for s in sizes]
    if len(fractions) == 3 and abs(sum(sizes) - 1) <= 1e-9:
        counts[0] = n_rows - counts[1] - counts[2]
    elif isinstance(sizes[0], float) and sum(counts) > n_rows and sum(counts) - n_rows <= 1:
        counts[0] -= sum(counts) - n_rows  # a rounding overshoot of one row
    if sum(counts) > n_rows:
        raise ReglabError(
            f"The split sizes ask for {counts[0]} + {counts[1]} + {counts[2]} = {sum(counts)} rows "
            f"(train + validation + test), but the data has only {n_rows} rows."
        )
    if counts[0] < 2:
        raise ReglabError(
            f"Too few rows to split: the training split needs at least 2 rows, but train_size={sizes[0]!r} "
            f"of {n_rows} rows gives {counts[0]}. Use more data or a larger train_size."
        )
    if counts[1] < 1:
        raise ReglabError(
            f"Too few rows to split: the validation split needs at least 1 row, but val_size={sizes[1]!r} "
            f"of {n_rows} rows gives {counts[1]}. Use more data or a larger val_size."
        )
    return counts[0], counts[1], counts[2]


def plain_split(n_rows: int, counts: tuple[int, int, int], rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffle row indices and cut them into the three splits."""
    order = rng.permutation(n_rows)
    cuts = np.cumsum(counts)
    return [order[a:b] for a, b in zip([0, *cuts[:-1]], cuts)]


def stratified_split(
    labels: np.ndarray, counts: tuple[int, int, int], rng: np.random.Generator, class_names: tuple[str, ...]
) -> list[np.ndarray]:
    """Split row indices so that each split keeps the class proportions of ``labels`` (codes 0..C-1)."""
    n_rows = len(labels)
    per_class = np.bincount(labels, minlength=len(class_names))
    n_classes = len(per_class)
    used = [(name, c) for name, c in zip(SPLITS, counts) if c > 0]
    for name, c in used:
        if c < n_classes:
            raise ReglabError(
                f"Too few rows to split: the {name} split would have {c} rows for {n_classes} classes, "
                "but a stratified split needs at least one row of every class in it. "
                "Use more data or a larger size for that split."
            )
    smallest = int(np.argmin(per_class))
    if per_class[smallest] < len(used):
        raise ReglabError(
            f"Too few rows to split: class {class_names[smallest]!r} has {per_class[smallest]} rows, but the "
            f"{' / '.join(n for n, _ in used)} splits each need at least one row of every class "
            f"({len(used)} rows)."
        )
    remaining = per_class.copy()
    table = np.zeros((n_classes, 3), dtype=np.int64)
    for s, n_s in enumerate(counts):
        if n_s == 0:
            continue
        later = sum(1 for c in counts[s + 1 :] if c > 0)
        cap = remaining - later  # leave one row per class for each later split
        target = per_class * n_s / n_rows
        take = np.clip(np.floor(target).astype(np.int64), 1, cap)
        tie = rng.random(n_classes) * 1e-9  # random tie-break between equal remainders
        while take.sum() < n_s:
            gap = np.where(take < cap, target - take + tie, -np.inf)
            take[int(np.argmax(gap))] += 1
        while take.sum() > n_s:
            gap = np.where(take > 1, target - take + tie, np.inf)
            take[int(np.argmin(gap))] -= 1
        table[:, s] = take
        remaining -= take
    parts: list[list[np.ndarray]] = [[], [], []]
    for c in range(n_classes):
        rows = rng.permutation(np.flatnonzero(labels == c))
        cuts = np.cumsum(table[c])
        for s, (a, b) in enumerate(zip([0, *cuts[:-1]], cuts)):
            parts[s].append(rows[a:b])
    return [rng.permutation(np.concatenate(p)) for p in parts]


def flip_labels(y: np.ndarray, n_classes: int, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Flip ``round(fraction × n)`` labels, chosen at random, to another class drawn uniformly."""
    y = y.copy()
    n_flip = int(np.floor(fraction * len(y) + 0.5))
    rows = rng.choice(len(y), size=n_flip, replace=False)
    y[rows] = (y[rows] + rng.integers(1, n_classes, size=n_flip)) % n_classes
    return y


def jitter_targets(y: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Add Gaussian noise of standard deviation ``fraction × std(y)`` to regression targets."""
    return y + rng.normal(0.0, fraction * float(np.std(y)), size=len(y))


SIZE = (Interval(int, 0, None), Interval(float, 0, 1, "both"))  # an int is a count, a float a fraction
SPLIT_OPTIONS: tuple[Option, ...] = (
    Option("train_size", 0.6, SIZE, "training rows: a fraction of all rows, or a count"),
    Option("val_size", 0.2, SIZE, "validation rows: a fraction of all rows, or a count (at least 1 row)"),
    Option("test_size", 0.2, SIZE, "test rows: a fraction of all rows, or a count (0 = no test split)"),
    Option("label_noise", 0.0, (Interval(float, 0, 1, "both"),),
           "fraction p of training labels flipped to another class; regression: + N(0, (p*std)^2)"),
    Option("standardize", True, (IsType(bool),), "standardize X (and a regression target) with training mean/std"),
    Option("task", None, (OneOf(("binary", "multiclass", "regression", None)),), "None = inferred from the targets"),
    Option("seed", 0, (Interval(int, 0, None),), "drives generation, splitting and label noise"),
)
"""The options every data set accepts (also the keyword arguments of ``Dataset.from_arrays``)."""
