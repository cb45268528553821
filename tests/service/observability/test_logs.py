"""Log lines: one JSON object each, carrying the request or run id bound around them."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from service.config import Settings
from service.observability.log_context import (
    accept_request_id,
    bind_log_fields,
    bind_request_id,
    bind_run_id,
    current_log_fields,
    new_request_id,
)
from service.observability.logs import configure_logging

log = logging.getLogger("mobility.test")


@pytest.fixture
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _configure(log_format: str, level: str = "INFO") -> io.StringIO:
    stream = io.StringIO()
    settings = Settings(_env_file=None, log_format=log_format, log_level=level)
    configure_logging(settings, stream=stream)
    return stream


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.usefixtures("restore_root_logger")
def test_a_json_line_carries_time_level_logger_message_and_the_bound_ids() -> None:
    stream = _configure("json")
    with bind_request_id("req-1"), bind_run_id(42):
        log.warning("school %s skipped", "phelma", extra={"school": "phelma"})
    (line,) = _lines(stream)
    assert line["time"].endswith("Z")
    assert {key: value for key, value in line.items() if key != "time"} == {
        "level": "WARNING",
        "logger": "mobility.test",
        "message": "school phelma skipped",
        "request_id": "req-1",
        "run_id": 42,
        "school": "phelma",
    }


@pytest.mark.usefixtures("restore_root_logger")
def test_an_exception_and_a_multi_line_message_stay_on_one_line() -> None:
    stream = _configure("json")
    try:
        raise RuntimeError("partner site answered 503")
    except RuntimeError:
        log.exception("sync of\nphelma failed")
    raw = stream.getvalue()
    assert raw.count("\n") == 1
    (line,) = _lines(stream)
    assert line["message"] == "sync of\nphelma failed"
    assert line["exception"].startswith("Traceback (most recent call last)")
    assert line["exception"].endswith("RuntimeError: partner site answered 503")


@pytest.mark.usefixtures("restore_root_logger")
def test_the_level_from_settings_filters_lines() -> None:
    stream = _configure("json", level="WARNING")
    log.info("not shown")
    log.error("shown")
    assert [line["message"] for line in _lines(stream)] == ["shown"]


@pytest.mark.usefixtures("restore_root_logger")
def test_text_lines_show_the_bound_ids_after_the_message() -> None:
    stream = _configure("text")
    with bind_run_id(7):
        log.info("run started")
    assert stream.getvalue().rstrip("\n").endswith("INFO mobility.test: run started [run_id=7]")


@pytest.mark.usefixtures("restore_root_logger")
def test_configuring_twice_replaces_the_handler_instead_of_doubling_lines() -> None:
    _configure("json")
    stream = _configure("json")
    log.info("once")
    assert len(_lines(stream)) == 1


@pytest.mark.usefixtures("restore_root_logger")
async def test_concurrent_tasks_keep_their_own_request_id() -> None:
    stream = _configure("json")

    second_logged = asyncio.Event()

    async def first() -> None:
        with bind_request_id("first"):
            # Suspended inside its binding until the other task has logged inside its own.
            await second_logged.wait()
            log.info("handled")

    async def second() -> None:
        with bind_request_id("second"):
            await asyncio.sleep(0)  # a yield: the first task is bound and waiting by now
            log.info("handled")
            second_logged.set()

    await asyncio.gather(first(), second())
    assert [line["request_id"] for line in _lines(stream)] == ["second", "first"]
    assert current_log_fields() == {}


def test_bindings_nest_and_are_restored_on_exit() -> None:
    with bind_log_fields(run_id=1, job="sync"):
        with bind_log_fields(run_id=2, school=None):
            assert current_log_fields() == {"run_id": 2, "job": "sync"}
        assert current_log_fields() == {"run_id": 1, "job": "sync"}
    assert current_log_fields() == {}


@pytest.mark.parametrize(
    ("candidate", "kept"),
    [
        ("3f2c9a1e-77aa-4b0e-9f3b-0e1d2c3b4a59", True),
        ("edge:abc.def_1", True),
        ("x" * 65, False),
        ("evil\nINFO forged line", False),
        ("", False),
        (None, False),
    ],
)
def test_a_client_request_id_is_kept_only_when_short_and_plain(
    candidate: str | None, kept: bool
) -> None:
    accepted = accept_request_id(candidate)
    assert (accepted == candidate) is kept
    if not kept:
        assert len(accepted) == 16
        int(accepted, 16)


@pytest.mark.usefixtures("restore_root_logger")
def test_alembic_info_lines_are_off_unless_the_level_is_debug() -> None:
    migration = logging.getLogger("alembic.runtime.migration")
    level = logging.getLogger("alembic").level
    try:
        stream = _configure("json")
        migration.info("Context impl SQLiteImpl.")
        migration.warning("a revision is missing")
        log.info("ours")
        assert [line["message"] for line in _lines(stream)] == ["a revision is missing", "ours"]
        stream = _configure("json", level="DEBUG")
        migration.info("Context impl SQLiteImpl.")
        assert [line["message"] for line in _lines(stream)] == ["Context impl SQLiteImpl."]
    finally:
        logging.getLogger("alembic").setLevel(level)


def test_fresh_request_ids_are_distinct_across_blocks_of_random_bytes() -> None:
    # 4,096 random bytes make 512 ids: 2,000 ids draw four blocks.
    ids = [new_request_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    assert all(len(value) == 16 and int(value, 16) >= 0 for value in ids)
