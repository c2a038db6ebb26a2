"""The compare pipeline: data set → variants → store-aware training → analysis → figures → report.

    from reglab.experiment import compare, rebuild_report
    result = compare("moons", ["baseline", "l1=1e-3"], seeds=[0, 1, 2], out_dir="reglab-out")
    print(result.table)
    rebuild_report("reglab-out")          # the same report again, without training

Every finished run is written to ``OUT/runs.sqlite`` the moment training hands
it over, so an interrupted compare keeps it, and the same call again trains
only the missing (variant, seed) pairs.  ``OUT`` then holds ``report.html``,
``results.json`` and the figures as PNG files (see ``docs/cli.md``).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reglab import arguments
from reglab.api import train
from reglab.data import Dataset, load_dataset
from reglab.errors import ReglabError
from reglab.parallel import Compute
from reglab.results_file import reglab_version, results_document, write_results
from reglab.run import Run
from reglab.store import ExperimentRecord, RunStore, data_fingerprint, now
from reglab.variant import Variant, parse_variants

if TYPE_CHECKING:
    from reglab.sweeps.result import SweepResult

Log = Callable[[str], None]

REPORT_FILE = "report.html"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class CompareInterrupted(KeyboardInterrupt):
    """Ctrl-C during :func:`compare`: ``kept`` runs of this comparison are safe in ``out_dir``."""

    def __init__(self, kept: int, total: int, out_dir: Path, saved_epochs: Sequence[int] = ()) -> None:
        super().__init__(f"interrupted: {kept} of {total} runs kept in {out_dir}")
        self.kept, self.total, self.out_dir, self.saved_epochs = kept, total, out_dir, list(saved_epochs)

    @property
    def message(self) -> str:
        """What the command line says: what was kept and how to go on."""
        text = f"interrupted: {self.kept} of {self.total} runs kept in {self.out_dir}"
        if self.saved_epochs:
            epochs = ", ".join(str(epoch) for epoch in self.saved_epochs)
            text += f" (unfinished runs saved at epoch {epochs})"
        return text + "; run the same command to resume"


@dataclass
class CompareResult:
    """Everything a compare produced.

    Attributes:
        out_dir: the output directory.
        dataset: the data set compared on.
        runs: one run per variant × seed, variant-major.
        summaries: ``reglab.analysis.summarize(runs)``.
        verdicts: ``reglab.analysis.diagnose_all(runs)``, one per variant.
        recommendation: ``reglab.analysis.recommend(summaries)``: the variant to pick, or ``None``.
        table: ``reglab.analysis.format_table(...)``, the text table.
        figures: the PNG files written (``reglab.figures.FigureFile``).
        report: path of ``report.html``; ``results``: path of ``results.json``.
        trained: how many runs were trained by this call; ``reused``: found in the store.
        missing: (label, seed) pairs absent from the store (only after an interrupted compare).
    """

    out_dir: Path
    dataset: Dataset
    record: ExperimentRecord
    runs: list[Run]
    summaries: list[Any]
    verdicts: list[Any]
    table: str
    figures: list[Any]
    report: Path
    results: Path
    trained: int = 0
    reused: int = 0
    missing: list[tuple[str, int]] = field(default_factory=list)
    recommendation: Any = None


def compare(
    dataset: Dataset | str,
    variants: Sequence[str | Variant],
    seeds: Sequence[int] = (0, 1, 2),
    out_dir: str | Path = "reglab-out",
    epochs: int | None = None,
    progress: bool = True,
    *,
    preset: str | None = None,
    log: Log | None = _stderr,
    compute: Compute = Compute(),
) -> CompareResult:
    """Train what the store lacks, then write the report, results.json and figures into ``out_dir``.

    Args:
        dataset: a :class:`~reglab.data.Dataset` from :func:`reglab.load_dataset`
            (so it can be rebuilt by ``reglab report``), or a catalog name / CSV path.
        variants: specs such as ``"L1:l1=1e-3"`` or :class:`Variant` objects; labels must differ.
        seeds: one run per seed and variant.
        out_dir: created if needed; holds ``runs.sqlite`` and the outputs.
        epochs: overrides every variant's ``epochs`` when given.
        progress: show the training progress bar.
        preset: the preset name the variants came from (shown in the reproduce command).
        log: where status lines go ("resuming: ..."); ``None`` for silence.
        compute: worker processes and models per group (:class:`reglab.parallel.Compute`).

    Raises:
        ReglabError: bad variants, seeds or data set; an unusable ``out_dir``.
        CompareInterrupted: on Ctrl-C, after the finished runs are stored.
    """
    say = log or (lambda _: None)
    ds = load_dataset(dataset) if isinstance(dataset, str) else dataset
    if isinstance(variants, (str, Variant)):
        variants = [variants]
    wanted = _effective(variants, epochs)
    seed_list = arguments.seed_list(seeds)
    record = ExperimentRecord(
        dataset=ds.name, options=dict(ds.options), variants=tuple(v.to_dict() for v in wanted),
        specs=tuple(_spec_text(v) for v in variants), seeds=tuple(seed_list),
        epochs=epochs, preset=preset, created=now(), reglab_version=reglab_version(),
    )
    out = Path(out_dir)
    runs, trained = train_stored(ds, wanted, seed_list, out, record, progress=progress, say=say, compute=compute)
    result = _write_outputs(out, ds, runs, record)
    result.trained, result.reused = trained, len(runs) - trained
    return result


def train_stored(
    ds: Dataset,
    variants: list[Variant],
    seeds: list[int],
    out: Path,
    record: ExperimentRecord,
    *,
    progress: bool,
    say: Log,
    compute: Compute = Compute(),
) -> tuple[list[Run], int]:
    """Every variant × seed (variant-major) from ``out/runs.sqlite``, training only what it lacks.

    Each trained run is stored the moment ``train`` hands it over; ``record``
    goes into the store with the first stored run (at once when some runs are
    there already), so a call that fails at once leaves no trace.  Returns the
    runs and how many were trained.

    Raises:
        CompareInterrupted: on Ctrl-C, after the finished runs are stored.
    """
    total = len(variants) * len(seeds)
    with RunStore.open(out) as store:
        fingerprint = data_fingerprint(ds)
        found = store.lookup(ds, variants, seeds)
        if found:
            say(f"resuming: {len(found)} of {total} runs already stored in {out}")
            store.record_experiment(record)
        trained = 0

        def keep(run: Run) -> None:
            nonlocal trained
            if not found:
                store.record_experiment(record)
            store.put(ds, run, fingerprint=fingerprint)
            found[(_index_of(variants, run.variant), run.seed)] = run
            trained += 1

        try:
            with compute.workers() as executor:
                for todo_variants, todo_seeds in _batches(variants, seeds, found):
                    train(
                        ds, todo_variants, todo_seeds, progress=progress, on_run=keep, checkpoints=store,
                        on_resume=lambda epoch: say(f"resuming: unfinished runs from their checkpoint at epoch {epoch}"),
                        executor=executor, max_models=compute.max_models,
                    )
        except KeyboardInterrupt:
            raise CompareInterrupted(len(found), total, out, store.checkpoint_epochs()) from None
    return [found[(i, s)] for i in range(len(variants)) for s in seeds], trained


def rebuild_report(out_dir: str | Path, *, log: Log | None = _stderr) -> CompareResult | SweepResult:
    """Write the report, results.json and figures again from ``out_dir/runs.sqlite``, without training.

    Uses the newest experiment recorded in the store: a compare gives a
    :class:`CompareResult`, a sweep a :class:`~reglab.sweeps.SweepResult`
    (see :func:`reglab.sweeps.core.rebuild_sweep`).  Runs missing after an
    interrupted compare are left out (and listed in ``missing``).

    Raises:
        ReglabError: no store in ``out_dir``, no experiment recorded, no run
            stored (for a sweep: any run missing), or the data set cannot be
            rebuilt (a moved CSV file).
    """
    say = log or (lambda _: None)
    out = Path(out_dir)
    stored = read_experiment(out)
    if stored.record.kind == "sweep":
        from reglab.sweeps.core import sweep_from_runs  # sweeps.core imports this module
        from reglab.sweeps.report import write_outputs

        return write_outputs(sweep_from_runs(stored), out)
    if stored.missing:
        say(f"warning: {len(stored.missing)} of {len(stored.runs) + len(stored.missing)} runs are missing "
            "(interrupted compare); the report shows the others. Rerun the compare command to finish.")
    result = _write_outputs(out, stored.dataset, stored.runs, stored.record, missing=stored.missing)
    result.reused = len(stored.runs)
    return result


@dataclass(frozen=True)
class StoredExperiment:
    """The newest compare or sweep of an output directory, read back from its run store.

    ``runs`` are the stored ones in the experiment's order (variant- or
    point-major); ``missing`` lists the ``(label, seed)`` pairs not stored.
    """

    record: ExperimentRecord
    dataset: Dataset
    runs: list[Run]
    missing: list[tuple[str, int]]
    out_dir: Path


def read_experiment(out_dir: str | Path) -> StoredExperiment:
    """The newest experiment recorded in ``out_dir/runs.sqlite``, with its data set and runs.

    Raises:
        ReglabError: no such directory or store, no experiment recorded, no
            run stored, or the data set cannot be rebuilt (a moved CSV file).
    """
    out = Path(out_dir)
    if not out.is_dir():
        raise ReglabError(f"No such directory: '{out}'. Give the --out directory of an earlier `reglab compare` or `reglab sweep`.")
    with RunStore.open(out, create=False) as store:
        record = store.last_experiment()
        if record is None:
            raise ReglabError(
                f"The run store in '{out}' records no comparison or sweep. Run `reglab compare --out {out}` first "
                "(or the `reglab sweep` command again: it reuses the stored runs and records itself)."
            )
        ds = _reload_dataset(record)
        if record.kind == "sweep":
            from reglab.sweeps.core import recorded_variants  # sweeps.core imports this module

            wanted = recorded_variants(record)
        else:
            wanted = record.variant_objects()
        found = store.lookup(ds, wanted, record.seeds)
        changed = not found and store.holds_other_data(ds)
    if changed:
        raise ReglabError(
            f"The data changed: {record.dataset} no longer holds the data the runs in '{out}' were trained on "
            f"(an edited file?). Run the same `reglab {record.kind}` command again to train on the new data."
        )
    if not found:
        what = "sweep" if record.kind == "sweep" else "comparison"
        raise ReglabError(
            f"The run store in '{out}' holds no finished run of its last {what}. "
            f"Run the same `reglab {record.kind}` command again to train them."
        )
    runs = [found[(i, s)] for i in range(len(wanted)) for s in record.seeds if (i, s) in found]
    missing = [(v.label, s) for i, v in enumerate(wanted) for s in record.seeds if (i, s) not in found]
    return StoredExperiment(record, ds, runs, missing, out)


def chosen_run(stored: StoredExperiment, label: str | None = None, seed: int | None = None) -> tuple[Run, str]:
    """One stored run and why it is the one: ``label`` (default: the experiment's pick) and ``seed``
    (default: that variant's seed with the lowest final validation loss).

    The pick of a comparison is :func:`reglab.analysis.recommend`'s; of a
    sweep, the one-standard-error choice.

    Raises:
        ReglabError: no such variant or seed among the stored runs, or no pick
            (every variant diverged).
    """
    labels = list(dict.fromkeys(run.name for run in stored.runs))
    if label is None:
        label, why = _pick_label(stored)
    elif label not in labels:
        raise ReglabError(
            f"No variant {label!r} in the last {stored.record.kind} of {stored.out_dir}; its variants: {', '.join(labels)}."
        )
    else:
        why = "the variant asked for"
    candidates = [run for run in stored.runs if run.name == label]
    if seed is not None:
        candidates = [run for run in candidates if run.seed == seed]
        if not candidates:
            seeds = ", ".join(str(run.seed) for run in stored.runs if run.name == label)
            raise ReglabError(f"Variant {label!r} has no stored run with seed {seed}; its seeds: {seeds}.")
        return candidates[0], why
    best = min(candidates, key=lambda run: (math.inf if math.isnan(run.metrics["val_loss"]) else run.metrics["val_loss"]))
    return best, f"{why}; its seed with the lowest validation loss, {best.metrics['val_loss']:.3g}"


def _pick_label(stored: StoredExperiment) -> tuple[str, str]:
    """The label an experiment picks, and how it was picked."""
    if stored.record.kind == "sweep":
        from reglab.sweeps.core import sweep_from_runs  # sweeps.core imports this module

        result = sweep_from_runs(stored)
        return result.runs_of(result.chosen)[0].name, "the sweep's one-standard-error choice"
    from reglab.analysis import recommend, summarize

    recommendation = recommend(summarize(stored.runs))
    if recommendation is None:
        raise ReglabError("Every variant of this comparison diverged: there is no pick. Name one with --variant.")
    return recommendation.best, "the comparison's pick by mean validation loss"


# -- steps -----------------------------------------------------------------------


def _effective(variants: Sequence[str | Variant], epochs: int | None) -> list[Variant]:
    """The variants as they will be trained: parsed, checked, epochs applied (as ``train`` does)."""
    parsed = parse_variants(list(variants))
    if not parsed:
        raise ReglabError("No variants to compare: give at least one, e.g. 'baseline'.")
    if epochs is not None:
        parsed = [v.replace(epochs=epochs, name=v.label) for v in parsed]
    return parsed


def _spec_text(variant: str | Variant) -> str:
    """A spec as the user typed it, or the short form that parses back to a ``Variant`` with its label."""
    if isinstance(variant, str):
        return variant.strip()
    short = variant.short_form()
    if not short:
        return variant.label if variant.label == "baseline" else f"{variant.label}:baseline"
    return short if variant.name is None else f"{variant.name}:{short}"


def _index_of(variants: list[Variant], variant: Variant) -> int:
    for i, v in enumerate(variants):
        if v.label == variant.label:
            return i
    raise AssertionError(f"trained an unknown variant {variant.label!r}")


def _batches(
    variants: list[Variant], seeds: list[int], found: dict[tuple[int, int], Run]
) -> list[tuple[list[Variant], list[int]]]:
    """The missing runs as few ``train`` calls: variants that miss the same seeds go together."""
    by_seeds: dict[tuple[int, ...], list[Variant]] = {}
    for i, variant in enumerate(variants):
        todo = tuple(s for s in seeds if (i, s) not in found)
        if todo:
            by_seeds.setdefault(todo, []).append(variant)
    return [(vs, list(todo)) for todo, vs in by_seeds.items()]


def _reload_dataset(record: ExperimentRecord) -> Dataset:
    try:
        return load_dataset(record.dataset, **record.options)
    except ReglabError as error:
        raise ReglabError(f"Cannot rebuild the data set of the stored {record.kind}: {error}") from None


def _write_outputs(
    out: Path, ds: Dataset, runs: list[Run], record: ExperimentRecord, *, missing: list[tuple[str, int]] | None = None
) -> CompareResult:
    from reglab.analysis import diagnose_all, format_table, recommend, summarize, table_rows
    from reglab.figures import CAPTIONS, save_figures
    from reglab.report import ReportContent, write_report

    summaries = summarize(runs)
    verdicts = diagnose_all(runs, dataset=ds)
    recommendation = recommend(summaries)
    figures = save_figures(runs, ds, out)
    written = {Path(figure.path).name for figure in figures}
    for name in CAPTIONS:  # a figure of an earlier comparison that this one does not draw (2-D only ones)
        stale = out / f"{name}.png"
        if stale.name not in written and stale.is_file():
            stale.unlink()
    created = now()
    results = write_results(
        out / "results.json",
        results_document(ds, runs, seeds=record.seeds, epochs=record.epochs, created=created),
    )
    content = ReportContent(
        dataset=ds, record=record, table=table_rows(summaries, ds.task), verdicts=verdicts, figures=figures,
        created=created, missing=list(missing or []), out_dir=out, recommendation=recommendation,
    )
    report = write_report(out / REPORT_FILE, content)
    return CompareResult(
        out_dir=out, dataset=ds, record=record, runs=runs, summaries=summaries, verdicts=verdicts,
        table=format_table(summaries, ds.task), figures=figures, report=report, results=results,
        missing=list(missing or []), recommendation=recommendation,
    )
