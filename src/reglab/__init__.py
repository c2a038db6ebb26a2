"""reglab: the regularization lab for neural networks.

    import reglab
    ds = reglab.load_dataset("moons", n_samples=1000, noise=0.25, seed=0)
    runs = reglab.train(ds, ["baseline", "l1=0.001", "dropout=0.3"], seeds=[0, 1, 2], epochs=500)
    runs[1].history["val_loss"], runs[1].metrics, runs[1].module()
    result = reglab.compare(ds, ["baseline", "l1=0.001"], out_dir="reglab-out")    # + report.html
    result = reglab.sweep(ds, "l2", "1e-5:1:log9", out_dir="sweep-out")

The names below load on first use (PEP 562), so ``import reglab.cli`` (and
``reglab --help``) does not import torch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reglab import _lazy
from reglab.version import reglab_version

if TYPE_CHECKING:
    from reglab.api import train
    from reglab.data import Dataset, dataset_catalog, load_dataset
    from reglab.errors import ReglabError
    from reglab.experiments.compare import compare
    from reglab.experiments.sweep import sweep
    from reglab.run import Run
    from reglab.variant import PARAMETERS, Variant

__version__ = reglab_version()

_PUBLIC = {
    "PARAMETERS": "reglab.variant", "Dataset": "reglab.data", "ReglabError": "reglab.errors", "Run": "reglab.run",
    "Variant": "reglab.variant", "compare": "reglab.experiments.compare", "dataset_catalog": "reglab.data",
    "load_dataset": "reglab.data", "sweep": "reglab.experiments.sweep", "train": "reglab.api",
}
"""Each public name and the module that defines it."""

__all__ = sorted(_PUBLIC)

__getattr__, __dir__ = _lazy.lazy_names(__name__, _PUBLIC)
