"""Reading a data set from a CSV file (standard library :mod:`csv`, no pandas).

Rules:

* the first row is the header (column names); every other row is one example
  with the same number of fields;
* ``target`` names the target column; default: the LAST column;
* every other column is a feature and must be numeric;
* the target may hold numbers (integer-like → classes, otherwise regression,
  see :func:`reglab.data._checks.infer_task`) or text labels (→ classes, named
  by their text, in sorted order);
* empty cells and ``NA``, ``N/A``, ``NaN``, ``null``, ``None`` (any case) are
  missing values, which are rejected: fill or drop them first.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import numpy as np

from reglab.data._options import Option
from reglab.rules import IsType
from reglab.data._source import RawData
from reglab.errors import ReglabError, did_you_mean

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none"})

CSV_OPTIONS: tuple[Option, ...] = (
    Option("target", None, (IsType(str), IsType(None)), "name of the target column; None = the last column"),
    Option("delimiter", ",", (IsType(str),), "field separator, one character"),
)


def is_csv_path(name: str | os.PathLike) -> bool:
    """True for a ``.csv`` name or an existing file (these are read as CSV)."""
    return isinstance(name, os.PathLike) or str(name).lower().endswith(".csv") or os.path.isfile(str(name))


def read_csv(path: str | os.PathLike, target: str | None = None, delimiter: str = ",") -> RawData:
    """Read ``path`` into features (all columns but ``target``) and targets."""
    file = Path(path)
    if not file.is_file():
        raise ReglabError(f"CSV file not found: '{path}' (looked for {file.resolve()}).")
    if len(delimiter) != 1:
        raise ReglabError(f"The 'delimiter' option of a CSV file must be one character. Got {delimiter!r} instead.")
    with file.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        rows = [(reader.line_num, [cell.strip() for cell in row]) for row in reader if row]
    if not rows:
        raise ReglabError(f"CSV file '{path}' is empty: it needs a header row of column names and data rows.")
    (_, header), body = rows[0], rows[1:]
    if not body:
        raise ReglabError(f"CSV file '{path}' has a header ({', '.join(header)}) but no data rows.")
    if len(header) < 2:
        raise ReglabError(
            f"CSV file '{path}' must have at least 2 columns (features and a target). "
            f"Got {len(header)}: {header}. Is the delimiter {delimiter!r} right?"
        )
    for line, row in body:
        if len(row) != len(header):
            raise ReglabError(
                f"CSV file '{path}', line {line}: {len(row)} fields, but the header has {len(header)} columns."
            )
    target_col = len(header) - 1 if target is None else _target_index(path, header, target)
    columns = list(zip(*(row for _, row in body)))
    lines = [line for line, _ in body]
    missing = {header[j]: sum(c.lower() in MISSING for c in col) for j, col in enumerate(columns)}
    missing = {name: n for name, n in missing.items() if n}
    if missing:
        where = ", ".join(f"column {name!r}: {n}" for name, n in missing.items())
        raise ReglabError(
            f"CSV file '{path}' has missing values (empty or NA cells) in {where}. Fill or drop them first."
        )
    features = [j for j in range(len(header)) if j != target_col]
    X = np.empty((len(body), len(features)))
    for k, j in enumerate(features):
        X[:, k] = _numeric_column(path, header[j], columns[j], lines)
    y_text = np.array(columns[target_col])
    try:
        y: np.ndarray = y_text.astype(np.float64)
    except ValueError:
        y = y_text
    return RawData(X, y, feature_names=tuple(header[j] for j in features), target_name=header[target_col])


def _target_index(path: str | os.PathLike, header: list[str], target: str) -> int:
    if target not in header:
        raise ReglabError(
            f"The target column {target!r} is not in CSV file '{path}'.{did_you_mean(target, header)} "
            f"Columns: {', '.join(header)}."
        )
    return header.index(target)


def _numeric_column(path: str | os.PathLike, name: str, cells: tuple[str, ...], lines: list[int]) -> np.ndarray:
    out = np.empty(len(cells))
    for i, cell in enumerate(cells):
        try:
            out[i] = float(cell)
        except ValueError:
            raise ReglabError(
                f"CSV file '{path}': feature column {name!r} is not numeric (line {lines[i]} holds {cell!r}). "
                "Features must be numbers; only the target column may hold text labels."
            ) from None
    return out
