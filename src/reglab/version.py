"""The installed reglab version (recorded in the run store, results.json and the report pages)."""

from importlib import metadata


def reglab_version() -> str:
    """The installed reglab version, or ``"unknown"`` when running from a bare source tree."""
    try:
        return metadata.version("reglab")
    except metadata.PackageNotFoundError:
        return "unknown"


__version__ = reglab_version()
"""``reglab.__version__`` (read on first use)."""
