"""A run store written by an earlier release opens, and its runs are reused (no retraining).

``tests/data/runs-v1.sqlite`` was written by reglab 0.1.0 at commit 8143170
(store schema 1), before the store learned migrations, with::

    ds = reglab.load_dataset("moons", n_samples=60, seed=0)
    reglab.sweep(ds, "l2", [1e-3, 1e-1], base="hidden=4", seeds=2, epochs=3, out_dir=OUT)
    reglab.experiment.compare(ds, ["baseline:hidden=4", "L2:hidden=4,l2=1e-2"], seeds=[0, 1],
                              out_dir=OUT, epochs=3)

It holds 8 runs and two experiments, the compare last.  The tests copy it
first: opening a store upgrades it in place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import reglab
from reglab import compare
from reglab.experiments import rebuild_report
from reglab.store import FILE_NAME

OLD_STORE = Path(__file__).parent / "data" / "runs-v1.sqlite"
SPECS = ["baseline:hidden=4", "L2:hidden=4,l2=1e-2"]


@pytest.fixture
def old_out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    shutil.copyfile(OLD_STORE, out / FILE_NAME)
    return out


def test_a_compare_reuses_every_run_of_an_old_store(old_out: Path) -> None:
    ds = reglab.load_dataset("moons", n_samples=60, seed=0)
    result = compare(ds, SPECS, seeds=[0, 1], out_dir=old_out, epochs=3, progress=False, log=None)
    assert (result.trained, result.reused) == (0, 4)
    assert [run.name for run in result.runs] == ["baseline", "baseline", "L2", "L2"]


def test_a_sweep_reuses_every_run_of_an_old_store(old_out: Path) -> None:
    ds = reglab.load_dataset("moons", n_samples=60, seed=0)
    result = reglab.sweep(ds, "l2", [1e-3, 1e-1], base="hidden=4", seeds=2, epochs=3, out_dir=old_out,
                          progress=False, log=None)
    assert (result.trained, result.reused) == (0, 4)


def test_report_rebuilds_the_last_experiment_of_an_old_store(old_out: Path) -> None:
    result = rebuild_report(old_out, log=None)
    assert result.reused == 4 and not result.missing
    assert result.report.is_file() and "L2" in result.report.read_text(encoding="utf-8")
