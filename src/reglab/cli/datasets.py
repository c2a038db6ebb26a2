"""``reglab datasets``: the data sets with their options and defaults."""

from __future__ import annotations

from typing import Any

import typer

from reglab.cli.app import app


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


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return "none" if value is None else str(value)
