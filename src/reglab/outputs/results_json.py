"""``results.json``: every run's settings, seed, history and metrics, as plain JSON.

The schema (``"schema": "reglab.results/1"``; documented for users in ``docs/cli.md``)::

    {
      "schema": "reglab.results/1",
      "reglab_version": "0.1.0",
      "created": "2025-01-31T12:00:00+00:00",          # UTC, ISO 8601
      "dataset": {
        "name": "moons",                                # catalog name or CSV path
        "options": {"n_samples": 1000, "noise": 0.25, ...},   # load_dataset(name, **options) rebuilds it
        "task": "binary",                               # binary | multiclass | regression
        "description": "moons: binary task, 600 train / ...",
        "sizes": {"train": 600, "val": 200, "test": 200},
        "n_features": 2,
        "feature_names": ["x0", "x1"],
        "class_names": ["0", "1"]                       # null for regression
      },
      "seeds": [0, 1, 2],
      "epochs": 500,                                    # the --epochs override, or null
      "variants": [{"label": "baseline", "settings": {...}}, ...],   # in the order compared
      "runs": [
        {
          "label": "baseline",
          "settings": {"hidden": [64, 32], "l1": 0.0, ...},   # Variant.settings(): every resolved key
          "seed": 0,
          "history": {"train_loss": [...], "val_loss": [...], ...},  # one value per epoch trained
          "metrics": {"train_acc": 0.98, "val_loss": 0.41, ...}     # see reglab.run.Run
        }, ...
      ]
    }

Runs are ordered variant-major (all seeds of the first variant, then the
next).  Non-finite numbers (a diverged run's NaN loss) are written as
``null`` so the file is strict JSON.  Weights are not included: they live in
``runs.sqlite`` beside it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reglab.errors import ReglabError
from reglab.outputs.files import write_text
from reglab.version import reglab_version

if TYPE_CHECKING:
    from reglab.data import Dataset
    from reglab.run import Run

SCHEMA = "reglab.results/1"
FILE_NAME = "results.json"


def strict_json(value: Any) -> Any:
    """``value`` with every NaN or infinity replaced by ``None`` (JSON ``null``)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    return value


def dataset_section(dataset: Dataset) -> dict[str, Any]:
    """The ``"dataset"`` part of the document."""
    return {
        "name": dataset.name,
        "options": dict(dataset.options),
        "task": dataset.task,
        "description": dataset.describe(),
        "sizes": {"train": len(dataset.y_train), "val": len(dataset.y_val), "test": len(dataset.y_test)},
        "n_features": dataset.n_features,
        "feature_names": list(dataset.feature_names),
        "class_names": None if dataset.class_names is None else list(dataset.class_names),
    }


def results_document(
    dataset: Dataset, runs: Sequence[Run], *, seeds: Sequence[int], epochs: int | None, created: str
) -> dict[str, Any]:
    """The whole ``results.json`` document as a dict (see the module docstring)."""
    variants: dict[str, dict[str, Any]] = {}
    for run in runs:
        variants.setdefault(run.variant.label, run.variant.settings())
    return strict_json({
        "schema": SCHEMA,
        "reglab_version": reglab_version(),
        "created": created,
        "dataset": dataset_section(dataset),
        "seeds": [int(s) for s in seeds],
        "epochs": epochs,
        "variants": [{"label": label, "settings": settings} for label, settings in variants.items()],
        "runs": [
            {
                "label": run.variant.label,
                "settings": run.variant.settings(),
                "seed": int(run.seed),
                "history": run.history,
                "metrics": run.metrics,
            }
            for run in runs
        ],
    })


def write_results(path: str | Path, document: dict[str, Any]) -> Path:
    """Write ``document`` to ``path`` atomically (a temporary file, then a rename)."""
    return write_text(path, json.dumps(document, indent=1, allow_nan=False) + "\n")


def read_results(path: str | Path) -> dict[str, Any]:
    """Read a ``results.json`` file, checking its schema tag."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReglabError(f"Results file not found: '{path}'.") from None
    except ValueError as error:
        raise ReglabError(f"'{path}' is not valid JSON: {error}.") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        found = document.get("schema") if isinstance(document, dict) else type(document).__name__
        raise ReglabError(f"'{path}' is not a reglab results file: expected schema {SCHEMA!r}. Got {found!r} instead.")
    return document
