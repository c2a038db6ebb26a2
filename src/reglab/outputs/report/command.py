"""The command line (and Python snippet) that reproduces a stored experiment.

Only data set options that differ from their defaults are spelled out; seeds
``0..N-1`` become ``--seeds N``; the variants are written as ``--preset NAME``
when they start with that preset's, and the others as one ``--variant 'label:spec'`` each.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reglab.data import dataset_catalog
from reglab.data._split import SPLIT_OPTIONS
from reglab.data.csv_file import CSV_OPTIONS

if TYPE_CHECKING:
    from reglab.store import ExperimentRecord  # the store imports reglab.outputs.files

FLAGS = {"n_samples": "--n-samples", "noise": "--noise", "train_size": "--train-size", "target": "--target"}
"""Data set options with their own flag; the others go through ``--option KEY=VALUE``."""


def option_text(value: Any) -> str:
    """A value as typed on the command line (``true``, ``none``, ``0.25``)."""
    if isinstance(value, bool):
        return str(value).lower()
    if value is None:
        return "none"
    return str(value)


def changed_options(record: ExperimentRecord) -> dict[str, Any]:
    """The data set options that differ from their defaults (``task`` only when it was forced)."""
    info = {i.name: i for i in dataset_catalog()}.get(record.dataset)
    if info is not None:
        defaults, default_task = dict(info.options), info.task
    else:
        defaults = {o.name: o.default for o in (*CSV_OPTIONS, *SPLIT_OPTIONS)}
        default_task = None
    changed = {}
    for key, value in record.options.items():
        if key == "task" and (value is None or value == default_task):
            continue
        if key not in defaults or defaults[key] != value or type(defaults[key]) is not type(value):
            changed[key] = value
    return changed


def _preset_prefix(record: ExperimentRecord) -> int:
    """How many of the record's first specs are its preset's (0 when they are not that preset)."""
    from reglab.presets import PRESETS

    preset = PRESETS.get(record.preset or "")
    if preset is None or tuple(record.specs[: len(preset.specs)]) != tuple(preset.specs):
        return 0
    return len(preset.specs)


def data_words(command: str, record: ExperimentRecord) -> list[str]:
    """``reglab COMMAND DATASET`` and the data set options that differ from their defaults, as words."""
    words = ["reglab", command, record.dataset]
    for key, value in changed_options(record).items():
        words += [FLAGS[key], option_text(value)] if key in FLAGS else ["--option", f"{key}={option_text(value)}"]
    return words


def seed_words(seeds: Sequence[int]) -> list[str]:
    """``--seeds N`` when the seeds are ``0..N-1`` (the CLI's only form), else nothing."""
    seeds = list(seeds)
    return ["--seeds", str(len(seeds))] if seeds == list(range(len(seeds))) else []


def shell_line(words: Sequence[str]) -> str:
    """The words as one shell command line, each quoted where the shell needs it."""
    return " ".join(shlex.quote(word) for word in words)


def command_line(record: ExperimentRecord, out_dir: str | Path) -> str:
    """``reglab compare ...`` reproducing ``record`` into ``out_dir``, shell-quoted."""
    words = data_words("compare", record)
    from_preset = _preset_prefix(record)
    if from_preset:
        words += ["--preset", str(record.preset)]
    for spec in record.specs[from_preset:]:
        words += ["--variant", spec]
    words += seed_words(record.seeds)
    if record.epochs is not None:
        words += ["--epochs", str(record.epochs)]
    words += ["--out", str(out_dir)]
    return shell_line(words)


def python_snippet(record: ExperimentRecord, out_dir: str | Path) -> str:
    """The same comparison from Python (exact seeds included)."""
    options = ", ".join(f"{key}={value!r}" for key, value in changed_options(record).items())
    specs = ",\n    ".join(repr(spec) for spec in record.specs)
    return (
        "import reglab\n\n"
        f"ds = reglab.load_dataset({record.dataset!r}{', ' + options if options else ''})\n"
        f"variants = [\n    {specs},\n]\n"
        f"reglab.compare(ds, variants, seeds={list(record.seeds)!r}, out_dir={str(out_dir)!r}, epochs={record.epochs!r})\n"
    )
