"""Fixtures of the observability tests: a scratch database (the log lines of a test come from
tests/service/conftest.py)."""

from tests.scratch import scratch_database, sessions

__all__ = ["scratch_database", "sessions"]
