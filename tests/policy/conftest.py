"""What the policy service's tests share (`tests/appeal_fixtures.py`): appeals of distinct
enterprises (for the policy work they ask for), and waiting for something that happens
asynchronously without sleeping blindly; and, for those that run it beside another service, a
database each (`service_pairs.py`)."""
from appeal_fixtures import appeal, office, wait_until  # noqa: F401
from policy.service_pairs import stores  # noqa: F401
