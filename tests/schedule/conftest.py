"""Schedule fixtures: a fake clock starting now."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.schedule.helpers import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    # Starts at the real time: the fetcher stamps Retry-After from the system clock.
    return FakeClock(datetime.now(UTC).replace(microsecond=0))
