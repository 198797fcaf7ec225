"""What the tickets service's tests share: appeals of distinct enterprises, and waiting for
something that happens asynchronously without sleeping blindly (`tests/appeal_fixtures.py`); and
the two stores of a test running the tickets service beside the liaison service."""
import pytest

from appeal_fixtures import appeal, office, wait_until  # noqa: F401


@pytest.fixture
def stores(db_url, make_sqlite_url, make_pg_url):
    """The tickets service's database and the liaison service's, each of its own, of the kind
    under test."""
    second = make_sqlite_url() if db_url.startswith("sqlite") else make_pg_url()
    return db_url, second
