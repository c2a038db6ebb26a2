"""reglab's data sets: synthetic 2-D problems, scikit-learn's bundled sets and CSV files.

    from reglab.data import load_dataset
    ds = load_dataset("moons", noise=0.3, train_size=0.1)
    ds.X_train, ds.y_train, ds.X_val, ds.y_val, ds.X_test, ds.y_test

See :class:`Dataset` for the conventions and :func:`dataset_catalog` for the names.
"""

from reglab.data.catalog import DatasetInfo, dataset_catalog, load_dataset
from reglab.data.dataset import Dataset

__all__ = ["Dataset", "DatasetInfo", "dataset_catalog", "load_dataset"]
