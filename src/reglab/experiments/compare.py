"""The ``compare`` kind: variants × seeds on one data set → table, verdicts, pick, figures, report.

    import reglab
    result = reglab.compare("moons", ["baseline", "l1=1e-3"], seeds=[0, 1, 2], out_dir="reglab-out")
    print(result.table)

Every finished run is written to ``OUT/runs.sqlite`` the moment training hands
it over (:mod:`reglab.experiments.stored`), so an interrupted compare keeps
it, and the same call again trains only the missing (variant, seed) pairs.
``OUT`` then holds ``report.html``, ``results.json`` and the figures as PNG
files (see ``docs/cli.md``); ``reglab report OUT`` writes them again through
:data:`COMPARE`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reglab import arguments
from reglab.analysis import diagnose_all, format_table, recommend, summarize, table_rows
from reglab.data import Dataset, load_dataset
from reglab.errors import ReglabError
from reglab.experiments.kinds import Log, StoredExperiment, silent, stderr_log
from reglab.experiments.stored import train_all
from reglab.figures.save import COMPARE_FIGURES
from reglab.outputs.directory import write_result
from reglab.outputs.figures import FigureFile
from reglab.outputs.report import ReportContent, render_report
from reglab.outputs.results_json import results_document
from reglab.parallel import Compute
from reglab.run import Run
from reglab.store import ExperimentRecord, now
from reglab.variant import Variant, parse_variants
from reglab.version import reglab_version


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
        figures: the PNG files written (:class:`reglab.outputs.figures.FigureFile`), empty until written.
        report: path of ``report.html``; ``results``: path of ``results.json`` (``None`` until written).
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
    figures: list[FigureFile] = field(default_factory=list)
    report: Path | None = None
    results: Path | None = None
    trained: int = 0
    reused: int = 0
    missing: list[tuple[str, int]] = field(default_factory=list)
    recommendation: Any = None

    def _repr_html_(self) -> str:
        """In a notebook: the verdicts, the pick, the table and the figures (:func:`reglab.notebook.compare_html`)."""
        from reglab.notebook import compare_html

        return compare_html(self)


def compare(
    dataset: Dataset | str,
    variants: Sequence[str | Variant],
    seeds: Sequence[int] = (0, 1, 2),
    out_dir: str | Path = "reglab-out",
    epochs: int | None = None,
    progress: bool = True,
    *,
    preset: str | None = None,
    log: Log | None = stderr_log,
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
    say = log or silent
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
    if isinstance(out_dir, str) and not out_dir.strip():
        raise ReglabError("Argument `out_dir` is empty: give the output directory, e.g. 'reglab-out'.")
    out = Path(out_dir)
    runs, trained = train_all(ds, wanted, seed_list, out, record, progress=progress, say=say, compute=compute)
    result = COMPARE.write(analyse(out, ds, runs, record), out)
    result.trained, result.reused = trained, len(runs) - trained
    return result


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


class CompareKind:
    """The ``compare`` kind of experiment (:class:`~reglab.experiments.kinds.ExperimentKind`)."""

    name = "compare"
    noun = "comparison"
    result_type = CompareResult

    def variants(self, record: ExperimentRecord) -> list[Variant]:
        return record.variant_objects()

    def from_stored(self, stored: StoredExperiment, say: Log) -> CompareResult:
        """The comparison of the stored runs; runs missing after an interrupted compare are left out (and listed)."""
        if stored.missing:
            say(f"warning: {len(stored.missing)} of {len(stored.runs) + len(stored.missing)} runs are missing "
                "(interrupted compare); the report shows the others. Rerun the compare command to finish.")
        result = analyse(stored.out_dir, stored.dataset, stored.runs, stored.record, missing=stored.missing)
        result.reused = len(stored.runs)
        return result

    def write(self, result: CompareResult, out: Path) -> CompareResult:
        created = now()
        document = results_document(result.dataset, result.runs, seeds=result.record.seeds,
                                    epochs=result.record.epochs, created=created)

        def report_page() -> str:
            return render_report(ReportContent(
                dataset=result.dataset, record=result.record, table=table_rows(result.summaries, result.dataset.task),
                verdicts=result.verdicts, figures=result.figures, created=created, missing=list(result.missing),
                out_dir=out, recommendation=result.recommendation,
            ))

        return write_result(result, out, COMPARE_FIGURES, document, report_page)

    def summary_lines(self, result: CompareResult) -> list[str]:
        lines = [result.table, ""]
        for verdict in result.verdicts:
            summary = str(verdict.summary)
            if not summary.startswith(f"{verdict.kind}"):
                summary = f"{verdict.kind}. {summary}"
            lines.append(f"{verdict.label}: {summary}")
        if result.recommendation is not None:
            lines += ["", result.recommendation.summary]
        return [*lines, "", f"report: {result.report}"]

    def pick(self, stored: StoredExperiment) -> tuple[str, str]:
        recommendation = recommend(summarize(stored.runs))
        if recommendation is None:
            raise ReglabError("Every variant of this comparison diverged: there is no pick. Name one with --variant.")
        return recommendation.best, "the comparison's pick by mean validation loss"


COMPARE = CompareKind()


def analyse(
    out: Path, ds: Dataset, runs: list[Run], record: ExperimentRecord, *, missing: list[tuple[str, int]] | None = None
) -> CompareResult:
    """The table, verdicts and pick of ``runs`` (variant-major), before anything is written."""
    summaries = summarize(runs)
    return CompareResult(
        out_dir=out, dataset=ds, record=record, runs=runs, summaries=summaries,
        verdicts=diagnose_all(runs, dataset=ds), table=format_table(summaries, ds.task),
        missing=list(missing or []), recommendation=recommend(summaries),
    )
