"""Export what the page shows: the full ``reglab compare`` output of a finished job, and the command reproducing it.

The job's runs are put into ``OUT/runs.sqlite`` as they are, then
:func:`reglab.experiments.compare.compare` is called with the job's variants (their
recorded schedules included): it finds every run stored, trains nothing, and
writes ``report.html``, ``results.json`` and the figures, exactly as the
printed ``reglab compare`` command does when run (it trains the same runs
again and gets the same numbers: tested).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from reglab.errors import ReglabError
from reglab.experiments.compare import compare
from reglab.outputs.report.command import command_line
from reglab.store import RunStore, data_fingerprint

if TYPE_CHECKING:
    from reglab.explore.session import Job


def export_job(job: Job, out_dir: Path) -> dict[str, Any]:
    """Write the compare output of ``job`` into ``out_dir``; return the command line, paths, table and verdicts.

    Raises:
        ReglabError: the job has not finished training.
    """
    if job.status != "done":
        raise ReglabError(f"Export needs a finished training (this one is {job.status}): let it run to its last epoch first.")
    runs = [run for run in job.runs if run is not None]
    out = Path(out_dir)
    with RunStore.open(out) as store:
        fingerprint = data_fingerprint(job.dataset)
        for run in runs:
            store.put(job.dataset, run, fingerprint=fingerprint)
    result = compare(job.dataset, job.specs(), seeds=job.seeds, out_dir=out, progress=False, log=None)
    return {
        "out_dir": str(out), "report": str(result.report), "results": str(result.results),
        "command": command_line(result.record, out), "table": result.table,
        "pick": None if result.recommendation is None else result.recommendation.summary,
    }
