"""A trained run as one file of plain PyTorch that takes raw feature columns.

:meth:`reglab.Run.module` expects inputs standardized like the training split.
:func:`raw_input_module` puts that standardization (and, for regression, its
inverse on the output) into the module itself, so it applies to data as it
comes:

    Sequential(standardize, <run.module()>, [unstandardize])

* ``standardize`` is a ``Linear(d, d)`` with weight ``diag(1 / feature_std)``
  and bias ``-feature_mean / feature_std``: ``x -> (x - feature_mean) / feature_std``,
  the statistics of the training split;
* ``unstandardize`` (regression only) is a ``Linear(1, 1)``:
  ``y -> y * target_std + target_mean``, back to the target's own units.

The output is then the probability of class 1 (binary, ``[N, 1]``), the class
probabilities (multiclass, ``[N, C]``) or the value (regression, ``[N, 1]``).
:func:`save_model` writes the whole module with ``torch.save``;
``torch.load(path, weights_only=False)`` gives it back with torch alone (an
ensemble's ``EnsembleMean`` needs reglab installed to load).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch import nn

from reglab.errors import ReglabError, ReglabWarning

if TYPE_CHECKING:
    from reglab.data import Dataset
    from reglab.run import Run


def raw_input_module(run: Run, dataset: Dataset) -> nn.Sequential:
    """``run``'s module with the data set's standardization built in (see the module docstring); in eval mode."""
    mean = torch.as_tensor(dataset.feature_mean, dtype=torch.float32).reshape(-1)
    std = torch.as_tensor(dataset.feature_std, dtype=torch.float32).reshape(-1)
    standardize = nn.Linear(len(mean), len(mean))
    with torch.no_grad():
        standardize.weight.copy_(torch.diag(1.0 / std))
        standardize.bias.copy_(-mean / std)
    layers: list[nn.Module] = [standardize, run.module()]
    if dataset.task == "regression":
        unstandardize = nn.Linear(1, 1)
        with torch.no_grad():
            unstandardize.weight.fill_(float(dataset.target_std))
            unstandardize.bias.fill_(float(dataset.target_mean))
        layers.append(unstandardize)
    return nn.Sequential(*layers).eval()


def save_model(run: Run, dataset: Dataset, path: str | Path) -> Path:
    """Write :func:`raw_input_module` of ``run`` to ``path`` (``torch.save``); return the path.

    A run that diverged (or whose weights are not all finite) is still
    written, with a :class:`~reglab.errors.ReglabWarning`.

    Raises:
        ReglabError: ``path`` is empty, a directory, or cannot be written.
    """
    if str(path) == "":
        raise ReglabError("The model file path is empty: give a file name such as model.pt.")
    path = Path(path)
    if path.is_dir():
        raise ReglabError(f"Cannot write the model file '{path}': it is a directory. Give a file name, e.g. {path / 'model.pt'}.")
    module = raw_input_module(run, dataset)
    finite = all(torch.isfinite(tensor).all() for tensor in module.state_dict().values())
    if not finite or run.metrics.get("diverged"):
        what = "its weights hold NaN or infinite values" if not finite else "its loss became NaN or infinite"
        warnings.warn(
            f"exporting {run.name}, seed {run.seed}, which diverged ({what}): its predictions are not to be trusted. "
            "Export another variant (--variant) or seed (--seed).",
            ReglabWarning, stacklevel=2,
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            torch.save(module, file)
    except OSError as error:
        raise ReglabError(f"Cannot write the model file '{path}': {error.strerror or error}.") from None
    return path
