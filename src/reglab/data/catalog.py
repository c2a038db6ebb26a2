"""The registry of named data sets, :func:`load_dataset` and :func:`dataset_catalog`.

Every data set's options are declared once (its own table plus
:data:`reglab.data._split.SPLIT_OPTIONS`) and checked here, in one place,
before anything is generated.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any

from reglab import budget
from reglab.data import bundled, synthetic
from reglab.data._options import Option, resolve_options
from reglab.data._source import RawData, Source
from reglab.data._split import SPLIT_OPTIONS
from reglab.data.csv_file import CSV_OPTIONS, is_csv_path, read_csv
from reglab.data.dataset import Dataset
from reglab.errors import ReglabError, did_you_mean

REGISTRY: dict[str, Source] = {s.name: s for s in (*synthetic.SOURCES, *bundled.SOURCES)}


@dataclass(frozen=True)
class DatasetInfo:
    """One row of the catalog.

    ``task`` is the task with default options (``blobs`` with ``centers=2`` is
    binary, ``classification`` with ``n_classes=3`` multiclass).  ``options``
    maps every option name to its default; ``option_help`` to the accepted
    values and meaning, e.g. ``"a float in [0, inf): std of Gaussian noise"``.
    """

    name: str
    description: str
    task: str
    options: dict[str, Any]
    option_help: dict[str, str]


def _table(source: Source) -> tuple[Option, ...]:
    return (*source.options, *SPLIT_OPTIONS)


def dataset_catalog() -> list[DatasetInfo]:
    """Every named data set, in a stable order (synthetic first, then scikit-learn's)."""
    return [
        DatasetInfo(
            name=s.name, description=s.description, task=s.task,
            options={o.name: o.default for o in _table(s)},
            option_help={o.name: f"{o.expected()}: {o.doc}" for o in _table(s)},
        )
        for s in REGISTRY.values()
    ]


def load_dataset(name_or_path: str | os.PathLike, **options: Any) -> Dataset:
    """Build a :class:`Dataset` by name (see :func:`dataset_catalog`) or from a CSV file.

    A name ending in ``.csv`` (or naming an existing file) is read as CSV; it
    takes ``target`` (default: the last column), ``delimiter``, ``encoding``
    and ``decimal`` (detected by default: see :mod:`reglab.data.csv_file`).
    Every data set also takes the split options ``train_size=0.6,
    val_size=0.2, test_size=0.2, label_noise=0.0, standardize=True,
    task=None, seed=0``; ``seed`` also drives the generation.

    ``ds.options`` holds every resolved option, so
    ``load_dataset(ds.name, **ds.options)`` rebuilds identical arrays.
    """
    if not isinstance(name_or_path, (str, os.PathLike)):
        raise ReglabError(f"name_or_path must be a data set name or a CSV path. Got {name_or_path!r} instead.")
    if name_or_path in REGISTRY:
        source = REGISTRY[name_or_path]
        name, who, table = source.name, source.name, _table(source)
        build = source.build
    elif is_csv_path(name_or_path):
        name, who, table = str(name_or_path), f"CSV file '{name_or_path}'", (*CSV_OPTIONS, *SPLIT_OPTIONS)

        def build(o: dict[str, Any]) -> RawData:
            return read_csv(name, o["target"], o["delimiter"], o["encoding"], o["decimal"])
    else:
        raise ReglabError(
            f"Unknown data set {name_or_path!r}.{did_you_mean(str(name_or_path), REGISTRY)} "
            f"Known data sets: {', '.join(REGISTRY)}; or give a path to a .csv file."
        )
    resolved = resolve_options(table, options, who=who)
    split_options = {o.name: resolved[o.name] for o in SPLIT_OPTIONS}
    if name in REGISTRY:
        budget.check_rows(resolved.get("n_samples", 0), resolved.get("n_features", 2), name)
        if split_options["task"] is None and REGISTRY[name].task == "regression":
            split_options["task"] = "regression"  # a known regression target (diabetes: integers) is not guessed at
    raw = build(resolved)
    if raw.target_name is not None:
        resolved["target"] = raw.target_name  # None (last column) resolved, for an exact rebuild
    resolved.update(raw.source_options or {})
    ds = Dataset.from_arrays(
        raw.X, raw.y, name=name,
        **split_options,
        feature_names=raw.feature_names, class_names=raw.class_names,
        informative_features=raw.informative_features, redundant_features=raw.redundant_features,
        image_shape=raw.image_shape,
    )
    return replace(ds, options={**resolved, "task": ds.task})

