"""Splitting rows into train / validation / test, and label noise on the training part.

Sizes are fractions of all rows (floats in [0, 1]) or row counts (ints).  A
fraction ``f`` becomes ``round(f * n)`` rows; when the three fractions sum to
exactly 1 the training split takes whatever rounding leaves.  When they sum to
less than 1 the remaining rows are discarded (``train_size=0.1`` is the "few
examples" regime).  The test split may be empty (``test_size=0``).

For classification the split is stratified: the expected count of class c in
split s, ``n_c × n_s / n``, is rounded up or down so that class sizes and split
sizes stay exact (a matrix rounding, which always exists), so each split's class
counts are within one row of its share.  Every split gets at least one row of
every class; a class whose share of a split is below one row still gets one
(swapped with the class most over its share), the only case where a count may
be off by more than one row.  For regression the rows are shuffled and cut.
Rows inside each split come in random order.  Everything is deterministic in
the seed.
"""

from __future__ import annotations

import numpy as np

from reglab.data._options import Option
from reglab.rules import Interval, IsType, OneOf
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
    sizes = [*counts, n_rows - sum(counts)]  # the 4th column holds the discarded rows
    expected = np.outer(per_class, sizes) / n_rows
    table = _round_table(expected, rng)
    _ensure_one_per_class(table, expected, required=[c > 0 for c in counts] + [False])
    parts: list[list[np.ndarray]] = [[], [], []]
    for c in range(n_classes):
        rows = rng.permutation(np.flatnonzero(labels == c))
        cuts = np.cumsum(table[c])
        for s, (a, b) in enumerate(zip([0, *cuts[:2]], cuts[:3])):
            parts[s].append(rows[a:b])
    return [rng.permutation(np.concatenate(p)) for p in parts]


def _round_table(target: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Round a (classes × splits) table of expected counts to integers, each entry up or down,
    keeping the row sums (class sizes) and column sums (split sizes) exact.

    Such a rounding always exists (Bacharach 1966).  Large fractional parts are
    rounded up first (random tie-break); augmenting paths fix what greed misses.
    """
    base = np.floor(target + 1e-9).astype(np.int64)
    frac = np.where(target - base > 1e-9, target - base, 0.0)
    need_row = np.rint(target.sum(axis=1)).astype(np.int64) - base.sum(axis=1)
    need_col = np.rint(target.sum(axis=0)).astype(np.int64) - base.sum(axis=0)
    up = np.zeros(target.shape, dtype=bool)
    key = frac + rng.random(frac.shape) * 1e-12
    for flat in np.argsort(-key, axis=None):
        r, c = divmod(int(flat), target.shape[1])
        if frac[r, c] > 0 and need_row[r] > 0 and need_col[c] > 0:
            up[r, c], need_row[r], need_col[c] = True, need_row[r] - 1, need_col[c] - 1
    for r in np.flatnonzero(need_row > 0):
        while need_row[r] > 0:
            _augment(r, frac > 0, up, need_col)
            need_row[r] -= 1
    return base + up


def _augment(start: int, allowed: np.ndarray, up: np.ndarray, need_col: np.ndarray) -> None:
    """Give row ``start`` one more rounded-up entry along an alternating path.

    Breadth-first: row → column via an allowed entry not yet up, column → row
    via an entry that is up, until a column that still needs one; then the
    path's entries are flipped (row and column sums inside the path unchanged).
    """
    col_from: dict[int, int] = {}  # column -> the row it was reached from
    row_from: dict[int, int] = {start: -1}  # row -> the column it was reached from
    frontier = [start]
    while frontier:
        next_rows = []
        for r in frontier:
            for c in map(int, np.flatnonzero(allowed[r] & ~up[r])):
                if c in col_from:
                    continue
                col_from[c] = r
                if need_col[c] > 0:
                    need_col[c] -= 1
                    while True:
                        r = col_from[c]
                        up[r, c] = True
                        if row_from[r] == -1:
                            return
                        c = row_from[r]
                        up[r, c] = False
                for r2 in map(int, np.flatnonzero(up[:, c])):
                    if r2 not in row_from:
                        row_from[r2] = c
                        next_rows.append(r2)
        frontier = next_rows
    raise AssertionError("no rounding found")  # pragma: no cover - impossible by Bacharach's theorem


def _ensure_one_per_class(table: np.ndarray, expected: np.ndarray, required: list[bool]) -> None:
    """Where a class got 0 rows of a required split, swap one row with a class that has 2+ there.

    Only happens when a class's expected share of a split is below one row.
    The swap keeps every class size and every split size.
    """
    while True:
        zeros = [(c, s) for c, s in zip(*np.nonzero(table == 0)) if required[s]]
        if not zeros:
            return
        c, s = zeros[0]
        spare = table[c] - np.array(required, dtype=np.int64)  # rows class c can give up per split
        s_from = int(np.argmax(np.where(np.arange(len(required)) != s, spare - expected[c] * 1e-9, -np.inf)))
        assert spare[s_from] > 0, "checked before: every class has a row for every required split"
        excess = table[:, s] - expected[:, s]  # the class most over its share in split s gives a row
        c_to = int(np.argmax(np.where(table[:, s] >= 2, excess, -np.inf)))
        table[c, s] += 1
        table[c, s_from] -= 1
        table[c_to, s] -= 1
        table[c_to, s_from] += 1


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
