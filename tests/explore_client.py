"""A small HTTP client for the explore tests and benchmark: raw requests to a real loopback server, SSE frames read as they come."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from typing import Any


class Client:
    """Requests to ``127.0.0.1:port`` with the token, or with any headers a test wants to forge."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token

    def request(self, method: str, path: str, body: str | bytes | None = None, *, token: str | None = "",
                headers: dict[str, str] | None = None) -> tuple[int, Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if token is not None:
            sent["X-Reglab-Token"] = token or self.token
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        connection.close()
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, data.decode()

    def post(self, path: str, body: Any = None) -> tuple[int, Any]:
        return self.request("POST", path, body if isinstance(body, (str, bytes)) or body is None else json.dumps(body))

    def start(self, setup: str, paused: bool = False) -> dict[str, Any]:
        status, body = self.post(f"/api/jobs{'?paused=1' if paused else ''}", setup)
        assert status == 201, body
        return body

    def frames(self, job: str) -> Iterator[dict[str, Any]]:
        """The job's server-sent frames, parsed, until the stream ends."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        connection.request("GET", f"/api/jobs/{job}/events?token={self.token}", headers={"Host": f"127.0.0.1:{self.port}"})
        response = connection.getresponse()
        assert response.status == 200
        try:
            while True:
                line = response.readline()
                if not line:
                    return
                if line.startswith(b"data: {\"type\""):
                    yield json.loads(line[6:])
        finally:
            connection.close()
