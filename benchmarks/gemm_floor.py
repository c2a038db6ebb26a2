"""The floor of the reference workload: its matrix products alone, for 128 models, against the 0.03 s/model target.

Issue 5 asks for ≤ 0.03 s per model with 128 models trained at once: 3.84 s
for 500 epochs × 22 steps, a budget of about 349 µs per step for everything
(all layers, activations, loss, optimizer, validation).  This script times,
in one run, with the engine's own calls (``baddbmm``/``bmm`` on
``[K, rows, fan_in] × [K, fan_in, fan_out]``):

* the three products of the middle 64→32 layer (forward, dW, dh), the
  largest part of a step;
* every product of a training step of the 2→64→32→1 network: forward of the
  three layers, dW of the three, dh of the upper two (none is needed for the
  inputs);
* the per-epoch validation forward (300 rows), spread over the epoch's 22 steps;
* ``torch.mm`` on square 1024 matrices, the machine's matmul rate;
* the middle layer's products in bfloat16 (what lower precision would buy);

and prints them against that budget.  Activations, loss, penalties, Adam and
the engine's own per-epoch evaluation of the training split are left out, so
the figure is a floor that no implementation built on these products can beat
on this machine.

    .venv/bin/python benchmarks/gemm_floor.py [--threads 2] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch

MODELS, BATCH, SIZES = 128, 32, (2, 64, 32, 1)
EPOCHS, STEPS_PER_EPOCH, VALIDATION_ROWS, TARGET_S_PER_MODEL = 500, 22, 300, 0.03
SQUARE = 1024


def median_us(fn: Callable[[], object], runs: int, calls: int) -> tuple[float, list[float]]:
    """Median over ``runs`` of the mean time of ``calls`` calls, in µs (after a warm-up)."""
    for _ in range(calls // 10 + 5):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls * 1e6)
    return statistics.median(times), times


def layer_tensors(rows: int) -> list[dict[str, torch.Tensor]]:
    """Inputs, weights, biases and upstream gradients of each layer, for ``rows`` rows per model."""
    return [
        {
            "h": torch.randn(MODELS, rows, fan_in),
            "w": torch.randn(MODELS, fan_in, fan_out),
            "b": torch.zeros(MODELS, 1, fan_out),
            "d": torch.randn(MODELS, rows, fan_out),
            "dw": torch.empty(MODELS, fan_in, fan_out),
        }
        for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:])
    ]


def forward(t: dict[str, torch.Tensor]) -> None:
    """The engine's ``affine``: a one-row product for a single output unit."""
    if t["w"].shape[-1] == 1:
        torch.baddbmm(t["b"], t["w"].transpose(1, 2), t["h"].transpose(1, 2))
    else:
        torch.baddbmm(t["b"], t["h"], t["w"])


def backward(t: dict[str, torch.Tensor], needs_dh: bool) -> None:
    """dW (and dh) as :mod:`reglab.engine.backprop` computes them."""
    if t["w"].shape[-1] == 1:
        torch.bmm(t["d"].transpose(1, 2), t["h"], out=t["dw"].transpose(1, 2))
        if needs_dh:
            t["d"] * t["w"].transpose(1, 2)
    else:
        torch.bmm(t["h"].transpose(1, 2), t["d"], out=t["dw"])
        if needs_dh:
            torch.bmm(t["d"], t["w"].transpose(1, 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    step_layers, validation_layers = layer_tensors(BATCH), layer_tensors(VALIDATION_ROWS)
    middle = step_layers[1]

    def middle_products() -> None:
        forward(middle)
        backward(middle, needs_dh=True)

    def step_products() -> None:
        for t in step_layers:
            forward(t)
        for index, t in enumerate(step_layers):
            backward(t, needs_dh=index > 0)

    def validation_forward() -> None:
        for t in validation_layers:
            forward(t)

    a, b = torch.randn(SQUARE, SQUARE), torch.randn(SQUARE, SQUARE)
    mm_us, _ = median_us(lambda: torch.mm(a, b), args.runs, 20)
    mm_gflops = 2 * SQUARE**3 / mm_us / 1e3
    middle_us, middle_runs = median_us(middle_products, args.runs, 300)
    middle_bf16 = {name: t.bfloat16() for name, t in middle.items()}
    bf16_us, _ = median_us(lambda: (forward(middle_bf16), backward(middle_bf16, needs_dh=True)), args.runs, 300)
    step_us, _ = median_us(step_products, args.runs, 300)
    validation_us, _ = median_us(validation_forward, args.runs, 50)

    budget = TARGET_S_PER_MODEL * MODELS / (EPOCHS * STEPS_PER_EPOCH) * 1e6
    floor_us = step_us + validation_us / STEPS_PER_EPOCH
    floor_s_per_model = floor_us * 1e-6 * EPOCHS * STEPS_PER_EPOCH / MODELS
    macs = sum(i * o for i, o in zip(SIZES[:-1], SIZES[1:]))
    credited = (6 * BATCH * STEPS_PER_EPOCH + 2 * VALIDATION_ROWS) * macs * EPOCHS / 1e9
    print(f"threads: {args.threads}; K={MODELS}, batch {BATCH}, network {'-'.join(map(str, SIZES))}")
    print(f"torch.mm {SQUARE}x{SQUARE}: {mm_gflops:.0f} GFLOP/s -> the credited {credited:.2f} GFLOP per model "
          f"takes {credited / mm_gflops:.4f} s at that rate")
    print(f"budget of the {TARGET_S_PER_MODEL} s/model target for a whole step: {budget:.0f} us")
    print(f"middle layer, 3 products: {middle_us:.0f} us per step "
          f"(runs: {', '.join(f'{r:.0f}' for r in middle_runs)}), {middle_us / budget:.2f}x the budget")
    print(f"middle layer, 3 products in bfloat16: {bf16_us:.0f} us per step, {bf16_us / budget:.2f}x the budget")
    print(f"all products of a step: {step_us:.0f} us; validation forward: {validation_us:.0f} us per epoch "
          f"= {validation_us / STEPS_PER_EPOCH:.0f} us per step")
    print(f"floor of the products alone: {floor_us:.0f} us per step = {floor_s_per_model:.3f} s/model, "
          f"{floor_s_per_model / TARGET_S_PER_MODEL:.2f}x the target, before any activation, loss or optimizer step")


if __name__ == "__main__":
    main()
