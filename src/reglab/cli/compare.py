"""``reglab compare``: variants × seeds on one data set → table, verdicts, pick, report."""

from __future__ import annotations

from typing import Annotated

import typer

from reglab.cli.app import app
from reglab.cli.errors import echo_lines, user_errors
from reglab.cli.options import (
    DataOption,
    DatasetArgument,
    ClusterOption,
    DelimiterOption,
    DryRunOption,
    EncodingOption,
    JobsOption,
    MaxModelsOption,
    NoiseOption,
    NSamplesOption,
    QuietOption,
    TargetOption,
    TrainSizeOption,
    check_counts,
    load_data,
    output_directory,
)

DEFAULT_OUT = "reglab-out"


@app.command()
def compare(
    dataset: DatasetArgument = None,
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
    n_samples: NSamplesOption = None,
    noise: NoiseOption = None,
    train_size: TrainSizeOption = None,
    target: TargetOption = None,
    option: DataOption = None,
    encoding: EncodingOption = None,
    delimiter: DelimiterOption = None,
    quiet: QuietOption = False,
    jobs: JobsOption = 1,
    max_models: MaxModelsOption = 1024,
    cluster: ClusterOption = None,
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
        from reglab.cluster import connect
        from reglab.parallel import Compute
        from reglab.presets import DEFAULT_PRESET, get_preset

        check_counts(seeds=seeds, epochs=epochs, jobs=jobs, max_models=max_models)
        out_dir = output_directory(out)
        chosen = preset if preset is not None else (None if variant else DEFAULT_PRESET)
        specs = [*(get_preset(chosen).specs if chosen is not None else []), *(variant or [])]
        ds = load_data(dataset, n_samples, noise, train_size, target, option, encoding, delimiter)
        with connect(cluster, Compute(jobs, max_models, dry_run=dry_run)) as compute:
            result = compare(
                ds, specs, seeds=list(range(seeds)), out_dir=out_dir, epochs=epochs, progress=not quiet, preset=chosen,
                log=None if quiet else (lambda line: typer.echo(line, err=True)), compute=compute,
            )
        echo_lines(COMPARE.summary_lines(result))
