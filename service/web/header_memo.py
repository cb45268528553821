"""Answers that depend only on a request header's text, remembered per text (decision 0321).

Every request asks the same few questions of its headers (which media type its ``Accept``
chooses, whether its ``Content-Type`` is JSON in UTF-8), and a client population sends a few
texts: each is read once. Texts longer than ``KEPT_LENGTH`` are read afresh every time, so a
client cannot fill the memo with long ones.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

#: The longest header text whose answer is kept.
KEPT_LENGTH = 256
#: How many texts' answers are kept per question.
KEPT_TEXTS = 256

Text = TypeVar("Text", str, str | None)
Answer = TypeVar("Answer")


def kept_per_text(question: Callable[[Text], Answer]) -> Callable[[Text], Answer]:
    """``question`` of a header's text (or its absence), its answers kept per text of at most
    ``KEPT_LENGTH`` characters."""
    kept = functools.lru_cache(maxsize=KEPT_TEXTS)(question)

    @functools.wraps(question)
    def answer(text: Text) -> Answer:
        return kept(text) if text is None or len(text) <= KEPT_LENGTH else question(text)

    return answer
