"""The scheduler: cron-timed jobs, queued admin requests, per-school back-off, graceful stop."""
