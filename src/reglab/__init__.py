"""reglab: the regularization lab for neural networks.

    import reglab
    ds = reglab.load_dataset("moons", n_samples=1000, noise=0.25, seed=0)
    runs = reglab.train(ds, ["baseline", "l1=0.001", "dropout=0.3"], seeds=[0, 1, 2], epochs=500)
    runs[1].history["val_loss"], runs[1].metrics, runs[1].module()
"""

from importlib.metadata import version as _version

from reglab.api import train
from reglab.data import Dataset, dataset_catalog, load_dataset
from reglab.errors import ReglabError
from reglab.run import Run
from reglab.sweeps import sweep
from reglab.tune import tune
from reglab.variant import PARAMETERS, Variant

__version__ = _version("reglab")

__all__ = ["PARAMETERS", "Dataset", "ReglabError", "Run", "Variant", "dataset_catalog", "load_dataset", "sweep", "train", "tune"]
