"""URL hosts read the way browsers read them: IPv4 addresses hide in many notations."""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from scrapers.fetch.targets import UnsupportedUrlError, parse_target


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0x7f.1/",
        "http://127.1/",
        "http://017700000001/",
        "http://0177.1/",
        "http://127.0.0.1./",
        "http://[::ffff:127.0.0.1]/",
    ],
)
def test_every_notation_of_loopback_is_read_as_an_address(url: str) -> None:
    literal = parse_target(url).literal
    assert literal is not None
    assert ip_address(str(literal)) in (ip_address("127.0.0.1"), ip_address("::ffff:127.0.0.1"))


def test_names_stay_names_with_their_default_port() -> None:
    target = parse_target("https://Usherbrooke.CA/international/")
    assert (target.scheme, target.host, target.port, target.literal) == (
        "https",
        "usherbrooke.ca",
        443,
        None,
    )
    assert target.origin == "https://usherbrooke.ca:443"


def test_an_international_name_is_encoded() -> None:
    assert parse_target("http://bücher.de/").host == "xn--bcher-kva.de"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://a.test/", "only http and https URLs are fetched, not ftp"),
        ("http://1.2.3.4.5/", "ends in a number but has more than four parts"),
        ("http://256.1.1/", "IPv4 address out of range"),
        ("http://a.b.08/", "neither a host name nor an IPv4 address"),
    ],
)
def test_unsupported_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(UnsupportedUrlError, match=message):
        parse_target(url)
