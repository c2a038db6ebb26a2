"""The ``sweep`` kind: one or two parameters over a grid → the validation curve, the one-SE choice, the L1 path.

    import reglab
    result = reglab.sweep("moons", "l2", "1e-5:1:log9", seeds=3, out_dir="sweep-out")
    print(result.choice_line())

Every grid point × seed is one run of the base variant with the swept values
set (:func:`reglab.sweeps.core.grid_variants`); all of them go to
:func:`reglab.train` together, so the batched engine trains the runs that
share an architecture in one loop.  With ``out_dir`` the runs are kept in the
same SQLite store as ``compare`` (``OUT/runs.sqlite``, keyed by data set +
settings + seed), so an interrupted sweep resumes without retraining them,
and a sweep reuses the runs a compare already made.  The store also records
what the sweep asked for (an experiment of kind ``"sweep"``), so
``reglab report OUT`` writes the report again through :data:`SWEEP`.
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any


from reglab import arguments
from reglab.data import Dataset, load_dataset
from reglab.errors import ReglabError, ReglabWarning
from reglab.experiments.kinds import Log, StoredExperiment, silent, stderr_log
from reglab.experiments.stored import train_all
from reglab.parallel import Compute
from reglab.store import ExperimentRecord, now
from reglab.sweeps.core import analyse, grid_variants, recorded_grid, recorded_variants
from reglab.sweeps.grid import parse_grid
from reglab.sweeps.params import SweepParam, get_param
from reglab.sweeps.report import format_table, write_outputs
from reglab.sweeps.result import SweepResult
from reglab.variant import PARAMETERS, Variant
from reglab.version import reglab_version


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
    log: Log | None = stderr_log,
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
    say = log or silent
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
    _warn_overridden(specs, base_variant)
    ordered, variants = grid_variants(specs, [parse_grid(grid, spec) for spec, grid in zip(specs, grids)], base_variant)
    seed_list = _seeds(seeds)

    record = ExperimentRecord(
        dataset=ds.name, options=dict(ds.options), variants=(), specs=(), seeds=tuple(seed_list), epochs=epochs,
        created=now(), reglab_version=reglab_version(), kind="sweep",
        params=tuple({"name": spec.name, "values": list(grid)} for spec, grid in zip(specs, ordered)),
        base=base_variant.to_dict(),
    )
    if isinstance(out_dir, str) and not out_dir.strip():
        raise ReglabError("Argument `out_dir` is empty: give the output directory, e.g. 'sweep-out', or None.")
    out = None if out_dir is None else Path(out_dir)
    runs, trained = train_all(ds, variants, seed_list, out, record, progress=progress, say=say, compute=compute)
    result = analyse(ds, tuple(specs), tuple(tuple(o) for o in ordered), base_variant, tuple(seed_list), runs)
    result.epochs, result.trained, result.reused = epochs, trained, len(runs) - trained
    return result if out is None else SWEEP.write(result, out)


class SweepKind:
    """The ``sweep`` kind of experiment (:class:`~reglab.experiments.kinds.ExperimentKind`)."""

    name = "sweep"
    noun = "sweep"
    result_type = SweepResult

    def variants(self, record: ExperimentRecord) -> list[Variant]:
        return recorded_variants(record)

    def from_stored(self, stored: StoredExperiment, say: Log) -> SweepResult:
        """The stored sweep again from its runs (point-major).

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
        specs, ordered, base = recorded_grid(record)
        result = analyse(stored.dataset, specs, ordered, base, tuple(record.seeds), stored.runs)
        result.epochs, result.reused = record.epochs, len(stored.runs)
        return result

    def write(self, result: SweepResult, out: Path) -> SweepResult:
        return write_outputs(result, out)

    def summary_lines(self, result: SweepResult) -> list[str]:
        """The table, the kept features (l1/prox), the report path and, last, the chosen value."""
        lines = [format_table(result)]
        selection = result.selection()
        if selection is not None:
            names = ", ".join(result.dataset.feature_names[i] for i in selection["kept"]) or "none"
            line = f"kept features at the choice: {names}"
            if "precision" in selection:
                line += (f" (precision {selection['precision'].format('.2f')}, recall "
                         f"{selection['recall'].format('.2f')} against the informative features)")
            lines.append(line)
        return [*lines, f"report: {result.report}", result.choice_line()]

    def pick(self, stored: StoredExperiment) -> tuple[str, str]:
        result = self.from_stored(stored, silent)
        return result.runs_of(result.chosen)[0].name, "the sweep's one-standard-error choice"


SWEEP = SweepKind()


# -- steps ---------------------------------------------------------------------------


def _base(base: str | Variant, epochs: int | None) -> Variant:
    variant = Variant.parse(base)
    if epochs is not None:
        variant = variant.replace(epochs=epochs, name=variant.name)
    return variant


def _warn_overridden(specs: list[SweepParam], base: Variant) -> None:
    """Say so when the base sets a key that the sweep sets at every grid point (the base's value is unused)."""
    for spec in specs:
        if spec.kind != "hidden" and getattr(base, spec.name) != PARAMETERS[spec.name].default:
            warnings.warn(
                f"the base sets {spec.name}={_short(getattr(base, spec.name))}, but the sweep sets {spec.name} at every grid "
                "point: the base's value is not used.",
                ReglabWarning, stacklevel=3,
            )


def _short(value: Any) -> str:
    if isinstance(value, tuple):
        return "/".join(_short(v) for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _seeds(seeds: int | Sequence[int]) -> list[int]:
    if isinstance(seeds, numbers.Integral) and not isinstance(seeds, bool):
        return arguments.seed_count("seeds", seeds)
    return arguments.seed_list(seeds)
