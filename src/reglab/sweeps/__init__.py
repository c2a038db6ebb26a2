"""`reglab sweep`: one or two parameters over a grid, the validation curve and the one-SE choice.

    import reglab
    result = reglab.sweep("moons", "l2", "1e-5:1:log9", seeds=3, out_dir="sweep-out")
    result.chosen_values          # {'l2': 0.01}: the one-standard-error choice
    result.points[0].stats["val_loss"].mean

* :mod:`reglab.sweeps.params`: the sweepable parameters and which direction is stronger.
* :mod:`reglab.sweeps.grid`: ``1e-5:1e-1:log9``, ``0:0.5:lin6``, ``1e-4,1e-3``.
* :mod:`reglab.sweeps.choice`: best value, one-standard-error choice, over/underfitting regions.
* :mod:`reglab.sweeps.selection`: L1 feature selection and its precision/recall.
* :mod:`reglab.sweeps.core`: the grid's variants, and the runs reduced to a :class:`SweepResult` (:func:`analyse`).
* :mod:`reglab.sweeps.figures`, :mod:`reglab.sweeps.report`: the PNGs, ``report.html``, ``results.json``.

Training a sweep (with the run store, resume) is :func:`reglab.sweep`, the
``sweep`` kind of experiment (:mod:`reglab.experiments.sweep`).

See ``docs/sweep.md``.
"""

from typing import TYPE_CHECKING

from reglab import _lazy

if TYPE_CHECKING:
    from reglab.sweeps.choice import Choice, choose_2d, one_standard_error, regions, standard_error
    from reglab.sweeps.core import analyse
    from reglab.sweeps.grid import parse_grid
    from reglab.sweeps.params import PATH_PARAMS, SWEEP_PARAMS, SweepParam, get_param
    from reglab.sweeps.result import GridPoint, PathData, SweepResult
    from reglab.sweeps.selection import SelectionScore, feature_norms, kept_features, score_selection

_PUBLIC = {
    **dict.fromkeys(("Choice", "choose_2d", "one_standard_error", "regions", "standard_error"), "reglab.sweeps.choice"),
    "analyse": "reglab.sweeps.core", "parse_grid": "reglab.sweeps.grid",
    **dict.fromkeys(("PATH_PARAMS", "SWEEP_PARAMS", "SweepParam", "get_param"), "reglab.sweeps.params"),
    **dict.fromkeys(("GridPoint", "PathData", "SweepResult"), "reglab.sweeps.result"),
    **dict.fromkeys(("SelectionScore", "feature_norms", "kept_features", "score_selection"), "reglab.sweeps.selection"),
}
"""Each public name and the module that defines it; they load on first use, so ``reglab.sweeps.params`` is cheap."""

__all__ = sorted(_PUBLIC)
__getattr__, __dir__ = _lazy.lazy_names(__name__, _PUBLIC)
