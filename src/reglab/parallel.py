"""Training groups in parallel worker processes.

The batched engine trains one group of runs per call of
:func:`reglab.engine.trainer.train_group`; groups are independent, so they can
train at the same time in different processes.  On a small machine that can
beat more threads per product, because the many small operations of a step
do not wait for each other across cores (measured by
``benchmarks/bench_jobs.py``; see ``docs/performance.md``).

:class:`Compute` says how a command spreads its training: ``jobs`` worker
processes (1: this process) and at most ``max_models`` models per group.  A
group gives the same numbers in any process, so ``jobs`` never changes
results; ``max_models`` decides how runs are cut into groups (and so how many
tasks there are to spread).  The CLI's ``--jobs`` and ``--max-models`` fill
it.  :func:`process_pool` is the executor it uses by default; any other
:class:`concurrent.futures.Executor` can be given, for :func:`reglab.train`,
:func:`reglab.compare` and :func:`reglab.sweep` alike (a Dask
cluster's ``Client.get_executor()`` was tried: same numbers as one process).
"""

from __future__ import annotations

import multiprocessing
import numbers
import multiprocessing.connection
import multiprocessing.context
import os
import queue
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.managers import SyncManager
from typing import Any

from reglab.arguments import MAX_INT
from reglab.errors import ReglabError

MAX_JOBS = 1024
"""The most worker processes ``--jobs`` may start (each also needs its memory: :mod:`reglab.budget`)."""


@contextmanager
def ctrl_c_deferred() -> Iterator[None]:
    """Block SIGINT in this thread for the body: a Ctrl-C meanwhile is raised when it ends.

    Processes started in the body inherit the blocked signal (the mask
    survives ``exec``).  Without signal masks (Windows) it does nothing.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class _GuardedProcess(multiprocessing.context.SpawnProcess):
    """A spawned process that never sees the terminal's Ctrl-C and does not outlive its parent.

    It starts with SIGINT blocked (the mask survives ``exec``, so even the
    child's start-up, while it imports torch, cannot be interrupted into a
    traceback); the main process decides what an interruption stops.  Its
    target then runs :func:`_guard` first, through the initializer of the pool
    or manager that starts it.
    """

    def start(self) -> None:
        with ctrl_c_deferred():
            super().start()

    def run(self) -> None:
        try:
            super().run()
        except BaseException:
            if _orphaned():  # the queues broke because the parent died: nothing to report, nobody to read it
                os._exit(1)
            raise


class _GuardedContext(multiprocessing.context.SpawnContext):
    """The spawn context (fork is unsafe on macOS and with threads) whose processes are :class:`_GuardedProcess`."""

    Process = _GuardedProcess


GUARDED = _GuardedContext()
"""The context every worker process and manager of reglab is started from."""


def _orphaned() -> bool:
    """In a child process: whether its parent process has ended."""
    parent = multiprocessing.parent_process()
    return parent is not None and bool(multiprocessing.connection.wait([parent.sentinel], timeout=0))


def _guard() -> None:
    """In a child process: ignore Ctrl-C, and exit as soon as the parent process is gone.

    The parent's death (even ``kill -9``) closes the pipe behind
    ``multiprocessing.parent_process().sentinel``; a daemon thread waits on it
    and ends this process, so no worker or manager is left behind.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def wait_for_parent() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=wait_for_parent, name="reglab-parent-watch", daemon=True).start()


QUIET_TRACKER = "ignore::UserWarning:multiprocessing.resource_tracker"
"""The warning filter multiprocessing's resource tracker is started with (:func:`start_resource_tracker`)."""


def start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker (if not running) with :data:`QUIET_TRACKER`.

    When the main process is killed (``kill -9``) the tracker unlinks the
    semaphores of the pool's queues and, by default, warns about each "leaked
    semaphore object" on the terminal: noise about a clean-up it has just
    done.  The tracker takes its warning filters from ``sys.warnoptions`` when
    it starts, so they are extended for that moment only.
    """
    from multiprocessing import resource_tracker

    saved = list(sys.warnoptions)
    sys.warnoptions.append(QUIET_TRACKER)
    try:
        resource_tracker.ensure_running()
    finally:
        sys.warnoptions[:] = saved


def process_pool(jobs: int, threads: int | None = None) -> ProcessPoolExecutor:
    """``jobs`` worker processes (started fresh, not forked) with ``threads`` torch threads each.

    ``threads`` defaults to the cores divided among the workers (at least 1).
    Workers ignore Ctrl-C (the main process decides what an interruption
    stops) and end when the main process ends, however it ends (:func:`_guard`).
    """
    if threads is None:
        threads = max(1, (os.cpu_count() or 1) // jobs)
    start_resource_tracker()
    return ProcessPoolExecutor(max_workers=jobs, mp_context=GUARDED, initializer=_start_worker, initargs=(threads,))


def _start_worker(threads: int) -> None:
    import torch  # here, so that a manager process (which imports this module too) does not load torch

    _guard()
    torch.set_num_threads(threads)


def concurrency(executor: Executor | None) -> int:
    """How many groups ``executor`` trains at once in this machine's memory: its workers for a local
    thread or process pool, 1 in this process (``None``) or for other executors (their workers are elsewhere)."""
    if isinstance(executor, (ThreadPoolExecutor, ProcessPoolExecutor)):
        return int(getattr(executor, "_max_workers", 1))
    return 1


@dataclass(frozen=True)
class EpochTicks:
    """``on_epoch`` of group ``index`` trained by an executor: puts ``index`` on ``queue`` after each epoch.

    With a manager's queue it pickles, so worker processes report each epoch
    to the main process's progress bar.
    """

    queue: Any
    index: int

    def __call__(self, epoch: int) -> None:
        self.queue.put(self.index)


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what ``pool`` has not started and end its worker processes now (what Ctrl-C asks for)."""
    workers = list((getattr(pool, "_processes", None) or {}).values())  # no public terminate before Python 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers:
        process.terminate()
        process.join()


@contextmanager
def epoch_queue(executor: Executor) -> Iterator[Any | None]:
    """A queue the executor's tasks can put on: in-process for threads, a manager's for local processes.

    ``None`` for other executors (a cluster's workers may not reach this
    machine); their progress is then counted a group at a time.
    """
    if isinstance(executor, ThreadPoolExecutor):
        yield queue.Queue()
    elif isinstance(executor, ProcessPoolExecutor):
        start_resource_tracker()
        manager = SyncManager(ctx=GUARDED)
        with ctrl_c_deferred():  # a Ctrl-C while it starts would break its pipe to us: raise it once it listens
            manager.start(_guard)  # it ignores Ctrl-C and ends with this process
        with manager:
            try:
                yield manager.Queue()
            except BaseException:
                stop_workers(executor)  # before the manager goes: a worker still reaching for it would fail loudly
                raise
    else:
        yield None


@dataclass(frozen=True)
class Compute:
    """How training is spread: ``jobs`` worker processes (1: in this process), at most ``max_models`` models per group.

    ``executor``, when given, is used instead of a pool of ``jobs`` processes
    (and left open): any :class:`concurrent.futures.Executor` whose workers
    can import reglab, such as a Dask cluster's ``client.get_executor()``.
    ``dry_run`` trains nothing: the command raises :class:`reglab.dry_run.DryRun`
    with the plan of what it would train (``--dry-run``).
    """

    jobs: int = 1
    max_models: int = 1024
    executor: Executor | None = None
    dry_run: bool = False

    def __post_init__(self) -> None:
        for name, high in (("jobs", MAX_JOBS), ("max_models", MAX_INT)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not 1 <= value <= high:
                raise ReglabError(f"Invalid value for `{name}`: expected an integer in [1, {high}]. Received: {name}={value!r}")

    @contextmanager
    def workers(self) -> Iterator[Executor | None]:
        """The given executor; else ``None`` for one job, or a :func:`process_pool`.

        The pool's workers are stopped at once when the body raises (Ctrl-C included).
        """
        if self.executor is not None or self.jobs == 1:
            yield self.executor
            return
        pool = process_pool(self.jobs)
        try:
            yield pool
        except BaseException:
            stop_workers(pool)
            raise
        pool.shutdown()
