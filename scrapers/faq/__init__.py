"""The FAQ importer: the hand-kept FAQ page becomes the curated catalogue.

The page (markdown with front matter, or the published HTML) is rendered to HTML and walked once
(:mod:`scrapers.faq.walk`); the walk's items are read like a careful human reads them
(:mod:`scrapers.faq.interpret`); the result is compared with the database
(:mod:`scrapers.faq.plan`) and written (:mod:`scrapers.faq.apply`). :func:`import_faq` is the
entry point other code calls; it never commits.
"""
