"""What a data set source declares (:class:`Source`) and what it builds (:class:`RawData`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from reglab.data._options import Option


@dataclass(frozen=True)
class RawData:
    """Unsplit, unstandardized arrays plus what is known about them."""

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...] | None = None
    class_names: tuple[str, ...] | None = None
    informative_features: tuple[int, ...] | None = None
    redundant_features: tuple[int, ...] | None = None
    image_shape: tuple[int, int] | None = None
    target_name: str | None = None
    source_options: dict[str, Any] | None = None
    """Options the source resolved itself (a CSV file's detected delimiter and encoding), for an exact rebuild."""


@dataclass(frozen=True)
class Source:
    """A named data set: its one-line description, task (with default options),
    its own options (the split options are added by the catalog) and its builder.

    ``build(options)`` receives every resolved option, the split ones included.
    """

    name: str
    description: str
    task: str
    options: tuple[Option, ...]
    build: Callable[[dict[str, Any]], RawData]
