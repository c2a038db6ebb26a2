"""``reglab compare``: variants × seeds on one data set → table, verdicts, pick, report."""

from __future__ import annotations

from typing import Annotated

import typer

from reglab.cli.app import app
from reglab.cli.errors import echo_lines, user_errors
from reglab.cli.options import DataOptions, DryRunOption, RunOptions, check_counts, output_directory, shared_options

DEFAULT_OUT = "reglab-out"


@app.command()
@shared_options
def compare(
    data: DataOptions = DataOptions(),
    variant: Annotated[
        list[str] | None,
        typer.Option("--variant", metavar="SPEC", help="A variant spec such as 'l1=1e-3' or 'my name:l2=1e-3,dropout=0.3'; repeat for more.",
                     show_default=False),
    ] = None,
    preset: Annotated[
        str | None,
        typer.Option("--preset", metavar="NAME", help="A named list of variants (see `reglab presets`). Default: seed, when no --variant is given.",
                     show_default=False),
    ] = None,
    seeds: Annotated[int, typer.Option("--seeds", metavar="N", help="Number of seeds per variant (seeds 0..N-1).")] = 3,
    epochs: Annotated[
        int | None, typer.Option("--epochs", metavar="N", help="Epochs for every variant. Default: each variant's own (500).",
                                 show_default=False)
    ] = None,
    out: Annotated[str, typer.Option("--out", "-o", metavar="DIR", help="Output directory (created; runs stored there are reused).")] = DEFAULT_OUT,
    run: RunOptions = RunOptions(),
    dry_run: DryRunOption = False,
) -> None:
    """Train variants × seeds on a data set and write report.html, results.json and figures into --out.

    With no arguments, reproduces the seed notebook: moons (1000 points, noise
    0.25), a baseline against L1 0.001, Adam at 0.01, batch 32, 500 epochs, 3
    seeds, into reglab-out/.  Runs already stored in --out are not retrained,
    so an interrupted compare resumes when run again.
    """
    with user_errors():
        # the library (torch) loads when a command runs, not for `reglab --help`
        from reglab.experiments.compare import COMPARE, compare
        from reglab.presets import DEFAULT_PRESET, get_preset

        check_counts(seeds=seeds, epochs=epochs)
        out_dir = output_directory(out)
        chosen = preset if preset is not None else (None if variant else DEFAULT_PRESET)
        specs = [*(get_preset(chosen).specs if chosen is not None else []), *(variant or [])]
        ds = data.load()
        with run.connected(dry_run) as compute:
            result = compare(ds, specs, seeds=list(range(seeds)), out_dir=out_dir, epochs=epochs, progress=not run.quiet,
                             preset=chosen, log=run.say, compute=compute)
        echo_lines(COMPARE.summary_lines(result))
