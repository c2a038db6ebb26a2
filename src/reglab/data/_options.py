"""Declarative option tables and the one place where option values are checked.

Each data set declares its options once, as a tuple of :class:`Option`::

    Option("noise", 0.25, (Interval(float, 0, None),), "std of the Gaussian noise")

and :func:`resolve_options` checks user values against the table, in the
style of scikit-learn: ``The 'noise' option of moons must be a float in
[0, inf). Got -1.0 instead.``
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from reglab.errors import ReglabError, did_you_mean


@dataclass(frozen=True)
class Interval:
    """A number of type ``kind`` (``int`` or ``float``) between ``low`` and ``high``.

    ``None`` bounds are infinite; ``closed`` says which ends are included.
    ``bool`` is never accepted as a number; an ``int`` is accepted for a float.
    """

    kind: type
    low: float | None
    high: float | None
    closed: Literal["both", "left", "right", "neither"] = "left"

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return False
        if self.kind is int and not isinstance(value, numbers.Integral):
            return False
        if not math.isfinite(float(value)):
            return False
        if self.low is not None:
            if value < self.low or (value == self.low and self.closed in ("right", "neither")):
                return False
        if self.high is not None:
            if value > self.high or (value == self.high and self.closed in ("left", "neither")):
                return False
        return True

    def convert(self, value: Any) -> Any:
        return int(value) if self.kind is int else float(value)

    def describe(self) -> str:
        left = "[" if self.closed in ("both", "left") else "("
        right = "]" if self.closed in ("both", "right") else ")"
        low = "-inf" if self.low is None else f"{self.low:g}"
        high = "inf" if self.high is None else f"{self.high:g}"
        noun = "an int" if self.kind is int else "a float"
        return f"{noun} in {left}{low}, {high}{right}"


@dataclass(frozen=True)
class OneOf:
    """One of a fixed set of values (strings, or ``None``)."""

    values: tuple[Any, ...]

    def accepts(self, value: Any) -> bool:
        return any(value is v or (v is not None and type(value) is type(v) and value == v) for v in self.values)

    def convert(self, value: Any) -> Any:
        return value

    def describe(self) -> str:
        return "one of {" + ", ".join(repr(v) for v in self.values) + "}"


@dataclass(frozen=True)
class IsType:
    """Any value of the Python type ``kind`` (``bool``, ``str``) or ``None``."""

    kind: type | None

    def accepts(self, value: Any) -> bool:
        if self.kind is None:
            return value is None
        return isinstance(value, self.kind)

    def convert(self, value: Any) -> Any:
        return value

    def describe(self) -> str:
        return {None: "None", bool: "a bool", str: "a str"}.get(self.kind, f"a {getattr(self.kind, '__name__', self.kind)}")


Constraint = Interval | OneOf | IsType


@dataclass(frozen=True)
class Option:
    """One option of a data set: its name, default, accepted values and meaning."""

    name: str
    default: Any
    constraints: tuple[Constraint, ...]
    doc: str

    def expected(self) -> str:
        """The accepted values in words, e.g. ``"a float in [0, inf)"``."""
        parts = [c.describe() for c in self.constraints]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def resolve_options(
    table: tuple[Option, ...], given: Mapping[str, Any], *, who: str, noun: str = "option"
) -> dict[str, Any]:
    """Check ``given`` against ``table`` and return every option, defaults filled in.

    ``who`` and ``noun`` name the taker in messages: ``The 'noise' option of
    moons must be ...`` (``who="moons"``, ``noun="option"``).  Raises
    :class:`ReglabError` for an unknown name (listing the valid ones) or a value
    outside the declared constraints.
    """
    names = [opt.name for opt in table]
    for key in given:
        if key not in names:
            raise ReglabError(
                f"Unknown {noun} {key!r} for {who}.{did_you_mean(key, names)} "
                f"Valid {noun}s: {', '.join(names)}."
            )
    resolved: dict[str, Any] = {}
    for opt in table:
        value = given.get(opt.name, opt.default)
        for constraint in opt.constraints:
            if constraint.accepts(value):
                resolved[opt.name] = constraint.convert(value)
                break
        else:
            raise ReglabError(f"The {opt.name!r} {noun} of {who} must be {opt.expected()}. Got {value!r} instead.")
    return resolved
