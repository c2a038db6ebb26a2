"""Ctrl-C and SIGTERM held back while numba compiles or loads the kernels.

numba compiles a kernel on its first call in a process (about 40 s on a
2-core machine without its cache, under a second with it).  A
``KeyboardInterrupt`` raised in the middle of that lands inside one of
llvmlite's ctypes callbacks, which swallows it: the command then either goes
on as if nothing happened or fails with numba's ``no compiled object yet``.
:func:`held_signals` records such a signal instead and hands it to the
handler that was in place once the call has returned, so the command stops
there with its usual ``interrupted`` line.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def held_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM are recorded; on leaving it, the first one recorded goes to the handler
    that was in place before: a Python handler is called (``KeyboardInterrupt`` for Ctrl-C), the default action is
    taken again (a worker process's SIGTERM ends it), an ignored signal stays ignored.  Outside the main thread
    (where Python runs signal handlers) it changes nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def record(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {number: signal.signal(number, record) for number in HELD}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if received:
            number = received[0]
            handler = previous[number]
            if callable(handler):
                handler(number, None)
            elif handler == signal.SIG_DFL:  # the default action (a worker process's SIGTERM: end it)
                os.kill(os.getpid(), number)
