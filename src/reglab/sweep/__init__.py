"""`reglab sweep`: one or two parameters over a grid, the validation curve and the one-SE choice.

    from reglab.sweep import sweep
    result = sweep("moons", "l2", "1e-5:1:log9", seeds=3, out_dir="sweep-out")
    result.chosen_values          # {'l2': 0.01}: the one-standard-error choice
    result.points[0].stats["val_loss"].mean

* :mod:`reglab.sweep.params`: the sweepable parameters and which direction is stronger.
* :mod:`reglab.sweep.grid`: ``1e-5:1e-1:log9``, ``0:0.5:lin6``, ``1e-4,1e-3``.
* :mod:`reglab.sweep.choice`: best value, one-standard-error choice, over/underfitting regions.
* :mod:`reglab.sweep.selection`: L1 feature selection and its precision/recall.
* :mod:`reglab.sweep.core`: :func:`sweep` (training with the run store, resume).
* :mod:`reglab.sweep.figures`, :mod:`reglab.sweep.report`: the PNGs, ``report.html``, ``results.json``.

``reglab.sweep`` is this package AND can be called like :func:`sweep`
(``reglab.sweep(ds, "l2", "1e-5:1:log9")``), as issue 6 asks; its submodules
still import normally (``from reglab.sweep.grid import parse_grid``).

See ``docs/sweep.md``.
"""

import sys as _sys
import types as _types

from reglab.sweep.choice import Choice, choose_2d, one_standard_error, regions, standard_error
from reglab.sweep.core import analyse, sweep
from reglab.sweep.grid import parse_grid
from reglab.sweep.params import PATH_PARAMS, SWEEP_PARAMS, SweepParam, get_param
from reglab.sweep.result import GridPoint, PathData, SweepResult
from reglab.sweep.selection import SelectionScore, feature_norms, kept_features, score_selection

__all__ = [
    "PATH_PARAMS", "SWEEP_PARAMS", "Choice", "GridPoint", "PathData", "SelectionScore", "SweepParam", "SweepResult",
    "analyse", "choose_2d", "feature_norms", "get_param", "kept_features", "one_standard_error", "parse_grid",
    "regions", "score_selection", "standard_error", "sweep",
]


class _CallablePackage(_types.ModuleType):
    """Lets ``reglab.sweep(...)`` call :func:`sweep` while ``reglab.sweep`` stays a package."""

    def __call__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return sweep(*args, **kwargs)


_sys.modules[__name__].__class__ = _CallablePackage
