"""Grids of values: ``1e-5:1e-1:log9``, ``0:0.5:lin6``, ``1e-4,1e-3,1e-2``, ``8,16,64``, ``16x16,32x8``.

* ``START:STOP:logN``: N values evenly spaced in log10 between START and STOP,
  both ends included (both must be > 0).
* ``START:STOP:linN``: N values evenly spaced between START and STOP, ends included.
* ``A,B,C``: exactly these values.

N is at least 2 and at most :data:`MAX_POINTS`.  Values are returned sorted
by their position on the axis (ascending), without repeats.  For integer
parameters (``early_stopping``, ``hidden``) a range is rounded to integers and
values that round to the same integer are kept once; a list must hold
integers.  ``hidden`` also takes sizes such as ``16x8`` in a list.  Every
value must be allowed for its variant key (dropout below 1, patience at least
1, max-norm above 0...): each is checked by the key's rule
(:mod:`reglab.rules`) as the grid is read, before any training.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from reglab.errors import ReglabError
from reglab.rules import Invalid, invalid_key
from reglab.sweeps.params import SweepParam, get_param

MAX_POINTS = 200
"""Most grid points in one dimension (a guard against a typo such as ``log9000``)."""

_RANGE = re.compile(r"^\s*([^:]+):([^:]+):\s*(lin|log)\s*(\d+)\s*$", re.IGNORECASE)
_FORMS = "START:STOP:logN (e.g. 1e-5:1e-1:log9), START:STOP:linN (e.g. 0:0.5:lin6) or a list A,B,C (e.g. 1e-4,1e-3,1e-2)"


def parse_grid(grid: str | Sequence[Any], param: str | SweepParam) -> tuple[Any, ...]:
    """The grid values of ``param`` from text (see the module docstring) or from a sequence of values.

    Returns:
        The values sorted ascending (by total hidden units for ``hidden``),
        floats for float parameters, ints for ``early_stopping``, and ints or
        tuples of ints for ``hidden``.

    Raises:
        ReglabError: the text is not one of the forms, a number cannot be
            read, a log grid touches 0, fewer than 2 distinct values, or a
            value repeats in a list.

    Examples:
        >>> parse_grid("1e-3:1e-1:log3", "l2")
        (0.001, 0.01, 0.1)
        >>> parse_grid("0:0.5:lin6", "dropout")
        (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
        >>> parse_grid("64,8,16x16", "hidden")
        (8, (16, 16), 64)
    """
    spec = param if isinstance(param, SweepParam) else get_param(param)
    if isinstance(grid, str):
        text = grid.strip()
        match = _RANGE.match(text)
        if match:
            values = _range(spec, text, *match.groups())
        elif ":" in text:
            raise ReglabError(_bad(spec, grid, f"expected {_FORMS}"))
        else:
            values = [_item(spec, grid, item) for item in text.split(",")]
            _no_repeats(spec, grid, values)
    elif isinstance(grid, Sequence):
        values = [_item(spec, grid, item) for item in grid]
        _no_repeats(spec, grid, values)
    else:
        raise ReglabError(_bad(spec, grid, f"expected text such as {_FORMS}, or a list of values"))
    unique = list(dict.fromkeys(values))
    for value in unique:
        _allowed(spec, value)
    if len(unique) < 2:
        raise ReglabError(_bad(spec, grid, "expected at least 2 different values to compare"))
    if len(unique) > MAX_POINTS:
        raise ReglabError(_bad(spec, grid, f"expected at most {MAX_POINTS} values; got {len(unique)}"))
    return tuple(sorted(unique, key=_size))


def _range(spec: SweepParam, grid: str, start_text: str, stop_text: str, kind: str, count_text: str) -> list[Any]:
    if spec.kind == "hidden" and ("x" in start_text.lower() or "x" in stop_text.lower()):
        raise ReglabError(_bad(spec, grid, "a range of hidden sizes takes single widths (8:128:log5); list sizes such as 16x8 with commas"))
    start, stop = _number(spec, grid, start_text), _number(spec, grid, stop_text)
    count = int(count_text)
    if count < 2:
        raise ReglabError(_bad(spec, grid, f"expected at least 2 points in {kind}{count_text}"))
    if count > MAX_POINTS:
        raise ReglabError(_bad(spec, grid, f"expected at most {MAX_POINTS} points; got {kind}{count_text}"))
    if start == stop:
        raise ReglabError(_bad(spec, grid, "START and STOP are equal; give two different ends"))
    if kind.lower() == "log":
        if start <= 0 or stop <= 0:
            raise ReglabError(_bad(spec, grid, "a log grid needs START > 0 and STOP > 0; to include 0 use a list such as 0,1e-4,1e-3"))
        values = np.logspace(math.log10(start), math.log10(stop), count)
    else:
        values = np.linspace(start, stop, count)
    if spec.kind == "float":
        return [float(f"{v:.12g}") for v in values]  # 0.30000000000000004 -> 0.3
    return [int(round(v)) for v in values]


def _number(spec: SweepParam, grid: Any, text: str) -> float:
    return read_number(text, lambda why: ReglabError(_bad(spec, grid, why)), _FORMS)


def read_number(text: str, refuse: Callable[[str], ReglabError], forms: str) -> float:
    """``text`` as a finite float; otherwise ``refuse(why)`` is raised, ``why`` naming the text (and ``forms``, the
    accepted forms, when it is no number at all)."""
    try:
        value = float(text)
    except ValueError:
        raise refuse(f"cannot read {text.strip()!r} as a number; expected {forms}") from None
    if not math.isfinite(value):
        raise refuse(f"{text.strip()!r} is not a finite number")
    return value


def _item(spec: SweepParam, grid: Any, item: Any) -> Any:
    """One list entry as the parameter's type."""
    if isinstance(item, str):
        text = item.strip()
        if not text:
            raise ReglabError(_bad(spec, grid, f"an empty entry; expected {_FORMS}"))
        if spec.kind == "hidden" and "x" in text.lower():
            try:
                return tuple(int(part) for part in text.lower().split("x"))
            except ValueError:
                raise ReglabError(_bad(spec, grid, f"cannot read {text!r} as layer sizes such as 16x8")) from None
        number = _number(spec, grid, text)
    elif spec.kind == "hidden" and isinstance(item, (tuple, list)):
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in item):
            raise ReglabError(_bad(spec, grid, f"layer sizes must be integers; got {item!r}"))
        return tuple(item)
    elif isinstance(item, (int, float, np.integer, np.floating)) and not isinstance(item, bool):
        number = float(item)
        if not math.isfinite(number):
            raise ReglabError(_bad(spec, grid, f"{item!r} is not a finite number"))
    else:
        raise ReglabError(_bad(spec, grid, f"cannot read {item!r} as a value"))
    if spec.kind == "float":
        return number
    if number != int(number):
        raise ReglabError(_bad(spec, grid, f"{spec.name} takes integers; got {number:g}"))
    return int(number)


def _allowed(spec: SweepParam, value: Any) -> None:
    """Refuse a value that its variant key's rule does not accept, as the variant would."""
    try:
        spec.rule.check((value,) if spec.kind == "hidden" and isinstance(value, int) else value)
    except Invalid as problem:
        refused = invalid_key(spec.name, spec.rule, value, str(problem))
        raise ReglabError(f"Grid point {spec.name}={spec.text(value)}: {refused}") from None


def _no_repeats(spec: SweepParam, grid: Any, values: list[Any]) -> None:
    seen = set()
    for value in values:
        if value in seen:
            raise ReglabError(_bad(spec, grid, f"the value {spec.text(value)} is given twice"))
        seen.add(value)


def _size(value: Any) -> float:
    """The sort key: the number itself, or the total hidden units of a size tuple."""
    return float(sum(value)) if isinstance(value, tuple) else float(value)


def _bad(spec: SweepParam, grid: Any, why: str) -> str:
    return f"Invalid grid for --param {spec.name}: {why}. Received: {grid!r}"
