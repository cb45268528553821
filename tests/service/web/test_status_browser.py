"""/status in a real headless Chromium, with the network cut off, against `mobility serve`.

An admin on a fresh clone: migrate, import the packaged seed, serve with ADMIN_TOKEN, open
/status, log in, see the seed's findings, resolve one, and look at the page; set and clear an
override of a school's field through the page's free-form form.
"""

from __future__ import annotations

import struct
import subprocess
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.async_api import Browser, Page

from tests.browser import headless_chromium
from tests.processes import MOBILITY, process_env, serving
from tests.service.web.admin_api import TOKEN

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served_seed_with_admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`mobility serve` on the seed catalogue, with the admin token configured: one server for
    the module (each test's writes, a resolved finding and an override set then cleared, leave
    the other's starting point as it was)."""
    tmp_path = tmp_path_factory.mktemp("status-browser")
    env = process_env(
        DATABASE_URL=f"sqlite:///{tmp_path / 'catalogue.sqlite3'}",
        ADMIN_TOKEN=TOKEN,
        # The override test reads a school before and after a write: no version held over.
        DATA_VERSION_MAX_AGE_SECONDS="0",
    )
    for step in (["db", "upgrade"], ["import-faq"]):
        subprocess.run([*MOBILITY, *step], env=env, cwd=tmp_path, check=True, capture_output=True)
    with serving(env, tmp_path, ready_path="/readyz") as base:
        yield base


def _distinct_pixels(png: bytes) -> int:
    """How many distinct RGB(A) values an 8-bit PNG screenshot holds (unfiltered rows)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, width, channels = 8, b"", 0, 4
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            width, _, depth, colour = struct.unpack(">IIBB", data[:10])
            assert depth == 8
            channels = {2: 3, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += data
        position += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for start in range(0, len(raw), stride + 1):
        row_filter, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if row_filter == 1:
                line[i] = (line[i] + left) & 0xFF
            elif row_filter == 2:
                line[i] = (line[i] + up) & 0xFF
            elif row_filter == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif row_filter == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + predictor) & 0xFF
        rows.append(line)
        previous = line
    return len(
        {bytes(row[i : i + channels]) for row in rows[::8] for i in range(0, stride, channels)}
    )


@dataclass(slots=True)
class _StatusPage:
    """/status in a phone-sized page, logged in, and every URL the page asked for."""

    page: Page
    notice: str
    requested: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def hosts(self) -> set[str]:
        """The hosts the page reached (data: URLs reach none)."""
        return {
            urlsplit(url).hostname or "" for url in self.requested if not url.startswith("data:")
        }


async def _log_in(browser: Browser, base: str) -> _StatusPage:
    """Open ``base``/status on a phone-sized page and log in with the admin token."""
    page = await browser.new_page(viewport={"width": 390, "height": 844})
    status = _StatusPage(page, notice="")
    page.on("request", lambda request: status.requested.append(request.url))
    page.on("requestfailed", lambda request: status.failed.append(request.url))
    await page.goto(f"{base}/status")
    await page.fill("input[name=token]", TOKEN)
    await page.click("form[action='/status/login'] button")
    await page.wait_for_selector(".notice")
    status.notice = await page.locator(".notice").inner_text()
    return status


async def test_an_admin_resolves_a_seed_finding_on_the_status_page_offline(
    served_seed_with_admin: str, tmp_path: Path
) -> None:
    async with headless_chromium() as browser:
        status = await _log_in(browser, served_seed_with_admin)
        page = status.page
        open_before = await page.locator("#findings form.resolve").count()
        first = page.locator("#findings li").filter(has=page.locator("form.resolve")).first
        message = (await first.inner_text()).split("\n")[0]
        await first.locator("input[name=reason]").fill("checked by hand")
        await first.locator("button").click()
        await page.wait_for_selector(".notice >> text=Finding resolved.")
        open_after = await page.locator("#findings form.resolve").count()
        findings_text = await page.locator("#findings").inner_text()
        screenshot = await page.screenshot(full_page=True)
        (tmp_path / "status.png").write_bytes(screenshot)

    assert status.notice == "Logged in."
    assert open_before >= 1
    assert open_after == open_before - 1
    assert message.strip()
    assert findings_text.count(message) == 0
    # A blank page is one or two colours; the status page has text, dots, bars and borders.
    assert _distinct_pixels(screenshot) > 20
    assert status.failed == []
    assert status.hosts() == {"127.0.0.1"}, (
        f"the page reached beyond this machine: {sorted(status.hosts())}"
    )


async def _city(api: httpx.AsyncClient, slug: str) -> str | None:
    query = "query($s: String!) { school(slug: $s) { city } }"
    response = await api.post("/graphql", json={"query": query, "variables": {"s": slug}})
    city: str | None = response.json()["data"]["school"]["city"]
    return city


async def test_an_admin_sets_and_clears_an_override_through_the_status_page_offline(
    served_seed_with_admin: str,
) -> None:
    base = served_seed_with_admin
    async with (
        httpx.AsyncClient(base_url=base, timeout=10) as api,
        headless_chromium() as browser,
    ):
        first = await api.post(
            "/graphql", json={"query": "{ schools(first: 1) { nodes { slug } } }"}
        )
        slug = first.json()["data"]["schools"]["nodes"][0]["slug"]
        curated = await _city(api, slug)
        status = await _log_in(browser, base)
        page = status.page

        form = page.locator("form.override")
        await form.locator("input[name=school]").fill(slug)
        await form.locator("select[name=field]").select_option("city")
        await form.locator("input[name=value]").fill("Ville d'essai")
        await form.locator("input[name=reason]").fill("checked by telephone")
        await form.locator("button", has_text="Set the override").click()
        await page.wait_for_selector(".notice >> text=Override set: the value is served now.")
        overridden = await _city(api, slug)

        form = page.locator("form.override")
        await form.locator("input[name=school]").fill(slug)
        await form.locator("select[name=field]").select_option("city")
        await form.locator("input[name=reason]").fill("the curated city is right")
        await form.locator("button", has_text="Clear the override").click()
        await page.wait_for_selector(".notice >> text=Override cleared")
        cleared = await _city(api, slug)

    assert overridden == "Ville d'essai"
    assert cleared == curated
    assert cleared != overridden
    assert status.notice == "Logged in."
    assert status.hosts() == {"127.0.0.1"}
