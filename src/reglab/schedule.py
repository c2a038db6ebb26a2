"""Strength schedules: a variant key whose value changes at given epochs.

Short form: ``value@epoch`` steps separated by commas, epochs increasing::

    l2=0@1,1e-3@51          l2 is 0 for epochs 1-50, then 1e-3 from epoch 51 on
    dropout=0.1@1,0.3@100   dropout 0.1, raised to 0.3 from epoch 100
    l2=1e-3@51              the same as l2=0@1,1e-3@51: before the first step the key has its default

Each value is checked by the key's own rule (``l1=1e-3/0/0@20`` per layer too).
A schedule is normalized: a first step after epoch 1 gets the default in
front, repeated values are merged, and a schedule of one step is the
constant itself, so ``l2=1e-3@1`` *is* ``l2=1e-3`` (same numbers, same run
key).  The keys that accept a schedule are those the regularizers declare
(:data:`reglab.variant.SCHEDULABLE`); at the start of each epoch each
technique is built again from the values in force
(:meth:`reglab.variant.Variant.at_epoch`, :mod:`reglab.pieces.scheduled`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from reglab.errors import ReglabError


@dataclass(frozen=True)
class Schedule:
    """``steps``: ``(first epoch, value)`` pairs, epochs increasing from 1; a value holds until the next step."""

    steps: tuple[tuple[int, Any], ...]

    def at(self, epoch: int) -> Any:
        """The value in force during ``epoch`` (counted from 1)."""
        value = self.steps[0][1]
        for start, step_value in self.steps:
            if start > epoch:
                break
            value = step_value
        return value

    def text(self, value_text: Callable[[Any], str]) -> str:
        """The short form, ``0@1,0.001@51``, with each value written by ``value_text``."""
        return ",".join(f"{value_text(value)}@{epoch}" for epoch, value in self.steps)

    @property
    def epochs(self) -> tuple[int, ...]:
        """The epochs where a value starts."""
        return tuple(epoch for epoch, _ in self.steps)


def normalized(key: str, steps: list[tuple[int, Any]], default: Any) -> Schedule | Any:
    """``steps`` as a :class:`Schedule` (see the module docstring), or the constant when there is one value.

    Raises:
        ReglabError: epochs that are not integers >= 1 in increasing order.
    """
    epochs = [epoch for epoch, _ in steps]
    if not steps or any(isinstance(e, bool) or not isinstance(e, int) or e < 1 for e in epochs) or epochs != sorted(set(epochs)):
        raise ReglabError(
            f"Invalid schedule for variant key `{key}`: expected value@epoch steps with epochs >= 1 in increasing order, "
            f"such as {key}=0@1,1e-3@51. Received epochs: {epochs}"
        )
    if steps[0][0] > 1:
        steps = [(1, default), *steps]
    merged: list[tuple[int, Any]] = []
    for epoch, value in steps:
        if not merged or merged[-1][1] != value:
            merged.append((epoch, value))
    return merged[0][1] if len(merged) == 1 else Schedule(tuple(merged))


def split_steps(raw: str) -> list[tuple[str, str]]:
    """``"0@1,1e-3@51"`` as ``[("0", "1"), ("1e-3", "51")]`` (value text, epoch text)."""
    return [tuple(step.rpartition("@")[::2]) for step in raw.split(",")]  # type: ignore[misc]
