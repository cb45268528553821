"""A webhook receiver on 127.0.0.1 that checks signatures its own way.

The check below is written from the documented format alone (docs/operations/webhooks.md), with
a regular expression and the standard library, and shares no code with
``scrapers.webhooks.signature``: a bug there cannot hide itself by being on both sides.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_HEADER = re.compile(r"^t=(?P<t>\d{1,12}),v1=(?P<v1>[0-9a-f]{64})$")


def independent_check(secret: bytes, header: str, body: bytes, now: float) -> str | None:
    """``None`` when valid, else why not."""
    match = _HEADER.match(header)
    if match is None:
        return "bad header"
    signed = match["t"].encode() + b"." + body
    expected = hmac.new(secret, signed, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, match["v1"]):
        return "bad signature"
    if abs(now - int(match["t"])) > 300:
        return "stale"
    return None


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verdict: str | None


@dataclass
class Receiver:
    """Answers with ``statuses`` in turn (the last one repeats) when the signature is valid."""

    secret: bytes
    statuses: list[int]
    retry_after: str | None = None
    stall_seconds: float = 0.0
    clock_offset: float = 0.0
    received: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/mobility"

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        verdict = independent_check(
            self.secret,
            headers.get("X-Mobility-Signature", ""),
            body,
            time.time() + self.clock_offset,
        )
        self.received.append(Received(path, headers, body, verdict))
        if verdict is not None:
            return 401
        valid = sum(1 for item in self.received if item.verdict is None)
        return self.statuses[min(valid, len(self.statuses)) - 1]


@contextmanager
def running_receiver(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            status = receiver.answer(self.path, dict(self.headers.items()), body)
            if receiver.stall_seconds:
                time.sleep(receiver.stall_seconds)
            self.send_response(status)
            if receiver.retry_after is not None:
                self.send_header("Retry-After", receiver.retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
