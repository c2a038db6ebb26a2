"""What the page builds its controls from: the variant key table, the data sets' option tables, presets, limits.

Nothing here names a technique: a key added to :data:`reglab.variant.PARAMETERS`
appears in the page with its rule (kind, range, choices, per-layer, optional,
schedulable: :data:`reglab.variant.SCHEDULABLE`) and its default, without front-end work.
"""

from __future__ import annotations

from typing import Any

from reglab.data import dataset_catalog
from reglab.data._split import SPLIT_OPTIONS
from reglab.data.csv_file import CSV_OPTIONS
from reglab.explore import limits
from reglab.explore.frames import HIST_BINS, HIST_HIGH, HIST_LOW
from reglab.explore.state import CSV_NAME, DEFAULT_GRID, DEFAULT_SEEDS, NETWORK_KEYS, PANELS, DataChoice
from reglab.presets import DEFAULT_PRESET, PRESETS
from reglab.pieces.interface import Key
from reglab.rules import Flag, Interval, OneOf, Optional, PerLayer
from reglab.variant import PARAMETERS, SCHEDULABLE, Variant


def key_entry(name: str, key: Key, default: Any) -> dict[str, Any]:
    """One variant key as the page needs it: the kind of control and its range, from the key's rule."""
    rule, optional, per_layer = key.rule, False, False
    while isinstance(rule, (Optional, PerLayer)):
        optional |= isinstance(rule, Optional)
        per_layer |= isinstance(rule, PerLayer)
        rule = rule.rule
    entry: dict[str, Any] = {
        "key": name, "help": key.help, "accepts": key.rule.describe(), "default": default, "optional": optional,
        "per_layer": per_layer, "schedulable": name in SCHEDULABLE, "network": name in NETWORK_KEYS,
        "kind": "text", "low": None, "high": None, "closed_high": True, "choices": [],
    }
    if isinstance(rule, Interval):
        entry.update(kind="float" if rule.kind is float else "int", low=rule.low, high=rule.high,
                     closed_high=rule.closed in ("both", "right"))
    elif isinstance(rule, Flag):
        entry["kind"] = "bool"
    elif isinstance(rule, OneOf):
        entry.update(kind="choice", choices=[str(v) for v in rule.values])
    return entry


def schema(choice: DataChoice) -> dict[str, Any]:
    """The JSON the page reads at start (``GET /api/schema``)."""
    defaults = Variant().settings()
    keys = [key_entry(name, key, defaults.get(name, key.default)) for name, key in PARAMETERS.items()]
    catalog = {info.name: info for info in dataset_catalog()}
    datasets = []
    for name in choice.names:
        info = catalog[name]
        datasets.append({"name": name, "description": info.description, "task": info.task,
                         "options": [{"name": key, "default": value, "help": info.option_help[key]} for key, value in info.options.items()
                                     if key not in ("standardize", "task")]})
    if choice.csv_path is not None:
        given = dict(choice.csv_options)
        table = [o for o in (*CSV_OPTIONS, *SPLIT_OPTIONS) if o.name not in ("standardize", "task", "delimiter", "target")]
        datasets.append({"name": CSV_NAME, "description": f"the CSV file {choice.csv_path}", "task": None,
                         "options": [{"name": o.name, "default": given.get(o.name, o.default), "help": f"{o.expected()}: {o.doc}"} for o in table]})
    return {
        "keys": keys,
        "datasets": datasets,
        "presets": [{"name": p.name, "description": p.description, "specs": list(p.specs)} for p in PRESETS.values()],
        "default_preset": DEFAULT_PRESET,
        "panels": list(PANELS),
        "defaults": {"seeds": DEFAULT_SEEDS, "grid": DEFAULT_GRID, "dataset": choice.names[0]},
        "histogram": {"low": HIST_LOW, "high": HIST_HIGH, "bins": HIST_BINS},
        "limits": {name.lower(): getattr(limits, name) for name in dir(limits) if name.isupper()},
    }
