"""What the tickets service's tests share (`tests/appeal_fixtures.py`): appeals of distinct
enterprises, and waiting for something that happens asynchronously without sleeping blindly."""
from appeal_fixtures import appeal, office, wait_until  # noqa: F401
