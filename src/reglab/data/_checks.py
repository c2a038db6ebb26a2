"""Checking user arrays: ``X`` numeric and finite, ``y`` matching, the task inferred.

Task inference (:func:`infer_task`), used when ``task=None``:

* string or bool labels → classification;
* float targets with a non-integer value → ``"regression"``;
* integer-like targets with more than :data:`MAX_INFERRED_CLASSES` distinct
  values → ``"regression"``;
* otherwise 2 distinct values → ``"binary"``, 3 or more → ``"multiclass"``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from reglab.errors import ReglabError, ReglabWarning

Task = Literal["binary", "multiclass", "regression"]
TASKS: tuple[str, ...] = ("binary", "multiclass", "regression")
MAX_INFERRED_CLASSES = 20
"""Integer-like targets with more distinct values than this are inferred as regression."""
FLOAT32_MAX = float(np.finfo(np.float32).max)
"""The largest magnitude a value may have: the networks compute in float32 (about 3.4e38)."""


def _column_name(j: int, feature_names: Sequence[str] | None) -> str:
    return f"{j} ({feature_names[j]!r})" if feature_names is not None and j < len(feature_names) else str(j)


def check_X(X: Any, feature_names: Sequence[str] | None = None) -> np.ndarray:
    """Return ``X`` as a float64 array of shape (n, d); reject non-numeric or non-finite values."""
    arr = np.asarray(X)
    if arr.ndim != 2:
        raise ReglabError(f"X must be a 2-D array of shape (n_samples, n_features). Got an array of shape {arr.shape} instead.")
    if arr.shape[1] == 0:
        raise ReglabError("X must have at least one feature column. Got shape " f"{arr.shape} instead.")
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        for j in range(arr.shape[1]):
            for i, value in enumerate(arr[:, j]):
                try:
                    float(value)
                except (TypeError, ValueError):
                    raise ReglabError(
                        f"X must be numeric, but column {_column_name(j, feature_names)} holds "
                        f"the non-numeric value {value!r} (row {i})."
                    ) from None
    try:
        out = arr.astype(np.float64)
    except (TypeError, ValueError) as exc:  # pragma: no cover - caught above
        raise ReglabError(f"X must be numeric: {exc}") from None
    bad = ~np.isfinite(out)
    if bad.any():
        counts = bad.sum(axis=0)
        where = ", ".join(f"column {_column_name(j, feature_names)}: {int(c)}" for j, c in enumerate(counts) if c)
        raise ReglabError(f"X must be finite, but it holds {int(bad.sum())} NaN or infinite values ({where}).")
    huge = np.abs(out) > FLOAT32_MAX
    if huge.any():
        counts = huge.sum(axis=0)
        where = ", ".join(
            f"column {_column_name(j, feature_names)}: {int(c)}, such as {out[np.flatnonzero(huge[:, j])[0], j]:.3g}"
            for j, c in enumerate(counts) if c
        )
        raise ReglabError(
            f"X holds {int(huge.sum())} values too large for the float32 numbers reglab trains with "
            f"(|x| > {FLOAT32_MAX:.3g}): {where}. Rescale these columns first (e.g. divide them by a power of 10)."
        )
    return out


def check_y(y: Any, n_rows: int) -> np.ndarray:
    """Return ``y`` as a 1-D array of ``n_rows`` values (column vectors are flattened)."""
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ReglabError(f"y must be a 1-D array of targets. Got an array of shape {arr.shape} instead.")
    if len(arr) != n_rows:
        raise ReglabError(f"X and y must have the same number of rows. Got {n_rows} rows in X and {len(arr)} in y.")
    if np.issubdtype(arr.dtype, np.number) and not np.isfinite(arr.astype(np.float64)).all():
        n_bad = int((~np.isfinite(arr.astype(np.float64))).sum())
        raise ReglabError(f"y must be finite, but it holds {n_bad} NaN or infinite values.")
    return arr


def _is_numeric(y: np.ndarray) -> bool:
    return np.issubdtype(y.dtype, np.number) and y.dtype != bool


def _is_integer_like(y: np.ndarray) -> bool:
    return _is_numeric(y) and bool(np.all(np.asarray(y, dtype=np.float64) == np.round(np.asarray(y, dtype=np.float64))))


def infer_task(y: np.ndarray) -> Task:
    """The task implied by the targets ``y`` (see the module docstring).

    Integer targets read as regression because they have many distinct values
    are announced with a :class:`~reglab.errors.ReglabWarning` (they may be class ids).
    """
    if not _is_numeric(y):
        n_classes = len(np.unique(y.astype(str)))
        return "binary" if n_classes <= 2 else "multiclass"
    if not _is_integer_like(y):
        return "regression"
    n_values = len(np.unique(y))
    if n_values > MAX_INFERRED_CLASSES:
        warnings.warn(
            f"the target holds {n_values} distinct integers (more than {MAX_INFERRED_CLASSES}): read as regression. "
            "If they are class ids, give task=multiclass (--option task=multiclass).",
            ReglabWarning, stacklevel=3,
        )
        return "regression"
    return "binary" if n_values <= 2 else "multiclass"


def encode_labels(
    y: np.ndarray, task: Task, class_names: Sequence[str] | None
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Map class labels to int64 codes 0..C-1 (sorted order); return codes and class names.

    ``class_names`` (when given) names the codes 0..C-1 and must have one
    name per distinct label; by default the names are the labels as text.
    """
    if _is_numeric(y) and not _is_integer_like(y):
        raise ReglabError(
            f"task={task!r} needs class labels, but y holds non-integer numbers such as "
            f"{y[np.flatnonzero(y != np.round(y))[0]]!r}. Use task='regression' or integer labels."
        )
    labels = y.astype(str) if not _is_numeric(y) else y.astype(np.int64)
    values, codes = np.unique(labels, return_inverse=True)
    if len(values) < 2:
        raise ReglabError(
            f"Classification needs at least 2 classes, but y holds only one class ({values[0]!r} "
            f"in all {len(y)} rows)." if len(values) else "y is empty."
        )
    if task == "binary" and len(values) != 2:
        raise ReglabError(
            f"task='binary' needs exactly 2 classes. Got {len(values)} classes instead; use task='multiclass'."
        )
    if class_names is None:
        names = tuple(str(v) for v in values)
    else:
        names = tuple(str(n) for n in class_names)
        if len(names) != len(values):
            raise ReglabError(
                f"class_names must have one name per class ({len(values)}). Got {len(names)} names instead."
            )
    return codes.astype(np.int64).reshape(-1), names


def check_regression_target(y: np.ndarray) -> np.ndarray:
    """Return a numeric regression target as float64 (finite, within float32's range)."""
    if not _is_numeric(y):
        try:
            return check_regression_target(y.astype(np.float64))
        except (TypeError, ValueError):
            pass
        example = next(v for v in y.astype(object) if not _is_number(v))
        raise ReglabError(
            f"task='regression' needs numeric targets, but y holds {example!r}. "
            "Use task='binary' or 'multiclass' for text labels."
        )
    out = y.astype(np.float64)
    if not np.isfinite(out).all():
        raise ReglabError(f"y must be finite, but it holds {int((~np.isfinite(out)).sum())} NaN or infinite values.")
    huge = np.abs(out) > FLOAT32_MAX
    if huge.any():
        raise ReglabError(
            f"y holds {int(huge.sum())} targets too large for the float32 numbers reglab trains with "
            f"(|y| > {FLOAT32_MAX:.3g}), such as {out[np.flatnonzero(huge)[0]]:.3g}. Rescale the target first."
        )
    return out


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True
