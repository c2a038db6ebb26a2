"""The ``reglab sweep`` command (registered on the typer app by :mod:`reglab.cli`).

    reglab sweep moons --param l2 --values 1e-5:1:log9 --base hidden=64x64 --seeds 3
    reglab sweep classification --param prox --values 1e-4:3e-2:log7 --base hidden=16x16 --epochs 100
    reglab sweep --param l2 --values 1e-4:1e-1:log4 --param dropout --values 0:0.6:lin4     # 2-D

It prints the per-point table, the report path, and as its LAST line the
chosen value (``chosen: l2=0.0133 (...)``).  Mistakes give one ``error:``
line on stderr and exit 2 (handled by the CLI's shared error handler).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from reglab.cli_support import ClusterOption, JobsOption, MaxModelsOption, csv_path, dataset_options, user_errors
from reglab.errors import ReglabError
from reglab.sweeps.params import SWEEP_PARAMS, get_param

if TYPE_CHECKING:
    from reglab.sweeps.result import SweepResult

DEFAULT_OUT = Path("reglab-sweep")
DEFAULT_DATASET = "moons"


def sweep_command(
    dataset: Annotated[
        str | None,
        typer.Argument(help="A data set name (see `reglab datasets`) or a CSV file path. Default: moons.", show_default=False),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help=f"The parameter to sweep: {', '.join(SWEEP_PARAMS)}. Give it twice for a 2-D grid.",
                     show_default=False),
    ] = None,
    values: Annotated[
        list[str] | None,
        typer.Option("--values", "-v", help="Its grid, one per --param: 1e-5:1e-1:log9, 0:0.5:lin6 or a list 1e-4,1e-3,1e-2 "
                     "(hidden: widths 8,16,64 or sizes 16x8,32x16).", show_default=False),
    ] = None,
    base: Annotated[
        str, typer.Option("--base", help="The variant every other setting comes from, e.g. 'hidden=64x64,dropout=0.1'.")
    ] = "baseline",
    seeds: Annotated[int, typer.Option("--seeds", min=1, help="Number of seeds per grid point (seeds 0..N-1).")] = 3,
    epochs: Annotated[
        int | None, typer.Option("--epochs", min=1, help="Epochs for every run. Default: the base's own (500).", show_default=False)
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output directory (created; runs stored there are reused).")] = DEFAULT_OUT,
    n_samples: Annotated[int | None, typer.Option("--n-samples", help="Rows generated (synthetic data sets).", show_default=False)] = None,
    noise: Annotated[float | None, typer.Option("--noise", help="Noise of a synthetic data set.", show_default=False)] = None,
    train_size: Annotated[
        str | None, typer.Option("--train-size", help="Training rows: a fraction (0.6) or a count (600).", show_default=False)
    ] = None,
    target: Annotated[str | None, typer.Option("--target", help="Target column of a CSV file (default: the last).", show_default=False)] = None,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", help="Any other data set option as KEY=VALUE, e.g. label_noise=0.1; repeatable.", show_default=False),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no status lines.")] = False,
    jobs: JobsOption = 1,
    max_models: MaxModelsOption = 1024,
    cluster: ClusterOption = None,
) -> None:
    """Sweep one parameter (or two) over a grid; print the validation curve and the one-standard-error choice.

    Every grid point × seed is trained (runs already in --out are reused, so an
    interrupted sweep resumes), then --out gets report.html, results.json and
    the figures: the validation curve with its overfitting and underfitting
    regions (a heat map for two parameters), the L1 path and feature selection
    for l1/prox, and decision boundaries for 2-D data.  The last line names the
    chosen value: the strongest regularization within one standard error of the
    lowest validation loss.
    """
    with user_errors():
        pairs = _pairs(param or [], values or [])
        for name, _ in pairs:
            get_param(name)

        from reglab.cluster import connect
        from reglab.data import load_dataset
        from reglab.parallel import Compute
        from reglab.sweeps.core import sweep

        options = dataset_options(n_samples, noise, train_size, target, option or [])
        ds = load_dataset(csv_path(dataset or DEFAULT_DATASET), **options)
        (p1, v1), *second = pairs
        with connect(cluster, Compute(jobs, max_models)) as compute:
            result = sweep(
                ds, p1, v1, base=base, seeds=seeds, epochs=epochs, out_dir=out, progress=not quiet,
                param2=second[0][0] if second else None, values2=second[0][1] if second else None,
                log=None if quiet else (lambda line: typer.echo(line, err=True)), compute=compute,
            )
        print_outcome(result)


def print_outcome(result: SweepResult) -> None:
    """The table, the kept features (l1/prox), the report path and, last, the chosen value (also for ``reglab report``)."""
    from reglab.sweeps.report import format_table

    typer.echo(format_table(result))
    selection = result.selection()
    if selection is not None:
        names = ", ".join(result.dataset.feature_names[i] for i in selection["kept"]) or "none"
        line = f"kept features at the choice: {names}"
        if "precision" in selection:
            line += (f" (precision {selection['precision'].format('.2f')}, recall "
                     f"{selection['recall'].format('.2f')} against the informative features)")
        typer.echo(line)
    typer.echo(f"report: {result.report}")
    typer.echo(result.choice_line())


def _pairs(params: list[str], grids: list[str]) -> list[tuple[str, str]]:
    """``--param``/``--values`` matched in order; one clear error for every way they can disagree."""
    if not params and not grids:
        raise ReglabError("Missing option `--param`: name the parameter to sweep, e.g. --param l2 --values 1e-5:1e-1:log9.")
    if len(params) > 2:
        raise ReglabError(f"Option `--param` is given {len(params)} times: a sweep takes one parameter, or two for a 2-D grid.")
    if len(grids) < len(params):
        missing = params[len(grids)]
        raise ReglabError(f"Option `--param {missing}` has no `--values`: give one --values per --param, "
                          f"e.g. --param {missing} --values 1e-4,1e-3,1e-2.")
    if len(grids) > len(params):
        raise ReglabError(f"Option `--values {grids[len(params)]}` has no `--param`: give one --param per --values.")
    return list(zip(params, grids))
