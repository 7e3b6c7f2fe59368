"""What every request goes through before a route sees it: a request id, the body size limit,
and the measurements for /metrics. Plain ASGI, so that streamed answers stream."""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from kamrules.service.problems import ProblemError

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUEST_ID = "X-Request-ID"
# A client's own request id is kept when it is short and plain (it ends up in logs and headers).
_CLIENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id_of(scope: Scope) -> str:
    state = scope.get("state") or {}
    return str(state.get("request_id", "-"))


class BodyTooLarge(ProblemError):
    def __init__(self, limit: int) -> None:
        super().__init__("body-too-large", f"the request body is over the limit of {limit:,} bytes")


class RequestContext:
    """Gives each request an id (the client's X-Request-ID if plain, else a new one), answers it
    in a header, refuses bodies over `max_body` bytes (413), and reports each request to
    `observe(method, route, status, seconds)`."""

    def __init__(self, app: ASGIApp, max_body: int, observe: Callable[[str, str, int, float], None]) -> None:
        self.app = app
        self.max_body = max_body
        self.observe = observe

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        given = headers.get(REQUEST_ID.lower(), "")
        rid = given if _CLIENT_ID.fullmatch(given) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = rid
        started = time.perf_counter()
        status = [500]

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
                raw = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                raw.append((REQUEST_ID.encode(), rid.encode()))
                raw.append((b"x-content-type-options", b"nosniff"))
                message["headers"] = raw
            await send(message)

        declared = headers.get("content-length", "")
        limit = self.max_body
        if declared.isdigit() and int(declared) > limit:
            # Refused before a byte of it is read.
            await _answer(BodyTooLarge(limit), scope, send_with_id)
            self.observe(scope.get("method", "-"), "unmatched", 413, time.perf_counter() - started)
            return
        received = [0]

        async def limited_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                received[0] += len(message.get("body", b""))
                if received[0] > limit:
                    raise BodyTooLarge(limit)
            return message

        try:
            await self.app(scope, limited_receive, send_with_id)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", None) or "unmatched"
            self.observe(scope.get("method", "-"), path, status[0], time.perf_counter() - started)


async def _answer(error: ProblemError, scope: Scope, send: Send) -> None:
    import json

    from kamrules.service.problems import PROBLEM_JSON, problem_body

    body = json.dumps(problem_body(error, scope.get("path", ""), request_id_of(scope))).encode()
    headers = [(b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]
    headers.append((b"connection", b"close"))  # the unread body makes the connection unusable
    await send({"type": "http.response.start", "status": error.type.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
