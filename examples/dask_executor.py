"""reglab on a Dask cluster: the same runs as in one process, trained by the cluster's workers.

Dask is not part of reglab's set-up.  In an environment with reglab installed:

    pip install "dask[distributed]"
    python examples/dask_executor.py

A LocalCluster of two worker processes stands in for a real cluster here; for
many machines, connect the Client to the cluster's scheduler instead
(``Client("tcp://scheduler:8786")``); every worker needs reglab installed.
Each batched group of runs is one task; ``max_models`` sets how many models
a group holds, so how many tasks there are.
"""

import time

from distributed import Client, LocalCluster

import reglab
from reglab.parallel import Compute

VARIANTS = ["hidden=16,l2=1e-4", "hidden=16,l2=1e-2", "hidden=8"]

if __name__ == "__main__":
    ds = reglab.load_dataset("moons", n_samples=300, noise=0.3, seed=0)
    here = reglab.train(ds, VARIANTS, seeds=[0, 1], epochs=30, progress=False, max_models=2)
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    with cluster, Client(cluster) as client:
        start = time.perf_counter()
        spread = reglab.train(ds, VARIANTS, seeds=[0, 1], epochs=30, progress=False, max_models=2,
                              executor=client.get_executor())
        print(f"trained {len(spread)} runs on the cluster in {time.perf_counter() - start:.2f} s")
        same = all(a.history == b.history and a.metrics == b.metrics for a, b in zip(here, spread))
        print("identical to training in one process:", same)
        compute = Compute(max_models=4, executor=client.get_executor())
        result = reglab.sweep(ds, "l2", "1e-5:1e-1:log5", base="hidden=16", seeds=2, epochs=30, progress=False, log=None,
                              compute=compute)
        print(result.choice_line())
