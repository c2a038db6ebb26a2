"""`sweep`: train one or two parameters over a grid, read the validation curve, write the report.

    from reglab.sweeps import sweep
    result = sweep("moons", "l2", "1e-5:1:log9", seeds=3, out_dir="sweep-out")
    print(result.choice_line())

Every grid point × seed is one run of the base variant with the swept values
set; all of them go to :func:`reglab.train` together, so the batched engine
trains the runs that share an architecture in one loop.  With ``out_dir`` the
runs are kept in the same SQLite store as ``compare`` (``OUT/runs.sqlite``,
keyed by data set + settings + seed), so an interrupted sweep resumes without
retraining them, and a sweep reuses the runs a compare already made.  The
store also records what the sweep asked for (an experiment of kind
``"sweep"``), so ``reglab report OUT`` (:func:`sweep_from_runs`) writes the
report again from the stored runs without training.
"""

from __future__ import annotations

import itertools
import numbers
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from reglab import arguments
from reglab.analysis import summarize
from reglab.api import train
from reglab.data import Dataset, load_dataset
from reglab.errors import ReglabError
from reglab.experiment import StoredExperiment, train_stored
from reglab.parallel import Compute
from reglab.run import Run
from reglab.results_file import reglab_version
from reglab.store import ExperimentRecord, now
from reglab.sweeps.choice import Choice, choose_2d, one_standard_error, regions, standard_error
from reglab.sweeps.grid import parse_grid
from reglab.sweeps.params import PATH_PARAMS, SweepParam, get_param
from reglab.sweeps.result import GridPoint, PathData, SweepResult
from reglab.sweeps.selection import feature_norms, first_layer, first_layer_zero_fraction, kept_features, score_selection
from reglab.variant import Variant

Log = Callable[[str], None]


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def sweep(
    dataset: Dataset | str,
    param: str,
    values: str | Sequence[Any],
    *,
    base: str | Variant = "baseline",
    seeds: int | Sequence[int] = 3,
    param2: str | None = None,
    values2: str | Sequence[Any] | None = None,
    epochs: int | None = None,
    out_dir: str | Path | None = None,
    progress: bool = True,
    log: Log | None = _stderr,
    compute: Compute = Compute(),
) -> SweepResult:
    """Train ``base`` with ``param`` (and ``param2``) over a grid; return the curve, the choice, the path.

    Args:
        dataset: a :class:`~reglab.data.Dataset` or a catalog name / CSV path.
        param: one of :data:`~reglab.sweeps.params.SWEEP_PARAMS` (l1, l2, prox,
            weight_decay, dropout, noise, max_norm, early_stopping, hidden).
        values: its grid: ``"1e-5:1e-1:log9"``, ``"0:0.5:lin6"``, ``"1e-4,1e-3"`` or a list.
        base: the variant every other setting comes from (spec or :class:`Variant`).
        seeds: a number N (seeds 0..N-1) or the seeds themselves.
        param2, values2: a second parameter and its grid, for a 2-D sweep.
        epochs: overrides the base's ``epochs`` when given.
        out_dir: when given, runs are stored in ``out_dir/runs.sqlite`` (and
            reused from there), and the report, ``results.json`` and the PNG
            figures are written there.
        progress: show the training progress bar.
        log: where status lines go (``"resuming: ..."``); ``None`` for silence.
        compute: worker processes and models per group (:class:`reglab.parallel.Compute`).

    Returns:
        A :class:`SweepResult`; ``result.chosen_values`` is the one-SE choice.

    Raises:
        ReglabError: an unknown parameter, a bad grid or base, a value the
            parameter does not accept (checked for every grid point before
            any training), or an unusable ``out_dir``.
        CompareInterrupted: on Ctrl-C, after the finished runs are stored.
    """
    say = log or (lambda _: None)
    ds = load_dataset(dataset) if isinstance(dataset, str) else dataset
    base_variant = _base(base, epochs)
    specs = [get_param(param)]
    grids = [values]
    if param2 is not None or values2 is not None:
        if param2 is None or values2 is None:
            raise ReglabError("A 2-D sweep needs both `param2` and `values2`; give the second parameter and its grid.")
        if param2 == param:
            raise ReglabError(f"Arguments `param` and `param2` are both {param!r}: sweep two different parameters.")
        specs.append(get_param(param2))
        grids.append(values2)
    ordered = [_ordered(spec, parse_grid(grid, spec), base_variant) for spec, grid in zip(specs, grids)]
    seed_list = _seeds(seeds)
    combos = list(itertools.product(*ordered))
    variants = [_point_variant(specs, combo, base_variant) for combo in combos]
    labels = [v.label for v in variants]
    if len(set(labels)) != len(labels):
        raise ReglabError("Two grid values print alike (same 4 significant digits); use values further apart.")

    record = ExperimentRecord(
        dataset=ds.name, options=dict(ds.options), variants=(), specs=(), seeds=tuple(seed_list), epochs=epochs,
        created=now(), reglab_version=reglab_version(), kind="sweep",
        params=tuple({"name": spec.name, "values": list(grid)} for spec, grid in zip(specs, ordered)),
        base=base_variant.to_dict(),
    )
    runs, trained = _train_all(ds, variants, seed_list, out_dir, progress, say, record, compute)
    result = analyse(ds, tuple(specs), tuple(tuple(o) for o in ordered), base_variant, tuple(seed_list), runs)
    result.epochs, result.trained, result.reused = epochs, trained, len(runs) - trained
    if out_dir is not None:
        from reglab.sweeps.report import write_outputs

        write_outputs(result, Path(out_dir))
    return result


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


def _recorded_grid(record: ExperimentRecord) -> tuple[tuple[SweepParam, ...], tuple[tuple[Any, ...], ...], Variant]:
    """The parameters, their grids (weak → strong) and the base of a recorded sweep."""
    specs = tuple(get_param(p["name"]) for p in record.params)
    ordered = tuple(tuple(tuple(v) if isinstance(v, list) else v for v in p["values"]) for p in record.params)
    return specs, ordered, Variant.from_dict(record.base or {})


def recorded_variants(record: ExperimentRecord) -> list[Variant]:
    """The variant of every grid point of a recorded sweep, point-major."""
    specs, ordered, base = _recorded_grid(record)
    return [_point_variant(list(specs), combo, base) for combo in itertools.product(*ordered)]


def sweep_from_runs(stored: StoredExperiment) -> SweepResult:
    """A stored sweep again from its runs (point-major), without training or writing.

    Raises:
        ReglabError: a run of the grid is missing (an interrupted sweep).
    """
    if stored.missing:
        total = len(stored.runs) + len(stored.missing)
        raise ReglabError(
            f"The run store in '{stored.out_dir}' holds {len(stored.runs)} of the {total} runs of its last sweep "
            "(interrupted?). Run the same `reglab sweep` command again: it trains only the missing ones."
        )
    record = stored.record
    specs, ordered, base = _recorded_grid(record)
    result = analyse(stored.dataset, specs, ordered, base, tuple(record.seeds), stored.runs)
    result.epochs, result.reused = record.epochs, len(stored.runs)
    return result


# -- steps ---------------------------------------------------------------------------


def _base(base: str | Variant, epochs: int | None) -> Variant:
    variant = Variant.parse(base)
    if epochs is not None:
        variant = variant.replace(epochs=epochs, name=variant.name)
    return variant


def _seeds(seeds: int | Sequence[int]) -> list[int]:
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        return arguments.seed_count("seeds", seeds)
    return arguments.seed_list(seeds)


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


def _train_all(
    ds: Dataset, variants: list[Variant], seeds: list[int], out_dir: str | Path | None, progress: bool, say: Log,
    record: ExperimentRecord,
    compute: Compute,
) -> tuple[list[Run], int]:
    """Every variant × seed (point-major), from the store when it has them; returns the runs and how many were trained.

    ``record`` goes into the store with the first stored run (at once when some are there already), as ``compare`` does.
    """
    if out_dir is None:
        with compute.workers() as executor:
            runs = train(ds, variants, seeds, progress=progress, executor=executor, max_models=compute.max_models)
        return runs, len(runs)
    return train_stored(ds, variants, seeds, Path(out_dir), record, progress=progress, say=say, compute=compute)


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
