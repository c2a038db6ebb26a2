"""Starting the ``reglab explore`` server: a loopback socket, a token, uvicorn, the browser.

    from reglab.explore.server import serve
    serve(port=0, open_browser=False)     # prints http://127.0.0.1:PORT/?token=...
"""

from __future__ import annotations

import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import uvicorn

from reglab.errors import ReglabError
from reglab.explore.app import Explorer, create_app
from reglab.explore.security import allowed_hosts, new_token
from reglab.explore.state import CSV_NAME, DataChoice, parse_setup

DEFAULT_HOST = "127.0.0.1"


@dataclass
class Server:
    """A running server (see :func:`start`): its URL and how to stop it."""

    url: str
    port: int
    token: str
    explorer: Explorer
    _server: uvicorn.Server
    _thread: threading.Thread | None = None

    def stop(self) -> None:
        """Cancel every job and shut the server down."""
        for entry in self.explorer.entries.values():
            entry.job.cancel()
        for entry in self.explorer.entries.values():
            entry.job.wait_finished(10)
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)


def _log(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def prepare(
    *, host: str = DEFAULT_HOST, port: int = 0, csv: str | None = None, csv_options: dict[str, Any] | None = None,
    export_dir: str | Path = "reglab-out", setup: str = "", log: Callable[[str], None] = _log,
) -> Server:
    """Bind the socket and build the app; ``port=0`` picks a free port.

    ``csv`` is the one data file the server may read (checked now), ``export_dir``
    the one folder it writes; ``setup`` is a set-up query string put in the URL's hash.

    Raises:
        ReglabError: the port is taken, or the CSV file cannot be read.
    """
    choice = DataChoice.of(csv, csv_options)
    parse_setup(setup or (f"dataset={CSV_NAME}" if csv else ""), choice)  # a bad set-up or file is reported before the server starts
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise ReglabError(f"Cannot listen on {host}:{port}: {error.strerror}. Choose another --port.") from None
    sock.listen(64)
    port = sock.getsockname()[1]
    token = new_token()
    explorer = Explorer(choice, Path(export_dir), log)
    app = create_app(explorer, token=token, hosts=allowed_hosts(host, port))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    shown = "127.0.0.1" if host in ("127.0.0.1", "0.0.0.0") else host
    url = f"http://{shown}:{port}/?{urlencode({'token': token})}" + (f"#{setup}" if setup else "")
    result = Server(url, port, token, explorer, server)
    result._socket = sock  # type: ignore[attr-defined]
    return result


def run_in_thread(server: Server) -> Server:
    """Serve in a background thread (tests, benchmarks); returns once the server accepts connections."""
    started = threading.Event()
    thread = threading.Thread(target=lambda: server._server.run(sockets=[server._socket]), daemon=True)  # type: ignore[attr-defined]
    thread.start()
    while not server._server.started:
        if not thread.is_alive():
            raise RuntimeError("the explore server did not start")
        started.wait(0.02)
    server._thread = thread
    return server


def serve(*, open_browser: bool = True, **options: Any) -> None:
    """Run the server in this thread until Ctrl-C; print its URL (and open it in the browser)."""
    server = prepare(**options)
    _log(f"reglab explore: {server.url}")
    _log("  (only this machine can connect; the token in the URL keeps other pages out; Ctrl-C stops the server)")
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(server.url,)).start()
    try:
        server._server.run(sockets=[server._socket])  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        pass  # Ctrl-C is how the server is stopped
    finally:
        for entry in server.explorer.entries.values():
            entry.job.cancel()
    _log("reglab explore: stopped")
