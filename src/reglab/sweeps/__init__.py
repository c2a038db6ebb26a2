"""`reglab sweep`: one or two parameters over a grid, the validation curve and the one-SE choice.

    from reglab.sweeps import sweep
    result = sweep("moons", "l2", "1e-5:1:log9", seeds=3, out_dir="sweep-out")
    result.chosen_values          # {'l2': 0.01}: the one-standard-error choice
    result.points[0].stats["val_loss"].mean

* :mod:`reglab.sweeps.params`: the sweepable parameters and which direction is stronger.
* :mod:`reglab.sweeps.grid`: ``1e-5:1e-1:log9``, ``0:0.5:lin6``, ``1e-4,1e-3``.
* :mod:`reglab.sweeps.choice`: best value, one-standard-error choice, over/underfitting regions.
* :mod:`reglab.sweeps.selection`: L1 feature selection and its precision/recall.
* :mod:`reglab.sweeps.core`: :func:`sweep` (training with the run store, resume).
* :mod:`reglab.sweeps.figures`, :mod:`reglab.sweeps.report`: the PNGs, ``report.html``, ``results.json``.

:func:`sweep` is also ``reglab.sweep``: ``reglab.sweep(ds, "l2", "1e-5:1:log9")``.

See ``docs/sweep.md``.
"""

from reglab.sweeps.choice import Choice, choose_2d, one_standard_error, regions, standard_error
from reglab.sweeps.core import analyse, sweep
from reglab.sweeps.grid import parse_grid
from reglab.sweeps.params import PATH_PARAMS, SWEEP_PARAMS, SweepParam, get_param
from reglab.sweeps.result import GridPoint, PathData, SweepResult
from reglab.sweeps.selection import SelectionScore, feature_norms, kept_features, score_selection

__all__ = [
    "PATH_PARAMS", "SWEEP_PARAMS", "Choice", "GridPoint", "PathData", "SelectionScore", "SweepParam", "SweepResult",
    "analyse", "choose_2d", "feature_norms", "get_param", "kept_features", "one_standard_error", "parse_grid",
    "regions", "score_selection", "standard_error", "sweep",
]

