"""``reglab presets``: the presets with their variants."""

from __future__ import annotations

import typer

from reglab.cli.app import app


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
