"""E-mail addresses as partner pages hide them from robots, and how to read them back.

Forms handled: ``name [at] school [dot] fr``, ``name @ school.fr``, ``name(at)school.fr``,
``name {at} school.fr``, ``name at school dot fr``, ``mailto:`` links (percent-encoded, with
``?subject=``), the full-width and small at signs of East Asian pages (U+FF20, U+FE6B), HTML
entities (decoded by the parser) and Cloudflare's e-mail protection
(``data-cfemail``, a hex string XORed with its first byte).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import etree

from scrapers.extract.dom import Element, replace_with_text

_AT = re.compile(
    r"\s*[\[({<]\s*(?:at|@|arobase|chiocciola|ät|at-sign|kissanhäntä|miukumauku)\s*[\])}>]\s*",
    re.IGNORECASE,
)
_DOT = re.compile(r"\s*[\[({<]\s*(?:dot|point|punto|punkt|piste)\s*[\])}>]\s*", re.IGNORECASE)
_SPELLED = re.compile(
    r"(?<![\w.+-])([a-z0-9][a-z0-9._%+-]*)\s+at\s+((?:[a-z0-9-]+\s+dot\s+)+[a-z]{2,24})(?![\w])",
    re.IGNORECASE,
)
#: "ri @ school.fr": an at sign set apart by spaces.
_SPACED_AT = re.compile(
    r"(?<![\w.+-])([a-z0-9][a-z0-9._%+-]*)\s+@\s+([a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24})(?![\w-])",
    re.IGNORECASE,
)
_SPELLED_DOT = re.compile(r"\s+dot\s+", re.IGNORECASE)
_EMAIL = re.compile(
    r"(?<![\w.+-])[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}(?![\w-])",
    re.IGNORECASE,
)
_CLOUDFLARE_PATH = "/cdn-cgi/l/email-protection"

#: Mailboxes that are not contacts for students.
_NOT_CONTACTS = re.compile(
    r"^(?:webmaster|postmaster|hostmaster|no-?reply|do-?not-?reply|dpo|privacy|rgpd|gdpr|cnil)@",
    re.IGNORECASE,
)


#: What every hidden form holds: a bracket (``[at]``, ``(dot)``), an at sign, or "dot" spelled.
_MAYBE_HIDDEN = re.compile(r"[\[({<@\uff20\ufe6b]|dot", re.IGNORECASE)
#: "exchange-in [full-width at] school.jp" with U+FF20 or U+FE6B: at signs a robot
#: does not read as one.
_WIDE_AT = re.compile(r"[\uff20\ufe6b]")


def deobfuscate(text: str) -> str:
    """``text`` with spelled-out ``[at]`` / ``[dot]`` forms turned back into ``@`` and ``.``."""
    if _MAYBE_HIDDEN.search(text) is None:
        return text  # none of the forms below can match: most blocks of a page
    text = _SPACED_AT.sub(r"\1@\2", _DOT.sub(".", _AT.sub("@", _WIDE_AT.sub("@", text))))
    return _SPELLED.sub(
        lambda match: f"{match.group(1)}@{_SPELLED_DOT.sub('.', match.group(2))}", text
    )


def find_emails(text: str) -> list[tuple[str, str]]:
    """``(address, text as written)`` of every e-mail in ``text``, addresses in lower case."""
    return emails_in(deobfuscate(text))


def emails_in(revealed: str) -> list[tuple[str, str]]:
    """:func:`find_emails` of a text already given to :func:`deobfuscate`."""
    if "@" not in revealed:
        return []
    found = []
    for match in _EMAIL.finditer(revealed):
        address = match.group(0).lower()
        if not _NOT_CONTACTS.match(address):
            found.append((address, match.group(0)))
    return found


def email_from_link(href: str) -> str | None:
    """The address of a ``mailto:`` link, or ``None``."""
    if not href.lower().startswith("mailto:"):
        return None
    target = unquote(urlsplit(href).path or href[len("mailto:") :]).split("?")[0]
    emails = find_emails(target)
    return emails[0][0] if emails else None


def decode_cfemail(encoded: str) -> str | None:
    """Decode Cloudflare's ``data-cfemail`` hex string (``None`` if it is not one)."""
    try:
        data = bytes.fromhex(encoded)
    except ValueError:
        return None
    if len(data) < 2:
        return None
    key = data[0]
    try:
        decoded = bytes(byte ^ key for byte in data[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    return decoded if _EMAIL.fullmatch(decoded) else None


_PROTECTED = etree.XPath("descendant-or-self::*[@data-cfemail]")
_PROTECTED_LINKS = etree.XPath(f"descendant-or-self::a[contains(@href, '{_CLOUDFLARE_PATH}')]")


def reveal_cloudflare_emails(root: Element) -> None:
    """Replace Cloudflare-protected addresses in the page by the addresses themselves."""
    # Both forms picked in C; collected first, replaced after, so no search sees a changed tree.
    protected: list[Element] = _PROTECTED(root)
    anchors: list[Element] = _PROTECTED_LINKS(root)
    for tag in protected:
        decoded = decode_cfemail(tag.get("data-cfemail", ""))
        if decoded is not None:
            replace_with_text(tag, decoded)
    for anchor in anchors:
        href = anchor.get("href", "")
        if "#" in href:
            decoded = decode_cfemail(href.rsplit("#", 1)[1])
            if decoded is not None:
                anchor.set("href", f"mailto:{decoded}")
