"""Main content first: the hand-written reducer against trafilatura, on the development set.

    pip install trafilatura   # measured with 2.3.1; not a dependency of the project
    python -m bench.main_content

Each variant's output goes through the same extractors (``extract_page``), and is scored with
``bench.devset`` on the development part (the held-out third is not used to choose):

- ``reducer``: the page as fetched; ``extract_page`` applies ``remove_noise`` and
  ``reduce_to_content`` (what ships);
- ``trafilatura``: ``trafilatura.extract(output_format="html")`` with tables, formatting and
  links kept, then ``extract_page`` on what it returns (an empty page when it returns nothing).

It prints precision and recall for all facts and per fact type, and the CPU time per page.
The figures and the choice are in ``docs/benchmarks.md`` and decision 0044.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable

from bench.devset import format_devset, score_devset

Prepare = Callable[[str], str] | None


def _trafilatura() -> Prepare:
    try:
        module = importlib.import_module("trafilatura")
    except ImportError:
        return None

    def prepare(html: str) -> str:
        reduced = module.extract(
            html,
            output_format="html",
            include_tables=True,
            include_formatting=True,
            include_links=True,
            include_comments=False,
        )
        return str(reduced) if reduced else "<html><body></body></html>"

    return prepare


def main() -> None:
    variants: list[tuple[str, Prepare]] = [("reducer", None)]
    trafilatura = _trafilatura()
    if trafilatura is None:
        print("trafilatura is not installed: pip install trafilatura to compare it")
    else:
        variants.append(("trafilatura", trafilatura))
    for name, prepare in variants:
        started = time.process_time()
        score = score_devset(held_out=False, prepare=prepare)
        cpu = (time.process_time() - started) / max(score.pages, 1)
        print(f"{name} (development part, {score.pages} pages, {cpu * 1000:.1f} ms CPU per page):")
        print(format_devset(score, worst=5))
        print()


if __name__ == "__main__":
    main()
