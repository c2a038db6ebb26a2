"""``reglab export DIR``: the pick of the newest experiment in DIR as one plain PyTorch file."""

from __future__ import annotations

from typing import Annotated

import typer

from reglab.cli.app import app
from reglab.cli.errors import user_errors
from reglab.cli.options import OutputDirectory, check_counts, output_file


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
    to: Annotated[str | None, typer.Option("--to", metavar="FILE", help="The model file. Default: DIR/model.pt.",
                                           show_default=False)] = None,
) -> None:
    """Save a trained model of DIR as one PyTorch file that takes raw feature columns.

    By default the pick of the newest compare (lowest mean validation loss) or
    sweep (the one-standard-error choice), with its best seed.  The file holds
    a torch.nn.Sequential with the standardization built in; load it with
    torch.load(FILE, weights_only=False).
    """
    with user_errors():
        from reglab.experiments.reading import chosen_run, read_experiment
        from reglab.model_file import save_model

        check_counts(seed=seed)
        target = directory / "model.pt" if to is None else output_file(to)
        stored = read_experiment(directory)
        run, why = chosen_run(stored, variant, seed)
        path = save_model(run, stored.dataset, target)
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
