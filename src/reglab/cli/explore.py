"""``reglab explore``: the live playground in the browser (see :mod:`reglab.explore`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from reglab.cli.app import app
from reglab.cli.errors import user_errors
from reglab.cli.options import csv_path, dataset_options


@app.command(name="explore")
def explore_command(
    dataset: Annotated[
        str | None,
        typer.Argument(metavar="DATASET", help="The data set the page opens with (a 2-D one, see `reglab datasets`), or a CSV file: "
                                               "the one file the server may read. Default: moons.", show_default=False),
    ] = None,
    preset: Annotated[str | None, typer.Option("--preset", metavar="NAME", help="The variants the page opens with (see `reglab presets`). Default: seed.",
                                               show_default=False)] = None,
    variant: Annotated[list[str] | None, typer.Option("--variant", metavar="SPEC", help="A variant the page opens with; repeatable.",
                                                      show_default=False)] = None,
    seeds: Annotated[int, typer.Option("--seeds", min=1, metavar="N", help="Seeds per variant the page opens with.")] = 3,
    epochs: Annotated[int | None, typer.Option("--epochs", min=1, metavar="N", help="Epochs the page opens with. Default: 500.",
                                               show_default=False)] = None,
    n_samples: Annotated[int | None, typer.Option("--n-samples", metavar="N", help="Rows generated (synthetic data sets).", show_default=False)] = None,
    noise: Annotated[float | None, typer.Option("--noise", metavar="F", help="Noise of a synthetic data set.", show_default=False)] = None,
    train_size: Annotated[str | None, typer.Option("--train-size", metavar="F", help="Training rows: a fraction or a count.", show_default=False)] = None,
    target: Annotated[str | None, typer.Option("--target", metavar="COL", help="Target column of the CSV file (default: the last).", show_default=False)] = None,
    option: Annotated[list[str] | None, typer.Option("--option", metavar="KEY=VALUE", help="Any other data set option; repeatable.",
                                                     show_default=False)] = None,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR", help="Where Export writes the compare output: the one folder the server writes.")] = Path("reglab-out"),
    port: Annotated[int, typer.Option("--port", min=0, max=65535, metavar="N", help="Port on 127.0.0.1 (0: a free one).")] = 0,
    host: Annotated[str, typer.Option("--host", metavar="ADDR", help="Address to listen on. Anything but 127.0.0.1 lets other machines try the token.")] = "127.0.0.1",
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Print the URL only; do not open a browser.")] = False,
) -> None:
    """Open a live playground: train variants side by side in the browser, change strengths while they train.

    The server listens on 127.0.0.1 only and prints a URL with a random token;
    Export in the page writes what it shows as a full `reglab compare` output
    into --out, with the command line that reproduces it exactly.
    """
    with user_errors():
        from urllib.parse import urlencode

        from reglab.explore.server import serve
        from reglab.explore.state import CSV_NAME
        from reglab.outputs.report.command import option_text

        source = csv_path(dataset) if dataset else None
        csv = source if source is not None and source.lower().endswith(".csv") else None
        options = dataset_options(n_samples, noise, train_size, None, option or [])
        pairs: list[tuple[str, str]] = [("dataset", CSV_NAME if csv else (dataset or "moons"))]
        pairs += [(key, option_text(value)) for key, value in options.items()]
        if epochs is not None:
            pairs.append(("epochs", str(epochs)))
        if preset is not None:
            pairs.append(("preset", preset))
        pairs += [("variant", spec) for spec in variant or []]
        pairs.append(("seeds", str(seeds)))
        serve(open_browser=not no_browser, host=host, port=port, csv=csv, csv_options={"target": target} if target else None,
              export_dir=out, setup=urlencode(pairs))
