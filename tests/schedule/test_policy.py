"""The polling policy on its own: intervals follow publishing, failures back off, Retry-After wins."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from blogreader.config import ScheduleSettings, _from_mapping
from blogreader.errors import ConfigError
from blogreader.schedule import PollHistory, next_poll, publishing_interval
from blogreader.schedule.policy import backoff_interval

NOW = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)
LIMITS = ScheduleSettings(min_interval=900, max_interval=86400, default_interval=3600, max_backoff=172800, jitter=0)


def posts(gap: timedelta, count: int = 8, newest: datetime = NOW) -> tuple[datetime, ...]:
    return tuple(newest - gap * number for number in range(count))


def test_a_weekly_blog_is_polled_far_less_often_than_a_daily_one():
    daily, _ = publishing_interval(posts(timedelta(days=1)), NOW, LIMITS)
    weekly, reason = publishing_interval(posts(timedelta(days=7)), NOW, LIMITS)
    assert daily == 6 * 3600  # a quarter of a day
    assert weekly == 86400  # a quarter of a week, clamped to max_interval
    assert reason == "posts about every 7 days"


def test_a_busy_feed_is_held_to_min_interval_and_a_new_one_gets_the_default():
    assert publishing_interval(posts(timedelta(minutes=5)), NOW, LIMITS)[0] == 900
    assert publishing_interval((NOW,), NOW, LIMITS) == (3600, "not enough dated posts to learn from; default interval")


def test_a_blog_that_went_quiet_is_polled_less_and_future_dates_are_ignored():
    busy_then_quiet = posts(timedelta(hours=4), newest=NOW - timedelta(days=60))
    assert publishing_interval(busy_then_quiet, NOW, LIMITS)[0] == 86400
    future = (NOW + timedelta(days=365),) + posts(timedelta(days=1))
    assert publishing_interval(future, NOW, LIMITS)[0] == 6 * 3600


def test_failures_back_off_exponentially_up_to_the_cap():
    waits = [backoff_interval(3600, failures, LIMITS) for failures in range(1, 9)]
    assert waits[:5] == [7200, 14400, 28800, 57600, 115200]
    assert waits[5:] == [172800] * 3
    assert backoff_interval(3600, 10_000, LIMITS) == 172800  # no overflow on a source failing for years


def test_a_failing_source_says_why_and_when():
    plan = next_poll(PollHistory(failed=True, failures=3, published=posts(timedelta(days=1))), NOW, LIMITS,
                     random.Random(1))
    assert plan.interval == 3600 * 8
    assert plan.next_at == NOW + timedelta(hours=8)
    assert plan.reason == "backing off after 3 failures in a row"


def test_retry_after_is_never_undercut():
    later = NOW + timedelta(hours=30)
    plan = next_poll(PollHistory(failed=True, failures=1, retry_after=later), NOW, LIMITS, random.Random(1))
    assert plan.next_at == later
    assert "Retry-After" in plan.reason
    sooner = NOW + timedelta(minutes=1)
    assert next_poll(PollHistory(failed=True, failures=1, retry_after=sooner), NOW, LIMITS,
                     random.Random(1)).next_at == NOW + timedelta(hours=2)


def test_jitter_spreads_sources_within_its_fraction():
    limits = ScheduleSettings(jitter=0.1)
    rng = random.Random(7)
    history = PollHistory(failed=False, published=posts(timedelta(days=1)))
    delays = {(next_poll(history, NOW, limits, rng).next_at - NOW).total_seconds() for _ in range(50)}
    assert len(delays) > 40
    assert min(delays) >= 6 * 3600 and max(delays) <= 6 * 3600 * 1.1


def test_a_gone_source_is_not_scheduled():
    plan = next_poll(PollHistory(failed=True, failures=1, disabled=True), NOW, LIMITS, random.Random(1))
    assert plan.next_at is None and "410" in plan.reason


@pytest.mark.parametrize("table, message", [
    ({"min_interval": 0}, "[schedule] min_interval must be a positive whole number of seconds"),
    ({"jitter": 2}, "[schedule] jitter must be a fraction from 0 to 1"),
    ({"max_interval": "1h"}, "[schedule] max_interval must be a positive whole number of seconds, not '1h'"),
    ({"min_interval": 7200, "max_interval": 3600}, "min_interval (7200) is above max_interval (3600)"),
    ({"every": 5}, "unknown [schedule] setting every"),
])
def test_bad_schedule_settings_are_named(tmp_path, table, message):
    with pytest.raises(ConfigError) as caught:
        _from_mapping(tmp_path, {"schedule": table})
    assert message in str(caught.value)


def test_schedule_settings_are_read_and_the_default_kept_within_limits(tmp_path):
    settings = _from_mapping(tmp_path, {"schedule": {"min_interval": 60, "max_interval": 600, "jitter": 0.25}})
    assert settings.schedule == ScheduleSettings(min_interval=60, max_interval=600, default_interval=600,
                                                 max_backoff=172800, jitter=0.25)
