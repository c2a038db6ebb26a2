"""The floor of the reference workload's step: the three products of its 64→32 layer, for 128 models.

Issue 5 asks for ≤ 0.03 s per model with 128 models trained at once: 3.84 s
for 500 epochs × 22 steps, i.e. a budget of about 349 µs per step for
everything (all layers, activations, optimizer, per-epoch evaluation).  This
script times only the forward product, dW and dh of the middle layer
(``[128, 32, 64] × [128, 64, 32]``) and prints them against that budget.

    .venv/bin/python benchmarks/gemm_floor.py [--threads 2] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

MODELS, BATCH, FAN_IN, FAN_OUT = 128, 32, 64, 32
EPOCHS, STEPS_PER_EPOCH, TARGET_S_PER_MODEL = 500, 22, 0.03


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    h = torch.randn(MODELS, BATCH, FAN_IN)
    w = torch.randn(MODELS, FAN_IN, FAN_OUT)
    b = torch.zeros(MODELS, 1, FAN_OUT)
    d = torch.randn(MODELS, BATCH, FAN_OUT)
    dw = torch.empty(MODELS, FAN_IN, FAN_OUT)

    def step() -> None:
        torch.baddbmm(b, h, w)
        torch.bmm(h.transpose(1, 2), d, out=dw)
        torch.bmm(d, w.transpose(1, 2))

    for _ in range(50):
        step()
    runs = []
    for _ in range(args.runs):
        start = time.perf_counter()
        for _ in range(500):
            step()
        runs.append((time.perf_counter() - start) / 500 * 1e6)
    median = statistics.median(runs)
    budget = TARGET_S_PER_MODEL * MODELS / (EPOCHS * STEPS_PER_EPOCH) * 1e6
    gflops = 3 * 2 * MODELS * BATCH * FAN_IN * FAN_OUT / median / 1e3
    print(f"threads: {args.threads}")
    print(f"3 products of the {FAN_IN}->{FAN_OUT} layer, K={MODELS}, B={BATCH}: median {median:.0f} us per step "
          f"(runs: {', '.join(f'{r:.0f}' for r in runs)}), {gflops:.0f} GFLOP/s")
    print(f"budget of the 0.03 s/model target for the whole step: {budget:.0f} us "
          f"({median / budget:.2f}x of it spent on these three products alone)")


if __name__ == "__main__":
    main()
