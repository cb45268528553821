"""Front matter: the revision's title, date and contributor."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from scrapers.faq.errors import SourceError
from scrapers.faq.read.front_matter import read_meta, split_front_matter
from scrapers.faq.read.page import RevisionMeta


def test_yaml_front_matter_gives_the_revision_and_where_the_body_starts() -> None:
    split = split_front_matter(
        '---\ntitle: "Programmes"\ndate: 2020-06-21T13:58:35+01:00\n'
        'contributor: "Jad Ezahraoui"\n---\n\n## Pour qui ?\n'
    )
    assert split.body == "\n## Pour qui ?\n"
    assert split.body_line == 6
    assert read_meta(split.front_matter or {}) == RevisionMeta(
        title="Programmes",
        published_at=datetime(2020, 6, 21, 13, 58, 35, tzinfo=timezone(timedelta(hours=1))),
        contributor="Jad Ezahraoui",
    )


def test_toml_front_matter_and_a_plain_date_are_accepted() -> None:
    split = split_front_matter('+++\ntitle = "Programmes"\ndate = 2021-03-02\n+++\nbody')
    meta = read_meta(split.front_matter or {})
    assert meta.published_at == datetime(2021, 3, 2, tzinfo=UTC)
    assert meta.contributor is None


def test_a_page_without_front_matter_is_all_body() -> None:
    split = split_front_matter("## Pour qui ?\n")
    assert (split.front_matter, split.body, split.body_line) == (None, "## Pour qui ?\n", 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\ntitle: x\n", "never closed"),
        ("---\ntitle: [x\n---\n", "not valid YAML"),
        ("---\n- a\n- b\n---\n", "not a YAML mapping"),
    ],
)
def test_broken_front_matter_is_a_source_error(text: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        split_front_matter(text)
