"""Seeing what the service does: structured logs with request and run ids, Prometheus metrics."""
