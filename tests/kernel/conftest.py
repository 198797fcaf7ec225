"""The kernel's service tests' fixtures: the shared appeals and waiting
(`tests/appeal_fixtures.py`)."""
from appeal_fixtures import appeal, office, wait_until  # noqa: F401
