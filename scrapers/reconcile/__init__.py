"""Reconciliation: extracted page facts into the catalogue, one school per transaction.

``scrapers.reconcile.school.reconcile_school`` applies one school's sync outcome (pages
extracted, or a failure) inside the caller's transaction; ``scrapers.reconcile.run`` runs it for
many schools, each in its own transaction.
"""
