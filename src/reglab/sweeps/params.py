"""The parameters a sweep can vary, and which direction of each is "stronger".

=================  ===========================================  ==================
parameter          variant key it sets                          stronger means
=================  ===========================================  ==================
``l1``             ``l1`` (every weight matrix)                 larger
``l2``             ``l2`` (every weight matrix)                 larger
``prox``           ``prox`` (proximal L1, exact zeros)          larger
``weight_decay``   ``weight_decay`` (decoupled, AdamW)          larger
``dropout``        ``dropout`` (every hidden layer)             larger
``noise``          ``noise`` (Gaussian noise on the inputs)     larger
``max_norm``       ``max_norm`` (per-unit incoming norm)        **smaller**
``early_stopping`` ``early_stopping`` (patience in epochs)      **smaller**
``hidden``         ``hidden`` (layer sizes)                     **smaller**
=================  ===========================================  ==================

"Stronger" is the direction that restricts the model more: a smaller max-norm
ball, a shorter patience (training stops sooner), fewer hidden units.  The
one-standard-error choice and the figures (whose x axis always runs from weak
on the left to strong on the right) read this table.

``hidden`` takes a single width ``w`` or explicit sizes ``16x8``.  A single
width sets *every* hidden layer of the base network to ``w`` (so with the
default base of two layers, ``16`` means ``16x16``); it keeps the base's depth.
Its position on the axis is the total number of hidden units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reglab.errors import ReglabError, did_you_mean
from reglab.variant import Variant


@dataclass(frozen=True)
class SweepParam:
    """One sweepable parameter.

    Attributes:
        name: the name given to ``--param`` (also the variant key it sets).
        kind: ``"float"``, ``"int"`` or ``"hidden"`` (how grid values are read).
        stronger: ``"larger"`` or ``"smaller"``: which values regularize more.
        axis: the x-axis label of its figures.
        help: one line for ``--help`` and the docs.
    """

    name: str
    kind: str
    stronger: str
    axis: str
    help: str

    @property
    def larger_is_stronger(self) -> bool:
        return self.stronger == "larger"

    def changes(self, value: Any, base: Variant) -> dict[str, Any]:
        """The variant keys one grid value sets on ``base``."""
        if self.kind == "hidden":
            sizes = (value,) * max(len(base.hidden), 1) if isinstance(value, int) else tuple(value)
            changes: dict[str, Any] = {"hidden": sizes}
            # per-layer settings of the base must match the new depth; a single value still applies to all
            for key in ("l1", "l2", "dropout", "noise"):
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


SWEEP_PARAMS: dict[str, SweepParam] = {
    p.name: p
    for p in (
        SweepParam("l1", "float", "larger", "L1 strength λ", "L1 penalty on every weight matrix"),
        SweepParam("l2", "float", "larger", "L2 strength λ", "L2 penalty on every weight matrix"),
        SweepParam("prox", "float", "larger", "proximal L1 strength λ", "L1 by a proximal step (exact zeros)"),
        SweepParam("weight_decay", "float", "larger", "weight decay", "decoupled weight decay (AdamW semantics)"),
        SweepParam("dropout", "float", "larger", "dropout rate", "dropout rate after every hidden layer"),
        SweepParam("noise", "float", "larger", "input noise std", "std of Gaussian noise added to the inputs"),
        SweepParam("max_norm", "float", "smaller", "max norm per unit", "max norm of each unit's incoming weights"),
        SweepParam("early_stopping", "int", "smaller", "early-stopping patience (epochs)",
                   "patience of early stopping, in epochs"),
        SweepParam("hidden", "hidden", "smaller", "hidden units (total)",
                   "hidden width w (every layer of the base) or sizes such as 16x8"),
    )
}
"""Every parameter :func:`reglab.sweeps.sweep` accepts, by name."""

PATH_PARAMS = ("l1", "prox")
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
