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

Every value is checked in one place (:data:`PARAMETERS`), before any training;
an unknown key or an impossible value raises :class:`~reglab.errors.ReglabError`
naming the key, the allowed range and the value received.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from reglab.errors import ReglabError, did_you_mean
from reglab.schedule import Schedule, normalized, split_steps

PerLayer = float | tuple[float, ...]

ADAMW_DEFAULT_DECAY = 0.01
"""`optimizer=adamw` with no `weight_decay` uses PyTorch's AdamW default."""


@dataclass(frozen=True)
class Rule:
    """How one variant key is parsed from text and which values it accepts."""

    kind: str  # "float", "int", "bool", "choice", "hidden", "batch"
    help: str
    low: float | None = None
    high: float | None = None
    closed_high: bool = True
    choices: tuple[str, ...] = ()
    per_layer: bool = False
    optional: bool = False  # None allowed (meaning "off")
    schedulable: bool = False  # may change during training (a Schedule: value@epoch steps), read by the pieces each epoch

    def describe(self) -> str:
        """The accepted values, as said in an error message."""
        if self.kind == "choice":
            return "one of {" + ", ".join(self.choices) + "}"
        if self.kind == "bool":
            return "true or false"
        if self.kind == "hidden":
            return "layer sizes such as 64x32, or none"
        if self.kind == "batch":
            return "a positive integer or 'full'"
        high = "inf)" if self.high is None else f"{self.high:g}{']' if self.closed_high else ')'}"
        noun = "an integer" if self.kind == "int" else "a float"
        text = f"{noun} in [{self.low:g}, {high}"
        if self.per_layer:
            text += " (or one per layer, separated by '/')"
        if self.optional:
            text += ", or none"
        if self.schedulable:
            text += "; or a schedule of value@epoch steps such as 0@1,1e-3@51"
        return text


PARAMETERS: dict[str, Rule] = {
    "hidden": Rule("hidden", "hidden layer sizes, e.g. 64x32; none = linear/logistic model"),
    "conv": Rule("hidden", "filters of each 3x3 convolution + 2x2 max-pool block before the dense layers (image data), e.g. 8x16"),
    "conv_dropout": Rule("float", "dropout rate after each convolution's activation and after each pooling", 0.0, 1.0, closed_high=False, schedulable=True),
    "activation": Rule("choice", "hidden activation", choices=("relu", "tanh", "gelu", "sigmoid", "elu", "leaky_relu")),
    "dropout": Rule("float", "inverted dropout rate after each hidden activation", 0.0, 1.0, closed_high=False, per_layer=True, schedulable=True),
    "noise": Rule("float", "std of Gaussian noise added in training: one value = inputs only; input/h1/h2... per position", 0.0, per_layer=True, schedulable=True),
    "batchnorm": Rule("bool", "batch normalization after each hidden linear layer, before the activation"),
    "l1": Rule("float", "L1 penalty strength: + l1 * sum|w|", 0.0, per_layer=True, schedulable=True),
    "l2": Rule("float", "L2 penalty strength: + l2 * sum w^2", 0.0, per_layer=True, schedulable=True),
    "penalize_bias": Rule("bool", "also apply l1/l2 penalties to biases"),
    "prox": Rule("float", "L1 by a proximal soft-threshold step after each update (exact zeros)", 0.0, schedulable=True),
    "weight_decay": Rule("float", "decoupled weight decay (AdamW semantics): w <- w - lr*wd*w", 0.0, schedulable=True),
    "max_norm": Rule("float", "max norm of each unit's incoming weight vector", 0.0, optional=True, schedulable=True),
    "unit_norm": Rule("bool", "keep each unit's incoming weight vector at norm 1"),
    "non_neg": Rule("bool", "keep every weight >= 0"),
    "early_stopping": Rule("int", "patience in epochs (stop when the monitor has not improved)", 1.0, optional=True),
    "min_delta": Rule("float", "early stopping: smallest change that counts as an improvement", 0.0),
    "monitor": Rule("choice", "early stopping: the quantity watched", choices=("val_loss", "val_acc")),
    "restore_best": Rule("bool", "early stopping: restore the weights of the best epoch"),
    "stop_epoch": Rule("int", "stop at the end of this epoch, keeping the last weights (stopping by hand in reglab explore)", 1.0, optional=True),
    "ensemble": Rule("int", "average of K independently trained networks", 1.0),
    "optimizer": Rule("choice", "optimizer", choices=("adam", "adamw", "sgd")),
    "lr": Rule("float", "learning rate", 0.0),
    "momentum": Rule("float", "SGD momentum", 0.0, 1.0, closed_high=False),
    "batch_size": Rule("batch", "minibatch size, or full"),
    "epochs": Rule("int", "number of training epochs", 1.0),
    "loss": Rule("choice", "data loss; auto = BCE / cross-entropy / MSE by task", choices=("auto", "bce", "cross_entropy", "mse")),
}


@dataclass(frozen=True)
class Variant:
    """One configuration: architecture, regularization, optimizer, schedule.

    Attributes are the keys of :data:`PARAMETERS`; ``name`` is a label for
    tables and figures (default: the short form of what differs from the
    defaults, or ``"baseline"``).
    """

    name: str | None = None
    hidden: tuple[int, ...] = (64, 32)
    conv: tuple[int, ...] = ()
    conv_dropout: float = 0.0
    activation: str = "relu"
    dropout: PerLayer = 0.0
    noise: PerLayer = 0.0
    batchnorm: bool = False
    l1: PerLayer = 0.0
    l2: PerLayer = 0.0
    penalize_bias: bool = False
    prox: float = 0.0
    weight_decay: float = 0.0
    max_norm: float | None = None
    unit_norm: bool = False
    non_neg: bool = False
    early_stopping: int | None = None
    min_delta: float = 0.0
    monitor: str = "val_loss"
    restore_best: bool = True
    stop_epoch: int | None = None
    ensemble: int = 1
    optimizer: str = "adam"
    lr: float = 0.01
    momentum: float = 0.9
    batch_size: int | str = 32
    epochs: int = 500
    loss: str = "auto"
    _label: str = field(default="", init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for key, rule in PARAMETERS.items():
            object.__setattr__(self, key, _check_scheduled(key, rule, getattr(self, key)))
        for key, count, what in (("l1", 1, "weight matrices"), ("l2", 1, "weight matrices"), ("dropout", 0, "hidden layers"),
                                 ("noise", 1, "positions (input and hidden layers)")):
            for value in _values(getattr(self, key)):
                _check_layer_count(key, value, len(self.hidden) + count, what)
        if self.optimizer == "adamw" and self.weight_decay == 0.0:
            object.__setattr__(self, "weight_decay", ADAMW_DEFAULT_DECAY)
        if self.unit_norm and self.max_norm is not None:
            raise ReglabError("Variant keys `unit_norm` and `max_norm` conflict: choose one constraint.")
        label = self.name or self.short_form() or "baseline"
        object.__setattr__(self, "_label", label)

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
            values[key] = raw if "@" in raw else _from_text(key, PARAMETERS[key], raw)  # a schedule: read by _check_scheduled
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
        """Every key with its resolved value (JSON-friendly), without the name."""
        return {key: _jsonable(getattr(self, key)) for key in PARAMETERS}

    def to_dict(self) -> dict[str, Any]:
        """``settings()`` plus the name; inverse of :meth:`from_dict`."""
        return {"name": self.name, **self.settings()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Variant:
        """Rebuild a variant from :meth:`to_dict` output."""
        return cls(**data)

    def short_form(self) -> str:
        """The keys that differ from the defaults, in the short form."""
        default = _DEFAULTS
        parts = [
            f"{key}={_to_text(getattr(self, key))}"
            for key in PARAMETERS
            if getattr(self, key) != getattr(default, key)
        ]
        return ",".join(parts)

    @property
    def schedules(self) -> dict[str, Schedule]:
        """The keys that change during training, with their :class:`~reglab.schedule.Schedule`."""
        return {key: value for key in PARAMETERS if isinstance(value := getattr(self, key), Schedule)}

    def at_epoch(self, epoch: int) -> Variant:
        """This variant with every schedule replaced by its value in force during ``epoch`` (the name kept)."""
        if not self.schedules:
            return self
        return dataclasses.replace(self, **{key: schedule.at(epoch) for key, schedule in self.schedules.items()})

    def per_layer(self, key: str, count: int) -> tuple[float, ...]:
        """The value of a per-layer key expanded to ``count`` entries."""
        value = getattr(self, key)
        return tuple(value) if isinstance(value, tuple) else (float(value),) * count

    def noise_per_position(self) -> tuple[float, ...]:
        """Noise std at the input and after each hidden layer; one value = input only."""
        positions = len(self.hidden) + 1
        if isinstance(self.noise, tuple):
            return self.noise
        return (float(self.noise),) + (0.0,) * (positions - 1)

    def __str__(self) -> str:
        return self.label


def _unknown_key(key: str) -> str:
    return f"Unknown variant key `{key}`.{did_you_mean(key, PARAMETERS)} Valid keys: {', '.join(PARAMETERS)}."


def _from_text(key: str, rule: Rule, raw: str) -> Any:
    """Turn the text of one short-form value into a Python value (checked later)."""
    lowered = raw.lower()
    if rule.optional and lowered in ("none", "off", ""):
        return None
    try:
        if rule.kind == "hidden":
            if lowered in ("none", "0", ""):
                return ()
            return tuple(int(part) for part in lowered.split("x"))
        if rule.kind == "bool":
            if lowered in ("true", "1", "yes", "on"):
                return True
            if lowered in ("false", "0", "no", "off"):
                return False
            raise ValueError(raw)
        if rule.kind == "batch":
            return "full" if lowered == "full" else int(raw)
        if rule.kind == "int":
            number = float(raw)
            if number != int(number):
                raise ValueError(raw)
            return int(number)
        if rule.kind == "float":
            parts = tuple(float(part) for part in raw.split("/"))
            return parts[0] if len(parts) == 1 else parts
        return lowered
    except ValueError:
        raise ReglabError(_bad_value(key, rule, raw)) from None


def _schedule_items(items: list[str]) -> list[str]:
    """Short-form items with a schedule's later steps (``1e-3@51``, no ``=``) joined to their key's item."""
    joined: list[str] = []
    for item in items:
        if joined and "=" not in item and "@" in item:
            joined[-1] += "," + item
        else:
            joined.append(item)
    return joined


def _check_scheduled(key: str, rule: Rule, value: Any) -> Any:
    """:func:`_check` for a constant; for a schedule (or its text), every step checked and the whole normalized."""
    if isinstance(value, str) and "@" in value:
        value = Schedule(tuple((_epoch(key, epoch), _from_text(key, rule, text)) for text, epoch in split_steps(value)))
    if not isinstance(value, Schedule):
        return _check(key, rule, value)
    if not rule.schedulable:
        keys = ", ".join(name for name, r in PARAMETERS.items() if r.schedulable)
        raise ReglabError(f"Variant key `{key}` cannot change during training; keys that take a schedule (value@epoch): {keys}.")
    default = Variant.__dataclass_fields__[key].default
    return normalized(key, [(epoch, _check(key, rule, step)) for epoch, step in value.steps], default)


def _epoch(key: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ReglabError(
            f"Invalid schedule for variant key `{key}`: expected value@epoch steps such as {key}=0@1,1e-3@51. Received epoch {text!r}"
        ) from None


def _values(value: Any) -> list[Any]:
    """The values a key takes: a schedule's steps, or the constant."""
    return [step for _, step in value.steps] if isinstance(value, Schedule) else [value]


def _bad_value(key: str, rule: Rule, value: Any) -> str:
    return f"Invalid value for variant key `{key}`: expected {rule.describe()}. Received: {key}={value!r}"


def _check(key: str, rule: Rule, value: Any) -> Any:
    """Validate and normalize one value against its rule; raise a ReglabError if bad."""
    bad = ReglabError(_bad_value(key, rule, value))
    if value is None:
        if rule.optional:
            return None
        raise bad
    if rule.kind == "choice":
        if value not in rule.choices:
            raise ReglabError(_bad_value(key, rule, value) + did_you_mean(str(value), rule.choices))
        return value
    if rule.kind == "bool":
        if not isinstance(value, bool):
            raise bad
        return value
    if rule.kind == "hidden":
        sizes = (value,) if isinstance(value, int) else tuple(value)
        if not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
            raise bad
        return sizes
    if rule.kind == "batch":
        if value == "full" or (isinstance(value, int) and not isinstance(value, bool) and value > 0):
            return value
        raise bad
    values = tuple(value) if isinstance(value, (tuple, list)) else (value,)
    if len(values) > 1 and not rule.per_layer:
        raise bad
    checked = []
    for number in values:
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
            raise bad
        if rule.kind == "int" and number != int(number):
            raise bad
        if number < rule.low or (rule.high is not None and (number > rule.high or (number == rule.high and not rule.closed_high))):
            raise bad
        checked.append(int(number) if rule.kind == "int" else float(number))
    return tuple(checked) if len(checked) > 1 else checked[0]


def _check_layer_count(key: str, value: PerLayer, count: int, what: str) -> None:
    if isinstance(value, tuple) and len(value) != count:
        raise ReglabError(
            f"Variant key `{key}` has {len(value)} per-layer values but this network has {count} {what}."
        )


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
        return "/".join(f"{v:g}" for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    return "none" if value is None else str(value)


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
