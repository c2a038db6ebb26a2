"""What keeps other web pages away from a ``reglab explore`` server (any page in the browser can reach a local port).

* a random token (``secrets.token_urlsafe(24)``, as Jupyter's) in the page's
  URL, required on the page and every API call (``?token=`` or the
  ``X-Reglab-Token`` header), compared in constant time;
* the ``Host`` header must name the server itself (``127.0.0.1:PORT``,
  ``localhost:PORT``, or the host it was told to bind), so a DNS-rebinding
  page under a foreign name is refused;
* an ``Origin`` header, when the browser sends one, must be the server's own,
  and ``Sec-Fetch-Site: cross-site`` is refused: no cross-site request gets
  through, not even a "simple" form post;
* every answer forbids framing, sniffing, referrers (the token stays out of
  other sites' logs) and any resource from elsewhere (a strict
  Content-Security-Policy).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

TOKEN_HEADER = "x-reglab-token"
HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
PUBLIC_PREFIX = "/static/"
"""The page's own script and style sheet: served without the token (they hold no data), still behind the Host check."""


def new_token() -> str:
    """A fresh random token for the page's URL."""
    return secrets.token_urlsafe(24)


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The ``Host`` values that name this server."""
    names = {"127.0.0.1", "localhost", "[::1]", host if ":" not in host else f"[{host}]"}
    return frozenset(f"{name}:{port}" for name in names)


class Guard:
    """ASGI middleware: Host, Origin and token checks before any route, security headers on every answer."""

    def __init__(self, app: ASGIApp, *, token: str, hosts: Iterable[str]) -> None:
        self.app, self.token, self.hosts = app, token, frozenset(hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self.refusal(request)
        if refusal is not None:
            status, message = refusal
            await _json_error(status, message)(scope, receive, send)
            return

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def refusal(self, request: Request) -> tuple[int, str] | None:
        """``(status, message)`` when the request must be refused, else ``None``."""
        host = request.headers.get("host", "")
        if host not in self.hosts:
            return 421, f"error: this reglab explore server answers only to {sorted(self.hosts)[0]}; the request named host {host!r}."
        origin = request.headers.get("origin")
        if origin is not None and origin.removeprefix("http://") not in self.hosts:
            return 403, f"error: cross-site request refused (Origin {origin!r} is not this server)."
        if request.headers.get("sec-fetch-site") == "cross-site":
            return 403, "error: cross-site request refused (Sec-Fetch-Site: cross-site)."
        if request.url.path.startswith(PUBLIC_PREFIX):
            return None
        given = request.headers.get(TOKEN_HEADER) or request.query_params.get("token") or ""
        if not given:
            return 401, "error: missing token: open the URL that `reglab explore` printed (it ends in ?token=...)."
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            return 403, "error: wrong token: open the URL that `reglab explore` printed (it ends in ?token=...)."
        return None


def _json_error(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=HEADERS)
