"""``reglab sweep``: one or two parameters over a grid → the validation curve and the one-standard-error choice.

    reglab sweep moons --param l2 --values 1e-5:1:log9 --base hidden=64x64 --seeds 3
    reglab sweep classification --param prox --values 1e-4:3e-2:log7 --base hidden=16x16 --epochs 100
    reglab sweep --param l2 --values 1e-4:1e-1:log4 --param dropout --values 0:0.6:lin4     # 2-D

It prints the per-point table, the report path, and as its LAST line the
chosen value (``chosen: l2=0.0133 (...)``).  Mistakes give one ``error:``
line on stderr and exit 2 (handled by the CLI's shared error handler).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperOption

from reglab.cli.app import app
from reglab.cli.errors import echo_lines, user_errors
from reglab.cli.options import DataOptions, DryRunOption, RunOptions, check_counts, output_directory, shared_options
from reglab.errors import ReglabError

DEFAULT_OUT = "reglab-sweep"
PARAM_HELP = "The parameter to sweep{names}. Give it twice for a 2-D grid."


class NamesInHelp(TyperCommand):
    """``reglab sweep --help`` lists the sweepable names, which come from the pieces (and load torch) only then."""

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        from reglab.sweeps.params import SWEEP_PARAMS

        for option in self.params:
            if option.name == "param" and isinstance(option, TyperOption):
                option.help = PARAM_HELP.format(names=": " + ", ".join(SWEEP_PARAMS))
        super().format_help(ctx, formatter)


@app.command(name="sweep", cls=NamesInHelp)
@shared_options
def sweep_command(
    data: DataOptions = DataOptions(),
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help=PARAM_HELP.format(names=""), show_default=False),
    ] = None,
    values: Annotated[
        list[str] | None,
        typer.Option("--values", "-v", help="Its grid, one per --param: 1e-5:1e-1:log9, 0:0.5:lin6 or a list 1e-4,1e-3,1e-2 "
                     "(hidden: widths 8,16,64 or sizes 16x8,32x16).", show_default=False),
    ] = None,
    base: Annotated[
        str, typer.Option("--base", help="The variant every other setting comes from, e.g. 'hidden=64x64,dropout=0.1'.")
    ] = "baseline",
    seeds: Annotated[int, typer.Option("--seeds", help="Number of seeds per grid point (seeds 0..N-1).")] = 3,
    epochs: Annotated[
        int | None, typer.Option("--epochs", help="Epochs for every run. Default: the base's own (500).", show_default=False)
    ] = None,
    out: Annotated[str, typer.Option("--out", "-o", help="Output directory (created; runs stored there are reused).")] = DEFAULT_OUT,
    run: RunOptions = RunOptions(),
    dry_run: DryRunOption = False,
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
        check_counts(seeds=seeds, epochs=epochs)
        out_dir = output_directory(out)
        pairs = _pairs(param or [], values or [])
        # the library (torch) loads when a command runs, not for `reglab --help`
        from reglab.experiments.sweep import SWEEP, sweep
        from reglab.sweeps.params import get_param

        for name, _ in pairs:
            get_param(name)

        ds = data.load()
        (p1, v1), *second = pairs
        with run.connected(dry_run) as compute:
            result = sweep(
                ds, p1, v1, base=base, seeds=seeds, epochs=epochs, out_dir=out_dir, progress=not run.quiet,
                param2=second[0][0] if second else None, values2=second[0][1] if second else None,
                log=run.say, compute=compute,
            )
        echo_lines(SWEEP.summary_lines(result))


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
