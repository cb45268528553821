"""A header question's answers are kept per short text, long texts read afresh."""

from __future__ import annotations

from service.web.header_memo import KEPT_LENGTH, kept_per_text


def test_short_texts_are_read_once_and_long_ones_every_time() -> None:
    read: list[str | None] = []

    @kept_per_text
    def length(text: str | None) -> int:
        read.append(text)
        return 0 if text is None else len(text)

    short, long = "a" * KEPT_LENGTH, "b" * (KEPT_LENGTH + 1)
    assert [length(short), length(short), length(None), length(None)] == [KEPT_LENGTH] * 2 + [0] * 2
    assert [length(long), length(long)] == [KEPT_LENGTH + 1] * 2
    assert read == [short, None, long, long]
