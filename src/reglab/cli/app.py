"""The typer application every command module registers itself on."""

import typer

app = typer.Typer(
    name="reglab",
    help="The regularization lab: train variants of a small network, see overfitting, compare the cures.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
