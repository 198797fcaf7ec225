"""What the policy service's tests that run it beside another service (tickets, liaison) share:
a database each, of the kind under test, and the relay sent round again (`service_logs.py`)."""
import pytest

from service_logs import relay_again  # noqa: F401


@pytest.fixture
def stores(db_url, make_sqlite_url, make_pg_url):
    """The other service and policy each on a database of its own, of the kind under test."""
    second = make_sqlite_url() if db_url.startswith("sqlite") else make_pg_url()
    return db_url, second
