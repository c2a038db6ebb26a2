"""Benchmark of reglab's batched engine against the tools users would pick instead.

The reference workload is the seed notebook: make_moons (1000 samples, noise
0.25), 70/30 train/validation, MLP 2→64→32→1 with ReLU, sigmoid output and
binary cross-entropy, Adam at lr 0.01, batch size 32, 500 epochs, validation
loss every epoch, half of the models with L1 0.001.

In one run it measures, each in a fresh subprocess (so peaks of memory and
warm caches do not mix):

* reglab at K = 1, 8, 32, 128 (and 512, 1024 in full mode) models at once;
* a plain PyTorch loop, one model (``nn.Sequential`` + ``torch.optim.Adam``,
  manual shuffling, validation loss each epoch);
* scikit-learn's ``MLPClassifier`` (adam, lr 0.01, batch 32; L2 ``alpha``
  only, it has no L1; no per-epoch validation);
* Keras 3 on TensorFlow and on the torch backend, when installed;
* ``torch.mm`` on square matrices that saturate the cores (the machine's
  matmul GFLOP/s) and one batched product of the workload's shape;

then the scaling of reglab's time per model with K, with the training-set size
and with the width, each cell next to the plain PyTorch loop on the same data.

Usage::

    python benchmarks/bench_engine.py --quick             # ~1 minute sanity run
    python benchmarks/bench_engine.py --json out.json     # full run, ~10 minutes on 2 cores
    python benchmarks/bench_engine.py --threads 1         # torch threads in every measurement

FLOPs: a dense layer costs ``fan_in * fan_out`` multiply-adds (MACs) per
sample; a training step costs ≈ 6 × MACs per sample (forward 2, backward 4)
and the per-epoch validation 2 × MACs per validation sample.  Every approach
is credited the same count (≈ 5.3 GFLOP per model for the workload), so the
achieved GFLOP/s compare like for like; reglab also evaluates the training
split each epoch, which is extra work not credited.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()
KERAS_HINT = "keras not installed: pip install keras tensorflow"
SHORT_NAMES = {
    "PyTorch loop, 1 model": "PyTorch",
    "scikit-learn MLPClassifier": "scikit-learn",
    "Keras 3 / TensorFlow": "Keras/TF",
    "Keras 3 / torch backend": "Keras/torch",
}
"""Column headings of the ratio columns."""
WIDTH_RATIO = 2  # hidden = (w, w // 2): the reference 64x32


# --------------------------------------------------------------------------- measurements
# Each runs inside a worker subprocess and returns a dict; time covers training
# (with the per-epoch validation) only, after a short warm-up.


def _status_kb(field: str) -> int:
    match = re.search(rf"{field}:\s+(\d+) kB", Path("/proc/self/status").read_text())
    return int(match.group(1)) if match else 0


def _reset_peak() -> None:
    """Reset VmHWM to the current RSS (Linux ``clear_refs`` 5); harmless elsewhere."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _data(n_train: int, seed: int = 0):
    import reglab

    n = round(n_train / 0.7)
    return reglab.load_dataset("moons", n_samples=n, noise=0.25, seed=seed, train_size=0.7, val_size=0.3, test_size=0.0)


def _macs(hidden: tuple[int, ...]) -> int:
    sizes = (2, *hidden, 1)
    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))


def work_reglab(spec: dict) -> dict:
    import numpy as np
    import reglab

    ds = _data(spec["n_train"])
    hidden = "x".join(str(h) for h in spec["hidden"])
    k = spec["k"]
    variants = [f"hidden={hidden}"] if k == 1 else [f"hidden={hidden}", f"hidden={hidden},l1=0.001"]
    seeds = range(max(1, k // len(variants)))
    reglab.train(ds, variants[:1], seeds=[0], epochs=1, progress=False)  # warm-up
    before = _status_kb("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    runs = reglab.train(ds, variants, seeds=seeds, epochs=spec["epochs"], progress=False)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "models": len(runs),
        "peak_kb": _status_kb("VmHWM") - before,
        "val_acc": float(np.mean([r.metrics["val_acc"] for r in runs])),
    }


def work_torch(spec: dict) -> dict:
    import torch
    from torch import nn

    ds = _data(spec["n_train"])
    X = torch.as_tensor(ds.X_train, dtype=torch.float32)
    y = torch.as_tensor(ds.y_train, dtype=torch.float32)
    Xv = torch.as_tensor(ds.X_val, dtype=torch.float32)
    yv = torch.as_tensor(ds.y_val, dtype=torch.float32)

    def fit(epochs: int, l1: float = 0.0):
        torch.manual_seed(0)
        sizes = (X.shape[1], *spec["hidden"], 1)
        layers: list[nn.Module] = []
        for a, b in zip(sizes[:-2], sizes[1:-1]):
            layers += [nn.Linear(a, b), nn.ReLU()]
        model = nn.Sequential(*layers, nn.Linear(sizes[-2], sizes[-1]))
        weights = [m.weight for m in model if isinstance(m, nn.Linear)]
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        loss_fn = nn.BCEWithLogitsLoss()
        n, batch = len(X), 32
        val_losses = []
        for _ in range(epochs):
            model.train()
            perm = torch.randperm(n)
            for s in range(0, n, batch):
                idx = perm[s : s + batch]
                loss = loss_fn(model(X[idx]).squeeze(-1), y[idx])
                if l1:
                    loss = loss + l1 * sum(w.abs().sum() for w in weights)
                opt.zero_grad()
                loss.backward()
                opt.step()
            model.eval()
            with torch.no_grad():
                val_losses.append(loss_fn(model(Xv).squeeze(-1), yv).item())
        with torch.no_grad():
            return float(((model(Xv).squeeze(-1) > 0).float() == yv).float().mean())

    fit(1)  # warm-up
    before = _status_kb("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    accs = [fit(spec["epochs"], l1) for l1 in spec.get("l1s", [0.0])]
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "models": len(accs), "peak_kb": _status_kb("VmHWM") - before, "val_acc": sum(accs) / len(accs)}


def work_sklearn(spec: dict) -> dict:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    ds = _data(spec["n_train"])
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    epochs = spec["epochs"]

    def fit(alpha: float, epochs: int) -> float:
        clf = MLPClassifier(
            hidden_layer_sizes=tuple(spec["hidden"]), activation="relu", solver="adam", alpha=alpha,
            learning_rate_init=0.01, batch_size=32, max_iter=epochs, n_iter_no_change=epochs, tol=0.0,
            shuffle=True, random_state=0,
        )
        clf.fit(ds.X_train, ds.y_train)
        return clf.score(ds.X_val, ds.y_val)

    fit(0.0, 1)
    before = _status_kb("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    accs = [fit(alpha, epochs) for alpha in (0.0, 0.001)]  # L2 alpha stands in for L1 on half
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "models": len(accs), "peak_kb": _status_kb("VmHWM") - before, "val_acc": sum(accs) / len(accs)}


def work_keras(spec: dict) -> dict:
    os.environ["KERAS_BACKEND"] = spec["backend"]
    import keras
    import numpy as np

    ds = _data(spec["n_train"])
    X, y = ds.X_train.astype("float32"), ds.y_train.astype("float32")
    Xv, yv = ds.X_val.astype("float32"), ds.y_val.astype("float32")

    def fit(l1: float, epochs: int) -> float:
        keras.utils.set_random_seed(0)
        reg = keras.regularizers.L1(l1) if l1 else None
        layers = [keras.Input((X.shape[1],))]
        layers += [keras.layers.Dense(h, activation="relu", kernel_regularizer=reg) for h in spec["hidden"]]
        layers += [keras.layers.Dense(1, activation="sigmoid", kernel_regularizer=reg)]
        model = keras.Sequential(layers)
        model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"])
        model.fit(X, y, batch_size=32, epochs=epochs, validation_data=(Xv, yv), verbose=0, shuffle=True)
        return float(np.mean((model.predict(Xv, verbose=0)[:, 0] > 0.5) == yv))

    fit(0.0, 1)
    before = _status_kb("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    accs = [fit(l1, spec["epochs"]) for l1 in (0.0, 0.001)]
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "models": len(accs), "peak_kb": _status_kb("VmHWM") - before, "val_acc": sum(accs) / len(accs)}


def work_matmul(spec: dict) -> dict:
    import torch

    def rate(fn, flops: float, seconds: float = 1.0) -> float:
        fn()
        runs, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            fn()
            runs += 1
        return flops * runs / (time.perf_counter() - start) / 1e9

    out = {}
    for n in (1024, 2048):
        a, b = torch.randn(n, n), torch.randn(n, n)
        out[f"mm{n}"] = rate(lambda: torch.mm(a, b), 2 * n**3)
    k, batch = 128, 32
    x, w = torch.randn(k, batch, 64), torch.randn(k, 64, 32)
    out["bmm_workload"] = rate(lambda: torch.bmm(x, w), 2 * k * batch * 64 * 32)
    return {"gflops": max(out["mm1024"], out["mm2048"]), **out}


WORKERS = {"reglab": work_reglab, "torch": work_torch, "sklearn": work_sklearn, "keras": work_keras, "matmul": work_matmul}


def _worker_main(spec: dict) -> None:
    import torch

    torch.set_num_threads(spec["threads"])
    result = WORKERS[spec["kind"]](spec)
    print("RESULT " + json.dumps(result))


# --------------------------------------------------------------------------- orchestration


def measure(spec: dict, repeat: int) -> dict | None:
    """Run ``spec`` in ``repeat`` fresh subprocesses; the median time, its spread, and the largest peak."""
    results = []
    env = dict(os.environ, OMP_NUM_THREADS=str(spec["threads"]), MKL_NUM_THREADS=str(spec["threads"]))
    for _ in range(repeat):
        proc = subprocess.run(
            [sys.executable, str(HERE), "--worker", json.dumps(spec)], capture_output=True, text=True, env=env
        )
        line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
        if line is None:
            print(f"  ! {spec['kind']} failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
            return None
        results.append(json.loads(line[7:]))
    if spec["kind"] == "matmul":
        return results[len(results) // 2]
    times = sorted(r["seconds"] for r in results)
    first = results[0]
    per_model = statistics.median(times) / first["models"]
    return {
        "spec": spec,
        "models": first["models"],
        "seconds": statistics.median(times),
        "seconds_all": times,
        "s_per_model": per_model,
        "s_per_model_epoch": per_model / spec["epochs"],
        "peak_mb": max(r["peak_kb"] for r in results) / 1024,
        "val_acc": statistics.mean(r["val_acc"] for r in results),
    }


def workload_gflop(n_train: int, n_val: int, epochs: int, hidden: tuple[int, ...]) -> float:
    """Credited FLOPs per model: 6 MACs per training sample-step, 2 per validation sample, per epoch."""
    return (6 * n_train + 2 * n_val) * _macs(hidden) * epochs / 1e9


def _row(cells: list[str], widths: list[int]) -> str:
    return "| " + " | ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))) + " |"


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    sep = "|" + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|"
    return "\n".join([_row(header, widths), sep, *(_row(r, widths) for r in rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="fewer epochs and cells: a ~1 minute sanity run")
    parser.add_argument("--epochs", type=int, default=None, help="epochs of the reference workload (default 500; 20 with --quick)")
    parser.add_argument("--threads", type=int, default=None, help="torch threads in every measurement (default: all cores)")
    parser.add_argument("--repeat", type=int, default=1, help="fresh subprocesses per cell; the median is reported")
    parser.add_argument("--keras-epochs", type=int, default=None, help="epochs for Keras (default min(epochs, 50)); time is scaled to --epochs")
    parser.add_argument("--ks", default=None, help="comma-separated K values for reglab (default 1,8,32,128[,512,1024])")
    parser.add_argument("--no-scaling", action="store_true", help="skip the scaling tables")
    parser.add_argument("--json", type=Path, default=None, help="write every figure to this JSON file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker_main(json.loads(args.worker))
        return

    threads = args.threads or os.cpu_count() or 1
    epochs = args.epochs or (20 if args.quick else 500)
    ks = [int(k) for k in args.ks.split(",")] if args.ks else ([1, 8, 32, 128] if args.quick else [1, 8, 32, 128, 512, 1024])
    hidden = (64, 32)
    base = {"threads": threads, "n_train": 700, "hidden": list(hidden)}
    n_val = 300
    gflop = workload_gflop(700, n_val, epochs, hidden)
    report: dict = {
        "machine": {"platform": platform.platform(), "processor": platform.processor() or platform.machine(), "cores": os.cpu_count()},
        "threads": threads,
        "epochs": epochs,
        "credited_gflop_per_model": gflop,
        "command": " ".join(["python", *sys.argv]),
    }
    print(f"reglab engine benchmark: {threads} torch thread(s), {os.cpu_count()} cores, {platform.processor() or platform.machine()}")
    print(f"workload: moons 700/300, 2-64-32-1 ReLU, Adam 0.01, batch 32, {epochs} epochs, val loss each epoch; "
          f"{gflop:.2f} GFLOP credited per model\n")

    matmul = measure({**base, "kind": "matmul"}, 1)
    report["matmul"] = matmul
    peak = matmul["gflops"]
    print(f"matmul: torch.mm {peak:.1f} GFLOP/s (best of 1024/2048), bmm of the workload's shape {matmul['bmm_workload']:.1f} GFLOP/s\n")

    rows: dict[str, dict] = {}
    notes: list[str] = []
    for k in ks:
        # big K: fewer epochs (the per-model cost per epoch is what scales)
        k_epochs = epochs if k <= 128 or args.quick else max(10, epochs * 128 // k)
        result = measure({**base, "kind": "reglab", "k": k, "epochs": k_epochs}, args.repeat)
        if result:
            result["scaled_from_epochs"] = k_epochs
            rows[f"reglab K={k}"] = result
            if k_epochs != epochs:
                notes.append(f"reglab K={k}: run for {k_epochs} epochs, time scaled to {epochs}")
    torch_result = measure({**base, "kind": "torch", "epochs": epochs}, args.repeat)
    if torch_result:
        rows["PyTorch loop, 1 model"] = torch_result
    sk_result = measure({**base, "kind": "sklearn", "epochs": epochs}, args.repeat)
    if sk_result:
        rows["scikit-learn MLPClassifier"] = sk_result
    has_keras = importlib.util.find_spec("keras") is not None
    if not has_keras:
        print(KERAS_HINT)
        notes.append(KERAS_HINT)
    else:
        k_ep = args.keras_epochs or min(epochs, 50)
        for backend, label in (("tensorflow", "Keras 3 / TensorFlow"), ("torch", "Keras 3 / torch backend")):
            if backend == "tensorflow" and importlib.util.find_spec("tensorflow") is None:
                print(f"{label}: tensorflow not installed: pip install tensorflow")
                continue
            result = measure({**base, "kind": "keras", "backend": backend, "epochs": k_ep}, 1)
            if result:
                result["scaled_from_epochs"] = k_ep
                rows[label] = result
                if k_ep != epochs:
                    notes.append(f"{label}: run for {k_ep} epochs, time scaled to {epochs}")

    for result in rows.values():
        scale = epochs / result["spec"]["epochs"]
        result["s_per_model_workload"] = result["s_per_model"] * scale
        result["models_per_s"] = 1 / result["s_per_model_workload"]
        result["gflops"] = gflop / result["s_per_model_workload"]
    peers = [name for name in rows if not name.startswith("reglab")]
    header = ["approach", "s/model", "models/s", *[f"x vs {SHORT_NAMES.get(p, p)}" for p in peers], "GFLOP/s", "% of mm", "peak MB", "MB/model", "val acc"]
    lines = []
    for name, r in rows.items():
        ratios = [f"{rows[p]['s_per_model_workload'] / r['s_per_model_workload']:.1f}" for p in peers]
        lines.append([
            name, f"{r['s_per_model_workload']:.4f}", f"{r['models_per_s']:.1f}", *ratios, f"{r['gflops']:.1f}",
            f"{100 * r['gflops'] / peak:.0f}%", f"{r['peak_mb']:.0f}", f"{r['peak_mb'] / r['models']:.2f}", f"{r['val_acc']:.3f}",
        ])
    main_table = table(header, lines)
    print(main_table)
    for note in notes:
        print(f"  note: {note}")
    report["main"] = rows
    report["main_table"] = main_table
    report["notes"] = notes

    if not args.no_scaling:
        report["scaling"] = scaling(args, base, threads)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, default=str))
        print(f"\nwrote {args.json}")


def scaling(args, base: dict, threads: int) -> dict:
    """Time per model per epoch vs training-set size and vs width, reglab at K=128 next to the PyTorch loop."""
    out: dict = {}
    k = 32 if args.quick else 128
    # (n_train, epochs): fewer epochs at the big sizes, so every cell stays short
    sizes = [(700, 20), (7000, 3)] if args.quick else [(700, 50), (3500, 10), (10000, 4), (35000, 2), (100000, 1)]
    widths = [16, 128] if args.quick else [16, 32, 64, 128, 256, 512]
    rows = []
    for n_train, ep in sizes:
        ours = measure({**base, "kind": "reglab", "k": k, "n_train": n_train, "epochs": ep}, args.repeat)
        theirs = measure({**base, "kind": "torch", "n_train": n_train, "epochs": ep}, args.repeat)
        if ours and theirs:
            rows.append({"n_train": n_train, "epochs": ep, "reglab": ours, "torch": theirs})
    out["size"] = rows
    size_table = table(
        ["train samples", "epochs run", f"reglab K={k} s/model/epoch", "torch loop s/model/epoch", "speed-up", "reglab MB/model", "reglab val acc"],
        [[str(r["n_train"]), str(r["epochs"]), f"{r['reglab']['s_per_model_epoch']:.5f}", f"{r['torch']['s_per_model_epoch']:.5f}",
          f"{r['torch']['s_per_model_epoch'] / r['reglab']['s_per_model_epoch']:.1f}", f"{r['reglab']['peak_mb'] / r['reglab']['models']:.2f}",
          f"{r['reglab']['val_acc']:.3f}"] for r in rows],
    )
    print("\nscaling with the training-set size (moons, 2-64-32-1):\n" + size_table)
    rows = []
    for w in widths:
        hidden = [w, max(1, w // WIDTH_RATIO)]
        ep = 20 if args.quick else max(5, min(50, 50 * 64 // w))
        spec = {**base, "hidden": hidden, "epochs": ep}
        ours = measure({**spec, "kind": "reglab", "k": k}, args.repeat)
        theirs = measure({**spec, "kind": "torch"}, args.repeat)
        if ours and theirs:
            macs = _macs(tuple(hidden))
            flop = workload_gflop(700, 300, ep, tuple(hidden))
            rows.append({"hidden": hidden, "epochs": ep, "macs": macs, "reglab": ours, "torch": theirs,
                         "reglab_gflops": flop / ours["s_per_model"], "torch_gflops": flop / theirs["s_per_model"]})
    out["width"] = rows
    width_table = table(
        ["hidden", "epochs run", f"reglab K={k} s/model/epoch", "torch loop s/model/epoch", "speed-up", "reglab GFLOP/s", "torch GFLOP/s", "reglab MB/model"],
        [["x".join(map(str, r["hidden"])), str(r["epochs"]), f"{r['reglab']['s_per_model_epoch']:.5f}", f"{r['torch']['s_per_model_epoch']:.5f}",
          f"{r['torch']['s_per_model_epoch'] / r['reglab']['s_per_model_epoch']:.1f}", f"{r['reglab_gflops']:.1f}", f"{r['torch_gflops']:.1f}",
          f"{r['reglab']['peak_mb'] / r['reglab']['models']:.2f}"] for r in rows],
    )
    print("\nscaling with the width (hidden = w x w/2, 700 training samples):\n" + width_table)
    out["size_table"], out["width_table"] = size_table, width_table
    return out


if __name__ == "__main__":
    main()
