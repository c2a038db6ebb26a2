"""Several `reglab tune` workers sharing one study on a real PostgreSQL server (127.0.0.1 only, a temporary cluster).

The server is Debian's ``postgresql`` package (installed by ``scripts/setup``
when root): ``initdb`` into a temporary folder, ``pg_ctl start`` on a free
port, listening on 127.0.0.1 and a socket in that folder, trust
authentication for loopback only, stopped at the end.  Skipped with one line
when the binaries are missing or the server cannot start.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import optuna
import pytest
from optuna.trial import TrialState

from reglab.tune.study import open_storage

STUDY = "shared"
ARGS = ["tune", "moons", "--n-samples", "150", "--base", "hidden=8", "--param", "l2=1e-5:1e-1:log",
        "--param", "dropout=0:0.5", "--seeds", "2", "--quiet", "--study", STUDY]
EPOCHS_KILLED = 300
"""Long enough for a batch of 4 trials to be seen running (seconds, not a tenth of one) on a fast machine."""
FAST_HEARTBEAT = {"REGLAB_TUNE_HEARTBEAT_S": "1", "REGLAB_TUNE_GRACE_S": "4"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def postgres() -> str:
    """A PostgreSQL server of its own on 127.0.0.1; yields the URL of an empty database ``reglab``."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        pytest.skip("PostgreSQL is not installed (scripts/setup installs Debian's postgresql when run as root)")
    bin_dir = Path(found[-1]).parent
    home = Path(tempfile.mkdtemp(prefix="reglab-pg-"))  # not under pytest's 0700 folders: the server's user enters it
    data = home / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root: run it as Debian's postgres user
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and no 'postgres' user to start PostgreSQL as")
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(home, "postgres")
    port = _free_port()
    log = home / "server.log"

    def run(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run([*as_user, *command], capture_output=True, text=True, timeout=120)

    made = run(str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
    if made.returncode != 0:
        pytest.skip(f"initdb failed: {made.stderr.strip().splitlines()[-1:]}")
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
    started = run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start")
    if started.returncode != 0:
        pytest.skip(f"PostgreSQL did not start: {started.stderr.strip()[-200:]}")
    try:
        created = run(str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "reglab")
        assert created.returncode == 0, created.stderr
        yield f"postgresql://postgres@127.0.0.1:{port}/reglab"
    finally:
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop")
        shutil.rmtree(home, ignore_errors=True)


def _worker(url: str, out: Path, trials: int, batch: int, epochs: int, study: str = STUDY) -> subprocess.Popen:
    args = [a if a != STUDY else study for a in ARGS]
    command = [sys.executable, "-m", "reglab", *args, "--storage", url, "--trials", str(trials), "--batch", str(batch),
               "--epochs", str(epochs), "--out", str(out)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **FAST_HEARTBEAT, "OMP_NUM_THREADS": "1"})


def _trials(url: str, study: str) -> list[optuna.trial.FrozenTrial]:
    return optuna.load_study(study_name=study, storage=open_storage(url)).get_trials()


def _check_consistent(trials: list[optuna.trial.FrozenTrial], wanted: int) -> None:
    """Exactly ``wanted`` trials done; every failed one either over the budget or run again."""
    done = [t for t in trials if t.state in (TrialState.COMPLETE, TrialState.PRUNED)]
    assert len(done) == wanted
    assert len({t.number for t in trials}) == len(trials)
    retried = {t.system_attrs.get("failed_trial") for t in trials if t.system_attrs.get("failed_trial") is not None}
    for trial in trials:
        if trial.state == TrialState.FAIL:
            assert trial.user_attrs.get("over_budget") or trial.number in retried, trial
    assert not [t for t in trials if t.state in (TrialState.RUNNING, TrialState.WAITING)]


def test_two_workers_share_one_study_and_run_exactly_the_trials_asked(postgres, tmp_path):
    workers = [_worker(postgres, tmp_path / f"w{i}", trials=8, batch=2, epochs=5, study="two") for i in range(2)]
    outputs = [w.communicate(timeout=600) for w in workers]
    for worker, (stdout, stderr) in zip(workers, outputs):
        assert worker.returncode == 0, stderr
        assert stdout.splitlines()[-1].startswith("best: trial ")
    trials = _trials(postgres, "two")
    _check_consistent(trials, 8)
    # both workers trained: each --out holds runs of its own trials
    assert all((tmp_path / f"w{i}" / "runs.sqlite").is_file() for i in range(2))


def test_a_killed_worker_leaves_the_study_consistent_and_a_rerun_resumes(postgres, tmp_path):
    # The worker to kill starts alone; the other joins once it is seen training a batch, so it cannot take the whole
    # budget before the first one asks.  Epochs and sizes are the study's, so both workers must use the same.
    slow = _worker(postgres, tmp_path / "killed", trials=8, batch=4, epochs=EPOCHS_KILLED, study="killed")
    other = None
    try:
        deadline, running = time.time() + 240, []
        while time.time() < deadline and not running and slow.poll() is None:  # until it has asked a batch
            time.sleep(0.1)
            try:
                running = [t for t in _trials(postgres, "killed")
                           if t.state == TrialState.RUNNING and t.user_attrs.get("worker", "").endswith(f":{slow.pid}")]
            except KeyError:  # the study is not made yet
                continue
        assert running, f"the worker never started a batch: {slow.poll()=}"
        other = _worker(postgres, tmp_path / "other", trials=8, batch=2, epochs=EPOCHS_KILLED, study="killed")
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=30)
        stdout, stderr = other.communicate(timeout=600)  # goes on: its own trials, then the dead worker's again
        assert other.returncode == 0, stderr
    finally:
        for process in (slow, other):
            if process is not None and process.poll() is None:
                process.kill()
    trials = _trials(postgres, "killed")
    _check_consistent(trials, 8)
    assert any(t.state == TrialState.FAIL and not t.user_attrs.get("over_budget") for t in trials)  # the killed attempts
    rerun = _worker(postgres, tmp_path / "other", trials=8, batch=2, epochs=EPOCHS_KILLED, study="killed")
    stdout, stderr = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, stderr
    assert len(_trials(postgres, "killed")) == len(trials)  # nothing left to run: the study is whole
