"""PostgreSQL fixtures: one throwaway server per test session (or BLOGREADER_TEST_DATABASE_URL), one fresh
schema per test. Without a server these tests skip and say why."""

from __future__ import annotations

import pytest

from tests.postgres_cluster import cluster_or_skip_reason, fresh_schema_url


@pytest.fixture(scope="session")
def postgres_cluster():
    cluster, why = cluster_or_skip_reason()
    if cluster is None:
        pytest.skip(f"no PostgreSQL for the tests: {why}")
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster) -> str:
    """A superuser URL of the test database."""
    return postgres_cluster.url


@pytest.fixture
def postgres_schema_url(postgres_cluster) -> str:
    """A URL whose connections use a new, empty schema of the test database (search_path)."""
    return fresh_schema_url(postgres_cluster.url)
