"""Scrapers: the FAQ importer, the polite fetcher, extractors, site adapters and sync.

Scrapers depend on ``service`` (database and catalogue layers); ``service`` never imports them.
"""
