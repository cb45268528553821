"""Cron times in UTC, delayed by a jitter that a seeded generator makes repeatable."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from scrapers.schedule.cron import CronSchedule
from scrapers.schedule.jobs import JobContext, JobOutcome, scheduled_jobs_from_settings
from service.config import Settings
from service.db.models import JobKind

MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def test_next_slot_is_strictly_after_the_given_time() -> None:
    daily = CronSchedule("0 3 * * *")
    assert daily.next_slot(MONDAY) == datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    assert daily.next_slot(datetime(2026, 3, 2, 3, 0, tzinfo=UTC)) == datetime(
        2026, 3, 3, 3, 0, tzinfo=UTC
    )
    weekly = CronSchedule("0 4 * * 1")
    assert weekly.next_slot(datetime(2026, 3, 2, 4, 0, 1, tzinfo=UTC)) == datetime(
        2026, 3, 9, 4, 0, tzinfo=UTC
    )


def test_times_in_other_zones_are_read_as_the_same_instant() -> None:
    one_pm_at_utc_plus_one = datetime(2026, 3, 2, 13, 0, tzinfo=timezone(timedelta(hours=1)))
    assert CronSchedule("0 13 * * *").next_slot(one_pm_at_utc_plus_one) == datetime(
        2026, 3, 2, 13, 0, tzinfo=UTC
    )


def test_jitter_stays_in_its_window_and_repeats_with_the_same_seed() -> None:
    jitter = timedelta(minutes=15)

    def fires(seed: int) -> list[datetime]:
        schedule = CronSchedule("0 3 * * *", jitter=jitter, rng=random.Random(seed))
        return [schedule.next_fire(MONDAY + timedelta(days=day)) for day in range(20)]

    first = fires(7)
    for day, fire in enumerate(first):
        slot = datetime(2026, 3, 2 + day, 3, 0, tzinfo=UTC)
        assert slot <= fire <= slot + jitter
    assert len({fire - fire.replace(minute=0, second=0, microsecond=0) for fire in first}) > 1
    assert fires(7) == first
    assert fires(8) != first


@pytest.mark.parametrize("expression", ["every day", "0 3 * *", "61 3 * * *"])
def test_a_bad_expression_is_refused(expression: str) -> None:
    with pytest.raises(ValueError, match="is not a cron expression"):
        CronSchedule(expression)


def test_settings_give_a_daily_faq_import_and_a_weekly_sync() -> None:
    async def job(_context: JobContext) -> JobOutcome:
        raise AssertionError("not called")

    settings = Settings(_env_file=None, schedule_jitter_seconds=0)
    faq, sync = scheduled_jobs_from_settings(settings, import_faq=job, sync=job)
    assert (faq.kind, faq.schedule.expression) == (JobKind.IMPORT_FAQ, "0 3 * * *")
    assert (sync.kind, sync.schedule.expression) == (JobKind.SYNC, "0 4 * * 1")
    assert sync.schedule.next_fire(MONDAY) == datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
