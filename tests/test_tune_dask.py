"""``--cluster`` on a real Dask LocalCluster (scheduler and two worker processes on 127.0.0.1).

A tune and a compare through the cluster give the numbers of a local run; a
worker killed in the middle of a group's task makes Dask run the task again
on another worker, and nothing is lost.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import pytest

import reglab
from reglab.parallel import Compute
from tests.conftest import invoke

distributed = pytest.importorskip("distributed", reason="Dask is not installed: pip install 'reglab[dask]'")

BASE = "hidden=8,epochs=10"
DATA = ["moons", "--n-samples", "150"]


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None, worker_dashboard_address=None) as local:
        yield local


def test_a_tune_through_the_cluster_equals_a_local_one(cluster, runner, tmp_path):
    args = ["tune", *DATA, "--base", BASE, "--param", "l2=1e-5:1e-1:log", "--param", "dropout=0:0.5", "--trials", "6",
            "--batch", "3", "--seeds", "2", "--max-models", "2", "--quiet"]  # 2 models a group: 3 tasks per batch
    here = invoke(runner, [*args, "--out", str(tmp_path / "here")])
    there = invoke(runner, [*args, "--out", str(tmp_path / "there"), "--cluster", cluster.scheduler_address])
    assert here.exit_code == 0 and there.exit_code == 0, there.stderr
    local, remote = (json.loads((tmp_path / d / "results.json").read_text())["tune"] for d in ("here", "there"))
    assert remote["trials"] == local["trials"]  # every trial's params, value, state and pruned epoch
    assert {t["state"] for t in local["trials"]} >= {"COMPLETE"}
    assert here.stdout.splitlines()[-1] == there.stdout.splitlines()[-1]


def test_a_compare_through_the_cluster_equals_a_local_one(cluster, runner, tmp_path):
    args = ["compare", *DATA, "--epochs", "10", "--variant", "a:hidden=8", "--variant", "b:hidden=8,l2=1e-2",
            "--seeds", "2", "--max-models", "2", "--quiet"]
    here = invoke(runner, [*args, "--out", str(tmp_path / "here")])
    there = invoke(runner, [*args, "--out", str(tmp_path / "there"), "--cluster", cluster.scheduler_address])
    assert here.exit_code == 0 and there.exit_code == 0, there.stderr
    local, remote = (json.loads((tmp_path / d / "results.json").read_text())["runs"] for d in ("here", "there"))
    assert [(r["history"], r["metrics"]) for r in remote] == [(r["history"], r["metrics"]) for r in local]


def test_a_worker_killed_mid_group_makes_the_group_run_again(cluster):
    ds = reglab.load_dataset("moons", n_samples=200, noise=0.3, seed=0)
    variants = ["a:hidden=16,epochs=150", "b:hidden=16,epochs=150,l2=1e-3"]
    local = reglab.train(ds, variants, seeds=[0], progress=False, max_models=1)
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        pids = client.run(os.getpid)  # worker address -> process id
        killed = []

        def kill_one_busy_worker() -> None:
            deadline = time.time() + 120
            while time.time() < deadline and not killed:
                busy = [address for address, tasks in client.processing().items() if tasks]
                if busy:
                    os.kill(pids[busy[0]], signal.SIGKILL)
                    killed.append(busy[0])
                time.sleep(0.05)

        killer = threading.Thread(target=kill_one_busy_worker)
        killer.start()
        spread = reglab.train(ds, variants, seeds=[0], progress=False, max_models=1, executor=client.get_executor())
        killer.join()
    assert killed, "no worker was seen busy"
    assert [(r.history, r.metrics) for r in spread] == [(r.history, r.metrics) for r in local]


def test_python_compute_takes_the_clusters_executor(cluster, tmp_path):
    ds = reglab.load_dataset("moons", n_samples=150, noise=0.3, seed=0)
    with distributed.Client(cluster.scheduler_address, set_as_default=False) as client:
        result = reglab.tune(ds, ["l2=1e-5:1e-1:log"], trials=4, batch=4, seeds=2, base=BASE, out_dir=tmp_path / "py",
                             progress=False, log=None, compute=Compute(max_models=2, executor=client.get_executor()))
    alone = reglab.tune(ds, ["l2=1e-5:1e-1:log"], trials=4, batch=4, seeds=2, base=BASE, out_dir=tmp_path / "alone",
                        progress=False, log=None, compute=Compute(max_models=2))
    assert [t.value for t in result.study.get_trials()] == [t.value for t in alone.study.get_trials()]
