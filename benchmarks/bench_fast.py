"""Benchmark of the engine's compiled fast path against the current engine and a plain PyTorch loop.

The workload is ``bench_engine.py``'s reference (moons 700/300, 2→64→32→1,
Adam 0.01, batch 32, half the models with L1 0.001, the training and
validation splits evaluated every epoch).  In one run, every cell in a fresh
subprocess, the cells interleaved round by round and the median reported:

* the fast path (``REGLAB_FAST=1``, numba threads = cores unless ``--fast-threads``),
  the current engine (``REGLAB_FAST=0``, torch threads = cores, and 1 thread),
  at K = 1, 8, 32, 128 models;
* the plain PyTorch loop (one model at a time, 1 thread and all cores);
* ``torch.mm`` on large square matrices (the machine's matmul rate, all cores);
* a loaded machine: the fast path and the engine at K = 32 beside a CPU hog
  (one busy process per core but one) that this script starts and stops;
* the whole default ``reglab compare`` command (cold numba cache: compiling;
  warm: loading it) and ``reglab compare --preset all --seeds 3``, fast and current path.

FLOPs credited per model (the issue's count, training-split evaluation
included): ``(6 + 2) × n_train + 2 × n_val`` multiply-add pairs per epoch
times the MACs of the network (2·64 + 64·32 + 32·1), i.e. a training step
costs 6 FLOPs per MAC and sample, an evaluation 2.

Usage::

    python benchmarks/bench_fast.py                 # ~10 minutes on 2 cores
    python benchmarks/bench_fast.py --quick         # ~2 minutes: K = 1, 32, 20 epochs, no commands
    python benchmarks/bench_fast.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.insert(0, str(HERE.parent))
import bench_engine  # noqa: E402  (the reference workload's workers)

N_TRAIN, N_VAL, HIDDEN = 700, 300, (64, 32)
SHAPES = [((256, 128), 700), ((512, 256), 700), ((64, 32), 7000), ((64, 32), 70000)]
"""Other (hidden widths, training rows) for ``--shapes``: where the fast path stops helping."""


def flop_per_model(epochs: int, hidden: Sequence[int] = HIDDEN, n_train: int = N_TRAIN) -> float:
    """The issue's count: training steps (6 FLOPs per MAC and row) plus the evaluation of both splits (2 per MAC)."""
    n_val = round(n_train / 0.7) - n_train
    return ((6 + 2) * n_train + 2 * n_val) * bench_engine._macs(tuple(hidden)) * epochs


def _worker(spec: dict) -> None:
    import torch

    torch.set_num_threads(spec["threads"])
    print("RESULT " + json.dumps(bench_engine.WORKERS[spec["kind"]](spec)))


def run_cell(spec: dict, env: dict[str, str]) -> dict | None:
    """One fresh subprocess measuring ``spec``; ``None`` (and the error on stderr) when it fails."""
    full = dict(os.environ, OMP_NUM_THREADS=str(spec["threads"]), **env)
    proc = subprocess.run([sys.executable, str(HERE), "--worker", json.dumps(spec)], capture_output=True, text=True,
                          env=full)
    line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
    if line is None:
        print(f"  ! {spec} failed:\n{proc.stderr[-1500:]}", file=sys.stderr)
        return None
    return json.loads(line[7:])


def cells(ks: list[int], epochs: int, cores: int, fast_threads: int, hidden: Sequence[int] = HIDDEN,
          n_train: int = N_TRAIN, suffix: str = "") -> dict[str, tuple[dict, dict]]:
    """Every measured configuration by name: ``(spec, environment)``; ``suffix`` names a non-reference shape."""
    base = {"n_train": n_train, "hidden": list(hidden), "epochs": epochs}
    table: dict[str, tuple[dict, dict]] = {}
    for k in ks:
        table[f"fast{suffix} K={k}"] = ({**base, "kind": "reglab", "k": k, "threads": 1},
                                        {"REGLAB_FAST": "1", "REGLAB_FAST_THREADS": str(fast_threads)})
        table[f"engine{suffix} K={k}"] = ({**base, "kind": "reglab", "k": k, "threads": cores}, {"REGLAB_FAST": "0"})
        table[f"engine 1 thread{suffix} K={k}"] = ({**base, "kind": "reglab", "k": k, "threads": 1},
                                                   {"REGLAB_FAST": "0"})
    if not suffix:
        table["PyTorch loop 1 thread"] = ({**base, "kind": "torch", "threads": 1}, {})
        table[f"PyTorch loop {cores} threads"] = ({**base, "kind": "torch", "threads": cores}, {})
    return table


def measure_rounds(table: dict[str, tuple[dict, dict]], rounds: int) -> dict[str, list[dict]]:
    """``rounds`` rounds, each cell once per round in a fresh process (interleaved, so drifts of load hit all alike)."""
    results: dict[str, list[dict]] = {name: [] for name in table}
    for r in range(rounds):
        for name, (spec, env) in table.items():
            found = run_cell(spec, env)
            if found is not None:
                results[name].append(found)
                print(f"  round {r + 1}/{rounds} {name}: {found['seconds']:.2f} s ({found['models']} models)", flush=True)
    return results


def summary(results: dict[str, list[dict]], table: dict[str, tuple[dict, dict]]) -> dict[str, dict]:
    out = {}
    for name, found in results.items():
        if not found:
            continue
        spec = table[name][0]
        seconds = statistics.median(r["seconds"] for r in found)
        models = found[0]["models"]
        flop = flop_per_model(spec["epochs"], spec.get("hidden", HIDDEN), spec.get("n_train", N_TRAIN))
        out[name] = {"seconds": seconds, "all": sorted(r["seconds"] for r in found), "models": models,
                     "s_per_model": seconds / models, "gflops": flop * models / seconds / 1e9,
                     "val_acc": statistics.mean(r["val_acc"] for r in found)}
    return out


def start_hog(count: int) -> list[subprocess.Popen]:
    """``count`` busy processes (the "loaded machine")."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def time_command(args: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one ``reglab`` command in a fresh output folder."""
    reglab = Path(sys.executable).with_name("reglab")
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([str(reglab), *args, "--out", out, "-q"], check=True, env=dict(os.environ, **env),
                       stdout=subprocess.DEVNULL)
        return time.perf_counter() - start


def commands(rounds: int) -> dict[str, list[float]]:
    """The default compare (cold and warm numba cache, and the current path) and ``--preset all --seeds 3``."""
    timings: dict[str, list[float]] = {}
    cache = tempfile.mkdtemp(prefix="reglab-numba-")
    fast = {"REGLAB_FAST": "1", "NUMBA_CACHE_DIR": cache}
    timings["compare, fast path, cold cache (compiles)"] = [time_command(["compare"], fast)]
    for r in range(rounds):
        for name, args, env in (("compare, fast path, warm cache", ["compare"], fast),
                                ("compare, current path", ["compare"], {"REGLAB_FAST": "0"})):
            timings.setdefault(name, []).append(time_command(args, env))
            print(f"  round {r + 1}/{rounds} {name}: {timings[name][-1]:.1f} s", flush=True)
    for name, env in (("compare --preset all --seeds 3, fast path", fast),
                      ("compare --preset all --seeds 3, current path", {"REGLAB_FAST": "0"})):
        timings[name] = [time_command(["compare", "--preset", "all", "--seeds", "3"], env)]
        print(f"  {name}: {timings[name][-1]:.1f} s", flush=True)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="K = 1 and 32, 20 epochs, 1 round, no command timings")
    parser.add_argument("--epochs", type=int, default=None, help="epochs per cell (default 100; 20 with --quick)")
    parser.add_argument("--rounds", type=int, default=None, help="interleaved rounds (default 3; 1 with --quick)")
    parser.add_argument("--shapes", action="store_true", help="also K=32 at the widths and rows of SHAPES")
    parser.add_argument("--fast-threads", type=int, default=None, help="numba threads of the fast path (default: cores)")
    parser.add_argument("--json", type=Path, default=None, help="write every figure to this JSON file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(json.loads(args.worker))
        return
    cores = os.cpu_count() or 1
    epochs = args.epochs or (20 if args.quick else 100)
    rounds = args.rounds or (1 if args.quick else 3)
    ks = [1, 32] if args.quick else [1, 8, 32, 128]
    fast_threads = args.fast_threads or cores
    print(f"{cores} cores, {epochs} epochs per cell, {rounds} rounds; fast path {fast_threads} numba threads; "
          f"{flop_per_model(epochs) / 1e9:.3f} GFLOP per model; the machine may be shared: see the load averages.")
    print(f"load average before: {os.getloadavg()}")
    matmul = run_cell({"kind": "matmul", "threads": cores}, {})
    measured = cells(ks, epochs, cores, fast_threads)
    for hidden, n_train in SHAPES if args.shapes else ():
        measured.update(cells([32], epochs, cores, fast_threads, hidden, n_train, f" {'x'.join(map(str, hidden))}/{n_train}"))
    table = summary(measure_rounds(measured, rounds), measured)
    hogs = start_hog(max(1, cores - 1))
    try:
        loaded_cells = {f"loaded: {name}": cell for name, cell in cells([32], epochs, cores, fast_threads).items()
                        if "PyTorch" not in name}
        loaded_cells["loaded: fast 1 thread K=32"] = (loaded_cells["loaded: fast K=32"][0],
                                                      {"REGLAB_FAST": "1", "REGLAB_FAST_THREADS": "1"})
        loaded = summary(measure_rounds(loaded_cells, rounds), loaded_cells)
    finally:
        for hog in hogs:
            hog.kill()
    timings = {} if args.quick else commands(rounds)
    print(f"load average after: {os.getloadavg()}")

    mm = matmul["gflops"] if matmul else float("nan")
    print(f"\ntorch.mm ({cores} threads): {mm:.1f} GFLOP/s")
    rows = []
    loop = table.get("PyTorch loop 1 thread")
    for name, cell in {**table, **loaded}.items():
        k = name.rsplit("K=", 1)[-1] if "K=" in name else None
        shape = next((name.split(" K=")[0][len(kind):] for kind in ("fast", "engine 1 thread", "engine")
                      if name.startswith(kind)), "")
        engine = table.get(f"engine{shape} K={k}") if k else None
        loaded_engine = loaded.get("loaded: engine K=32") if name.startswith("loaded") else None
        reference = loaded_engine or engine
        rows.append([name, f"{cell['seconds']:.2f}", f"{cell['s_per_model']:.4f}", f"{cell['gflops']:.1f}",
                     f"{cell['gflops'] / mm:.2f}",
                     f"{reference['seconds'] / cell['seconds']:.2f}" if reference else "",
                     f"{loop['s_per_model'] / cell['s_per_model']:.1f}" if loop else "", f"{cell['val_acc']:.3f}"])
    print(bench_engine.table(["cell", "s (median)", "s/model", "GFLOP/s", "× torch.mm", "× engine (same K)",
                              "× PyTorch loop (1 thread)", "val acc"], rows))
    for name, values in timings.items():
        print(f"{name}: median {statistics.median(values):.1f} s  ({', '.join(f'{v:.1f}' for v in values)})")
    if args.json:
        args.json.write_text(json.dumps({"cores": cores, "epochs": epochs, "rounds": rounds, "fast_threads": fast_threads,
                                         "matmul": matmul, "cells": table, "loaded": loaded, "commands": timings,
                                         "command": " ".join(["python", *sys.argv])}, indent=2))


if __name__ == "__main__":
    main()
