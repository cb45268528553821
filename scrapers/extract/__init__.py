"""Extraction: pure functions from a decoded page to facts with their provenance.

No network, no database. ``scrapers.extract.pipeline.extract_page`` is the single entry point;
the other modules are one concern each (page metadata, JSON-LD, contacts, dates, deadlines,
language requirements, credits and duration), reusable by the site adapters in
``scrapers.sites``.
"""
