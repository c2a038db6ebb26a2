"""Callbacks: pieces that decide, at the end of each epoch, which runs stop (see :mod:`reglab.callbacks.base`)."""

from reglab.callbacks.base import Callback, Decision
from reglab.callbacks.early_stopping import EarlyStopping

CALLBACKS = (EarlyStopping,)
"""Every callback the engine builds for a group of runs from their variants."""


def build_callbacks(variants) -> list[Callback]:
    """The callbacks used by at least one of these runs."""
    built = (cls.build(variants) for cls in CALLBACKS)
    return [callback for callback in built if callback is not None]


__all__ = ["CALLBACKS", "Callback", "Decision", "EarlyStopping", "build_callbacks"]
