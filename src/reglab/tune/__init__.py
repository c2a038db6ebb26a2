"""`reglab tune`: several parameters at once with Optuna, a whole batch of trials trained as one batched computation.

    import reglab
    result = reglab.tune("breast_cancer", ["l1=1e-6:1e-1:log", "dropout=0:0.6"], trials=64, batch=32)
    result.study            # the Optuna study
    result.best_runs        # the best trial's runs, one per seed

* :mod:`reglab.tune.space`: ``l1=1e-6:1e-1:log``, ``dropout=0:0.6``, sweep grids and lists -> Optuna distributions.
* :mod:`reglab.tune.study`: storage (SQLite in --out, or any database URL), sampler, pruner, the shared budget, resuming.
* :mod:`reglab.tune.pruning`: the pruner inside a batched group (a callback of :func:`reglab.train`).
* :mod:`reglab.tune.core`: :func:`tune`, the ask-train-tell loop; :mod:`reglab.tune.cluster`: ``--cluster`` (Dask).
* :mod:`reglab.tune.result`, :mod:`reglab.tune.figures`, :mod:`reglab.tune.report`: best trial, one-SE set, outputs.
* :mod:`reglab.tune.stored`: a tune read back from its output directory (``reglab report``, ``reglab export``).

Optuna is an optional dependency: ``pip install 'reglab[tune]'`` (Dask for ``--cluster``: ``reglab[dask]``).
See ``docs/tune.md``.
"""

from __future__ import annotations

import sys
import types
from typing import Any

from reglab import _lazy

_PUBLIC = {"SearchSpace": "reglab.tune.space", "parse_space": "reglab.tune.space", "TuneResult": "reglab.tune.result",
           "TuneInterrupted": "reglab.tune.core"}


def tune(dataset: Any, space: Any, **options: Any) -> Any:
    """Search ``space`` on ``dataset`` with Optuna, a batch of trials at a time: :func:`reglab.tune.core.tune`.

    ``reglab.tune(ds, ["l1=1e-6:1e-1:log", "dropout=0:0.6"], trials=64, batch=32, seeds=3, out_dir="tune-out")``
    returns a :class:`~reglab.tune.result.TuneResult` (``.study``, ``.best_runs``).  Optuna is imported
    only here, so ``import reglab`` works without the ``tune`` extra.
    """
    from reglab.errors import ReglabError

    try:
        from reglab.tune.core import tune as run
    except ImportError as error:
        raise ReglabError(f"reglab tune needs Optuna: pip install 'reglab[tune]' ({error}).") from None
    return run(dataset, space, **options)


__getattr__, __dir__ = _lazy.lazy_names(__name__, _PUBLIC)
__all__ = sorted([*_PUBLIC, "tune"])


class _CallablePackage(types.ModuleType):
    """``reglab.tune`` names both this package and the function: importing a submodule binds the package there,
    so calling the package calls :func:`tune`."""

    def __call__(self, dataset: Any, space: Any, **options: Any) -> Any:
        return tune(dataset, space, **options)


sys.modules[__name__].__class__ = _CallablePackage
