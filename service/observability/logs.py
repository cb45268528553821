"""Log output: one JSON object per line for machines, or plain lines for people.

Every entry point (CLI command, ASGI factory, scheduler) calls :func:`configure_logging` once with
its settings. A JSON line holds ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, the
ids bound with :mod:`service.observability.log_context` (``request_id``, ``run_id``, …), the
``extra={...}`` fields of the call, and ``exception`` (the formatted traceback) when there is one.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import IO, Any

import orjson

from service.config import Settings
from service.observability.log_context import current_log_fields

#: Attributes every LogRecord has; anything else on a record came from ``extra=``.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)

#: Loggers of libraries that install their own handlers; ours replace them (run uvicorn with
#: ``log_config=None`` so that it keeps its hands off).
_ROUTED_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


#: Libraries whose INFO lines say nothing an operator acts on ("Context impl SQLiteImpl.", "Will
#: assume non-transactional DDL." on every start): WARNING and above only, unless LOG_LEVEL is
#: DEBUG.
_QUIET_LOGGERS = ("alembic",)


#: Extras libraries attach that repeat the message: uvicorn's copy with terminal colour codes.
_REDUNDANT_EXTRAS = frozenset({"color_message"})


def _extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _RECORD_ATTRIBUTES
        and key not in _REDUNDANT_EXTRAS
        and not key.startswith("_")
    }


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON (never more than one line)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(current_log_fields())
        for key, value in _extra_fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return orjson.dumps(entry, default=str).decode()


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message [key=value …]``, then the traceback, for terminals."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = {**current_log_fields(), **_extra_fields(record)}
        if not fields:
            return line
        head, newline, rest = line.partition("\n")
        tail = " ".join(f"{key}={value}" for key, value in fields.items())
        return f"{head} [{tail}]{newline}{rest}"


class _OurHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Marks the handler we install, so that configuring twice replaces it."""


def configure_logging(settings: Settings, *, stream: IO[str] | None = None) -> None:
    """Send every log record to ``stream`` (stderr by default) in the configured format.

    Idempotent: calling it again replaces the handler installed before.
    """
    handler = _OurHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter() if settings.structured_logs else TextFormatter())
    root = logging.getLogger()
    for existing in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in _ROUTED_LOGGERS:
        library_logger = logging.getLogger(name)
        library_logger.handlers.clear()
        library_logger.propagate = True
    quiet = logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
