"""``reglab report DIR``: the report of the newest experiment in DIR again, without training."""

from __future__ import annotations

import typer

from reglab.cli.app import app
from reglab.cli.errors import echo_lines, user_errors
from reglab.cli.options import OutputDirectory


@app.command()
def report(
    directory: OutputDirectory,
) -> None:
    """Rebuild report.html, results.json and the figures from DIR/runs.sqlite, without training.

    The newest compare or sweep recorded there is reported, in the same form it printed.
    """
    with user_errors():
        from reglab.experiments.reading import read_experiment, rebuild
        from reglab.experiments.registry import kind_of

        stored = read_experiment(directory)
        result = rebuild(stored, lambda line: typer.echo(line, err=True))
        echo_lines(kind_of(stored.record).summary_lines(result))
