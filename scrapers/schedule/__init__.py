"""The scheduler: cron-timed jobs, queued admin requests, per-school back-off, graceful stop.

Nothing in another room imports it: the CLI starts ``scrapers.schedule.command`` by name.
"""

__all__: list[str] = []
