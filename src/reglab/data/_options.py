"""Declarative option tables for data sets, checked by the one validator (:mod:`reglab.rules`).

Each data set declares its options once, as a tuple of :class:`Option`::

    Option("noise", 0.25, (Interval(float, 0, None),), "std of the Gaussian noise")

and :func:`resolve_options` checks user values against the table, in the
style of scikit-learn: ``The 'noise' option of moons must be a float in
[0, inf). Got -1.0 instead.``
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reglab.errors import ReglabError, did_you_mean
from reglab.rules import AnyOf, Invalid, invalid_option


@dataclass(frozen=True)
class Option:
    """One option of a data set: its name, default, accepted values (any of ``constraints``) and meaning."""

    name: str
    default: Any
    constraints: tuple[Any, ...]
    doc: str

    @property
    def rule(self) -> AnyOf:
        """The option's rule: the first constraint that accepts the value."""
        return AnyOf(self.constraints)

    def expected(self) -> str:
        """The accepted values in words, e.g. ``"a float in [0, inf)"``."""
        return self.rule.describe(integer="an int")


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
        try:
            resolved[opt.name] = opt.rule.check(value)
        except Invalid:
            raise ReglabError(invalid_option(opt.name, noun, who, opt.rule, value)) from None
    return resolved
