"""A headless Chromium for tests that look at pages as a person does.

Debian's ``chromium`` (``apt-get install chromium``) is driven through Playwright. Without it the
browser tests skip with the reason; with ``REQUIRE_BROWSER=1`` (CI) they fail instead.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from playwright.async_api import Browser, async_playwright

#: Flags for a root user on a machine with no network but loopback (see NOTES.md).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # The network is "cut off": every name but loopback fails to resolve.
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]


def chromium_path() -> str:
    """The Chromium executable, or skip (or fail, under REQUIRE_BROWSER=1) with the reason."""
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    if path:
        return path
    reason = "browser tests need Chromium (apt-get install chromium, or set CHROMIUM=/path)"
    if os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes", "on"}:
        pytest.fail(f"REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@asynccontextmanager
async def headless_chromium() -> AsyncIterator[Browser]:
    """A fresh headless Chromium (Playwright gives each launch a new, empty profile)."""
    executable = chromium_path()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()
