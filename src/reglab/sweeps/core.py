"""A sweep's grid as variants, and its runs reduced to the curve, the choice and the L1 path.

* :func:`grid_variants`: the grid, weak → strong, and one variant per grid point (the base with the values set).
* :func:`analyse`: the runs (point-major) → :class:`~reglab.sweeps.result.SweepResult`.
* :func:`recorded_grid`, :func:`recorded_variants`: the same from a stored
  :class:`~reglab.store.ExperimentRecord` of kind ``"sweep"``.

Training them (with the run store) is :func:`reglab.experiments.sweep.sweep`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from reglab.analysis import summarize
from reglab.data import Dataset
from reglab.errors import ReglabError
from reglab.run import Run
from reglab.store import ExperimentRecord
from reglab.sweeps.choice import Choice, choose_2d, one_standard_error, regions, standard_error
from reglab.sweeps.params import PATH_PARAMS, SweepParam, get_param
from reglab.sweeps.result import GridPoint, PathData, SweepResult
from reglab.sweeps.selection import feature_norms, first_layer, first_layer_zero_fraction, kept_features, score_selection
from reglab.variant import Variant


def grid_variants(
    params: Sequence[SweepParam], grids: Sequence[Sequence[Any]], base: Variant
) -> tuple[list[list[Any]], list[Variant]]:
    """Each grid ordered weak → strong, and the variant of every grid point (point-major, the first parameter outer).

    Raises:
        ReglabError: two values at one axis position, two points that print alike, or a value the base refuses.
    """
    ordered = [_ordered(spec, tuple(grid), base) for spec, grid in zip(params, grids)]
    variants = [_point_variant(list(params), combo, base) for combo in itertools.product(*ordered)]
    labels = [v.label for v in variants]
    if len(set(labels)) != len(labels):
        raise ReglabError("Two grid values print alike (same 4 significant digits); use values further apart.")
    return ordered, variants


def analyse(
    ds: Dataset,
    params: tuple[SweepParam, ...],
    values: tuple[tuple[Any, ...], ...],
    base: Variant,
    seeds: tuple[int, ...],
    runs: list[Run],
) -> SweepResult:
    """Reduce the runs (point-major, points weak → strong) to the curve, the choice and the path."""
    n = len(seeds)
    combos = list(itertools.product(*values))
    points = []
    for index, combo in enumerate(combos):
        group = runs[index * n : (index + 1) * n]
        stats = summarize(group)[0].stats
        points.append(GridPoint(index, tuple(combo), group[0].variant.label, group[0].variant, dict(stats),
                                standard_error([r.metrics["val_loss"] for r in group])))
    means = np.array([p.mean("val_loss") for p in points])
    errors = np.array([p.val_loss_se for p in points])
    try:
        if len(params) == 1:
            choice = one_standard_error(means, errors)
            strength = None
        else:
            shape = tuple(len(v) for v in values)
            b, c, threshold = choose_2d(means.reshape(shape), errors.reshape(shape))
            choice = Choice(best=b[0] * shape[1] + b[1], chosen=c[0] * shape[1] + c[1], threshold=threshold)
            strength = [i + j for i in range(shape[0]) for j in range(shape[1])]
    except ValueError as error:
        raise ReglabError(f"Cannot choose a value: {error}. Try a smaller learning rate or a narrower grid.") from None
    words = regions([p.mean("train_loss") for p in points], means, choice, strength)
    points = [GridPoint(p.index, p.values, p.label, p.variant, p.stats, p.val_loss_se, w) for p, w in zip(points, words)]
    result = SweepResult(ds, params, values, base, seeds, points, runs, choice.best, choice.chosen, choice.threshold)
    if len(params) == 1 and params[0].name in PATH_PARAMS:
        result.path = _path(ds, result)
    return result


def recorded_grid(record: ExperimentRecord) -> tuple[tuple[SweepParam, ...], tuple[tuple[Any, ...], ...], Variant]:
    """The parameters, their grids (weak → strong) and the base of a recorded sweep."""
    specs = tuple(get_param(p["name"]) for p in record.params)
    ordered = tuple(tuple(tuple(v) if isinstance(v, list) else v for v in p["values"]) for p in record.params)
    return specs, ordered, Variant.from_dict(record.base or {})


def recorded_variants(record: ExperimentRecord) -> list[Variant]:
    """The variant of every grid point of a recorded sweep, point-major."""
    specs, ordered, base = recorded_grid(record)
    return [_point_variant(list(specs), combo, base) for combo in itertools.product(*ordered)]


# -- steps ---------------------------------------------------------------------------


def _ordered(spec: SweepParam, grid: tuple[Any, ...], base: Variant) -> list[Any]:
    """The grid from weak to strong; refuses two values at one axis position (``16x8`` and ``8x16``)."""
    if spec.kind == "hidden":  # a single width means every hidden layer of the base: show it as 16x16
        grid = tuple(spec.changes(v, base)["hidden"] for v in grid)
    positions = [spec.position(v, base) for v in grid]
    if len(set(positions)) != len(positions):
        raise ReglabError(
            f"Invalid grid for --param {spec.name}: two values have the same total of hidden units "
            f"({', '.join(spec.text(v) for v in grid)}); give sizes with different totals."
        )
    ranked = sorted(zip(positions, grid), key=lambda pair: pair[0], reverse=not spec.larger_is_stronger)
    return [value for _, value in ranked]


def _point_variant(specs: list[SweepParam], combo: tuple[Any, ...], base: Variant) -> Variant:
    changes: dict[str, Any] = {}
    for spec, value in zip(specs, combo):
        changes.update(spec.changes(value, base))
    label = ",".join(f"{spec.name}={spec.text(value)}" for spec, value in zip(specs, combo))
    try:
        return base.replace(name=label, **changes)
    except ReglabError as error:
        raise ReglabError(f"Grid point {label}: {error}") from None


def _path(ds: Dataset, result: SweepResult) -> PathData:
    """First-layer weights, feature norms, zeros and kept features per point and seed."""
    informative = ds.informative_features
    weights, norms, zeros, kept, scores = [], [], [], [], []
    for point in result.points:
        group = result.runs_of(point.index)
        matrices = [first_layer(run) for run in group]
        weights.append(matrices[0])
        point_norms = [feature_norms(m) for m in matrices]
        norms.append(point_norms)
        zeros.append([first_layer_zero_fraction(run) for run in group])
        point_kept = [kept_features(n) for n in point_norms]
        kept.append(point_kept)
        if informative is not None:
            scores.append([score_selection(k, informative) for k in point_kept])
    return PathData(
        weights=np.array(weights), norms=np.array(norms), zero_fraction=np.array(zeros), kept=kept,
        scores=scores if informative is not None else None,
    )
