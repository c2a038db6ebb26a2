"""Package names that load on first use (PEP 562), so importing a package stays cheap.

    __getattr__, __dir__ = lazy_names(__name__, {"train": "reglab.api", ...})
"""

from __future__ import annotations

import importlib
import sys

TYPE_CHECKING = False  # not typing's: importing reglab stays cheap
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any


def lazy_names(package: str, table: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module ``__getattr__`` and ``__dir__`` for ``package``: ``name`` is imported from ``table[name]`` when first read."""

    def __getattr__(name: str) -> Any:
        if name not in table:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(table[name]), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *table})

    return __getattr__, __dir__
