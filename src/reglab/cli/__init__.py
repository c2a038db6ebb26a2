"""The ``reglab`` command line (typer): one module per command, registered on one app.

    reglab compare                                  # the seed notebook: moons, baseline vs L1 1e-3
    reglab compare moons --preset all --seeds 5
    reglab compare data.csv --target label --variant l2=1e-3 --variant "drop:dropout=0.3"
    reglab sweep moons --param l2 --values 1e-5:1:log9
    reglab report reglab-out                        # rebuild the report (compare or sweep) without training
    reglab export reglab-out                        # the pick as one PyTorch file

* :mod:`~reglab.cli.app`: the typer app; :mod:`~reglab.cli.errors`: one ``error:`` line and exit 2,
  Ctrl-C exit 130; :mod:`~reglab.cli.options`: the options several commands share (data set, compute).
* one module per command: :mod:`~reglab.cli.compare`, :mod:`~reglab.cli.report`, :mod:`~reglab.cli.export`,
  :mod:`~reglab.cli.datasets`, :mod:`~reglab.cli.presets`, :mod:`~reglab.cli.sweep`.

A new command is one module that declares ``@app.command()`` with the shared
option types and is imported below.  Command modules import typer and
:mod:`reglab.cli` only at the top; the library (and with it torch) is
imported in the command's body, so ``reglab --help`` loads no torch.  A
command that reads an output directory of any kind goes through
:func:`reglab.experiments.reading.read_experiment` and the kind
(:func:`reglab.experiments.registry.kind_of`).  See ``docs/cli.md``.
"""

from reglab.cli import compare, datasets, export, presets, report, sweep  # noqa: F401  (each registers its command)
from reglab.cli.app import app


def main() -> None:
    """The ``reglab`` console script."""
    app(prog_name="reglab")


if __name__ == "__main__":
    main()
