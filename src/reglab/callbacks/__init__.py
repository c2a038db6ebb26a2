"""Callbacks: pieces that decide, at the end of each epoch, which runs stop."""

from reglab.callbacks.early_stopping import Decision, EarlyStopping
from reglab.callbacks.stop_at import StopAt

CALLBACKS = (EarlyStopping, StopAt)
"""Every callback the engine builds for a group of runs (a resumed group's saved states follow this order)."""


def build_callbacks(variants) -> list[EarlyStopping | StopAt]:
    """The callbacks used by at least one of these runs."""
    built = (cls.build(variants) for cls in CALLBACKS)
    return [callback for callback in built if callback is not None]


__all__ = ["CALLBACKS", "Decision", "EarlyStopping", "StopAt", "build_callbacks"]
