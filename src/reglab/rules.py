"""One validator for every value a user gives: variant keys, data-set options and sweep grid values.

A *rule* says which values are accepted, reads a value from the text users
type, and describes itself in words for error messages:

* :class:`Interval`: an int or float between two bounds, each open or closed
  (``Interval(float, 0, 1, "left")`` is ``[0, 1)``);
* :class:`OneOf`: one of a fixed set of values;
* :class:`IsType`: any value of a Python type (or ``None``);
* :class:`Flag`: true or false, read from ``true/false/yes/no/on/off/1/0``;
* :class:`Sizes`: positive integer sizes such as ``64x32`` (or none);
* :class:`AnyOf`: the first of several rules that accepts the value;
* :class:`PerLayer`: one value, or one per layer separated by ``/``;
* :class:`Optional`: a rule, or ``None`` (written ``none`` or ``off``).

``rule.check(value)`` returns the value normalized (an ``int`` for an integer
interval, a ``tuple`` for sizes) or raises :class:`Invalid`;
``rule.parse(text)`` reads a value from the short form (raising
:class:`Invalid` only when the text cannot be read), for ``check`` to judge.  The callers turn
:class:`Invalid` into a :class:`~reglab.errors.ReglabError` with
:func:`invalid_key` (variant keys), :func:`invalid_option` (data-set options)
or their own grid message, so the rule's words appear in every message::

    Invalid value for variant key `dropout`: expected a float in [0, 1). Received: dropout=1.5
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

Closed = Literal["both", "left", "right", "neither"]


class Invalid(ValueError):
    """A value a rule does not accept; ``str()`` is the reason in a few words, if any."""


class Rule(Protocol):
    """What every rule offers."""

    def check(self, value: Any) -> Any:
        """The value, normalized; :class:`Invalid` if not accepted."""

    def parse(self, text: str) -> Any:
        """The value written as ``text`` in the short form, not yet checked."""

    def describe(self) -> str:
        """The accepted values in words: ``"a float in [0, 1)"``."""


def _number_text(value: float) -> str:
    """``10``, ``1000000``, ``0.5``, ``1e-05``: integers in full, other numbers in ``g`` format."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e16 else f"{value:g}"


@dataclass(frozen=True)
class Interval:
    """A number of type ``kind`` (``int`` or ``float``) between ``low`` and ``high``.

    ``None`` bounds are infinite; ``closed`` says which ends are included.
    ``bool`` is never accepted as a number; an ``int`` is accepted for a
    float; an integral float (``5.0``, ``1e3``) is accepted for an int only
    when ``integral_floats`` (variant keys; data-set options refuse it).
    """

    kind: type
    low: float | None
    high: float | None = None
    closed: Closed = "left"
    integral_floats: bool = False

    def check(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise Invalid()
        try:
            number = float(value)
        except OverflowError:  # an int beyond any float
            raise Invalid("too large") from None
        if not math.isfinite(number):
            raise Invalid()
        if self.kind is int and not isinstance(value, numbers.Integral):
            if not (self.integral_floats and number.is_integer()):
                raise Invalid()
        if self.low is not None:
            if number < self.low or (number == self.low and self.closed in ("right", "neither")):
                raise Invalid()
        if self.high is not None:
            if number > self.high or (number == self.high and self.closed in ("left", "neither")):
                raise Invalid()
        return int(value) if self.kind is int else number

    def parse(self, text: str) -> Any:
        try:
            number = float(text)
        except ValueError:
            raise Invalid() from None
        if self.kind is int and math.isfinite(number):
            if not number.is_integer():
                raise Invalid()
            return int(number)
        return number

    def describe(self, integer: str = "an integer") -> str:
        """``"a float in [0, 1)"``; ``integer`` is the noun for an int (``"an int"`` in data-set messages)."""
        left = "[" if self.closed in ("both", "left") else "("
        right = "]" if self.closed in ("both", "right") else ")"
        low = "-inf" if self.low is None else _number_text(self.low)
        high = "inf" if self.high is None else _number_text(self.high)
        noun = integer if self.kind is int else "a float"
        return f"{noun} in {left}{low}, {high}{right}"


@dataclass(frozen=True)
class OneOf:
    """One of a fixed set of values (strings, or ``None``); text is matched case-insensitively."""

    values: tuple[Any, ...]

    def check(self, value: Any) -> Any:
        if any(value is v or (v is not None and type(value) is type(v) and value == v) for v in self.values):
            return value
        raise Invalid()

    def parse(self, text: str) -> Any:
        return text.strip().lower()

    def describe(self) -> str:
        return "one of {" + ", ".join(repr(v) for v in self.values) + "}"


@dataclass(frozen=True)
class IsType:
    """Any value of the Python type ``kind`` (``bool``, ``str``) or ``None``."""

    kind: type | None

    def check(self, value: Any) -> Any:
        if (value is None) if self.kind is None else isinstance(value, self.kind):
            return value
        raise Invalid()

    def parse(self, text: str) -> Any:
        return text

    def describe(self) -> str:
        return {None: "None", bool: "a bool", str: "a str"}.get(self.kind, f"a {getattr(self.kind, '__name__', self.kind)}")


@dataclass(frozen=True)
class Flag:
    """``True`` or ``False``; the short form also takes yes/no, on/off and 1/0."""

    TRUE = ("true", "1", "yes", "on")
    FALSE = ("false", "0", "no", "off")

    def check(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        raise Invalid()

    def parse(self, text: str) -> bool:
        lowered = text.strip().lower()
        if lowered in self.TRUE:
            return True
        if lowered in self.FALSE:
            return False
        raise Invalid()

    def describe(self) -> str:
        return "true or false"


@dataclass(frozen=True)
class Sizes:
    """Positive integer sizes, at most ``largest`` each and ``most`` of them, written ``64x32`` (``none`` = empty)."""

    example: str = "64x32"
    noun: str = "layer sizes"
    largest: int = 100_000
    most: int = 100

    def check(self, value: Any) -> tuple[int, ...]:
        sizes = (value,) if isinstance(value, int) else tuple(value) if isinstance(value, (tuple, list)) else None
        if sizes is None or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
            raise Invalid()
        if len(sizes) > self.most or any(s > self.largest for s in sizes):
            raise Invalid(f"at most {self.most} sizes of at most {self.largest} each")
        return sizes

    def parse(self, text: str) -> tuple[int, ...]:
        lowered = text.strip().lower()
        if lowered in ("none", "0", ""):
            return ()
        try:
            return tuple(int(part) for part in lowered.split("x"))
        except ValueError:
            raise Invalid() from None

    def describe(self) -> str:
        return f"{self.noun} such as {self.example}, or none"


@dataclass(frozen=True)
class AnyOf:
    """The first of ``rules`` that accepts the value; ``text`` replaces the generated description."""

    rules: tuple[Any, ...]
    text: str = ""

    def check(self, value: Any) -> Any:
        for rule in self.rules:
            try:
                return rule.check(value)
            except Invalid:
                continue
        raise Invalid()

    def parse(self, text: str) -> Any:
        for rule in self.rules:
            try:
                return rule.parse(text)
            except Invalid:
                continue
        raise Invalid()

    def describe(self, integer: str = "an integer") -> str:
        if self.text:
            return self.text
        parts = [_describe(rule, integer) for rule in self.rules]
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


@dataclass(frozen=True)
class PerLayer:
    """One value of ``rule`` for every layer, or one per layer (a tuple; ``a/b/c`` in the short form).

    ``count(values)`` is how many layers the variant with these ``values``
    has; ``what`` names them in messages (``"weight matrices"``).
    """

    rule: Any
    count: Callable[[Mapping[str, Any]], int]
    what: str

    def check(self, value: Any) -> Any:
        values = tuple(value) if isinstance(value, (tuple, list)) else (value,)
        if not values:
            raise Invalid("no value given")
        checked = tuple(self.rule.check(v) for v in values)
        return checked if len(checked) > 1 else checked[0]

    def parse(self, text: str) -> Any:
        parts = tuple(self.rule.parse(part) for part in text.split("/"))
        return parts if len(parts) > 1 else parts[0]

    def describe(self) -> str:
        return self.rule.describe() + " (or one per layer, separated by '/')"

    def check_count(self, key: str, value: Any, values: Mapping[str, Any]) -> None:
        """Refuse a tuple whose length is not the number of layers of the variant with ``values``."""
        count = self.count(values)
        if isinstance(value, tuple) and len(value) != count:
            raise Invalid(f"Variant key `{key}` has {len(value)} per-layer values but this network has {count} {self.what}.")


@dataclass(frozen=True)
class Optional:
    """``rule``, or ``None`` (written ``none``, ``off`` or nothing) meaning "off"."""

    rule: Any

    def check(self, value: Any) -> Any:
        return None if value is None else self.rule.check(value)

    def parse(self, text: str) -> Any:
        return None if text.strip().lower() in ("none", "off", "") else self.rule.parse(text)

    def describe(self) -> str:
        return self.rule.describe() + ", or none"


def _describe(rule: Any, integer: str) -> str:
    return rule.describe(integer) if isinstance(rule, (Interval, AnyOf)) else rule.describe()


def base_rule(rule: Any) -> Any:
    """The rule inside :class:`Optional` and :class:`PerLayer` wrappers."""
    while isinstance(rule, (Optional, PerLayer)):
        rule = rule.rule
    return rule


def invalid_key(key: str, rule: Any, value: Any, reason: str = "") -> str:
    """``Invalid value for variant key `key`: expected <rule>[; reason]. Received: key=value``."""
    why = f"; {reason}" if reason else ""
    return f"Invalid value for variant key `{key}`: expected {rule.describe()}{why}. Received: {key}={value!r}"


def invalid_option(name: str, noun: str, who: str, rule: Any, value: Any) -> str:
    """``The 'noise' option of moons must be a float in [0, inf). Got -1.0 instead.`` (scikit-learn's words)."""
    return f"The {name!r} {noun} of {who} must be {_describe(rule, 'an int')}. Got {value!r} instead."
