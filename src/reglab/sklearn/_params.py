"""The estimators' constructor parameters, read from the variant key table.

Every key of :data:`reglab.variant.PARAMETERS` is a keyword-only constructor
parameter with the :class:`~reglab.Variant` default, followed by the
estimator's own parameters (:data:`OWN_PARAMETERS`).  A technique added to the
table therefore appears in the estimators without touching this package.

scikit-learn reads an estimator's parameters from the signature of its
``__init__`` (``inspect.signature``), so :func:`storing_init` builds an
``__init__`` whose ``__signature__`` lists them all and which stores each value
untouched, as scikit-learn's contract asks.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any

from reglab.variant import PARAMETERS, Variant

OWN_PARAMETERS: dict[str, tuple[Any, str]] = {
    "validation_fraction": (0.1, "share of the rows held out for early stopping (used only when early_stopping is set)"),
    "random_state": (None, "seed of the initial weights, minibatch order, masks and the validation split; None = a fresh one per fit"),
    "verbose": (False, "show reglab's progress bar while training"),
}
"""The estimator's parameters that are not variant keys: ``name -> (default, meaning)``."""


def variant_defaults() -> dict[str, Any]:
    """Every variant key with its default value (those of ``Variant()``)."""
    default = Variant()
    return {key: getattr(default, key) for key in PARAMETERS}


def storing_init() -> Callable[..., None]:
    """An ``__init__(self, *, <every variant key>, <own parameters>)`` that only stores its arguments."""
    defaults = {**variant_defaults(), **{name: default for name, (default, _) in OWN_PARAMETERS.items()}}
    signature = inspect.Signature(
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=value) for name, value in defaults.items()]
    )

    def __init__(self: Any, *args: Any, **params: Any) -> None:
        bound = signature.bind(self, *args, **params)  # a TypeError for an unknown or positional argument
        bound.apply_defaults()
        for name, value in list(bound.arguments.items())[1:]:
            setattr(self, name, value)

    __init__.__signature__ = signature  # type: ignore[attr-defined]
    return __init__


def parameter_docs() -> str:
    """The ``Parameters`` section of the estimators' docstrings, one line per parameter."""
    lines = [f"    {key}: {rule.help} (default {getattr(Variant(), key)!r})" for key, rule in PARAMETERS.items()]
    lines += [f"    {name}: {meaning} (default {default!r})" for name, (default, meaning) in OWN_PARAMETERS.items()]
    return "\n".join(lines)


def variant_from_params(params: Mapping[str, Any]) -> Variant:
    """The :class:`Variant` that the variant keys of ``params`` describe; checked with reglab's messages.

    A value may be given as Python (``hidden=(64, 32)``, ``dropout=0.3``) or in
    the short form's text (``hidden="64x32"``, ``dropout="0.3/0.1"``, ``max_norm="none"``).
    Text values are read together by :meth:`Variant.parse` (with ``hidden``, so
    per-layer counts are checked against the right network), then the others are set.
    """
    values = {key: params[key] for key in PARAMETERS}
    texts = {key: value for key, value in values.items() if isinstance(value, str)}
    if texts and "hidden" not in texts:
        texts["hidden"] = _hidden_text(values["hidden"])
    variant = Variant.parse(",".join(f"{key}={value}" for key, value in texts.items())) if texts else Variant()
    others = {key: value for key, value in values.items() if key not in texts}
    return variant.replace(**others)


def _hidden_text(hidden: Any) -> str:
    """Layer sizes in the short form (``64x32``; ``none`` for no hidden layer)."""
    sizes = Variant(hidden=hidden).hidden
    return "x".join(str(size) for size in sizes) or "none"
