"""The real console script under real signals: Ctrl-C, SIGTERM and kill -9, with and without --jobs.

Each test starts ``reglab`` in its own session (as a terminal would start a
foreground job), signals it, and checks the exit code, that stderr holds no
traceback, and that no worker or manager process outlives it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")

REGLAB = str(Path(sys.executable).with_name("reglab"))
LONG_JOB = ["compare", "--n-samples", "200", "--epochs", "100000", "--variant", "hidden=8", "--variant", "l1=1e-3,hidden=8",
            "--seeds", "2", "-q"]


def _state(pid: int) -> tuple[str, int] | None:
    """(state letter, parent pid) of a live process, ``None`` when gone or a zombie."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] in "ZX" else (fields[0], int(fields[1]))


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (state := _state(int(entry))) is not None and state[1] == pid:
            found.append(int(entry))
    return found


def _start(tmp_path: Path, *extra: str, wait_children: int = 0) -> tuple[subprocess.Popen, list[int]]:
    job = subprocess.Popen(
        [REGLAB, *LONG_JOB, "--out", str(tmp_path / "out"), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    deadline = time.monotonic() + 120
    kids: list[int] = []
    while time.monotonic() < deadline and job.poll() is None:
        kids = _children(job.pid)
        if len(kids) >= wait_children and (wait_children or (tmp_path / "out" / "runs.sqlite").exists()):
            break
        time.sleep(0.2)
    assert job.poll() is None, job.communicate()
    time.sleep(1.0)  # into training (workers have their tasks)
    return job, _children(job.pid)


def _outlived(kids: list[int], within: float = 15.0) -> list[int]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        left = [pid for pid in kids if _state(pid) is not None]
        if not left:
            return []
        time.sleep(0.1)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    return left


def test_ctrl_c_with_jobs_prints_one_line_and_stops_every_worker(tmp_path: Path) -> None:
    job, kids = _start(tmp_path, "--jobs", "2", "--max-models", "2", wait_children=4)  # 2 workers, manager, tracker
    os.killpg(job.pid, signal.SIGINT)  # what the terminal does: the whole foreground group
    _, err = job.communicate(timeout=60)
    assert job.returncode == 130, err
    assert "Traceback" not in err and err.strip().startswith("interrupted: 0 of 4 runs kept in"), err
    assert _outlived(kids) == []


def test_sigterm_stops_like_ctrl_c_with_exit_143(tmp_path: Path) -> None:
    job, kids = _start(tmp_path, "--jobs", "2", "--max-models", "2", wait_children=4)
    job.terminate()
    _, err = job.communicate(timeout=60)
    assert job.returncode == 143, err
    assert "Traceback" not in err and "run the same command to resume" in err, err
    assert _outlived(kids) == []


def test_workers_and_manager_end_when_the_main_process_is_killed(tmp_path: Path) -> None:
    job, kids = _start(tmp_path, "--jobs", "2", "--max-models", "2", wait_children=4)
    assert len(kids) >= 3
    job.kill()  # kill -9: no handler runs in the main process
    _, err = job.communicate(timeout=60)
    assert job.returncode == -signal.SIGKILL
    assert _outlived(kids) == [], "worker processes outlived their killed parent"
    assert "Traceback" not in err, err
    assert "leaked semaphore" not in err and "Warning" not in err, err  # the resource tracker cleans up quietly


@pytest.mark.parametrize("after_s", [0.2, 0.3, 0.5, 1.0])
def test_ctrl_c_during_start_up_prints_one_line(tmp_path: Path, after_s: float) -> None:
    """Importing the commands, parsing the options (typer's own exit 130), loading torch: each says `interrupted`."""
    job = subprocess.Popen([REGLAB, *LONG_JOB, "--out", str(tmp_path / "out")], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(after_s)  # still importing
    os.killpg(job.pid, signal.SIGINT)
    _, err = job.communicate(timeout=60)
    assert job.returncode == 130, err
    assert err.strip().startswith("interrupted") and "Traceback" not in err, err
