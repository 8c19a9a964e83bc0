"""Feed dates, read the way feedparser reads them, as aware UTC datetimes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

# The longest date string read: the longest real form ("Wednesday, 31 December 2025 23:59:59.999 +05:30
# (Indian Standard Time)") is about 70 characters, and every handler's patterns then cost microseconds.
MAX_DATE = 120
# The RFC 822 shape nearly every RSS feed writes, read here in a few microseconds; every other goes to feedparser.
_RFC822 = re.compile(r"(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) "
                     r"(?:GMT|UTC|([+-])(\d{2})(\d{2}))")
_MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def parse_date(raw: object) -> datetime | None:
    """`raw` (RFC 822, W3C/ISO 8601, asctime and the other shapes feedparser knows) in UTC, or None.

    feedparser's handlers are the well-kept reference for feed dates: numeric offsets ("-0500",
    "GMT-01:01"), US zone names ("ET", "PT", "MET", "Etc/GMT"), full weekday and month names, dates
    without a time, Twitter's "Sun Jul 15 01:16:00 +0000 2012" and two-digit ISO years ("03-12-31").
    """
    if not isinstance(raw, str):
        return None
    text = raw.strip()
    if not text or len(text) > MAX_DATE:
        return None
    quick = _common(text)
    if quick is not None:
        return quick
    from feedparser.datetimes import _parse_date

    try:
        parsed = _parse_date(text)
        return datetime(*parsed[:6], tzinfo=UTC) if parsed else None
    except (TypeError, ValueError, OverflowError, IndexError):  # a handler's tuple that is no real date
        return None


def _common(text: str) -> datetime | None:
    """`text` in UTC when it is ISO 8601 with a four-digit year or the usual RFC 822 shape; else None."""
    try:
        if text[:4].isdigit():
            value = datetime.fromisoformat(text)
            value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
            return value.replace(microsecond=0)  # feedparser keeps whole seconds
        rfc822 = _RFC822.fullmatch(text)
        if rfc822 is None or rfc822.group(2) not in _MONTHS:
            return None
        day, _, year, hour, minute, second, sign, zone_hours, zone_minutes = rfc822.groups()
        value = datetime(int(year), _MONTHS[rfc822.group(2)], int(day), int(hour), int(minute), int(second), tzinfo=UTC)
        if sign:
            offset = timedelta(hours=int(zone_hours), minutes=int(zone_minutes))
            value = value - offset if sign == "+" else value + offset
        return value
    except (ValueError, OverflowError):  # "2024-02-30", "2024-03-01T25:00": feedparser has its own ways
        return None
