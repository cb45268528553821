"""Site adapters: per-partner selectors and parsers, keyed by host, over the generic extractors."""
