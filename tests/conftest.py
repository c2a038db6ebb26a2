"""Shared fixtures: one tiny comparison made once per session by the real CLI.

Tiny settings keep the whole CLI suite fast: 120 moons points, 5 epochs,
networks of 8 units, 2 seeds.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reglab.cli import app

TINY_DATA = ["--n-samples", "120", "--epochs", "5"]
TINY_VARIANTS = ["--variant", "base:hidden=8", "--variant", "L1:hidden=8,l1=1e-3", "--variant", "drop <b>&:hidden=8,dropout=0.3"]
TINY_ARGS = ["compare", "moons", *TINY_DATA, *TINY_VARIANTS, "--seeds", "2", "--quiet"]
"""A comparison of 3 variants × 2 seeds = 6 runs; one label holds HTML characters on purpose."""


@pytest.fixture(scope="session")
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, args: list[str]):
    """Run the CLI in-process; stdout and stderr are kept apart (``result.stdout``, ``result.stderr``)."""
    return runner.invoke(app, args, catch_exceptions=False)


@dataclass(frozen=True)
class Compared:
    """The output directory of one ``reglab compare`` and what it printed."""

    out: Path
    stdout: str
    stderr: str


@pytest.fixture(scope="session")
def compared(tmp_path_factory: pytest.TempPathFactory, runner: CliRunner) -> Compared:
    """An output directory filled once by ``reglab compare`` (treat as read-only; copy it to change it)."""
    out = tmp_path_factory.mktemp("compared") / "out"
    result = invoke(runner, [*TINY_ARGS, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return Compared(out, result.stdout, result.stderr)


@pytest.fixture()
def compared_copy(compared: Compared, tmp_path: Path) -> Path:
    """A private copy of the :func:`compared` directory, at the same path name ``out`` under ``tmp_path``."""
    target = tmp_path / "out"
    shutil.copytree(compared.out, target)
    return target
