"""The compiled fast path's thread layout, inside ``reglab.train``: numba's threading layer and thread count.

For the default compare's group (moons, 6 models: baseline and L1 1e-3 × 3
seeds, 500 epochs), each configuration trains in a fresh process that
times ``reglab.train`` and the kernel calls within it.  Rounds are
interleaved; ``--loaded`` runs every cell again beside one CPU hog that
this script starts and stops.  Configurations: numba's ``workqueue`` layer
(reglab's default) and its OpenMP layer (also with ``GOMP_SPINCOUNT=20000``,
a short spin, and with ``OMP_WAIT_POLICY=passive``, no spin), each on 1 and
2 threads (``REGLAB_FAST_THREADS``).

Usage::

    python benchmarks/fast_threads.py --rounds 3 --loaded
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

CONFIGS = {
    "workqueue": {},
    "omp": {"NUMBA_THREADING_LAYER": "omp"},
    "omp, GOMP_SPINCOUNT=20000": {"NUMBA_THREADING_LAYER": "omp", "GOMP_SPINCOUNT": "20000"},
    "omp, OMP_WAIT_POLICY=passive": {"NUMBA_THREADING_LAYER": "omp", "OMP_WAIT_POLICY": "passive"},
}


def _worker(epochs: int) -> None:
    import reglab
    from reglab.engine import compiled

    spent: list[float] = []
    original = compiled.FastPath._call

    def timed(self, kernel, *args):
        start = time.perf_counter()
        original(self, kernel, *args)
        spent.append(time.perf_counter() - start)

    compiled.FastPath._call = timed
    ds = reglab.load_dataset("moons", seed=0)
    variants = ["baseline", "L1 1e-3:l1=1e-3"]
    reglab.train(ds, variants, seeds=[0], epochs=2, progress=False)  # loads the kernels
    spent.clear()
    start = time.perf_counter()
    reglab.train(ds, variants, seeds=[0, 1, 2], epochs=epochs, progress=False)
    print("RESULT " + json.dumps({"train": time.perf_counter() - start, "kernel": sum(spent)}))


def cell(env: dict[str, str], threads: int, epochs: int) -> dict:
    full = dict(os.environ, REGLAB_FAST="1", REGLAB_FAST_THREADS=str(threads), **env)
    proc = subprocess.run([sys.executable, __file__, "--worker", str(epochs)], capture_output=True, text=True, env=full,
                          check=True)
    return json.loads(next(l for l in proc.stdout.splitlines() if l.startswith("RESULT "))[7:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--loaded", action="store_true", help="also beside one CPU hog")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker)
        return
    print(f"{os.cpu_count()} cores, {args.epochs} epochs, {args.rounds} rounds; load average {os.getloadavg()}")
    settings = [(load, name, threads) for load in (["quiet", "loaded"] if args.loaded else ["quiet"])
                for name in CONFIGS for threads in (1, 2)]
    found: dict[tuple, list[dict]] = {s: [] for s in settings}
    for load in dict.fromkeys(s[0] for s in settings):
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if load == "loaded" else None
        try:
            for r in range(args.rounds):
                for setting in (s for s in settings if s[0] == load):
                    found[setting].append(cell(CONFIGS[setting[1]], setting[2], args.epochs))
                    print(f"  round {r + 1} {setting}: {found[setting][-1]['train']:.2f} s", flush=True)
        finally:
            if hog is not None:
                hog.kill()
    print(f"load average after: {os.getloadavg()}")
    print("| machine | layer | threads | training s (median) | of which kernel calls |")
    print("|---|---|---:|---:|---:|")
    for (load, name, threads), results in found.items():
        train = statistics.median(r["train"] for r in results)
        kernel = statistics.median(r["kernel"] for r in results)
        print(f"| {load} | {name} | {threads} | {train:.2f} | {kernel:.2f} |")


if __name__ == "__main__":
    main()
