"""``reglab explore`` on a real uvicorn server on loopback: the stream, the controls, export, and what it refuses.

Tiny set-ups (200 moons points, hidden=8, 2 seeds) keep it to seconds.
"""

from __future__ import annotations

import json
import shlex
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

from explore_client import Client  # noqa: E402

from reglab.cli import app  # noqa: E402
from reglab.explore.server import prepare, run_in_thread  # noqa: E402

TINY = "dataset=moons&n_samples=200&hidden=8&seeds=2&grid=16"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    export_dir = tmp_path_factory.mktemp("explore") / "out"
    server = run_in_thread(prepare(port=0, export_dir=export_dir, log=lambda _: None))
    yield server, Client(server.port, server.token)
    server.stop()


def _jobs(server) -> int:
    return len(server.explorer.entries)


def _wait(frames, until):
    for frame in frames:
        if until(frame):
            return frame
    raise AssertionError("the stream ended first")


def test_page_and_schema_need_the_token(served) -> None:
    server, client = served
    status, page = client.request("GET", f"/?token={server.token}", token=None)
    assert status == 200 and "<canvas id=\"curves\"" in page
    status, body = client.request("GET", "/api/schema", token=None)
    assert status == 401 and "missing token" in body["error"]
    status, body = client.request("GET", "/api/schema", token="not-the-token")
    assert status == 403 and "wrong token" in body["error"]
    status, body = client.request("GET", "/api/schema")
    assert status == 200
    keys = [entry["key"] for entry in body["keys"]]
    from reglab.variant import PARAMETERS

    assert keys == list(PARAMETERS)  # the controls come from the key table, every key
    assert {entry["key"] for entry in body["keys"] if entry["schedulable"]} >= {"l1", "l2", "dropout"}
    assert [d["name"] for d in body["datasets"]] == ["moons", "circles", "spirals", "xor", "blobs"]


def test_the_verdict_colours_are_served_from_the_palette(served) -> None:
    from reglab.outputs.palette import VERDICT_COLOURS

    server, client = served
    status, page = client.request("GET", f"/?token={server.token}", token=None)
    assert status == 200 and 'href="/static/verdicts.css"' in page
    status, css = client.request("GET", "/static/verdicts.css", token=None)
    assert status == 200
    assert ".verdict-unstable { color: " + VERDICT_COLOURS["unstable"] in css and ".verdict-good-fit {" in css


def test_foreign_host_and_origin_are_refused_and_nothing_trains(served) -> None:
    server, client = served
    before = _jobs(server)
    status, body = client.request("POST", "/api/jobs", TINY, headers={"Host": f"evil.example:{server.port}"})
    assert status == 421 and "host" in body["error"]
    status, body = client.request("POST", "/api/jobs", TINY, headers={"Origin": "http://evil.example"})
    assert status == 403 and "cross-site" in body["error"]
    status, body = client.request("POST", "/api/jobs", TINY, headers={"Sec-Fetch-Site": "cross-site"})
    assert status == 403
    status, _ = client.request("GET", "/static/explore.js", token=None, headers={"Host": "evil.example"})
    assert status == 421  # even the public files answer only to this server's name
    assert _jobs(server) == before


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("dataset=moons&variant=dropuot=0.3", "Unknown variant key `dropuot`. Did you mean 'dropout'?"),
        ("dataset=moons&variant=dropout=1.5", "Invalid value for variant key `dropout`: expected a float in [0, 1)"),
        ("dataset=moons&noise=-1", "The 'noise' option of moons must be a float in [0, inf). Got -1 instead."),
        ("dataset=moonz", "Unknown data set 'moonz'. Did you mean 'moons'?"),
        ("dataset=moons&colour=red", "Unknown setting `colour`"),
        ("dataset=moons&seeds=11", "expected an integer in [1, 10]"),
        ("dataset=moons&preset=all&variant=ensemble=100", "reglab explore trains at most 256 at once"),
        ("dataset=moons&epochs=100000", "reglab explore trains at most 3000 epochs"),
        ("dataset=moons&grid=1000", "`grid`: expected an integer in [8, 100]"),
    ],
)
def test_bad_setups_are_refused_with_the_cli_message(served, setup, message) -> None:
    server, client = served
    before = _jobs(server)
    status, body = client.post("/api/jobs", setup)
    assert status == 400 and message in body["error"], body
    assert body["error"].startswith("error: ")
    assert _jobs(server) == before


def test_train_step_pause_change_stop_then_export_equals_compare(served, tmp_path, runner) -> None:
    server, client = served
    info = client.start(f"{TINY}&epochs=300&preset=seed", paused=True)
    job = info["job"]
    assert [v["label"] for v in info["variants"]] == ["baseline", "L1 1e-3"]
    assert len(info["points"]["train"]["X"]) == 120 and info["extent"][0] < info["extent"][1]
    frames = client.frames(job)
    first = next(frames)
    assert first["status"] == "paused" and all(v["epoch"] == 0 for v in first["variants"])

    assert client.post(f"/api/jobs/{job}/step")[0] == 200
    one = _wait(frames, lambda f: all(v["epoch"] == 1 for v in f["variants"]) and all("grid" in v for v in f["variants"]))
    grid = one["variants"][0]["grid"]["p"]
    assert len(grid) == 16 * 16 and all(0 <= p <= 255 for p in grid)
    assert sum(one["variants"][0]["hist"]) == 2 * 2 * 8  # first layer of 2 seeds: 2 inputs x 8 units
    time.sleep(0.4)
    assert server.explorer.entries[job].job.traces[0].epoch == 1  # paused: no epoch without a step
    assert server.explorer.entries[job].job.holding == {0}

    assert client.post(f"/api/jobs/{job}/change", {"variant": 0, "key": "l2", "value": "1e-3"})[0] == 200
    assert client.post(f"/api/jobs/{job}/resume")[0] == 200
    later = _wait(frames, lambda f: "grid" in f["variants"][0] and f["variants"][0]["snapshot_epoch"] >= 5)
    assert later["specs"][0] == "baseline:hidden=8,l2=0@1,0.001@2,epochs=300"  # the change, recorded as a schedule
    assert later["variants"][0]["grid"]["p"] != grid  # the boundary moved

    assert client.post(f"/api/jobs/{job}/pause")[0] == 200
    paused = server.explorer.entries[job].job
    deadline = time.monotonic() + 30
    while len(paused.holding) < len(paused.plan) and time.monotonic() < deadline:
        time.sleep(0.02)
    held = paused.traces[1].epoch
    time.sleep(0.4)
    assert paused.traces[1].epoch == held
    status, body = client.post(f"/api/jobs/{job}/stop", {"variant": 1})
    assert status == 200
    client.post(f"/api/jobs/{job}/resume")
    done = _wait(frames, lambda f: f["status"] == "done")
    assert done["specs"][1].endswith(f"stop_epoch={held},epochs=300")
    assert done["outcome"]["pick"]["label"] in ("baseline", "L1 1e-3")
    assert [v["label"] for v in done["outcome"]["verdicts"]] == ["baseline", "L1 1e-3"]
    status, shot = client.request("GET", f"/api/jobs/{job}/snapshot?epoch=1")
    assert status == 200 and shot["variants"][0]["snapshot_epoch"] == 1 and shot["variants"][0]["grid"]["p"] == grid

    status, exported = client.post(f"/api/jobs/{job}/export")
    assert status == 200, exported
    words = shlex.split(exported["command"])
    assert words[:3] == ["reglab", "compare", "moons"]
    again = tmp_path / "again"
    words[words.index("--out") + 1] = str(again)
    result = runner.invoke(app, [*words[1:], "--quiet"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    mine = json.loads((server.explorer.export_dir / "results.json").read_text())
    theirs = json.loads((again / "results.json").read_text())
    assert len(mine["runs"]) == 4
    for a, b in zip(mine["runs"], theirs["runs"]):
        assert (a["label"], a["settings"], a["seed"]) == (b["label"], b["settings"], b["seed"])
        assert a["history"] == b["history"] and a["metrics"] == b["metrics"]  # the same numbers, to the bit
    assert exported["table"] in result.stdout
    taken = runner.invoke(app, ["export", str(server.explorer.export_dir)], catch_exceptions=False)
    assert taken.exit_code == 0 and taken.stdout.startswith("exported: ")  # `reglab export` takes the model away


def test_cancel_ends_the_training(served) -> None:
    server, client = served
    job = client.start(f"{TINY}&epochs=3000")["job"]
    frames = client.frames(job)
    _wait(frames, lambda f: f["variants"][0]["epoch"] >= 1)
    status, body = client.request("DELETE", f"/api/jobs/{job}")
    assert status == 200 and body["status"] == "cancelled"
    last = _wait(frames, lambda f: f["status"] == "cancelled")
    entry = server.explorer.entries[job]
    assert entry.job.wait_finished(10)
    assert last["variants"][0]["epoch"] < 3000
    status, body = client.post(f"/api/jobs/{job}/change", {"variant": 0, "key": "l2", "value": "1e-3"})
    assert status == 400 and "has ended (cancelled)" in body["error"]
    status, body = client.post(f"/api/jobs/{job}/export")
    assert status == 400 and "needs a finished training" in body["error"]


def test_bad_changes_are_refused(served) -> None:
    server, client = served
    job = client.start(f"{TINY}&epochs=3000", paused=True)["job"]
    try:
        for body, message in [
            ({"variant": 0, "key": "hidden", "value": "16"}, "`hidden` cannot change while training runs"),
            ({"variant": 0, "key": "l2", "value": "-1"}, "Invalid value for variant key `l2`"),
            ({"variant": 0, "key": "l9", "value": "1"}, "Unknown variant key `l9`"),
            ({"variant": 7, "key": "l2", "value": "1"}, "No variant 7"),
            ({"variant": "0", "key": "l2", "value": "1"}, "Invalid value for `variant`"),
        ]:
            status, answer = client.post(f"/api/jobs/{job}/change", body)
            assert status == 400 and message in answer["error"], answer
        assert client.post(f"/api/jobs/{job}/change", "not json")[0] == 400
        assert client.request("GET", f"/api/jobs/{job}/snapshot?epoch=x")[0] == 400
        assert client.request("GET", "/api/jobs/nope/snapshot?epoch=1")[0] == 404
    finally:
        client.request("DELETE", f"/api/jobs/{job}")


def test_a_csv_file_given_on_the_command_line_is_the_only_file(tmp_path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    rows = ["a,b,label", *(f"{x:.4f},{y:.4f},{int(x * y > 0)}" for x, y in X)]
    path = tmp_path / "points.csv"
    path.write_text("\n".join(rows) + "\n")
    server = run_in_thread(prepare(port=0, csv=str(path), export_dir=tmp_path / "out", log=lambda _: None))
    try:
        client = Client(server.port, server.token)
        names = [d["name"] for d in client.request("GET", "/api/schema")[1]["datasets"]]
        assert names[-1] == "csv"
        info = client.start("dataset=csv&hidden=4&epochs=3&seeds=1&grid=8")
        assert info["dataset"] == str(path) and len(info["points"]["train"]["X"]) == 48
        for other in ("/etc/passwd", str(path), "../points.csv"):
            status, body = client.post("/api/jobs", f"dataset={other}")
            assert status == 400 and "Unknown data set" in body["error"]
    finally:
        server.stop()


def test_reglab_explore_prints_its_url_and_serves_the_page(tmp_path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "reglab", "explore", "circles", "--noise", "0.2", "--preset", "all", "--no-browser",
         "--out", str(tmp_path / "out")],
        stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stderr.readline()
        assert line.startswith("reglab explore: http://127.0.0.1:"), line
        url = line.split(": ", 1)[1].strip()
        assert "#dataset=circles&noise=0.2&preset=all&seeds=3" in url
        port, token = int(url.split(":")[2].split("/")[0]), url.split("token=")[1].split("#")[0]
        status, page = Client(port, token).request("GET", f"/?token={token}", token=None)
        assert status == 200 and "reglab explore" in page
    finally:
        process.send_signal(signal.SIGINT)
        rest = process.communicate(timeout=30)[1]
    assert process.returncode == 0 and rest.strip().endswith("reglab explore: stopped"), rest  # Ctrl-C stops it, no traceback


def test_reglab_explore_refuses_a_bad_setup_before_serving(runner) -> None:
    result = runner.invoke(app, ["explore", "--variant", "dropuot=0.1", "--no-browser"])
    assert result.exit_code == 2
    assert "error: Unknown variant key `dropuot`" in result.output


def test_a_job_whose_page_closed_is_cancelled(tmp_path, monkeypatch) -> None:
    import reglab.explore.app as explore_app

    monkeypatch.setattr(explore_app, "ORPHAN_S", 0.5)
    server = run_in_thread(prepare(port=0, export_dir=tmp_path / "out", log=lambda _: None))
    try:
        client = Client(server.port, server.token)
        job = client.start(f"{TINY}&epochs=3000")["job"]  # no page ever opens its stream
        entry = server.explorer.entries[job]
        assert entry.job.wait_finished(30)
        assert entry.job.status == "cancelled" and entry.job.traces[0].epoch < 3000
    finally:
        server.stop()
