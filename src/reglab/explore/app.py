"""The ``reglab explore`` web application (Starlette): the page, its schema, training jobs and their live stream.

Routes (all but ``/static/`` need the token; see :mod:`reglab.explore.security`):

========================================  =====================================================
``GET /``                                 the page
``GET /api/schema``                       data sets with their options, the variant key table,
                                          presets, panels and the work limits
``POST /api/jobs``                        body: a set-up query string (:mod:`reglab.explore.state`);
                                          starts training, answers the data points and the job id
``GET /api/jobs/{id}/events``             server-sent events: one JSON frame each time something
                                          changed, at most every :data:`FRAME_S` seconds
``POST /api/jobs/{id}/pause|resume|step``
``POST /api/jobs/{id}/change``            ``{"variant": i, "key": "l2", "value": "1e-3"}``: a schedule step
``POST /api/jobs/{id}/stop``              ``{"variant": i}``: stop that variant by hand
``GET /api/jobs/{id}/snapshot?epoch=E``   every variant's boundary, histogram and figures at epoch E
``POST /api/jobs/{id}/export``            the ``reglab compare`` output of the finished job, and its command line
``DELETE /api/jobs/{id}``                 cancel (the page does it on reset and when it closes)
``GET /static/verdicts.css``              the verdict colours (:mod:`reglab.outputs.palette`)
========================================  =====================================================

A bad request gets a 4xx answer ``{"error": "error: ..."}`` with the
command line's message, and nothing is trained.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from reglab.errors import ReglabError
from reglab.explore import limits
from reglab.explore.export import export_job
from reglab.explore.security import Guard
from reglab.explore.session import Change, Job
from reglab.explore.state import DataChoice, parse_setup
from reglab.explore.schema import schema
from reglab.outputs.palette import verdict_rules

FRAME_S = 0.05
"""The stream looks for news this often: at most 20 frames per second."""
ORPHAN_S = 15.0
"""A job whose page has had no open stream for this long is cancelled (the page was closed)."""
STATIC = resources.files("reglab.explore") / "static"


@dataclass
class Entry:
    """A job with the page's bookkeeping: open streams and when the last one closed."""

    job: Job
    listeners: int = 0
    orphaned_since: float | None = field(default_factory=time.monotonic)


class Explorer:
    """The server's jobs, at most :data:`~reglab.explore.limits.MAX_JOBS` training at once."""

    def __init__(self, choice: DataChoice, export_dir: Path, log: Callable[[str], None] = lambda _: None) -> None:
        self.choice, self.export_dir, self.log = choice, export_dir, log
        self.entries: dict[str, Entry] = {}
        self._lock = threading.Lock()
        threading.Thread(target=self._watch, daemon=True, name="reglab-explore-reaper").start()

    def _watch(self) -> None:
        """Every few seconds, cancel the jobs whose page has closed."""
        while True:
            time.sleep(ORPHAN_S / 5)
            with self._lock:
                self._reap()

    def start(self, query: str, paused: bool) -> tuple[str, Job]:
        setup = parse_setup(query, self.choice)
        dataset = setup.load(self.choice)
        with self._lock:
            self._reap()
            live = [e for e in self.entries.values() if e.job.status in ("running", "paused")]
            if len(live) >= limits.MAX_JOBS:
                raise TooBusy(f"error: {len(live)} jobs are training already (at most {limits.MAX_JOBS}): close another reglab explore page.")
            job_id = secrets.token_hex(6)
            job = Job(setup, dataset, paused=paused, on_finish=lambda j: self.log(f"explore: job {job_id} done in {time.monotonic() - j.started:.1f} s"))
            self.entries[job_id] = Entry(job)
        job.start()
        models = sum(v.ensemble for v in job.variants) * len(job.seeds)
        self.log(f"explore: job {job_id}: {setup.dataset}, {len(job.variants)} variants x {len(job.seeds)} seeds ({models} models)")
        return job_id, job

    def get(self, job_id: str) -> Entry:
        entry = self.entries.get(job_id)
        if entry is None:
            raise NotFound(f"error: no job {job_id!r} on this server (it ended, or the server restarted): press play again.")
        return entry

    def cancel(self, job_id: str) -> None:
        self.get(job_id).job.cancel()
        self.log(f"explore: job {job_id} cancelled")

    def _reap(self) -> None:
        """Cancel jobs whose page is gone; forget ended jobs beyond the newest few."""
        now = time.monotonic()
        for job_id, entry in list(self.entries.items()):
            if entry.listeners == 0 and entry.orphaned_since is not None and now - entry.orphaned_since > ORPHAN_S:
                if entry.job.status in ("running", "paused"):
                    entry.job.cancel()
                    self.log(f"explore: job {job_id} cancelled (its page closed)")
        ended = [k for k, e in self.entries.items() if e.job.status not in ("running", "paused")]
        for job_id in ended[: max(0, len(ended) - limits.MAX_JOBS)]:
            del self.entries[job_id]


class TooBusy(Exception):
    """Too many jobs at once (429)."""


class NotFound(Exception):
    """No such job (404)."""


def _error(status: int, message: str) -> JSONResponse:
    text = message if message.startswith("error:") else f"error: {' '.join(message.split())}"
    return JSONResponse({"error": text}, status_code=status)


def _guarded(handler: Callable) -> Callable:
    """Turn user mistakes into 4xx answers with the command line's message."""

    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except ReglabError as error:
            return _error(400, str(error))
        except TooBusy as error:
            return _error(429, str(error))
        except NotFound as error:
            return _error(404, str(error))

    return run


async def _body(request: Request) -> bytes:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limits.MAX_BODY:
            raise ReglabError(f"The request body is larger than {limits.MAX_BODY} bytes.")
    return body


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        data = json.loads(await _body(request) or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ReglabError("The request body must be a JSON object, such as {\"variant\": 0, \"key\": \"l2\", \"value\": \"1e-3\"}.") from None
    if not isinstance(data, dict):
        raise ReglabError("The request body must be a JSON object.")
    return data


def _variant_index(data: dict[str, Any]) -> int:
    index = data.get("variant")
    if isinstance(index, bool) or not isinstance(index, int):
        raise ReglabError(f"Invalid value for `variant`: expected the variant's position, an integer. Received: {index!r}")
    return index


def create_app(explorer: Explorer, *, token: str, hosts: set[str] | frozenset[str]) -> Guard:
    """The ASGI application, behind :class:`~reglab.explore.security.Guard`."""

    async def page(request: Request) -> Response:
        return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))

    async def verdict_colours(request: Request) -> Response:  # the colours of reglab.outputs.palette, one source
        return Response(verdict_rules(".verdict-{cls} {{ color: {colour}; }}"), media_type="text/css")

    async def get_schema(request: Request) -> Response:
        return JSONResponse(schema(explorer.choice))

    async def start(request: Request) -> Response:
        query = (await _body(request)).decode("utf-8", errors="replace")
        job_id, job = await run_in_threadpool(explorer.start, query, request.query_params.get("paused") == "1")
        return JSONResponse({"job": job_id, **job_description(job)}, status_code=201)

    async def events(request: Request) -> Response:
        entry = explorer.get(request.path_params["job"])
        return StreamingResponse(_stream(entry), media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})

    async def control(request: Request) -> Response:
        entry = explorer.get(request.path_params["job"])
        action = request.path_params["action"]
        job = entry.job
        if action == "pause":
            job.pause()
        elif action == "resume":
            job.resume()
        elif action == "step":
            job.step()
        elif action in ("change", "stop"):
            data = await _json_body(request)
            key = None if action == "stop" else data.get("key")
            if action == "change" and not isinstance(key, str):
                raise ReglabError(f"Invalid value for `key`: expected a variant key such as 'l2'. Received: {key!r}")
            value = data.get("value")
            if action == "change" and (isinstance(value, (dict, list)) or value is None):
                raise ReglabError(f"Invalid value for `value`: expected a number or its text. Received: {value!r}")
            job.change(Change(_variant_index(data), key, value))
            return JSONResponse({"status": job.status, "applies": "at the variant's next epoch"})
        else:
            raise NotFound(f"error: no action {action!r}; actions: pause, resume, step, change, stop.")
        return JSONResponse({"status": job.status})

    async def snapshot(request: Request) -> Response:
        entry = explorer.get(request.path_params["job"])
        text = request.query_params.get("epoch", "")
        if not text.isdigit():
            raise ReglabError(f"Invalid value for `epoch`: expected an integer >= 1. Received: epoch={text!r}")
        return JSONResponse(entry.job.snapshot(int(text)))

    async def export(request: Request) -> Response:
        entry = explorer.get(request.path_params["job"])
        result = await run_in_threadpool(export_job, entry.job, explorer.export_dir)
        explorer.log(f"explore: exported to {result['out_dir']}")
        return JSONResponse(result)

    async def cancel(request: Request) -> Response:
        explorer.cancel(request.path_params["job"])
        return JSONResponse({"status": "cancelled"})

    async def _stream(entry: Entry) -> AsyncIterator[str]:
        job = entry.job
        cursors, grids = [0] * len(job.variants), [-1] * len(job.variants)
        seen = -1
        entry.listeners += 1
        entry.orphaned_since = None
        try:
            while True:
                if job.version != seen:
                    seen = job.version
                    frame = job.frame(cursors, grids)
                    yield f"data: {json.dumps(frame, separators=(',', ':'))}\n\n"
                    if frame["status"] in ("done", "cancelled", "error") and job.version == seen:
                        yield "event: end\ndata: {}\n\n"
                        return
                await asyncio.sleep(FRAME_S)
        finally:
            entry.listeners -= 1
            if entry.listeners == 0:
                entry.orphaned_since = time.monotonic()

    routes = [
        Route("/", page),
        Route("/api/schema", _guarded(get_schema)),
        Route("/api/jobs", _guarded(start), methods=["POST"]),
        Route("/api/jobs/{job}", _guarded(cancel), methods=["DELETE"]),
        Route("/api/jobs/{job}/events", _guarded(events)),
        Route("/api/jobs/{job}/snapshot", _guarded(snapshot)),
        Route("/api/jobs/{job}/export", _guarded(export), methods=["POST"]),
        Route("/api/jobs/{job}/{action}", _guarded(control), methods=["POST"]),
        Route("/static/verdicts.css", verdict_colours),
        Mount("/static", StaticFiles(directory=str(STATIC)), name="static"),
    ]
    return Guard(Starlette(routes=routes), token=token, hosts=hosts)


def job_description(job: Job) -> dict[str, Any]:
    """What the page needs once per job: the variants, the data points and the grid's extent."""
    ds = job.dataset
    points = None
    if ds.n_features == 2:
        points = {name: {"X": getattr(ds, f"X_{name}").round(3).tolist(), "y": getattr(ds, f"y_{name}").tolist()}
                  for name in ("train", "val")}
    return {
        "status": job.status, "task": ds.task, "classes": list(ds.class_names or ()), "seeds": len(job.seeds),
        "grid": job.setup.grid, "extent": job.extent, "points": points, "dataset": ds.name,
        "variants": [{"label": v.label, "spec": s, "epochs": v.epochs} for v, s in zip(job.variants, job.specs())],
    }
