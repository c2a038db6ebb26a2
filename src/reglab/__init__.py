"""reglab: the regularization lab for neural networks.

    import reglab
    ds = reglab.load_dataset("moons", n_samples=1000, noise=0.25, seed=0)
    runs = reglab.train(ds, ["baseline", "l1=0.001", "dropout=0.3"], seeds=[0, 1, 2], epochs=500)
    runs[1].history["val_loss"], runs[1].metrics, runs[1].module()

The public names are imported when first used (PEP 562), so ``import
reglab`` (and ``reglab --help``) does not load torch until something needs it.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

_PUBLIC = {
    "PARAMETERS": "reglab.variant", "Variant": "reglab.variant", "Dataset": "reglab.data",
    "dataset_catalog": "reglab.data", "load_dataset": "reglab.data", "ReglabError": "reglab.errors",
    "Run": "reglab.run", "sweep": "reglab.sweeps", "train": "reglab.api",
}
__all__ = sorted(_PUBLIC)

if TYPE_CHECKING:
    from reglab.api import train
    from reglab.data import Dataset, dataset_catalog, load_dataset
    from reglab.errors import ReglabError
    from reglab.run import Run
    from reglab.sweeps import sweep
    from reglab.variant import PARAMETERS, Variant


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import version

        value = version("reglab")
    elif name in _PUBLIC:
        value = getattr(import_module(_PUBLIC[name]), name)
    else:
        raise AttributeError(f"module 'reglab' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC, "__version__"])
