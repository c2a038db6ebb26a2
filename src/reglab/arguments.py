"""Checks of the arguments that :func:`reglab.train`, ``compare`` and :func:`reglab.sweep` share.

Each raises :class:`~reglab.errors.ReglabError` naming the argument, what was
expected and what was received, as the CLI's messages do.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from reglab.errors import ReglabError

if TYPE_CHECKING:
    from reglab.data import Dataset

MAX_INT = 2**63 - 1
"""The largest integer a seed or a count may be: a 64-bit integer, as the run store and torch keep them."""


def seed_list(seeds: Any) -> list[int]:
    """``seeds`` as a list of distinct integers in [0, 2**63 - 1]; ``seeds=N`` is not accepted here (give a list)."""
    if isinstance(seeds, (str, bytes)) or not isinstance(seeds, Iterable):
        raise ReglabError(f"Argument `seeds` must be a list of integers >= 0, such as [0, 1, 2]. Received: seeds={seeds!r}")
    values = list(seeds)
    for seed in values:
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or not 0 <= seed <= MAX_INT:
            raise ReglabError(
                f"Argument `seeds` must hold integers in [0, {MAX_INT}]. Received: {seed!r} in seeds={_short(values)}"
            )
    if not values:
        raise ReglabError("Argument `seeds` is empty: give at least one seed, e.g. seeds=[0].")
    out = [int(seed) for seed in values]
    if len(set(out)) != len(out):
        repeated = sorted({seed for seed in out if out.count(seed) > 1})
        raise ReglabError(f"Argument `seeds` repeats seed {repeated[0]}: seeds={_short(out)}. Give each seed once.")
    return out


MAX_SEEDS = 1_000_000
"""The most seeds ``seeds=N`` (``--seeds N``) may ask for; memory decides long before (:mod:`reglab.budget`)."""


def seed_count(name: str, count: Any) -> list[int]:
    """Seeds ``0 .. count-1`` for ``seeds=N`` (``name`` is how the caller calls it: ``seeds`` or ``--seeds``)."""
    if isinstance(count, bool) or not isinstance(count, numbers.Integral) or not 1 <= count <= MAX_SEEDS:
        raise ReglabError(f"Invalid value for `{name}`: expected an integer in [1, {MAX_SEEDS}]. Received: {name}={count!r}")
    return list(range(int(count)))


def positive_int(name: str, value: Any) -> int:
    """``value`` as an int in [1, 2**63 - 1], else a ReglabError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 1 <= value <= MAX_INT:
        raise ReglabError(f"Argument `{name}` must be an integer in [1, {MAX_INT}]. Received: {name}={value!r}")
    return int(value)


def dataset_argument(dataset: Any) -> Dataset:
    """A :class:`~reglab.data.Dataset`, or a data set name / CSV path loaded with its defaults."""
    from reglab.data import Dataset, load_dataset

    if isinstance(dataset, Dataset):
        return dataset
    if isinstance(dataset, str):
        return load_dataset(dataset)
    hint = " Wrap arrays with reglab.Dataset.from_arrays(X, y)." if hasattr(dataset, "shape") else ""
    raise ReglabError(
        "Argument `dataset` must be a reglab.Dataset (from reglab.load_dataset or Dataset.from_arrays) or a data set "
        f"name such as 'moons'. Received: {_short(dataset)} (a {type(dataset).__name__}).{hint}"
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_value(text: str) -> Any:
    """A command-line value as Python: ``true``/``false``, ``none``, an int, a float, else the text."""
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "on"):
        return True
    if lowered in ("false", "no", "off"):
        return False
    if lowered in ("none", "null"):
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text
