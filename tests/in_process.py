"""The ``mobility`` CLI run in this process, as a user would see it: exit code, stdout, stderr.

Starting a real interpreter costs about a second per command on a loaded machine; exit codes and
messages do not need one. Tests of signals, ``serve`` and ``up`` keep real processes
(tests/processes.py).
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from pathlib import Path

from service.cli.main import main


@contextmanager
def _as_a_child(env: Mapping[str, str], cwd: Path) -> Iterator[None]:
    """The environment and directory a child process would have had, restored afterwards."""
    saved_env, saved_cwd = dict(os.environ), Path.cwd()
    os.environ.clear()
    # Only what a child started by tests/processes.py gets: the settings see nothing else.
    os.environ.update({"PATH": saved_env.get("PATH", ""), **env})
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)


@contextmanager
def _logging_restored() -> Iterator[None]:
    """Logging as it was: the command configures the root logger (level, a handler on this
    call's captured stderr) and library loggers, which a child's exit would have discarded."""
    manager = logging.root.manager
    root = logging.getLogger()
    saved_root = (root.level, list(root.handlers))
    saved = {
        name: (logger.level, list(logger.handlers), logger.propagate)
        for name, logger in manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    try:
        yield
    finally:
        root.setLevel(saved_root[0])
        root.handlers[:] = saved_root[1]
        for name, logger in list(manager.loggerDict.items()):
            if not isinstance(logger, logging.Logger):
                continue
            level, handlers, propagate = saved.get(name, (logging.NOTSET, [], True))
            logger.setLevel(level)
            logger.handlers[:] = handlers
            logger.propagate = propagate


def run_main(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``mobility *args`` through :func:`service.cli.main.main`, shaped like ``subprocess.run``."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code = 0
    with (
        _as_a_child(env or {}, cwd),
        _logging_restored(),
        redirect_stdout(stdout),
        redirect_stderr(stderr),
    ):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return subprocess.CompletedProcess(
        ["mobility", *args], code, stdout.getvalue(), stderr.getvalue()
    )
