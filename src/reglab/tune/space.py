"""The search space of ``reglab tune``: ``NAME=VALUES`` per parameter, read into Optuna distributions.

=========================  ==============================================  ==============================
``--param``                what it is                                      Optuna distribution
=========================  ==============================================  ==============================
``l1=1e-6:1e-1:log``       any value between the ends, log-uniform         ``FloatDistribution(log=True)``
``dropout=0:0.6``          any value between the ends, uniform             ``FloatDistribution``
``early_stopping=5:50``    any integer between the ends (int parameters)   ``IntDistribution``
``l2=1e-5:1e-1:log5``      the points of ``sweep``'s grid                  ``CategoricalDistribution``
``hidden=32x16,64x32``     exactly these values (``sweep``'s lists)        ``CategoricalDistribution``
=========================  ==============================================  ==============================

The parameters are those of ``reglab sweep`` (:data:`~reglab.sweeps.params.SWEEP_PARAMS`:
l1, l2, prox, weight_decay, dropout, noise, max_norm, early_stopping, hidden),
and a value sets the variant keys the way a sweep's grid value does
(:meth:`~reglab.sweeps.params.SweepParam.changes`: a single ``hidden`` width
sets every hidden layer of the base).  Grids and lists are read by
:func:`reglab.sweeps.grid.parse_grid`, so they mean exactly what they mean in
a sweep; only the two-end ranges ``LOW:HIGH`` and ``LOW:HIGH:log`` are new.
The grid sampler needs every parameter discrete (a grid or a list).  Whether
a value is allowed (dropout below 1, ...) is checked by
:class:`~reglab.variant.Variant` for the ends of every range and every listed
value, before any training.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
    distribution_to_json,
)

from reglab.errors import ReglabError
from reglab.sweeps.grid import parse_grid, read_number
from reglab.sweeps.params import SweepParam, get_param
from reglab.variant import Variant

_ENDS = re.compile(r"^\s*([^:]+):([^:]+?)\s*(?::\s*(log)\s*)?$", re.IGNORECASE)
FORMS = ("LOW:HIGH (uniform), LOW:HIGH:log (log-uniform), a sweep grid such as 1e-5:1e-1:log5, "
         "or a list such as 0,1e-4,1e-3 (hidden: 32x16,64x32)")


@dataclass(frozen=True)
class Dimension:
    """One searched parameter: the sweep parameter it sets and its Optuna distribution.

    Categorical choices of ``hidden`` sizes are held as text (``"16x8"``),
    since Optuna's choices are numbers or strings.
    """

    param: SweepParam
    distribution: BaseDistribution
    text: str

    @property
    def name(self) -> str:
        return self.param.name

    @property
    def discrete(self) -> bool:
        """Whether the grid sampler can enumerate it (a grid or a list)."""
        return isinstance(self.distribution, CategoricalDistribution)

    def value(self, suggested: Any) -> Any:
        """An Optuna value as the sweep parameter's value (``"16x8"`` -> ``(16, 8)``)."""
        if self.param.kind == "hidden" and isinstance(suggested, str):
            return tuple(int(part) for part in suggested.split("x"))
        return int(suggested) if self.param.kind != "float" else float(suggested)

    def choices(self) -> list[Any]:
        """The values of a discrete dimension, as Optuna holds them."""
        assert isinstance(self.distribution, CategoricalDistribution)
        return list(self.distribution.choices)


@dataclass(frozen=True)
class SearchSpace:
    """The searched parameters, in the order given, on a base variant."""

    dimensions: tuple[Dimension, ...]
    base: Variant

    @property
    def distributions(self) -> dict[str, BaseDistribution]:
        """``{name: distribution}``, what ``study.ask(fixed_distributions=...)`` takes."""
        return {d.name: d.distribution for d in self.dimensions}

    def fingerprint(self) -> dict[str, Any]:
        """What makes two spaces the same study: each distribution as Optuna's JSON, and the base's settings."""
        return {"params": {d.name: distribution_to_json(d.distribution) for d in self.dimensions},
                "base": self.base.settings()}

    def variant(self, params: Mapping[str, Any], name: str) -> Variant:
        """The base with a trial's ``params`` set, called ``name``."""
        changes: dict[str, Any] = {}
        for dim in self.dimensions:
            changes.update(dim.param.changes(dim.value(params[dim.name]), self.base))
        try:
            return self.base.replace(name=name, **changes)
        except ReglabError as error:
            raise ReglabError(f"Trial {name}: {error}") from None

    def describe(self, params: Mapping[str, Any]) -> str:
        """``l1=3.2e-04, dropout=0.113`` for a trial's params."""
        return ", ".join(f"{d.name}={d.param.text(d.value(params[d.name]))}" for d in self.dimensions)

    def grid(self) -> dict[str, list[Any]]:
        """The search space of Optuna's grid sampler; refuses a continuous range."""
        continuous = [d.text for d in self.dimensions if not d.discrete]
        if continuous:
            raise ReglabError(
                f"The grid sampler needs a grid or a list for every --param; {', '.join(continuous)} is a continuous "
                "range. Give points such as l1=1e-6:1e-1:log6, or use --sampler tpe or random."
            )
        return {d.name: d.choices() for d in self.dimensions}


def parse_space(params: Sequence[str] | Mapping[str, Any], base: str | Variant = "baseline") -> SearchSpace:
    """The search space from ``["l1=1e-6:1e-1:log", "dropout=0:0.6"]`` or ``{"l1": "1e-6:1e-1:log", ...}``.

    Raises:
        ReglabError: no parameter, an entry without ``=``, an unknown or
            repeated parameter, a malformed range or list, or an end value the
            variant refuses (checked here, before any training).

    Examples:
        >>> space = parse_space(["l1=1e-6:1e-1:log", "hidden=16,32x16"])
        >>> [type(d.distribution).__name__ for d in space.dimensions]
        ['FloatDistribution', 'CategoricalDistribution']
    """
    items = list(params.items()) if isinstance(params, Mapping) else [_split(text) for text in params]
    if not items:
        raise ReglabError("Missing option `--param`: give at least one parameter to tune, e.g. --param l1=1e-6:1e-1:log.")
    base_variant = Variant.parse(base)
    dimensions: list[Dimension] = []
    for name, values in items:
        spec = get_param(name)
        if any(d.name == spec.name for d in dimensions):
            raise ReglabError(f"Option `--param {spec.name}` is given twice: give each parameter once.")
        dim = _dimension(spec, values)
        for end in _extremes(dim):
            _check_value(dim, end, base_variant)
        dimensions.append(dim)
    return SearchSpace(tuple(dimensions), base_variant)


def _split(text: str) -> tuple[str, str]:
    name, eq, values = str(text).partition("=")
    if not eq or not name.strip() or not values.strip():
        raise ReglabError(f"Invalid value for `--param`: expected NAME=VALUES such as l1=1e-6:1e-1:log. Received: {text!r}")
    return name.strip(), values.strip()


def _dimension(spec: SweepParam, values: Any) -> Dimension:
    text = f"{spec.name}={values}"
    match = _ENDS.match(values) if isinstance(values, str) else None
    if match is None:
        points = parse_grid(values, spec)  # a sweep grid or list: the same syntax and the same errors as a sweep
        choices = [("x".join(map(str, p)) if isinstance(p, tuple) else p) for p in points]
        return Dimension(spec, CategoricalDistribution(choices), text)
    low, high = _number(spec, values, match.group(1)), _number(spec, values, match.group(2))
    log = match.group(3) is not None
    if low >= high:
        raise ReglabError(_bad(spec, values, f"LOW must be below HIGH; got {low:g} and {high:g}"))
    if log and low <= 0:
        raise ReglabError(_bad(spec, values, "a log range needs LOW > 0; to include 0 use a list such as 0,1e-4,1e-3"))
    if spec.kind == "float":
        return Dimension(spec, FloatDistribution(low, high, log=log), text)
    if low != int(low) or high != int(high):
        raise ReglabError(_bad(spec, values, f"{spec.name} takes integers; got {low:g} and {high:g}"))
    return Dimension(spec, IntDistribution(int(low), int(high), log=log), text)


def _number(spec: SweepParam, values: str, text: str) -> float:
    if spec.kind == "hidden" and "x" in text.lower():
        raise ReglabError(_bad(spec, values, "a range of hidden sizes takes single widths (8:128:log); list sizes such as 16x8 with commas"))
    return read_number(text, lambda why: ReglabError(_bad(spec, values, why)), FORMS)


def _extremes(dim: Dimension) -> list[Any]:
    distribution = dim.distribution
    if isinstance(distribution, CategoricalDistribution):
        return list(distribution.choices)
    return [distribution.low, distribution.high]  # type: ignore[attr-defined]


def _check_value(dim: Dimension, value: Any, base: Variant) -> None:
    try:
        base.replace(**dim.param.changes(dim.value(value), base))
    except ReglabError as error:
        raise ReglabError(f"Invalid value for --param {dim.text}: {error}") from None


def _bad(spec: SweepParam, values: Any, why: str) -> str:
    return f"Invalid value for --param {spec.name}: {why}. Received: {spec.name}={values}"
