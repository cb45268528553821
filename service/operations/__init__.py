"""Queries of the operations tables: admin log, job queue, scheduler state, back-off, webhooks.

Like every query module, these take an ``AsyncSession`` and never commit: the edge (a request
handler, a scheduler step, a command) owns the transaction.
"""
