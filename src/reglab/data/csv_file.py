"""Reading a data set from a CSV file (standard library :mod:`csv`, no pandas).

Rules:

* the text is decoded and its delimiter found as :mod:`reglab.data.csv_text`
  says (``encoding`` and ``delimiter`` override the detection; both are
  resolved into ``ds.options`` so the data set is rebuilt exactly);
* the first row is the header (column names, each present and different);
  every other row is one example with the same number of fields; rows whose
  cells are all empty, and unnamed columns whose cells are all empty (what a
  spreadsheet's trailing delimiters leave), are left out;
* ``target`` names the target column; default: the LAST column;
* every other column is a feature and must be numeric; ``decimal`` is the
  decimal mark (``None``: ``,`` when the delimiter is not a comma and the
  numbers are written with commas, as European spreadsheets do, else ``.``);
* the target may hold numbers (integer-like → classes, otherwise regression,
  see :func:`reglab.data._checks.infer_task`) or text labels (→ classes, named
  by their text, in sorted order);
* empty cells and ``NA``, ``N/A``, ``NaN``, ``null``, ``None`` (any case) are
  missing values, which are rejected: fill or drop them first.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import numpy as np

from reglab import budget
from reglab.data._options import Option
from reglab.rules import IsType, OneOf
from reglab.data._source import RawData
from reglab.data.csv_text import detect_delimiter, read_text
from reglab.errors import ReglabError, did_you_mean

MISSING = frozenset({"", "na", "n/a", "nan", "null", "none"})
_DECIMAL_COMMA = re.compile(r"^[+-]?(\d+,?\d*|,\d+)([eE][+-]?\d+)?$")

CSV_OPTIONS: tuple[Option, ...] = (
    Option("target", None, (IsType(str), IsType(None)), "name of the target column; None = the last column"),
    Option("delimiter", None, (IsType(str), IsType(None)), "field separator, one character; None = detected (, ; tab |)"),
    Option("encoding", None, (IsType(str), IsType(None)),
           "text encoding such as utf-8 or cp1252; None = UTF-8 (or as its byte-order mark says), else cp1252 with a warning"),
    Option("decimal", None, (OneOf((".", ",", None)),), "decimal mark of the numbers; None = detected"),
)


def is_csv_path(name: str | os.PathLike) -> bool:
    """True for a ``.csv`` name or an existing file (these are read as CSV)."""
    return isinstance(name, os.PathLike) or str(name).lower().endswith(".csv") or os.path.isfile(str(name))


def read_csv(
    path: str | os.PathLike, target: str | None = None, delimiter: str | None = None,
    encoding: str | None = None, decimal: str | None = None,
) -> RawData:
    """Read ``path`` into features (all columns but ``target``) and targets (see the module docstring).

    ``RawData.source_options`` holds the delimiter, encoding and decimal mark used.
    """
    file = Path(path)
    if file.is_dir():
        raise ReglabError(f"CSV file '{path}' is a directory, not a file. Give the path of a .csv file.")
    if not file.is_file():
        raise ReglabError(f"CSV file not found: '{path}' (looked for {file.resolve()}).")
    if delimiter is not None and len(delimiter) != 1:
        raise ReglabError(f"The 'delimiter' option of a CSV file must be one character. Got {delimiter!r} instead.")
    budget.check_file(file, f"CSV file '{path}'")
    text, used_encoding = read_text(file, str(path), encoding)
    delimiter = delimiter or detect_delimiter(text)
    header, body = _rows(path, text, delimiter)
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
    if decimal is None:
        decimal = _detect_decimal(delimiter, [columns[j] for j in features])
    X = np.empty((len(body), len(features)))
    for k, j in enumerate(features):
        X[:, k] = _numeric_column(path, header[j], columns[j], lines, decimal)
    y_text = np.array(columns[target_col])
    try:
        y: np.ndarray = np.array([_number(cell, decimal) for cell in y_text], dtype=np.float64)
    except ValueError:
        y = y_text
    return RawData(
        X, y, feature_names=tuple(header[j] for j in features), target_name=header[target_col],
        source_options={"delimiter": delimiter, "encoding": used_encoding, "decimal": decimal},
    )


def _rows(path: str | os.PathLike, text: str, delimiter: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the data rows (with their line numbers), checked for shape; blank rows and columns dropped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            cells = [cell.strip() for cell in row]
            if any(cells):
                rows.append((reader.line_num, cells))
    except csv.Error as error:
        hint = " (an unclosed quote makes the rest of the file one field)" if "field larger" in str(error) else ""
        raise ReglabError(f"CSV file '{path}', line {reader.line_num}: cannot be read as CSV: {error}{hint}.") from None
    if not rows:
        raise ReglabError(f"CSV file '{path}' is empty: it needs a header row of column names and data rows.")
    (_, header), body = rows[0], rows[1:]
    blank = [j for j, name in enumerate(header) if not name and all(j >= len(row) or not row[j] for _, row in body)]
    if blank:
        keep = [j for j in range(len(header)) if j not in blank]
        header = [header[j] for j in keep]
        body = [(line, [row[j] for j in keep if j < len(row)]) for line, row in body]
    if not body:
        raise ReglabError(f"CSV file '{path}' has a header ({', '.join(header)}) but no data rows.")
    if len(header) < 2:
        raise ReglabError(
            f"CSV file '{path}' must have at least 2 columns (features and a target). "
            f"Got {len(header)}: {header}. Is the delimiter {delimiter!r} right? Give it with --delimiter (or delimiter=)."
        )
    unnamed = [str(j + 1) for j, name in enumerate(header) if not name]
    if unnamed:
        raise ReglabError(f"CSV file '{path}': column {', '.join(unnamed)} of the header has no name. Name every column.")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise ReglabError(
            f"CSV file '{path}': the header names a column more than once ({', '.join(map(repr, repeated))}). "
            "Give every column its own name."
        )
    for line, row in body:
        if len(row) != len(header):
            raise ReglabError(
                f"CSV file '{path}', line {line}: {len(row)} fields, but the header has {len(header)} columns."
            )
    return header, body


def _detect_decimal(delimiter: str, columns: list[tuple[str, ...]]) -> str:
    """``,`` when the delimiter is not a comma, some feature cell holds a comma and every such cell reads
    as a number with a decimal comma; else ``.``."""
    if delimiter == ",":
        return "."
    with_comma = [cell for column in columns for cell in column if "," in cell]
    return "," if with_comma and all(_DECIMAL_COMMA.match(cell) for cell in with_comma) else "."


def _number(cell: str, decimal: str) -> float:
    if decimal == ",":
        if "." in cell:
            raise ValueError(cell)
        cell = cell.replace(",", ".")
    return float(cell)


def _target_index(path: str | os.PathLike, header: list[str], target: str) -> int:
    if target not in header:
        raise ReglabError(
            f"The target column {target!r} is not in CSV file '{path}'.{did_you_mean(target, header)} "
            f"Columns: {', '.join(header)}."
        )
    return header.index(target)


def _numeric_column(path: str | os.PathLike, name: str, cells: tuple[str, ...], lines: list[int], decimal: str) -> np.ndarray:
    out = np.empty(len(cells))
    for i, cell in enumerate(cells):
        try:
            out[i] = _number(cell, decimal)
        except ValueError:
            hint = ""
            if decimal == "." and _DECIMAL_COMMA.match(cell):
                hint = " If it is written with a decimal comma, give --option decimal=, (or decimal=',')."
            raise ReglabError(
                f"CSV file '{path}': feature column {name!r} is not numeric (line {lines[i]} holds {cell[:40]!r}). "
                f"Features must be numbers; only the target column may hold text labels.{hint}"
            ) from None
    return out
