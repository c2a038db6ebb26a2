"""reglab: the regularization lab for neural networks.

    import reglab
    ds = reglab.load_dataset("moons", n_samples=1000, noise=0.25, seed=0)
    runs = reglab.train(ds, ["baseline", "l1=0.001", "dropout=0.3"], seeds=[0, 1, 2], epochs=500)
    runs[1].history["val_loss"], runs[1].metrics, runs[1].module()
    result = reglab.compare(ds, ["baseline", "l1=0.001"], out_dir="reglab-out")    # + report.html
    result = reglab.sweep(ds, "l2", "1e-5:1:log9", out_dir="sweep-out")
    lessons = reglab.run_lessons(["l1-sparsity"], out_dir="lessons-out")            # the seed notes' claims

The names below (``__version__`` too) load on first use (PEP 562), so
``import reglab`` imports nothing else: ``reglab --help`` loads no torch, and
the console script's Ctrl-C handling is in place a few milliseconds after
Python starts.
"""

from __future__ import annotations

from reglab import _lazy

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (17 ms of a start-up)

if TYPE_CHECKING:
    from reglab.api import train
    from reglab.data import Dataset, dataset_catalog, load_dataset
    from reglab.errors import ReglabError
    from reglab.experiments.compare import compare
    from reglab.experiments.lessons import run_lessons
    from reglab.experiments.sweep import sweep
    from reglab.tune import tune
    from reglab.run import Run
    from reglab.variant import PARAMETERS, Variant

_PUBLIC = {
    "PARAMETERS": "reglab.variant", "Dataset": "reglab.data", "ReglabError": "reglab.errors", "Run": "reglab.run",
    "Variant": "reglab.variant", "compare": "reglab.experiments.compare", "dataset_catalog": "reglab.data",
    "load_dataset": "reglab.data", "run_lessons": "reglab.experiments.lessons", "sweep": "reglab.experiments.sweep",
    "train": "reglab.api", "tune": "reglab.tune", "__version__": "reglab.version",
}
"""Each public name and the module that defines it."""

__all__ = sorted(name for name in _PUBLIC if not name.startswith("_"))

__getattr__, __dir__ = _lazy.lazy_names(__name__, _PUBLIC)
