"""The receiver snippet of docs/operations/webhooks.md accepts our signatures and nothing else."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from scrapers.webhooks.signature import sign_body

SECRET = "whsec-docs-0123456789abcdef"
BODY = b'{"data":{"school":"phelma"},"event":"catalogue.changed","id":"e9"}'
Verify = Callable[..., bool]
DOC = Path(__file__).resolve().parents[3] / "docs" / "operations" / "webhooks.md"


@pytest.fixture(scope="module")
def verify_webhook() -> Verify:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert len(blocks) == 1, "the page should hold exactly one Python snippet"
    namespace: dict[str, object] = {}
    exec(compile(blocks[0], "webhooks.md", "exec"), namespace)
    function = namespace["verify_webhook"]
    assert callable(function)
    return function


def test_the_snippet_accepts_a_fresh_signature(verify_webhook: Verify) -> None:
    header = sign_body(SECRET, BODY, timestamp=int(time.time()))
    assert verify_webhook(SECRET.encode(), header, BODY) is True


def test_the_snippet_refuses_replays_tampering_and_other_keys(verify_webhook: Verify) -> None:
    now = int(time.time())
    assert not verify_webhook(SECRET.encode(), sign_body(SECRET, BODY, timestamp=now - 301), BODY)
    header = sign_body(SECRET, BODY, timestamp=now)
    assert not verify_webhook(SECRET.encode(), header, BODY + b" ")
    assert not verify_webhook(b"another-key-0123456789", header, BODY)
    assert not verify_webhook(SECRET.encode(), "", BODY)
    assert not verify_webhook(SECRET.encode(), f"t={now}", BODY)
