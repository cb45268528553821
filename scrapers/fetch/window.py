"""A window of page bodies: at most so many fetched and not yet let go by the one reading them.

A caller that reads pages more slowly than they are fetched (a sync's extraction on a loaded
machine) gives :meth:`~scrapers.fetch.fetcher.Fetcher.fetch` a :class:`PageWindow`. Each
request of such a fetch takes a place in it once its host's turn has come (the host free, its
delay passed) and before it takes a global place, so a request that waits for the window holds
neither a connection nor a place other hosts could use, and the host's order and spacing are
the scheduler's as before (a wait only makes the gap longer). A result that carries a page
keeps its request's place until the caller gives it back (:meth:`PageWindow.give`) once the
page is read; any other outcome (a redirect hop, a retry, a 304, an error, a body that is not
an HTML page) gives its place back before the next request of the fetch or before it returns.
A fetch holds at most one place at a time, so a window of one place is enough for any page.

The bodies being received, buffered and waiting for the reader are therefore never more than
the window's size, whatever the ratio of fetching to reading speed (decision 0400). A freed
place goes to the waiting request whose host the scheduler met first, as a global place does
(:class:`~scrapers.fetch.politeness.RankedPlaces`): the hosts met earlier have finitely many
requests left, so every waiting request is served in the end.
"""

from __future__ import annotations

from collections.abc import Callable

from scrapers.fetch.politeness import RankedPlaces


class PageWindow:
    """At most ``size`` page bodies between their request and their reader.

    ``on_room`` is called each time a place is given back (a caller that starts work only while
    the window has room waits on it). Made in the event loop it is used in.
    """

    def __init__(self, size: int, *, on_room: Callable[[], None] | None = None) -> None:
        if size < 1:
            raise ValueError(f"a page window needs at least one place, not {size}")
        self.size = size
        self._places = RankedPlaces(size)
        self._on_room = on_room
        #: Places taken and not given back, and the most there ever were.
        self.held = 0
        self.most_held = 0
        #: Requests that found every place taken and waited for one.
        self.waits = 0

    @property
    def full(self) -> bool:
        return self.held >= self.size

    async def take(self, rank: int) -> None:
        """Wait for a place (``rank``: the request's host, as the scheduler ranks it)."""
        self.waits += self.full
        await self._places.acquire(rank)
        self.held += 1
        self.most_held = max(self.most_held, self.held)

    def give(self) -> None:
        """Give a place back: its page is read (or was none)."""
        if self.held <= 0:
            raise RuntimeError("a page window's place given back twice")
        self.held -= 1
        self._places.release()
        if self._on_room is not None:
            self._on_room()
