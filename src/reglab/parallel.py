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
import os
import queue
import signal
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import torch

from reglab.errors import ReglabError


def process_pool(jobs: int, threads: int | None = None) -> ProcessPoolExecutor:
    """``jobs`` worker processes (started fresh, not forked) with ``threads`` torch threads each.

    ``threads`` defaults to the cores divided among the workers (at least 1).
    Workers ignore Ctrl-C: the main process decides what an interruption stops.
    """
    if threads is None:
        threads = max(1, (os.cpu_count() or 1) // jobs)
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker, initargs=(threads,)
    )


def _start_worker(threads: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    torch.set_num_threads(threads)


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


@contextmanager
def epoch_queue(executor: Executor) -> Iterator[Any | None]:
    """A queue the executor's tasks can put on: in-process for threads, a manager's for local processes.

    ``None`` for other executors (a cluster's workers may not reach this
    machine); their progress is then counted a group at a time.
    """
    if isinstance(executor, ThreadPoolExecutor):
        yield queue.Queue()
    elif isinstance(executor, ProcessPoolExecutor):
        with multiprocessing.get_context("spawn").Manager() as manager:  # fork is unsafe on macOS
            yield manager.Queue()
    else:
        yield None


@dataclass(frozen=True)
class Compute:
    """How training is spread: ``jobs`` worker processes (1: in this process), at most ``max_models`` models per group.

    ``executor``, when given, is used instead of a pool of ``jobs`` processes
    (and left open): any :class:`concurrent.futures.Executor` whose workers
    can import reglab, such as a Dask cluster's ``client.get_executor()``.
    """

    jobs: int = 1
    max_models: int = 1024
    executor: Executor | None = None

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise ReglabError(f"jobs={self.jobs}: give at least 1 worker process.")
        if self.max_models < 1:
            raise ReglabError(f"max_models={self.max_models}: a group holds at least 1 model.")

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
            workers = list((getattr(pool, "_processes", None) or {}).values())  # no public terminate before Python 3.14
            pool.shutdown(wait=False, cancel_futures=True)
            for process in workers:
                process.terminate()
                process.join()
            raise
        pool.shutdown()
