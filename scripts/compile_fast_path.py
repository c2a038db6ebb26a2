"""Compile reglab's fast path (numba) once, so that the first `reglab compare` does not wait for it.

numba compiles the kernels of :mod:`reglab.engine.compiled` the first time a
group uses them (about 30 s on the 2-core machine) and caches them beside
the sources; later processes load the cache in about a second.  This trains
a few 2-epoch groups that reach every specialization (binary, multiclass and
regression targets; with and without perturbing pieces; Adam and SGD).
``scripts/setup`` runs it.
"""

from __future__ import annotations

import time

import reglab
from reglab.engine.compiled import load_kernels


def main() -> None:
    if load_kernels() is None:
        print("setup: numba is not importable; reglab trains on its batched path")
        return
    started = time.perf_counter()
    specs = ["baseline", "l1=1e-3,max_norm=2", "dropout=0.2,noise=0.1", "sgd:optimizer=sgd,lr=0.05,momentum=0.9"]
    for name, options in (("moons", {"n_samples": 60}), ("blobs", {"n_samples": 60}), ("diabetes", {})):
        ds = reglab.load_dataset(name, seed=0, **options)
        reglab.train(ds, specs, seeds=[0], epochs=2, progress=False)
    print(f"setup: reglab's fast path compiled or loaded from its cache in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
