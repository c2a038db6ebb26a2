"""How live `reglab explore` is, and what watching costs: against training the same variants with `reglab.train`.

For each workload (the seed experiment: moons 1000, baseline vs L1 1e-3, 3
seeds; and ``--preset all`` × 3 seeds), in interleaved rounds, each
measurement in a fresh process:

* ``explore``: a real server on loopback, a job started by ``POST /api/jobs``
  and its server-sent events read to the end: the time from play to the first
  frame with every variant's boundary, frames per second and epochs per
  second while training, and the latency of a strength change (the request's
  round trip, and the time until a frame carries the recorded schedule;
  five changes spaced 0.5 s apart, on a copy of the job);
* ``train``: ``reglab.train`` on the same variants and seeds (what ``reglab
  compare`` trains, without its report).

It prints medians over rounds and the ratio of explore's training time to
``train``'s.  The machine may be shared: the script says its torch threads
and load.

    .venv/bin/python benchmarks/bench_explore.py                 # 3 rounds, 500 epochs
    .venv/bin/python benchmarks/bench_explore.py --rounds 1 --epochs 100 --quick
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

WORKLOADS = {"seed": "preset=seed", "all": "preset=all"}


def _explore(setup: str, epochs: int, changes: bool) -> dict:
    import tempfile

    from explore_client import Client

    from reglab.explore.server import prepare, run_in_thread

    server = run_in_thread(prepare(port=0, export_dir=Path(tempfile.mkdtemp()) / "out", log=lambda _: None))
    client = Client(server.port, server.token)
    query = f"dataset=moons&{setup}&epochs={epochs}&seeds=3"
    try:
        played = time.perf_counter()
        info = client.start(query)
        first = None
        frames = 0
        started_training = None
        for frame in client.frames(info["job"]):
            frames += 1
            now = time.perf_counter()
            if first is None and all(v["epoch"] >= 1 for v in frame["variants"]):
                first, started_training = now - played, now
            if frame["status"] != "running":
                break
        wall = time.perf_counter() - played
        job = server.explorer.entries[info["job"]].job
        group_epochs = sum(job.traces[group[0] // len(job.seeds)].epoch for group in job.plan)
        result = {"first_frame_s": first, "wall_s": wall, "frames": frames,
                  "frames_per_s": frames / (wall - first), "epochs_per_s": group_epochs / wall,
                  "groups": len(job.plan), "status": frame["status"]}
        if changes:
            result.update(_change_latency(client, query))
        return result
    finally:
        server.stop()


def _change_latency(client, query: str) -> dict:
    """Five changes of the first variant's l2 while a long job trains: request round trip and time until applied."""
    info = client.start(query.rsplit("&epochs=", 1)[0] + "&epochs=3000&seeds=3")
    job = info["job"]
    frames = client.frames(job)
    next(frames)
    round_trips, applied = [], []
    for k in range(5):
        time.sleep(0.5)
        value = f"{(k + 1) * 1e-4:.0e}"
        sent = time.perf_counter()
        status, _ = client.post(f"/api/jobs/{job}/change", {"variant": 0, "key": "l2", "value": value})
        round_trips.append(time.perf_counter() - sent)
        assert status == 200
        for frame in frames:
            if f"{float(value):g}@" in frame["specs"][0]:
                applied.append(time.perf_counter() - sent)
                break
    client.request("DELETE", f"/api/jobs/{job}")
    return {"change_round_trip_s": statistics.median(round_trips), "change_applied_s": statistics.median(applied)}


def _train(setup: str, epochs: int) -> dict:
    import reglab
    from reglab.presets import get_preset

    ds = reglab.load_dataset("moons")
    specs = list(get_preset(setup.split("=")[1]).specs)
    start = time.perf_counter()
    reglab.train(ds, specs, seeds=[0, 1, 2], epochs=epochs, progress=False)
    return {"wall_s": time.perf_counter() - start}


def _one(kind: str, workload: str, epochs: int, changes: bool) -> dict:
    import torch

    measured = _explore(WORKLOADS[workload], epochs, changes) if kind == "explore" else _train(WORKLOADS[workload], epochs)
    return {**measured, "threads": torch.get_num_threads()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--workloads", default="seed,all")
    parser.add_argument("--quick", action="store_true", help="skip the change-latency job")
    parser.add_argument("--json", type=Path, help="write every measurement here")
    parser.add_argument("--one", nargs=2, metavar=("KIND", "WORKLOAD"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_one(args.one[0], args.one[1], args.epochs, not args.quick)))
        return
    results: dict[str, dict[str, list[dict]]] = {}
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {args.rounds} rounds, {args.epochs} epochs, fresh processes")
    for round_ in range(args.rounds):
        for workload in args.workloads.split(","):
            for kind in ("explore", "train"):
                command = [sys.executable, __file__, "--one", kind, workload, "--epochs", str(args.epochs), *(["--quick"] if args.quick else [])]
                out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
                measured = json.loads(out.strip().splitlines()[-1])
                results.setdefault(workload, {}).setdefault(kind, []).append(measured)
                print(f"  round {round_ + 1} {workload:<4} {kind:<7} {measured}", flush=True)
    print()
    for workload, kinds in results.items():
        explore, train = kinds["explore"], kinds["train"]

        def med(rows: list[dict], key: str) -> float:
            return statistics.median(row[key] for row in rows if row.get(key) is not None)

        line = (f"{workload:<4} ({explore[0]['groups']} groups, torch threads {explore[0]['threads']}): "
                f"first frame {med(explore, 'first_frame_s'):.2f} s, {med(explore, 'frames_per_s'):.2f} frames/s, "
                f"{med(explore, 'epochs_per_s'):.2f} epochs/s; explore {med(explore, 'wall_s'):.1f} s vs train {med(train, 'wall_s'):.1f} s "
                f"(ratio {med(explore, 'wall_s') / med(train, 'wall_s'):.2f})")
        if not args.quick:
            line += f"; change: round trip {1000 * med(explore, 'change_round_trip_s'):.0f} ms, applied in {1000 * med(explore, 'change_applied_s'):.0f} ms"
        print(line)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
