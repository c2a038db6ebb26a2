"""The options several ``reglab`` commands share, declared once, and turning them into a data set.

The training commands (compare, sweep, tune) take the data set and its
options as one :class:`DataOptions` and the progress and compute options as
one :class:`RunOptions`: a command declares a parameter of that type and
:func:`shared_options` gives typer the group's fields as options (in the
command's ``--help``, after its own), then hands the command the group
filled in.  ``DataOptions.load()`` turns the data-set options into a
:class:`~reglab.data.Dataset`.  This module imports typer only, so
``reglab --help`` stays fast.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import typing
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from reglab.arguments import MAX_INT, MAX_SEEDS, parse_value
from reglab.errors import ReglabError
from reglab.parallel import MAX_JOBS, Compute

if TYPE_CHECKING:
    from reglab.data import Dataset

DEFAULT_DATASET = "moons"

DatasetArgument = Annotated[
    str | None,
    typer.Argument(metavar="DATASET", help="A data set name (see `reglab datasets`) or a CSV file path. Default: moons.",
                   show_default=False),
]
NSamplesOption = Annotated[
    int | None, typer.Option("--n-samples", metavar="N", help="Rows generated (synthetic data sets).", show_default=False)
]
NoiseOption = Annotated[float | None, typer.Option("--noise", metavar="F", help="Noise of a synthetic data set.", show_default=False)]
TrainSizeOption = Annotated[
    str | None, typer.Option("--train-size", metavar="F", help="Training rows: a fraction (0.6) or a count (600).", show_default=False)
]
TargetOption = Annotated[
    str | None, typer.Option("--target", metavar="COL", help="Target column of a CSV file (default: the last).", show_default=False)
]
DataOption = Annotated[
    list[str] | None,
    typer.Option("--option", metavar="KEY=VALUE", help="Any other data set option as KEY=VALUE, e.g. label_noise=0.1; repeatable.",
                 show_default=False),
]
EncodingOption = Annotated[
    str | None, typer.Option("--encoding", metavar="NAME", help="Text encoding of a CSV file, e.g. cp1252. Default: "
                             "UTF-8 (or as its byte-order mark says), else cp1252 with a warning.", show_default=False)
]
DelimiterOption = Annotated[
    str | None, typer.Option("--delimiter", metavar="C", help="Field separator of a CSV file. Default: detected (, ; tab |).",
                             show_default=False)
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no status lines.")]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Train nothing: print the runs, groups, memory and a calibrated time estimate.")
]
JobsOption = Annotated[
    int,
    typer.Option("--jobs", "-j", metavar="N",
                 help="Worker processes training groups in parallel (1: this process). Never changes the numbers."),
]
MaxModelsOption = Annotated[
    int,
    typer.Option("--max-models", metavar="N",
                 help="Most models in one batched group; fewer make more groups for --jobs to spread "
                      "(chaotic runs may then differ in the last digits)."),
]
ClusterOption = Annotated[
    str | None,
    typer.Option("--cluster", metavar="ADDRESS", show_default=False,
                 help="A Dask scheduler, e.g. tcp://127.0.0.1:8786: groups train on its workers (pip install 'reglab\\[dask]'). "
                      "Never changes the numbers."),
]
OutputDirectory = Annotated[
    Path,
    typer.Argument(metavar="DIR", help="The --out directory of an earlier `reglab compare` or `reglab sweep`.", show_default=False),
]
"""The argument of the commands that read an earlier output directory back (report, export)."""


MAX_EPOCHS = 1_000_000
"""The variant key ``epochs``'s upper bound (:data:`reglab.variant.MAX_EPOCHS`, which loads torch; a test keeps them equal)."""
LIMITS = {"--seeds": (1, MAX_SEEDS), "--epochs": (1, MAX_EPOCHS), "--n-samples": (1, MAX_INT), "--jobs": (1, MAX_JOBS),
          "--max-models": (1, MAX_INT), "--seed": (0, MAX_INT)}
"""The range of every integer option, named by the option (the limits of ``seeds=N``, ``epochs``, ``jobs=``);
integers up to 2**63 - 1, the machine's; memory refuses sizes long before (:mod:`reglab.budget`)."""


def check_counts(**values: int | None) -> None:
    """Refuse an integer option outside :data:`LIMITS` (``n_samples=`` is ``--n-samples``), naming the value received."""
    for name, value in values.items():
        option = "--" + name.replace("_", "-")
        low, high = LIMITS[option]
        if value is not None and not low <= value <= high:
            raise ReglabError(f"Invalid value for `{option}`: expected an integer in [{low}, {high}]. Received: {option} {value}")


def output_directory(text: str, option: str = "--out") -> Path:
    """The directory an option names; an empty one is refused (it would mean the current directory)."""
    return _named_path(text, option, "directory", "reglab-out")


def output_file(text: str, option: str = "--to") -> Path:
    """The file an option names; an empty or blank name is refused (``''`` would mean the current directory)."""
    return _named_path(text, option, "file name", "model.pt")


def _named_path(text: str, option: str, what: str, example: str) -> Path:
    if not text.strip():
        raise ReglabError(f"Invalid value for `{option}`: the {what} is empty. Give one, e.g. {option} {example}.")
    return Path(text)


def dataset_options(
    n_samples: int | None, noise: float | None, train_size: str | None, target: str | None, extra: list[str],
    encoding: str | None = None, delimiter: str | None = None,
) -> dict[str, Any]:
    """The data set options given on the command line (only those given)."""
    options: dict[str, Any] = {}
    for item in extra:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise ReglabError(f"Invalid value for `--option`: expected KEY=VALUE (for example label_noise=0.1). Received: {item!r}")
        options[key.strip().replace("-", "_")] = parse_value(value)
    given = {"n_samples": n_samples, "noise": noise, "train_size": None if train_size is None else parse_value(train_size),
             "target": target, "encoding": encoding, "delimiter": {"tab": "\t", "\\t": "\t"}.get(delimiter or "", delimiter)}
    options.update({key: value for key, value in given.items() if value is not None})
    return options


def csv_path(name: str) -> str:
    """A CSV path made absolute (so `reglab report` finds it from anywhere); a catalog name as is."""
    from reglab.data.catalog import REGISTRY  # the catalog imports the data sets: only when a command runs

    if name in REGISTRY:
        return name
    path = Path(name)
    if path.suffix.lower() == ".csv" or path.is_file():
        return str(path.resolve())
    return name


def load_data(
    dataset: str | None, n_samples: int | None, noise: float | None, train_size: str | None, target: str | None,
    option: list[str] | None, encoding: str | None = None, delimiter: str | None = None,
) -> Dataset:
    """The data set the shared options name (default: moons).

    Raises:
        ReglabError: an unknown data set, a bad option, a missing CSV file.
    """
    from reglab.data import load_dataset  # numpy and scikit-learn: only when a command runs

    check_counts(n_samples=n_samples)
    options = dataset_options(n_samples, noise, train_size, target, option or [], encoding, delimiter)
    return load_dataset(csv_path(dataset or DEFAULT_DATASET), **options)


@dataclasses.dataclass(frozen=True)
class DataOptions:
    """The data set (a catalog name or a CSV path; default moons) and the options that shape it."""

    dataset: DatasetArgument = None
    n_samples: NSamplesOption = None
    noise: NoiseOption = None
    train_size: TrainSizeOption = None
    target: TargetOption = None
    option: DataOption = None
    encoding: EncodingOption = None
    delimiter: DelimiterOption = None

    def load(self) -> Dataset:
        """:func:`load_data` of these options."""
        return load_data(self.dataset, self.n_samples, self.noise, self.train_size, self.target, self.option,
                         self.encoding, self.delimiter)


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """How a training command runs: its progress output, worker processes, models per group, a Dask cluster."""

    quiet: QuietOption = False
    jobs: JobsOption = 1
    max_models: MaxModelsOption = 1024
    cluster: ClusterOption = None

    @property
    def say(self) -> Callable[[str], None] | None:
        """Status lines to stderr, or ``None`` with ``--quiet``."""
        return None if self.quiet else (lambda line: typer.echo(line, err=True))

    def compute(self, dry_run: bool = False) -> Compute:
        """The :class:`~reglab.parallel.Compute` these options ask for (refusing counts out of range)."""
        check_counts(jobs=self.jobs, max_models=self.max_models)
        return Compute(self.jobs, self.max_models, dry_run=dry_run)

    def connected(self, dry_run: bool = False) -> AbstractContextManager[Compute]:
        """:meth:`compute`, on the ``--cluster`` when one is named, for a ``with`` block (:func:`reglab.cluster.connect`)."""
        from reglab.cluster import connect

        return connect(self.cluster, self.compute(dry_run))


Command = TypeVar("Command", bound=Callable[..., Any])
GROUPS = (DataOptions, RunOptions)
"""The option groups :func:`shared_options` expands."""


def shared_options(command: Command) -> Command:
    """``command`` with each parameter typed as an option group (:data:`GROUPS`) shown to typer as the group's fields.

    The group's fields keep their names, annotations and defaults; a
    ``dataset`` argument comes first, options follow the command's own.
    The wrapper packs the values typer parses back into the group.
    """
    hints = typing.get_type_hints(command, include_extras=True)
    own: list[inspect.Parameter] = []
    groups: dict[str, type] = {}
    for parameter in inspect.signature(command).parameters.values():
        hint = hints[parameter.name]
        if hint in GROUPS:
            groups[parameter.name] = hint
        else:
            own.append(parameter.replace(annotation=hint, kind=inspect.Parameter.KEYWORD_ONLY))
    fields = {name: [(f, typing.get_type_hints(group, include_extras=True)[f.name]) for f in dataclasses.fields(group)]
              for name, group in groups.items()}
    expanded = [inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=hint)
                for group_fields in fields.values() for f, hint in group_fields]
    arguments = [p for p in expanded if p.name == "dataset"]
    parameters = [*arguments, *own, *(p for p in expanded if p.name != "dataset")]

    @functools.wraps(command)
    def run(**values: Any) -> Any:
        packed = {name: groups[name](**{f.name: values.pop(f.name) for f, _ in group_fields})
                  for name, group_fields in fields.items()}
        return command(**values, **packed)

    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    del run.__wrapped__  # typer reads the signature above, not the command's
    return typing.cast(Command, run)
