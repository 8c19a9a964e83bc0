"""The polling policy: how long until a source is polled again, and why.

Every function is pure: the caller passes the time and the random source, so tests run on a fake clock.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from blogreader.config import ScheduleSettings

CHECKS_PER_POST = 4  # poll a few times per typical gap between posts, so a new post waits a quarter gap at most
RECENT_ENTRIES = 10  # the gaps between this many newest posts describe how often a blog publishes now


@dataclass(frozen=True)
class PollHistory:
    """What one poll left behind: its outcome and what the source says about its rhythm."""

    failed: bool
    failures: int = 0  # consecutive failures, this one included
    retry_after: datetime | None = None  # the server asked not to be polled before this
    published: tuple[datetime, ...] = ()  # publication times of the source's newest entries
    disabled: bool = False
    offline: bool = False  # the poll found no network at all (pipeline.RefreshReport.offline): not the source's fault


@dataclass(frozen=True)
class Plan:
    """When to poll next, the interval it came from, and the reason shown by `blogreader sources`."""

    next_at: datetime | None
    interval: int
    reason: str


def publishing_interval(published: tuple[datetime, ...] | list[datetime], now: datetime,
                        settings: ScheduleSettings) -> tuple[int, str]:
    """Seconds between polls for a source whose newest entries appeared at `published`, and why."""
    times = sorted((moment for moment in published if moment <= now), reverse=True)[:RECENT_ENTRIES]
    if len(times) < 2:
        return settings.default_interval, "not enough dated posts to learn from; default interval"
    gaps = [(newer - older).total_seconds() for newer, older in zip(times, times[1:])]
    # The time since the newest post counts as a gap once it is longer than usual: a quiet blog is polled less.
    quiet = (now - times[0]).total_seconds()
    mean_gap = sum(gaps) / len(gaps)
    if quiet > mean_gap:
        gaps.append(quiet)
        mean_gap = sum(gaps) / len(gaps)
    wanted = int(mean_gap / CHECKS_PER_POST)
    interval = max(settings.min_interval, min(settings.max_interval, wanted))
    return interval, f"posts about every {_duration(mean_gap)}"


def backoff_interval(interval: int, failures: int, settings: ScheduleSettings) -> int:
    """The interval doubled per consecutive failure, capped at max_backoff (never shorter than `interval`)."""
    doublings = min(max(failures, 0), 32)  # 2**32 already exceeds any cap; keeps the number small
    return int(max(interval, min(settings.max_backoff, interval * 2**doublings)))


def jittered(seconds: int, settings: ScheduleSettings, rng: random.Random) -> int:
    """`seconds` plus up to `jitter` of itself, so sources subscribed together drift apart."""
    return int(seconds + rng.uniform(0, settings.jitter) * seconds)


def next_poll(history: PollHistory, now: datetime, settings: ScheduleSettings, rng: random.Random) -> Plan:
    """The plan after a poll: adapt to publishing, back off on failure, never before a server's Retry-After."""
    if history.disabled:
        return Plan(None, 0, "disabled: the server said the feed is gone (HTTP 410); add it again to resume")
    interval, reason = publishing_interval(history.published, now, settings)
    if history.failed:
        base = min(interval, settings.default_interval)  # a failing source is retried from the default rhythm
        interval = backoff_interval(base, history.failures, settings)
        plural = "s" if history.failures != 1 else ""
        reason = f"backing off after {history.failures} failure{plural} in a row"
    elif history.offline:  # back as soon as the network is: nothing says the source itself is failing
        interval = settings.min_interval
        reason = f"no network at the last poll (no source could be reached); trying again in {_duration(interval)}"
    next_at = now + timedelta(seconds=jittered(interval, settings, rng))
    if history.retry_after is not None and history.retry_after >= next_at:
        next_at = history.retry_after
        reason = f"the server asked to wait (Retry-After) until {history.retry_after:%Y-%m-%d %H:%M} UTC"
    return Plan(next_at, interval, reason)


def _duration(seconds: float) -> str:
    """A rough, readable length of time: '3 days', '5 hours', '20 minutes'."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = round(seconds / size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return "minute"
