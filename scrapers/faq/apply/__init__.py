"""Apply: a :class:`~scrapers.faq.plan.Plan` is written in the caller's transaction.

:func:`apply_plan` (:mod:`.writes`) writes table by table in bulk statements (:mod:`.bulk`),
the revision, the change log and the findings; it never commits.
"""

from scrapers.faq.apply.writes import apply_plan

__all__ = ["apply_plan"]
