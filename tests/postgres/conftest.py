"""PostgreSQL fixtures over the session's throwaway server (`postgres_cluster`, in tests/conftest.py): its URL,
and one fresh schema per test. Without a server these tests skip and say why."""

from __future__ import annotations

import pytest

from postgres_cluster import fresh_schema_url


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster) -> str:
    """A superuser URL of the test database."""
    return postgres_cluster.url


@pytest.fixture
def postgres_schema_url(postgres_cluster) -> str:
    """A URL whose connections use a new, empty schema of the test database (search_path)."""
    return fresh_schema_url(postgres_cluster.url)
