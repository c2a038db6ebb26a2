"""`Variant`: an immutable description of one configuration to train.

A variant is built with keywords, ``Variant(l1=1e-3, dropout=0.3)``, or parsed
from the short form users type::

    Variant.parse("l1=1e-3,dropout=0.3,hidden=64x32,batchnorm=true")
    Variant.parse("strong L1:l1=1e-2")          # with a name
    Variant.parse("baseline")                   # every default

Defaults follow the seed notebook: two hidden ReLU layers of 64 and 32 units,
Adam at learning rate 0.01, batch size 32, 500 epochs, no regularization.

Per-layer values are written with ``/``: ``l1=1e-3/0/0`` gives one strength per
weight matrix (input→h1, h1→h2, h2→output); ``dropout=0.3/0.1`` one rate per
hidden layer.  A single value applies to all of them.

The keys are :data:`PARAMETERS`: the core keys declared here (architecture,
ensemble, optimizer, schedule) and the keys each piece declares in its own
file (:data:`reglab.regularizers.REGISTRY`, :data:`reglab.callbacks.CALLBACKS`).
The class is generated from that table, one frozen dataclass field per key,
so a key is written once.  Every value is checked by its rule
(:mod:`reglab.rules`) before any training; an unknown key or an impossible
value raises :class:`~reglab.errors.ReglabError` naming the key, the allowed
range and the value received.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from typing import Any

from reglab.callbacks import CALLBACKS
from reglab.errors import ReglabError, did_you_mean
from reglab.pieces.interface import Key, Sweep
from reglab.regularizers import REGISTRY
from reglab.rules import AnyOf, Flag, Interval, Invalid, OneOf, PerLayer, Sizes, invalid_key
from reglab.schedule import Schedule, normalized, split_steps

PerLayerValue = float | tuple[float, ...]

MAX_EPOCHS = 1_000_000
MAX_ENSEMBLE = 1_000
MAX_BATCH = 1_000_000_000

ARCHITECTURE: tuple[Key, ...] = (
    Key("hidden", Sizes(), (64, 32), "hidden layer sizes, e.g. 64x32; none = linear/logistic model",
        sweep=Sweep("smaller", "hidden units (total)", "hidden width w (every layer of the base) or sizes such as 16x8")),
    Key("conv", Sizes(largest=1024, most=8), (),
        "filters of each 3x3 convolution + 2x2 max-pool block before the dense layers (image data), e.g. 8x16"),
    Key("activation", OneOf(("relu", "tanh", "gelu", "sigmoid", "elu", "leaky_relu")), "relu", "hidden activation"),
    Key("batchnorm", Flag(), False, "batch normalization after each hidden linear layer, before the activation"),
    Key("init_scale", Interval(float, 0.0, 100.0, "right"), 1.0,
        "multiplies the Glorot-uniform bound of the initial weights (1 = Keras' default)",
        reason="a scale of 0 starts every weight at zero", listed_at_default=False),
)
"""Core keys that shape the network."""

TRAINING: tuple[Key, ...] = (
    Key("ensemble", Interval(int, 1, MAX_ENSEMBLE, "both", integral_floats=True), 1,
        "average of K independently trained networks"),
    Key("optimizer", OneOf(("adam", "adamw", "sgd")), "adam", "optimizer"),
    Key("lr", Interval(float, 0.0, None, "neither"), 0.01, "learning rate",
        reason="a learning rate of 0 never moves the weights"),
    Key("momentum", Interval(float, 0.0, 1.0, "left"), 0.9, "SGD momentum"),
    Key("batch_size", AnyOf((Interval(int, 1, MAX_BATCH, "both"), OneOf(("full",))), text="a positive integer or 'full'"),
        32, "minibatch size, or full"),
    Key("epochs", Interval(int, 1, MAX_EPOCHS, "both", integral_floats=True), 500, "number of training epochs"),
    Key("loss", OneOf(("auto", "bce", "cross_entropy", "mse")), "auto",
        "data loss; auto = BCE / cross-entropy / MSE by task"),
)
"""Core keys of the ensemble, optimizer and schedule."""

PIECES = (*REGISTRY, *CALLBACKS)
"""Every piece that declares variant keys, in table order."""


def _assemble(groups: list[tuple[Key, ...]]) -> dict[str, Key]:
    """The key table: the groups in order, each key with ``after`` moved behind that key; a name declared twice is a bug."""
    table: dict[str, Key] = {}
    placed: list[Key] = []
    for key in (key for group in groups for key in group):
        if key.name in table:
            if table[key.name] is not key:
                raise AssertionError(f"variant key `{key.name}` is declared twice")
            continue
        table[key.name] = key
        placed.append(key)
    ordered = [key for key in placed if key.after is None]
    for key in (key for key in placed if key.after is not None):
        ordered.insert(ordered.index(table[key.after]) + 1, key)
    return {key.name: key for key in ordered}


PARAMETERS: dict[str, Key] = _assemble([ARCHITECTURE, *(piece.keys for piece in PIECES), TRAINING])
"""Every variant key by name: its rule, default, help and sweep direction."""

SCHEDULABLE: frozenset[str] = frozenset(key.name for piece in REGISTRY for key in piece.keys)
"""The keys that may follow a :class:`~reglab.schedule.Schedule`: those the regularizers read, which
rebuild themselves from the values in force at each epoch (:mod:`reglab.pieces.scheduled`)."""


class _VariantMethods:
    """The behaviour of :class:`Variant`; the fields come from :data:`PARAMETERS`."""

    name: str | None
    _label: str

    def __post_init__(self) -> None:
        values = {key: _checked_scheduled(spec, getattr(self, key)) for key, spec in PARAMETERS.items()}
        try:
            for key, spec in PARAMETERS.items():
                if isinstance(spec.rule, PerLayer):
                    for value in _values(values[key]):
                        spec.rule.check_count(key, value, values)
            for piece in REGISTRY:
                piece.settle(values)
        except Invalid as problem:
            raise ReglabError(str(problem)) from None
        for key, value in values.items():
            object.__setattr__(self, key, value)
        object.__setattr__(self, "_label", self.name or self.short_form() or "baseline")

    # -- construction -----------------------------------------------------
    @classmethod
    def parse(cls, spec: str | Variant) -> Variant:
        """Parse ``"[name:]key=value,key=value"``; ``"baseline"`` means defaults."""
        if isinstance(spec, Variant):
            return spec
        if not isinstance(spec, str):
            raise ReglabError(f"A variant must be a string such as 'l1=1e-3' or a Variant. Received: {spec!r}")
        text = spec.strip()
        name = None
        head, sep, tail = text.partition(":")
        if sep and "=" not in head:
            name, text = head.strip() or None, tail.strip()
        if text in ("", "baseline", "default"):
            return cls(name=name or ("baseline" if text else None))
        values: dict[str, Any] = {}
        for item in _schedule_items(text.split(",")):
            key, eq, raw = item.partition("=")
            key = key.strip()
            if not eq:
                raise ReglabError(
                    f"Cannot read '{item.strip()}' in variant '{spec}': expected key=value "
                    f"(for example l1=1e-3). Valid keys: {', '.join(PARAMETERS)}."
                )
            if key not in PARAMETERS:
                raise ReglabError(_unknown_key(key))
            if key in values:
                raise ReglabError(f"Variant key `{key}` is given twice in '{spec}'.")
            raw = raw.strip()
            values[key] = raw if "@" in raw else _from_text(PARAMETERS[key], raw)  # a schedule: read by _checked_scheduled
        return cls(name=name, **values)

    def replace(self, **changes: Any) -> Variant:
        """A copy with some keys changed (and validated); the name is kept only if given."""
        for key in changes:
            if key != "name" and key not in PARAMETERS:
                raise ReglabError(_unknown_key(key))
        changes.setdefault("name", None)
        return dataclasses.replace(self, **changes)

    # -- views -------------------------------------------------------------
    @property
    def label(self) -> str:
        """The name shown in tables and figures."""
        return self._label

    def settings(self) -> dict[str, Any]:
        """Every key with its resolved value (JSON-friendly), without the name.

        A key declared with ``listed_at_default=False`` appears only when it
        differs from its default, so the run keys of runs stored before it
        existed stay the same.
        """
        return {
            key: _jsonable(getattr(self, key))
            for key, spec in PARAMETERS.items()
            if spec.listed_at_default or getattr(self, key) != spec.default
        }

    def to_dict(self) -> dict[str, Any]:
        """``settings()`` plus the name; inverse of :meth:`from_dict`."""
        return {"name": self.name, **self.settings()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Variant:
        """Rebuild a variant from :meth:`to_dict` output."""
        return cls(**data)

    def short_form(self) -> str:
        """The keys that differ from the defaults, in the short form."""
        parts = [
            f"{key}={_to_text(getattr(self, key))}"
            for key in PARAMETERS
            if getattr(self, key) != getattr(_DEFAULTS, key)
        ]
        return ",".join(parts)

    @property
    def schedules(self) -> dict[str, Schedule]:
        """The keys that change during training, with their :class:`~reglab.schedule.Schedule`."""
        return {key: value for key in SCHEDULABLE if isinstance(value := getattr(self, key), Schedule)}

    def at_epoch(self, epoch: int) -> Variant:
        """This variant with every schedule replaced by its value during ``epoch`` (the name kept)."""
        schedules = self.schedules
        if not schedules:
            return self
        return dataclasses.replace(self, **{key: schedule.at(epoch) for key, schedule in schedules.items()})

    def per_layer(self, key: str, count: int) -> tuple[float, ...]:
        """The value of a per-layer key expanded to ``count`` entries."""
        value = getattr(self, key)
        return tuple(value) if isinstance(value, tuple) else (float(value),) * count

    def __str__(self) -> str:
        return self.label


def _unknown_key(key: str) -> str:
    return f"Unknown variant key `{key}`.{did_you_mean(key, PARAMETERS)} Valid keys: {', '.join(PARAMETERS)}."


def _from_text(spec: Key, raw: str) -> Any:
    """Turn the text of one short-form value into a Python value (checked when the variant is built)."""
    try:
        return spec.rule.parse(raw)
    except Invalid:
        raise ReglabError(invalid_key(spec.name, spec.rule, raw)) from None


def _schedule_items(items: list[str]) -> list[str]:
    """Short-form items with a schedule's later steps (``1e-3@51``, no ``=``) joined to their key's item."""
    joined: list[str] = []
    for item in items:
        if joined and "=" not in item and "@" in item:
            joined[-1] += "," + item
        else:
            joined.append(item)
    return joined


def _checked_scheduled(spec: Key, value: Any) -> Any:
    """:func:`_checked` for a constant; a schedule (or its text) step by step, then normalized."""
    if isinstance(value, str) and "@" in value:
        value = Schedule(tuple((_epoch(spec.name, epoch), _from_text(spec, text)) for text, epoch in split_steps(value)))
    if not isinstance(value, Schedule):
        return _checked(spec, value)
    if spec.name not in SCHEDULABLE:
        raise ReglabError(
            f"Variant key `{spec.name}` cannot change during training; keys that take a schedule (value@epoch): "
            f"{', '.join(key for key in PARAMETERS if key in SCHEDULABLE)}."
        )
    return normalized(spec.name, [(epoch, _checked(spec, step)) for epoch, step in value.steps], spec.default)


def _epoch(key: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ReglabError(
            f"Invalid schedule for variant key `{key}`: expected value@epoch steps such as {key}=0@1,1e-3@51. "
            f"Received epoch {text!r}"
        ) from None


def _values(value: Any) -> list[Any]:
    """The values a key takes: a schedule's steps, or the constant."""
    return [step for _, step in value.steps] if isinstance(value, Schedule) else [value]


def _checked(spec: Key, value: Any) -> Any:
    """``value`` validated and normalized by the key's rule; a ReglabError naming the key if refused."""
    try:
        return spec.rule.check(value)
    except Invalid as problem:
        message = invalid_key(spec.name, spec.rule, value, spec.reason or str(problem))
        if isinstance(spec.rule, OneOf):
            message += did_you_mean(str(value), [str(v) for v in spec.rule.values])
        raise ReglabError(message) from None


def _jsonable(value: Any) -> Any:
    if isinstance(value, Schedule):
        return value.text(_to_text)
    return list(value) if isinstance(value, tuple) else value


def _to_text(value: Any) -> str:
    if isinstance(value, Schedule):
        return value.text(_to_text)
    if isinstance(value, tuple):
        if value == ():
            return "none"
        if all(isinstance(v, int) for v in value):
            return "x".join(str(v) for v in value)
        return "/".join(_float_text(v) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return _float_text(value)
    return "none" if value is None else str(value)


def _float_text(value: float) -> str:
    """``0.001`` as ``0.001``, ``1e-05`` as ``1e-05``: the short ``g`` form when it reads back exactly, else ``repr``."""
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def _key_lines() -> str:
    return "\n".join(f"    {key}: {spec.help} (default {_to_text(spec.default)})" for key, spec in PARAMETERS.items())


Variant = dataclasses.make_dataclass(
    "Variant",
    [
        ("name", "str | None", field(default=None)),
        *((key, "Any", field(default=spec.default)) for key, spec in PARAMETERS.items()),
        ("_label", "str", field(default="", init=False, repr=False, compare=False)),
    ],
    bases=(_VariantMethods,),
    frozen=True,
    namespace={
        "__module__": __name__,
        "__doc__": (
            "One configuration: architecture, regularization, optimizer, schedule.\n\n"
            "Attributes are the keys of :data:`PARAMETERS`; ``name`` is a label for tables and figures\n"
            "(default: the short form of what differs from the defaults, or ``\"baseline\"``).\n\n"
            "Keys:\n" + _key_lines()
        ),
    },
)


_dataclass_init = Variant.__init__


def _init(self: Any, *args: Any, **keys: Any) -> None:
    """The dataclass's ``__init__``, with an unknown key, a positional setting or a non-text name refused by name."""
    if len(args) > 1:
        raise ReglabError(f"Variant takes its settings as keywords, e.g. Variant(l1=1e-3). Received {len(args)} positional arguments.")
    for key in keys:
        if key != "name" and key not in PARAMETERS:
            raise ReglabError(_unknown_key(key))
    name = args[0] if args else keys.get("name")
    if name is not None and not isinstance(name, str):
        raise ReglabError(f"Invalid value for `name`: expected a string or None. Received: name={name!r}")
    _dataclass_init(self, *args, **keys)


Variant.__init__ = _init


def parse_variants(specs: list[str | Variant]) -> list[Variant]:
    """Parse several specs; labels must be unique so results can be told apart."""
    variants = [Variant.parse(spec) for spec in specs]
    labels = [v.label for v in variants]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    if duplicates:
        raise ReglabError(
            f"Two variants share the label {duplicates[0]!r}: give them names, e.g. 'mine:{duplicates[0]}'."
        )
    return variants


_DEFAULTS = Variant(name="defaults")
