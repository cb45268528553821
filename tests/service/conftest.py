"""Fixtures of the service tests: the log lines of a test."""

import io
import logging
from collections.abc import Iterator

import pytest

from service.config import Settings
from service.observability.logs import configure_logging


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """Every log line of the test, as JSON, in a stream; the root logger restored after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging(Settings(_env_file=None, log_format="json"), stream=stream)
    yield stream
    root.handlers[:] = handlers
    root.setLevel(level)
