"""The page's whole set-up as one flat table of named values, written as a URL query string.

Like the TensorFlow Playground (``src/state.ts``), every setting of the page
is one ``key=value`` pair, so a link reproduces a set-up exactly; the page
keeps it in its URL hash and sends the same string to start training::

    dataset=circles&noise=0.2&hidden=32x16&lr=0.03&epochs=300&seeds=3
        &variant=baseline&variant=L2%201e-3%3Al2%3D1e-3&grid=40&_hide=dataset,network

* ``dataset``: a 2-D data set of the catalog, or ``csv`` for the CSV file
  given on the command line; then any option of that data set
  (``noise``, ``n_samples``, ``train_size``, ``label_noise``, ...), checked by
  the data set's own option table.
* network keys shared by every variant: ``hidden``, ``activation``,
  ``optimizer``, ``lr``, ``batch_size``, ``epochs`` (the variant key table's
  rules);
* ``variant``: one per variant, in the short form of ``--variant``; ``preset``
  (``seed``, ``all``, ...) stands for that preset's variants;
* ``seeds`` (runs per variant), ``grid`` (points per side of the boundary);
* ``_hide``: names of control panels the page hides (a teacher's focused exercise).

:func:`parse_setup` checks every value with the command line's rules and the
work limits of :mod:`reglab.explore.limits`; a mistake raises
:class:`~reglab.errors.ReglabError` with the CLI's message.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from reglab.arguments import parse_value
from reglab.data import Dataset, dataset_catalog, load_dataset
from reglab.errors import ReglabError, did_you_mean
from reglab.explore import limits
from reglab.presets import DEFAULT_PRESET, get_preset
from reglab.outputs.report.command import option_text
from reglab.variant import PARAMETERS, Variant, parse_variants

NETWORK_KEYS = ("hidden", "activation", "optimizer", "lr", "batch_size", "epochs")
"""Variant keys set once for every variant (the page's network panel)."""
CSV_NAME = "csv"
"""The ``dataset`` value meaning the CSV file given on the command line."""
PANELS = ("dataset", "network", "variants", "presets", "seeds", "export")
"""Control panels ``_hide`` may name."""
OWN_KEYS = ("dataset", "variant", "preset", "seeds", "grid", "_hide")
DEFAULT_SEEDS = 3
DEFAULT_GRID = 40
_DEFAULTS = Variant().settings()


@dataclass(frozen=True)
class DataChoice:
    """The data sets a server offers: the 2-D catalog entries, and the CSV file given on its command line."""

    names: tuple[str, ...]
    csv_path: str | None = None
    csv_options: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, csv_path: str | None = None, csv_options: dict[str, Any] | None = None) -> DataChoice:
        """Every catalog data set with 2 input columns (with default options), plus ``csv_path`` if given."""
        two_d = tuple(info.name for info in dataset_catalog() if "n_features" not in info.options and _is_2d(info.name))
        return cls(two_d, csv_path, tuple((csv_options or {}).items()))

    def options_of(self, name: str) -> dict[str, Any]:
        """Default options of ``name`` (the command line's for the CSV file)."""
        if name == CSV_NAME:
            return dict(self.csv_options)
        return dict(next(info.options for info in dataset_catalog() if info.name == name))


def _is_2d(name: str) -> bool:
    try:
        return load_dataset(name).n_features == 2
    except ReglabError:
        return False


@dataclass(frozen=True)
class Setup:
    """A checked set-up: the data set, its options, the variants, seeds and the grid size."""

    dataset: str
    options: dict[str, Any]
    base: dict[str, Any]
    specs: tuple[str, ...]
    seeds: int = DEFAULT_SEEDS
    grid: int = DEFAULT_GRID
    hide: tuple[str, ...] = ()
    preset: str | None = None
    variants: tuple[Variant, ...] = field(default=(), compare=False)

    def load(self, choice: DataChoice) -> Dataset:
        """The data set (the CSV file only as given on the command line)."""
        if self.dataset != CSV_NAME:
            return load_dataset(self.dataset, **self.options)
        if not os.path.isfile(choice.csv_path):
            return load_dataset(choice.csv_path, **self.options)  # its own message for a missing file
        with open(choice.csv_path, "rb") as handle:  # counted before it is parsed
            rows = sum(1 for _ in handle) - 1
        if rows > limits.MAX_CSV_ROWS:
            raise ReglabError(f"The CSV file '{choice.csv_path}' has {rows} data rows; reglab explore takes at most {limits.MAX_CSV_ROWS}.")
        return load_dataset(choice.csv_path, **self.options)

    def to_query(self) -> str:
        """The set-up as a query string (what :func:`parse_setup` reads back)."""
        pairs: list[tuple[str, str]] = [("dataset", self.dataset)]
        pairs += [(key, option_text(value)) for key, value in self.options.items()]
        pairs += [(key, option_text(value)) for key, value in self.base.items()]
        pairs += [("variant", spec) for spec in self.specs]
        pairs += [("seeds", str(self.seeds)), ("grid", str(self.grid))]
        if self.hide:
            pairs.append(("_hide", ",".join(self.hide)))
        return urlencode(pairs)


def parse_setup(query: str, choice: DataChoice) -> Setup:
    """Read and check a set-up query string; raise :class:`ReglabError` with the CLI's message if it is wrong."""
    pairs = parse_qsl(query.lstrip("?#"), keep_blank_values=True)
    if len(pairs) > limits.MAX_SETTINGS:
        raise ReglabError(f"Too many settings: {len(pairs)} (at most {limits.MAX_SETTINGS}).")
    values: dict[str, str] = {}
    specs: list[str] = []
    presets: list[str] = []
    for key, value in pairs:
        if key == "variant":
            specs.append(value)
        elif key == "preset":
            presets.append(value)
        elif key in values:
            raise ReglabError(f"Setting `{key}` is given twice.")
        else:
            values[key] = value
    dataset = values.pop("dataset", "moons")
    allowed = (*choice.names, *((CSV_NAME,) if choice.csv_path else ()))
    if dataset not in allowed:
        raise ReglabError(f"Unknown data set {dataset!r}.{did_you_mean(dataset, allowed)} This server offers: {', '.join(allowed)}.")
    defaults = choice.options_of(dataset)
    seeds = _count("seeds", values.pop("seeds", str(DEFAULT_SEEDS)), limits.MAX_SEEDS)
    grid = _count("grid", values.pop("grid", str(DEFAULT_GRID)), limits.MAX_GRID, low=limits.MIN_GRID)
    hide = _panels(values.pop("_hide", ""))
    base = {key: values.pop(key) for key in NETWORK_KEYS if key in values}
    base = {key: text for key, text in base.items() if Variant.parse(f"{key}={text}").settings()[key] != _DEFAULTS[key]}
    options = {**defaults, **{key: parse_value(text) for key, text in values.items()}}
    unknown = [key for key in values if key not in defaults and key not in PARAMETERS]
    if unknown:
        valid = [*OWN_KEYS, *defaults, *NETWORK_KEYS]
        raise ReglabError(f"Unknown setting `{unknown[0]}`.{did_you_mean(unknown[0], valid)} Valid settings: {', '.join(valid)}.")
    misplaced = [key for key in values if key not in defaults]
    if misplaced:
        raise ReglabError(f"Setting `{misplaced[0]}` is a variant key: put it in a variant, e.g. variant={misplaced[0]}=...")
    if not specs and not presets:
        presets = [DEFAULT_PRESET]
    all_specs = [spec for name in presets for spec in get_preset(name).specs] + specs
    variants = parse_variants([_with_base(spec, base) for spec in all_specs])
    if not variants:
        raise ReglabError("No variants: give at least one, e.g. variant=baseline.")
    _check_work(variants, seeds, options)
    setup = Setup(dataset, options, base, tuple(all_specs), seeds, grid, hide, presets[0] if len(presets) == 1 else None,
                  tuple(variants))
    setup.load(choice)  # the data set's own rules, before any training
    return setup


def _with_base(spec: str, base: dict[str, str]) -> str:
    """``spec`` with the shared network keys in front (keys the spec sets itself win), its label kept."""
    if not base:
        return spec
    head, sep, tail = spec.partition(":")
    named = bool(sep) and "=" not in head
    body = tail if named else spec
    body = "" if body.strip() in ("", "baseline", "default") else body.strip()
    own = {item.partition("=")[0].strip() for item in body.split(",") if "=" in item}
    joined = ",".join([*(f"{key}={text}" for key, text in base.items() if key not in own), *([body] if body else [])])
    if named or not body:  # an unnamed baseline keeps its label; other unnamed specs are labelled by their keys
        return f"{Variant.parse(spec).label}:{joined}"
    return joined


def _count(key: str, text: str, high: int, low: int = 1) -> int:
    try:
        number = int(text)
    except ValueError:
        raise ReglabError(f"Invalid value for `{key}`: expected an integer in [{low}, {high}]. Received: {key}={text!r}") from None
    if not low <= number <= high:
        raise ReglabError(f"Invalid value for `{key}`: expected an integer in [{low}, {high}]. Received: {key}={number}")
    return number


def _panels(text: str) -> tuple[str, ...]:
    names = tuple(name for name in text.split(",") if name)
    for name in names:
        if name not in PANELS:
            raise ReglabError(f"Invalid value for `_hide`: {name!r} is not a panel.{did_you_mean(name, PANELS)} Panels: {', '.join(PANELS)}.")
    return names


def _check_work(variants: Sequence[Variant], seeds: int, options: dict[str, Any]) -> None:
    """Refuse set-ups beyond :mod:`reglab.explore.limits`."""
    if len(variants) > limits.MAX_VARIANTS:
        raise ReglabError(f"{len(variants)} variants: reglab explore trains at most {limits.MAX_VARIANTS} at once.")
    models = sum(v.ensemble for v in variants) * seeds
    if models > limits.MAX_MODELS:
        raise ReglabError(
            f"{models} models (variants x seeds x ensemble members): reglab explore trains at most {limits.MAX_MODELS} at once."
        )
    for variant in variants:
        if variant.epochs > limits.MAX_EPOCHS:
            raise ReglabError(f"Variant '{variant.label}': epochs={variant.epochs}; reglab explore trains at most {limits.MAX_EPOCHS} epochs.")
        if any(size > limits.MAX_WIDTH for size in variant.hidden):
            raise ReglabError(f"Variant '{variant.label}': hidden layers of at most {limits.MAX_WIDTH} units in reglab explore.")
    rows = options.get("n_samples")
    if isinstance(rows, int) and rows > limits.MAX_ROWS:
        raise ReglabError(f"Invalid value for `n_samples`: reglab explore generates at most {limits.MAX_ROWS} rows. Received: n_samples={rows}")

