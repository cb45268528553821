"""E-mail addresses hidden from robots are read back; mailboxes for robots are not contacts."""

from __future__ import annotations

import pytest

from scrapers.extract.dom import parse_html, select, text_of
from scrapers.extract.emails import (
    decode_cfemail,
    deobfuscate,
    email_from_link,
    find_emails,
    reveal_cloudflare_emails,
)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("international@ensimag.example", "international@ensimag.example"),
        ("ri-ensimag [at] grenoble-inp [dot] example", "ri-ensimag@grenoble-inp.example"),
        ("incoming(at)unical.example", "incoming@unical.example"),
        ("incoming (at) th-nordstadt (punkt) example", "incoming@th-nordstadt.example"),
        ("exchange {at} school.example", "exchange@school.example"),
        ("Jane.Doe AT partner DOT example", "jane.doe@partner.example"),
        ("kv [arobase] ecole [point] example", "kv@ecole.example"),
        # The full-width and small at signs of Japanese, Chinese and Korean pages (decision 0380).
        ("intl\uff20daigaku.example (replace the at sign)", "intl@daigaku.example"),
        ("office\ufe6bschool.example", "office@school.example"),
    ],
)
def test_spelled_out_addresses_are_read_back(text: str, address: str) -> None:
    assert [found for found, _ in find_emails(f"Contact: {text}.")] == [address]


def test_at_in_prose_is_not_an_address() -> None:
    assert (
        deobfuscate("Meet us at the office at 10 dot 30.") == "Meet us at the office at 10 dot 30."
    )
    assert find_emails("Students at aalto.fi study hard.") == []


@pytest.mark.parametrize(
    "mailbox", ["webmaster@x.example", "no-reply@x.example", "dpo@x.example", "rgpd@x.example"]
)
def test_mailboxes_for_robots_and_lawyers_are_not_contacts(mailbox: str) -> None:
    assert find_emails(mailbox) == []


def test_mailto_links_are_decoded() -> None:
    assert email_from_link("mailto:incoming%40aalto.example?subject=Exchange") == (
        "incoming@aalto.example"
    )
    assert email_from_link("https://aalto.example/contact") is None


def test_cloudflare_protected_addresses_are_decoded_in_text_and_links() -> None:
    encoded = "3c55525f535155525b7c485950595f5351114f4811594855595252591259445d514c5059"
    assert decode_cfemail(encoded) == "incoming@telecom-st-etienne.example"
    assert decode_cfemail("zz") is None
    root = parse_html(
        f'<p><a href="/cdn-cgi/l/email-protection#{encoded}"><span class="__cf_email__"'
        f' data-cfemail="{encoded}">[email&#160;protected]</span></a></p>'
    )
    reveal_cloudflare_emails(root)
    assert text_of(root) == "incoming@telecom-st-etienne.example"
    (anchor,) = select(root, "a")
    assert anchor.get("href") == "mailto:incoming@telecom-st-etienne.example"
