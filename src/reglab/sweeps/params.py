"""The parameters a sweep can vary, and which direction of each is "stronger".

Every variant key declared with a :class:`~reglab.pieces.interface.Sweep` (by
its piece, in its own file, or by the core keys in :mod:`reglab.variant`) can
be swept; today:

=================  ===========================================  ==================
parameter          variant key it sets                          stronger means
=================  ===========================================  ==================
``l1``             ``l1`` (every weight matrix)                 larger
``l2``             ``l2`` (every weight matrix)                 larger
``prox``           ``prox`` (proximal L1, exact zeros)          larger
``weight_decay``   ``weight_decay`` (decoupled, AdamW)          larger
``dropout``        ``dropout`` (every hidden layer)             larger
``noise``          ``noise`` (Gaussian noise on the inputs)     larger
``dropconnect``    ``dropconnect`` (every weight)               larger
``max_norm``       ``max_norm`` (per-unit incoming norm)        **smaller**
``early_stopping`` ``early_stopping`` (patience in epochs)      **smaller**
``hidden``         ``hidden`` (layer sizes)                     **smaller**
=================  ===========================================  ==================

"Stronger" is the direction that restricts the model more: a smaller max-norm
ball, a shorter patience (training stops sooner), fewer hidden units.  The
one-standard-error choice and the figures (whose x axis always runs from weak
on the left to strong on the right) read it.  Grid values are checked by the
key's own rule (:mod:`reglab.rules`) when the grid is read.

``hidden`` takes a single width ``w`` or explicit sizes ``16x8``.  A single
width sets *every* hidden layer of the base network to ``w`` (so with the
default base of two layers, ``16`` means ``16x16``); it keeps the base's depth.
Its position on the axis is the total number of hidden units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reglab.errors import ReglabError, did_you_mean
from reglab.pieces.interface import Key
from reglab.rules import Interval, PerLayer, Rule, Sizes, base_rule
from reglab.variant import PARAMETERS, Variant


@dataclass(frozen=True)
class SweepParam:
    """One sweepable parameter.

    Attributes:
        name: the name given to ``--param`` (also the variant key it sets).
        kind: ``"float"``, ``"int"`` or ``"hidden"`` (how grid values are read).
        stronger: ``"larger"`` or ``"smaller"``: which values regularize more.
        axis: the x-axis label of its figures.
        help: one line for ``--help`` and the docs.
        rule: the rule one grid value must satisfy (the key's, per value).
        path: whether its sweep also gives the regularization path and the feature selection.
    """

    name: str
    kind: str
    stronger: str
    axis: str
    help: str
    rule: Rule
    path: bool = False

    @classmethod
    def of(cls, key: Key) -> SweepParam:
        """The sweep parameter of a variant key declared with a :class:`~reglab.pieces.interface.Sweep`."""
        rule = base_rule(key.rule)
        kind = "hidden" if isinstance(rule, Sizes) else "int" if isinstance(rule, Interval) and rule.kind is int else "float"
        return cls(key.name, kind, key.sweep.stronger, key.sweep.axis, key.sweep.help, rule, key.sweep.path)

    @property
    def larger_is_stronger(self) -> bool:
        return self.stronger == "larger"

    def changes(self, value: Any, base: Variant) -> dict[str, Any]:
        """The variant keys one grid value sets on ``base``."""
        if self.kind == "hidden":
            sizes = (value,) * max(len(base.hidden), 1) if isinstance(value, int) else tuple(value)
            changes: dict[str, Any] = {"hidden": sizes}
            # per-layer settings of the base must match the new depth; a single value still applies to all
            for key in PER_LAYER_KEYS:
                if isinstance(getattr(base, key), tuple):
                    raise ReglabError(
                        f"Cannot sweep `hidden` with a base that sets `{key}` per layer ({key}="
                        f"{'/'.join(f'{v:g}' for v in getattr(base, key))}): give one {key} value for all layers."
                    )
            return changes
        return {self.name: value}

    def position(self, value: Any, base: Variant) -> float:
        """Where ``value`` sits on the x axis (a number; for ``hidden`` the total hidden units)."""
        if self.kind == "hidden":
            return float(sum(self.changes(value, base)["hidden"]))
        return float(value)

    def text(self, value: Any) -> str:
        """``value`` as written in labels and on the command line (``1e-03``, ``16x16``, ``5``)."""
        if self.kind == "hidden":
            return str(value) if isinstance(value, int) else "x".join(str(v) for v in value)
        if self.kind == "int":
            return str(int(value))
        return f"{value:.3g}"


PER_LAYER_KEYS = tuple(name for name, key in PARAMETERS.items() if isinstance(key.rule, PerLayer))
"""Keys that take one value per layer: a sweep of ``hidden`` needs a base with one value for all layers."""

SWEEP_PARAMS: dict[str, SweepParam] = {name: SweepParam.of(key) for name, key in PARAMETERS.items() if key.sweep is not None}
"""Every parameter :func:`reglab.sweeps.sweep` accepts, by name (in key-table order)."""

PATH_PARAMS = tuple(name for name, param in SWEEP_PARAMS.items() if param.path)
"""Parameters whose sweep also gives the regularization path and the feature selection."""


def get_param(name: str) -> SweepParam:
    """The :class:`SweepParam` called ``name``; a clear error naming the supported ones otherwise."""
    if not isinstance(name, str) or name not in SWEEP_PARAMS:
        hint = did_you_mean(str(name), SWEEP_PARAMS)
        raise ReglabError(
            f"Cannot sweep {name!r} (--param): expected one of {{{', '.join(SWEEP_PARAMS)}}}. "
            f"Received: {name!r}.{hint}"
        )
    return SWEEP_PARAMS[name]
