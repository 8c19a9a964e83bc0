"""Timestamps as the library stores them: ISO 8601 UTC with a Z, second precision."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


def utc_now() -> str:
    return iso(datetime.now(UTC))


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_user_date(value: str, *, end_of_day: bool = False) -> str:
    """A date or datetime typed by a user, as a stored timestamp; a bare date's end is the next midnight."""
    value = value.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            start = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return iso(start + timedelta(days=1) if end_of_day else start)
        return iso(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        raise ValueError(f"{value!r} is not a date; use YYYY-MM-DD or an ISO 8601 time") from None
