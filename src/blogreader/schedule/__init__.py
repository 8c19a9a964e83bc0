"""When each source is due: adaptive intervals, backoff and jitter, as pure functions of an injected clock."""

from blogreader.schedule.policy import Plan, PollHistory, next_poll, publishing_interval

__all__ = ["Plan", "PollHistory", "next_poll", "publishing_interval"]
