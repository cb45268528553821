"""The benchmark's /healthz prober (``bench.health_probe``), small, so that it cannot rot: it
probes from a process of its own for as long as the load runs, and says p50, p99 and max."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.health_probe import describe, probe_during


class _Health(BaseHTTPRequestHandler):
    seen = 0
    enough = threading.Event()

    def do_GET(self) -> None:
        type(self).seen += 1
        if type(self).seen >= 5:  # the connecting probe, then four timed ones at least
            type(self).enough.set()
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_probes_run_while_the_load_runs_and_are_timed(health_server: str) -> None:
    latencies = probe_during(health_server, lambda: _Health.enough.wait(60))
    assert _Health.enough.is_set()
    # Timed probes only (not the first, which connects), each answered.
    assert len(latencies) >= 4
    assert all(0 < ms < 60_000 for ms in latencies)


def test_the_summary_gives_p50_p99_and_max() -> None:
    latencies = [float(n) for n in range(1, 101)]
    assert describe(latencies) == "100 probes, p50 50.5 ms, p99 99.0 ms, max 100.0 ms"
    assert describe([]) == "no probes"
