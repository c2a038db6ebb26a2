"""The ``reglab`` command line (typer): ``compare``, ``report``, ``datasets``, ``presets``.

    reglab compare                                  # the seed notebook: moons, baseline vs L1 1e-3
    reglab compare moons --preset all --seeds 5
    reglab compare data.csv --target label --variant l2=1e-3 --variant "drop:dropout=0.3"
    reglab report reglab-out                        # rebuild the report (compare or sweep) without training

A user mistake prints ONE line, ``error: ...``, on stderr and exits with 2;
Ctrl-C during training exits with 130 after saying how many runs were kept.
See ``docs/cli.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from reglab.cli_support import JobsOption, MaxModelsOption, csv_path, dataset_options, user_errors
from reglab.lessons.command import lessons_command
from reglab.sweeps.command import print_outcome, sweep_command
DEFAULT_DATASET = "moons"
DEFAULT_OUT = Path("reglab-out")
OutputDirectory = Annotated[
    Path,
    typer.Argument(metavar="DIR", help="The --out directory of an earlier `reglab compare` or `reglab sweep`.", show_default=False),
]
"""The argument of the commands that read an earlier output directory back (report, export)."""

app = typer.Typer(
    name="reglab",
    help="The regularization lab: train variants of a small network, see overfitting, compare the cures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_outcome(result: Any) -> None:
    typer.echo(result.table)
    typer.echo("")
    for verdict in result.verdicts:
        summary = str(verdict.summary)
        if not summary.startswith(f"{verdict.kind}"):
            summary = f"{verdict.kind}. {summary}"
        typer.echo(f"{verdict.label}: {summary}")
    if result.recommendation is not None:
        typer.echo("")
        typer.echo(result.recommendation.summary)
    typer.echo("")
    typer.echo(f"report: {result.report}")


# -- commands -------------------------------------------------------------------------


@app.command()
def compare(
    dataset: Annotated[
        str | None,
        typer.Argument(metavar="DATASET", help="A data set name (see `reglab datasets`) or a CSV file path. Default: moons.", show_default=False),
    ] = None,
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
    seeds: Annotated[int, typer.Option("--seeds", min=1, metavar="N", help="Number of seeds per variant (seeds 0..N-1).")] = 3,
    epochs: Annotated[
        int | None, typer.Option("--epochs", min=1, metavar="N", help="Epochs for every variant. Default: each variant's own (500).",
                                 show_default=False)
    ] = None,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Output directory (created; runs stored there are reused).")] = DEFAULT_OUT,
    n_samples: Annotated[int | None, typer.Option("--n-samples", metavar="N", help="Rows generated (synthetic data sets).", show_default=False)] = None,
    noise: Annotated[float | None, typer.Option("--noise", metavar="F", help="Noise of a synthetic data set.", show_default=False)] = None,
    train_size: Annotated[
        str | None, typer.Option("--train-size", metavar="F", help="Training rows: a fraction (0.6) or a count (600).", show_default=False)
    ] = None,
    target: Annotated[str | None, typer.Option("--target", metavar="COL", help="Target column of a CSV file (default: the last).", show_default=False)] = None,
    option: Annotated[
        list[str] | None,
        typer.Option("--option", metavar="KEY=VALUE", help="Any other data set option as KEY=VALUE, e.g. label_noise=0.1; repeatable.", show_default=False),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no status lines.")] = False,
    jobs: JobsOption = 1,
    max_models: MaxModelsOption = 1024,
) -> None:
    """Train variants × seeds on a data set and write report.html, results.json and figures into --out.

    With no arguments, reproduces the seed notebook: moons (1000 points, noise
    0.25), a baseline against L1 0.001, Adam at 0.01, batch 32, 500 epochs, 3
    seeds, into reglab-out/.  Runs already stored in --out are not retrained,
    so an interrupted compare resumes when run again.
    """
    with user_errors():
        from reglab.data import load_dataset
        from reglab.experiment import compare as run_compare
        from reglab.parallel import Compute
        from reglab.presets import DEFAULT_PRESET, get_preset

        specs: list[str] = []
        if preset is not None or not variant:
            specs += get_preset(preset or DEFAULT_PRESET).specs
        specs += variant or []
        name = dataset or DEFAULT_DATASET
        options = dataset_options(n_samples, noise, train_size, target, option or [])
        source = csv_path(name)
        ds = load_dataset(source, **options)
        result = run_compare(
            ds, specs, seeds=list(range(seeds)), out_dir=out, epochs=epochs, progress=not quiet,
            preset=(preset or DEFAULT_PRESET) if preset is not None or not variant else None,
            log=None if quiet else (lambda line: typer.echo(line, err=True)), compute=Compute(jobs, max_models),
        )
        _print_outcome(result)


@app.command()
def report(
    directory: OutputDirectory,
) -> None:
    """Rebuild report.html, results.json and the figures from DIR/runs.sqlite, without training.

    The newest compare or sweep recorded there is reported, in the same form it printed.
    """
    with user_errors():
        from reglab.experiment import rebuild_report
        from reglab.sweeps.result import SweepResult

        result = rebuild_report(directory, log=lambda line: typer.echo(line, err=True))
        if isinstance(result, SweepResult):
            print_outcome(result)
        else:
            _print_outcome(result)


@app.command()
def export(
    directory: OutputDirectory,
    variant: Annotated[
        str | None, typer.Option("--variant", metavar="LABEL", help="The variant to export, by its label. Default: the pick.",
                                 show_default=False)
    ] = None,
    seed: Annotated[
        int | None, typer.Option("--seed", metavar="N", help="Its seed. Default: its seed with the lowest validation loss.",
                                 show_default=False)
    ] = None,
    to: Annotated[Path | None, typer.Option("--to", metavar="FILE", help="The model file. Default: DIR/model.pt.",
                                            show_default=False)] = None,
) -> None:
    """Save a trained model of DIR as one PyTorch file that takes raw feature columns.

    By default the pick of the newest compare (lowest mean validation loss) or
    sweep (the one-standard-error choice), with its best seed.  The file holds
    a torch.nn.Sequential with the standardization built in; load it with
    torch.load(FILE, weights_only=False).
    """
    with user_errors():
        from reglab.experiment import chosen_run, read_experiment
        from reglab.model_file import save_model

        stored = read_experiment(directory)
        run, why = chosen_run(stored, variant, seed)
        path = save_model(run, stored.dataset, to or directory / "model.pt")
        ds = stored.dataset
        output = {
            "binary": f"the probability of class {ds.class_names[1] if ds.class_names else 1}, shape [N, 1]",
            "multiclass": f"the probabilities of the classes {', '.join(ds.class_names or ())}, shape [N, C]",
            "regression": "the predicted value in the target's units, shape [N, 1]",
        }[ds.task]
        names = ", ".join(ds.feature_names[:6]) + (", ..." if ds.n_features > 6 else "")
        typer.echo(f"exported: {run.name}, seed {run.seed} ({why}) to {path}")
        typer.echo(f"input: {ds.n_features} raw feature columns ({names}), float32; output: {output}")
        typer.echo(f'load it with torch alone: model = torch.load("{path}", weights_only=False)')


@app.command()
def datasets() -> None:
    """List the data sets with their options and defaults."""
    from reglab.data import dataset_catalog

    catalog = dataset_catalog()
    shared = set.intersection(*(set(info.options) for info in catalog))
    width = max(len(f"{key}={_text(value)}") for info in catalog for key, value in info.options.items())

    def option_line(info: Any, key: str) -> str:
        return f"    {f'{key}={_text(info.options[key])}':<{width}}  {info.option_help[key]}"

    for info in catalog:
        typer.echo(f"{info.name}  ({info.task}): {info.description}")
        for key in info.options:
            if key not in shared:
                typer.echo(option_line(info, key))
    typer.echo("")
    typer.echo("Every data set also takes (--train-size, or --option KEY=VALUE):")
    for key in catalog[0].options:
        if key in shared:
            typer.echo(option_line(catalog[0], key))
    typer.echo("")
    typer.echo("A CSV file path works too: the first row names the columns; --target COL picks the target (default: the last column).")


@app.command()
def presets() -> None:
    """List the presets with their variants."""
    from reglab.presets import DEFAULT_PRESET, PRESETS

    for preset in PRESETS.values():
        mark = " (default)" if preset.name == DEFAULT_PRESET else ""
        typer.echo(f"{preset.name}{mark}: {preset.description}")
        for variant in preset.variants():
            typer.echo(f"    {variant.label:<28} {variant.short_form() or 'defaults'}")
    typer.echo("")
    typer.echo("Defaults of every variant: hidden=64x32, activation=relu, optimizer=adam, lr=0.01, batch_size=32, epochs=500.")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return "none" if value is None else str(value)


app.command(name="sweep")(sweep_command)
app.command(name="lessons")(lessons_command)


def main() -> None:
    """The ``reglab`` console script."""
    app(prog_name="reglab")


if __name__ == "__main__":
    main()
