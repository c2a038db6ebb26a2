"""The ``reglab tune`` command.

    reglab tune breast_cancer --param l1=1e-6:1e-1:log --param dropout=0:0.6 --param max_norm=0.5:5 \\
        --trials 256 --batch 64 --seeds 3 --out tune-out
    reglab tune ... --storage postgresql://user@host/db --study my-study     # workers share one study
    reglab tune ... --cluster tcp://scheduler:8786                           # batches on a Dask cluster

It prints a line per batch, the trials within one SE of the best with
compare's table and verdicts, the report path and, as its LAST line, the
best trial.  Mistakes give one ``error:`` line on stderr and exit 2.
"""

from __future__ import annotations

from typing import Annotated

import typer

from reglab.cli.app import app
from reglab.cli.errors import echo_lines, user_errors
from reglab.cli.options import DataOptions, RunOptions, output_directory, shared_options

DEFAULT_OUT = "reglab-tune"


@app.command(name="tune")
@shared_options
def tune_command(
    data: DataOptions = DataOptions(),
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", metavar="NAME=VALUES",
                     help="A parameter to tune: l1=1e-6:1e-1:log (log-uniform), dropout=0:0.6 (uniform), a sweep grid "
                          "l2=1e-5:1e-1:log5 or a list hidden=32x16,64x32. Repeat for more. Names: those of `reglab sweep`.",
                     show_default=False),
    ] = None,
    trials: Annotated[int, typer.Option("--trials", min=1, metavar="N", help="Trials the study should hold (all workers together).")] = 64,
    batch: Annotated[int, typer.Option("--batch", min=1, metavar="N", help="Trials asked and trained at once.")] = 32,
    seeds: Annotated[int, typer.Option("--seeds", min=1, metavar="N", help="Seeds per trial (0..N-1); a trial's value is their mean.")] = 3,
    epochs: Annotated[int | None, typer.Option("--epochs", min=1, metavar="N", help="Epochs per run. Default: the base's (500).",
                                               show_default=False)] = None,
    base: Annotated[str, typer.Option("--base", metavar="SPEC", help="The variant every other setting comes from.")] = "baseline",
    out: Annotated[str, typer.Option("--out", "-o", metavar="DIR", help="Output directory (runs, study, report).")] = DEFAULT_OUT,
    storage: Annotated[str | None, typer.Option("--storage", metavar="URL",
                                                help="Optuna storage URL shared by workers, e.g. postgresql://user@host/db. "
                                                     "Default: sqlite:///DIR/study.sqlite.", show_default=False)] = None,
    study: Annotated[str, typer.Option("--study", metavar="NAME", help="The study's name in the storage.")] = "reglab-tune",
    sampler: Annotated[str, typer.Option("--sampler", metavar="NAME", help="tpe, random or grid (every --param a grid or list).")] = "tpe",
    pruner: Annotated[str, typer.Option("--pruner", metavar="NAME", help="median (Optuna's MedianPruner) or none.")] = "median",
    sampler_seed: Annotated[int, typer.Option("--sampler-seed", metavar="N", help="Seed of the sampler.")] = 0,
    run: RunOptions = RunOptions(),
) -> None:
    """Tune several parameters at once with Optuna; each batch of trials trains as one batched computation.

    Optuna proposes --batch trials at a time (TPE by default); their runs (trials x seeds) train together, and
    the median pruner stops hopeless trials inside the batch.  The study lives in --storage (SQLite in --out by
    default): run the same command again to resume, or start it on several machines with one database URL.
    --out gets report.html, results.json, the figures and runs.sqlite; the last line names the best trial.
    """
    with user_errors():
        # the library (torch, Optuna) loads when the command runs, not for `reglab --help`
        from reglab.tune import tune
        from reglab.tune.report import outcome_lines
        from reglab.tune.space import parse_space

        out_dir = output_directory(out)
        compute = run.compute()
        parse_space(param or [], base)  # a bad space fails before the data set is loaded
        ds = data.load()
        result = tune(
            ds, param or [], trials=trials, batch=batch, seeds=seeds, base=base, epochs=epochs, out_dir=out_dir,
            storage=storage, study_name=study, sampler=sampler, pruner=pruner, sampler_seed=sampler_seed,
            cluster=run.cluster, progress=not run.quiet, log=run.say, compute=compute,
        )
        echo_lines(outcome_lines(result))
